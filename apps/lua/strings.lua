-- The string library and string.format (which goes through the C library's
-- snprintf for numbers), patterns, packing, utf8.

local s = "The quick brown fox jumps over the lazy dog"
print(#s, s:upper(), s:lower())
print(s:sub(5, 9), s:sub(-3), s:sub(-8, -5), s:sub(0), s:sub(100), ("x"):rep(0), ("ab"):rep(3, "-"))
print(s:byte(1, 3), string.char(72, 105, 33), s:reverse())
print(s:find("fox"), s:find("o", 20), s:find("%s%a+$"), s:find(".", 1, true), s:find("xyz"))
print(s:match("(%a+) (%a+)$"), s:match("()ow()"), s:match("q(u)(i)"))
print(s:gsub("o", "0"), s:gsub("%w+", "<%0>", 3))
print(("hello world"):gsub("(%w+) (%w+)", "%2 %1"))
print(("abc"):gsub("", "-"))
print(("$name is $age"):gsub("%$(%w+)", { name = "Lua", age = 30 }))
print(("1 2 3 4"):gsub("%d", function(d) return d * d end))
print(("x = 1, y = 22, z = 333"):gsub("(%w+) = (%d+)", "%1:%2"))
local words = {}
for w in s:gmatch("%a+") do words[#words + 1] = w:len() end
print(table.concat(words, ","))
local kv = {}
for k, v in ("a=1, b=22, ccc=333"):gmatch("(%w+)=(%w+)") do kv[#kv + 1] = k .. "->" .. v end
print(table.concat(kv, " "))
print(("THE (quick) fox"):find("%((%a+)%)"))
print(("key = [[value]]"):match("%[%[(.-)%]%]"), ("f(a(b)c)d"):match("%b()"), ("  trim me  "):match("^%s*(.-)%s*$"))
print(("THE (quick) fox"):match("%f[%a]%a+"), ("hello"):match(".-(l+)(.*)"))
print(pcall(string.rep, "x", -1), select(2, pcall(string.match, "x", "(")))
print(("%d items"):format(3), tostring(12):len(), ("abc" < "abd"), ("Z" < "a"), ("" < "a"))

-- string.format covering integer, float, string and quoting conversions.
print(string.format("[%5d] [%-5d] [%05d] [%+d] [% d] [%x] [%X] [%#x] [%o] [%c]", 42, 42, 42, 42, 42, 255, 255, 255, 8, 65))
print(string.format("[%d] [%d] [%i]", math.maxinteger, math.mininteger, -0))
print(string.format("[%f] [%.3f] [%10.2f] [%-10.2f|] [%e] [%.2E] [%g] [%g] [%g]", math.pi, math.pi, -math.pi, math.pi, 123456.789, 0.000123, 1e20, 1e-5, 100))
print(string.format("[%.0f] [%.0f] [%.0f] [%.1f] [%.15g] [%.17g]", 0.5, 1.5, 2.5, 0.05, 0.1, 0.1))
print(string.format("[%g] [%g] [%g] [%.3g] [%#g] [%g]", 1 / 0, -1 / 0, 2 ^ 53, 2 / 3, 1.0, -0.0))
print(string.format("[%a] [%a] [%a] [%.3a]", 1.0, 0.1, -2.5, math.pi))
print(string.format("[%s] [%10s] [%-10s|] [%.3s] [%s] [%s] [%s]", "str", "right", "left", "truncate", 12, 1.5, true))
print(string.format("%q", 'a "quoted"\n string\0 with \\ and \r\t control\1 bytes'))
print(string.format("%q %q %q %q", 1 / 0, -1 / 0, math.mininteger, 0.1))
print(string.format("%5.1s|%%|%-3c|", "abc", 66))
print(select(2, pcall(string.format, "%d", "x")), select(2, pcall(string.format, "%z", 1)))
print(pcall(string.format, "%10.123f", 1))
print(string.format("%.99f", 1 / 3):len(), string.format("%099d", 7):len())
print(string.format("%s %s", 1e15, 1e16), 2 ^ 63, -2 ^ 63, 1e300 * 1e10, 123456789012 * 1.0)
print(tostring(0.1 + 0.2), 100 // 1.0, 3 / 2, 7 // 2, -7 // 2, 7 % -3, -7 % 3, 7.5 % 2)

-- Number <-> string conversions.
print(tonumber("0x1p4"), tonumber("  10  "), tonumber("10", 2), tonumber("zz", 36), tonumber("1e2"), tonumber(""), tonumber("0x"), tonumber("1 2"))
print(tonumber("7fffffffffffffff", 16), tonumber("8000000000000000", 16), tonumber("-0x10"), math.type(tonumber("10")), math.type(tonumber("10.0")))
print(tostring(1e100), tostring(-1.5e-7), tostring(2 ^ 24), 9007199254740993, 0x7fffffffffffffff + 1)

-- string.pack / unpack.
local packed = string.pack("<i4 >i2 z s1 d B", -2, 513, "zs", "len", 2.5, 255)
print(#packed, string.unpack("<i4 >i2 z s1 d B", packed))
print(string.packsize("i4 i8 d"), pcall(string.pack, "i17", 1))
print(string.unpack("<I3", "\1\2\3"), string.pack(">I2", 0x4142))

-- utf8 library.
local u = "héllo wörld ✓"
print(#u, utf8.len(u), utf8.char(72, 233, 0x2713, 0x1F600), utf8.codepoint(u, 1, 3))
local cps = {}
for p, c in utf8.codes("añ✓") do cps[#cps + 1] = p .. ":" .. c end
print(table.concat(cps, " "), utf8.offset(u, 3), utf8.len("\xff"), utf8.charpattern)

-- Building big strings (exercises realloc growth in luaL_Buffer).
local parts = {}
for i = 1, 20000 do parts[i] = string.format("%05d", i) end
local big = table.concat(parts)
print(#big, big:sub(1, 10), big:sub(-10), select(2, big:gsub("00", "")))
local rep = ("abc"):rep(100000)
print(#rep, rep:find("cab", 299990, true), #rep:upper())
