-- Integer and float arithmetic: wraparound, floor division and modulo
-- signs, conversions, bitwise operators, the math library (libm), and the
-- seeded xoshiro256** generator.

local maxi, mini = math.maxinteger, math.mininteger
print(maxi, mini, maxi + 1 == mini, mini - 1 == maxi, -mini == mini, maxi * 2, mini // -1)
print(7 // 2, -7 // 2, 7 // -2, -7 // -2, 7 % 3, -7 % 3, 7 % -3, -7 % -3)
print(7.0 // 2, -7.0 // 2, 7.5 % 2, -7.5 % 2, 7.5 % -2, 5.3 % 1, -0.0 % 1, math.fmod(-7, 3), math.fmod(7, -3))
print(pcall(math.fmod, 1, 0), math.fmod(1, 0.0) ~= math.fmod(1, 0.0), math.fmod(mini, -1))
print(1 / 0, -1 / 0, 0 / 0 ~= 0 / 0, 3 / 2, 4 / 2, math.type(4 / 2), 2 ^ 10, math.type(2 ^ 10), 10 // 3.0)
print(1e308 * 10, -1e308 * 10, 5e-324, 5e-324 / 2, 2 ^ -1074, 2 ^ 1023 * 2)
print(3 | 5, 3 & 5, 3 ~ 5, ~0, 1 << 62, 1 << 63, 1 << 64, -1 >> 1, -1 >> 63, 2 >> -1, 2.0 | 1)
print(pcall(function() return 1.5 | 0 end))
print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger("8"), math.tointeger(2 ^ 53), math.tointeger(-2 ^ 63))
print(math.floor(3.7), math.floor(-3.7), math.ceil(3.2), math.ceil(-3.2), math.floor(2 ^ 62), math.floor(2 ^ 70), math.type(math.floor(2 ^ 70)))
print(math.abs(mini), math.abs(-0.0), math.max(1, 5.5, -3), math.min(4, 2, 9), math.max(mini, maxi), math.ult(1, -1), math.ult(-1, 1))
print(1 == 1.0, math.type(1), math.type(1.0), math.type("1"), 2 ^ 53 == 2 ^ 53 + 1, maxi + 0.0 == 2 ^ 63, maxi < 2 ^ 63, mini <= -2 ^ 63)
print(1 < 1.5, 9007199254740993 < 9007199254740992.0, 9007199254740993 == 9007199254740992.0, -0.0 == 0.0, 1 / -0.0)

-- libm functions, printed with 17 significant digits so any rounding difference shows.
local function p17(...)
  local out = {}
  for i = 1, select("#", ...) do out[i] = string.format("%.17g", (select(i, ...))) end
  print(table.concat(out, " "))
end
p17(math.sqrt(2), math.sqrt(1e-300), math.exp(1), math.exp(-745), math.exp(710), math.log(10), math.log(8, 2), math.log(100, 10), math.log(0))
p17(math.sin(1), math.cos(1), math.tan(1), math.asin(0.5), math.acos(0.5), math.atan(1), math.atan(1, -1), math.atan(-0.0, -1))
p17(math.sin(1e22), math.cos(1e22), math.sin(math.pi), math.cos(math.pi / 2), math.huge, -math.huge, math.pi)
p17(2 ^ 0.5, 10 ^ -2, (-8) ^ (1 / 3), 0 ^ 0, math.exp(0.5) ^ 2, 1.0000001 ^ 1e7)
local mf_int, mf_frac = math.modf(3.75)
local mn_int, mn_frac = math.modf(-3.75)
print(mf_int, mf_frac, mn_int, mn_frac, math.modf(math.huge), math.modf(5))

-- Parsing and printing numerals.
print(0x10, 0xff, 0x7fffffffffffffff, 0xffffffffffffffff, 0x1p-2, 0xA.8p0, 1e2, .5, 3., 0x.1)
print(100000000000000000000, 1e15, 1e16, 123456789012345678)
print(tostring(1 / 3), tostring(-1 / 3), tostring(2 ^ 63), tostring(1e-310), string.format("%.14g", 0.1 * 3))

-- Integer overflow and for loops at the edges of the integer range.
local n = 0
for i = maxi - 2, maxi do n = n + 1 end
for i = mini, mini + 2 do n = n + 1 end
for i = 1, 0 do n = n + 100 end
for i = 1.0, 2.0, 0.25 do n = n + 1 end
for i = 10, 1, -3 do n = n + 1 end
print(n, pcall(function() for i = 1, 10, 0 do end end))

-- The seeded PRNG gives the same sequence on every platform.
math.randomseed(42)
local r = {}
for i = 1, 5 do r[#r + 1] = math.random(1, 100) end
for i = 1, 3 do r[#r + 1] = string.format("%.10f", math.random()) end
r[#r + 1] = math.random(0)
r[#r + 1] = math.random(mini, maxi)
print(table.concat(r, " "))
math.randomseed(7, 11)
print(math.random(1000000), math.random(3), pcall(math.random, 2, 1))

-- Sums that depend on exact IEEE rounding.
local kahan, plain, c = 0.0, 0.0, 0.0
for i = 1, 100000 do
  local x = 1 / i
  plain = plain + x
  local y = x - c
  local t = kahan + y
  c = (t - kahan) - y
  kahan = t
end
p17(plain, kahan)
local isum = 0
for i = 1, 1000000 do isum = isum + i * i end
print(isum, isum * isum, 3 * 0.1 == 0.3, math.abs(3 * 0.1 - 0.3) < 1e-15)
