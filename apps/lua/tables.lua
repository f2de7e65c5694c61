-- Tables (array/hash parts, length, insert/remove/move/concat/unpack, sort
-- with and without comparators, metatables) and closures (upvalues shared
-- between closures, per-iteration loop variables, recursion through upvalues).

-- Array operations.
local t = {}
for i = 1, 10 do table.insert(t, i * i) end
table.insert(t, 1, 0)
table.insert(t, 5, -1)
print(#t, table.concat(t, " "))
print(table.remove(t), table.remove(t, 1), table.remove(t, 4), #t, table.concat(t, " "))
print(table.concat(table.move(t, 2, 5, 1, {}), ","), table.concat(table.move({ 1, 2, 3 }, 1, 3, 3), ","))
print(table.unpack({ 1, 2, 3, nil, 5 }, 1, 5))
print(select("#", table.unpack({}, 1, 3)), table.pack(1, nil, 3).n, select(-1, 1, 2, 3), select(2, "a", "b", "c"))
print(pcall(table.insert, t, 100, 1), pcall(table.concat, { 1, {}, 3 }))
print(#"", #{ 1, 2, 3 }, #{ n = 1 }, rawlen({ 1, 2 }), rawequal(t, t), next({}))

-- Sorting: numbers, strings, custom comparator, stability-independent
-- checks (ties broken by a second key), and an invalid comparator.
local nums = {}
local seed = 12345
for i = 1, 2000 do
  seed = (seed * 1103515245 + 12345) % 2147483648
  nums[i] = seed % 1000
end
table.sort(nums)
local sorted = true
for i = 2, #nums do if nums[i - 1] > nums[i] then sorted = false end end
print(sorted, nums[1], nums[1000], nums[2000])
table.sort(nums, function(a, b) return a > b end)
print(nums[1], nums[2000])
local names = { "pear", "Apple", "banana", "cherry", "apple", "Banana", "fig", "date" }
table.sort(names)
print(table.concat(names, " "))
table.sort(names, function(a, b) return a:lower() < b:lower() or (a:lower() == b:lower() and a < b) end)
print(table.concat(names, " "))
local people = {
  { name = "ann", age = 31 }, { name = "bob", age = 25 }, { name = "cid", age = 31 },
  { name = "dee", age = 19 }, { name = "eve", age = 25 },
}
table.sort(people, function(a, b) if a.age ~= b.age then return a.age < b.age end return a.name < b.name end)
local line = {}
for _, p in ipairs(people) do line[#line + 1] = p.name .. p.age end
print(table.concat(line, " "))
print(pcall(table.sort, { 3, 1, "x" }))
local mixed = { 3.5, 1, 2.25, -7, 10, 0 }
table.sort(mixed)
print(table.concat(mixed, " "))

-- Hash part: integer-like float keys normalise, and iteration covers every
-- key exactly once (printed in sorted order since hash order is unspecified).
local h = { [1.0] = "one", [2] = "two", x = 1, y = 2, [true] = "t" }
h[3.0] = "three"
print(h[1], h[3], math.type(next({ [2.0] = 1 })), h[true])
local keys = {}
for k in pairs({ alpha = 1, beta = 2, gamma = 3, delta = 4, [10] = 5, [20] = 6 }) do keys[#keys + 1] = tostring(k) end
table.sort(keys)
print(table.concat(keys, ","))
local big = {}
for i = 1, 100000 do big["k" .. i] = i end
local count, sum = 0, 0
for _, v in pairs(big) do count, sum = count + 1, sum + v end
for i = 1, 100000, 2 do big["k" .. i] = nil end
local left = 0
for _ in pairs(big) do left = left + 1 end
print(count, sum, left)
print(pcall(function() local z = {}; z[0 / 0] = 1 end), pcall(rawset, {}, nil, 1))

-- Metatables: __index chains (inheritance), __newindex proxies, __len,
-- __eq, __lt, __le, __concat, __call, __tostring, __pairs, __unm, __idiv, __band, __shl.
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound) return setmetatable({ name = name, sound = sound }, Animal) end
function Animal:speak() return self.name .. " says " .. self.sound end
local Dog = setmetatable({}, { __index = Animal })
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name, "woof"); return setmetatable(d, Dog) end
function Dog:fetch() return self.name .. " fetches" end
local rex = Dog.new("rex")
print(rex:speak(), rex:fetch(), getmetatable(rex) == Dog, rawget(rex, "speak"))

local V = {}
V.__index = V
local function vec(x, y) return setmetatable({ x = x, y = y }, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x * a.x + a.y * a.y < b.x * b.x + b.y * b.y end
V.__le = function(a, b) return not (b < a) end
V.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
V.__len = function(v) return math.sqrt(v.x * v.x + v.y * v.y) end
V.__unm = function(v) return vec(-v.x, -v.y) end
V.__concat = function(a, b) return tostring(a) .. tostring(b) end
V.__call = function(v, k) return v.x * k, v.y * k end
V.__idiv = function(a, k) return vec(a.x // k, a.y // k) end
V.__band = function(a, b) return vec(a.x & b.x, a.y & b.y) end
V.__shl = function(a, n) return vec(a.x << n, a.y << n) end
local a, b = vec(3, 4), vec(1, 2)
print(tostring(a + b), a == vec(3, 4), a ~= b, b < a, a <= b, #a, tostring(-a), a .. b, a(10))
print(tostring(a // 2), tostring(a & b), tostring(b << 3))

local log = {}
local proxy = setmetatable({}, {
  __index = function(_, k) log[#log + 1] = "get " .. k; return k:upper() end,
  __newindex = function(tbl, k, v) log[#log + 1] = "set " .. k; rawset(tbl, k, v * 2) end,
  __pairs = function(tbl) return function(_, k) if not k then return "only", 1 end end, tbl, nil end,
})
proxy.a = 5
print(proxy.a, proxy.b, table.concat(log, ";"))
for k, v in pairs(proxy) do print("pairs", k, v) end

-- Weak tables drop collected keys after a full collection.
local weak = setmetatable({}, { __mode = "k" })
do weak[{}] = 1; weak[{}] = 2 end
local strong = {}
weak[strong] = 3
collectgarbage(); collectgarbage()
local wcount = 0
for _ in pairs(weak) do wcount = wcount + 1 end
print(wcount, weak[strong])

-- Closures: shared upvalues, per-iteration loop variables, counters,
-- memoisation, recursion through a local upvalue, varargs.
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end, function(v) n = v end
end
local inc, get, set = counter()
inc(); inc()
set(10)
inc()
print(get())
local fns = {}
for i = 1, 5 do fns[i] = function() return i * 10 end end
local j = 0
while j < 3 do
  j = j + 1
  local k = j
  fns[#fns + 1] = function() return k end
end
local vals = {}
for _, f in ipairs(fns) do vals[#vals + 1] = f() end
print(table.concat(vals, " "))
local function memoize(f)
  local cache, calls = {}, 0
  return function(n)
    if cache[n] == nil then calls = calls + 1; cache[n] = f(n) end
    return cache[n]
  end, function() return calls end
end
local fib, fib_calls
fib, fib_calls = memoize(function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end)
print(fib(90), fib_calls())
local function compose(...)
  local fs = table.pack(...)
  return function(x) for i = fs.n, 1, -1 do x = fs[i](x) end return x end
end
print(compose(function(x) return x + 1 end, function(x) return x * 2 end, math.abs)(-5))
local function varsum(...)
  local total = 0
  for i = 1, select("#", ...) do total = total + (select(i, ...) or 0) end
  return total, select("#", ...)
end
print(varsum(1, 2, nil, 4), varsum())
local function curry(f, n, ...)
  local args = table.pack(...)
  if args.n >= n then return f(table.unpack(args, 1, args.n)) end
  return function(...) local more = table.pack(...)
    local all = table.move(more, 1, more.n, args.n + 1, table.move(args, 1, args.n, 1, {}))
    return curry(f, n, table.unpack(all, 1, args.n + more.n))
  end
end
print(curry(function(x, y, z) return x * 100 + y * 10 + z end, 3)(1)(2, 3))
-- Upvalues seen and changed through the debug library.
local function make() local secret = "s3cr3t"; return function() return secret end end
local f1 = make()
print(debug.getupvalue(f1, 1), f1())
debug.setupvalue(f1, 1, "changed")
print(f1(), debug.upvalueid(f1, 1) ~= nil)
