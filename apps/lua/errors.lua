-- Errors: error/pcall/xpcall, error objects, nested handlers, errors raised
-- inside metamethods, and error positions. Every line printed is compared
-- with the natively built interpreter.

local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  print(table.concat(t, " | ", 1, t.n))
end

-- Plain string errors carry "chunk:line:" positions at level 1, none at level 0.
show(pcall(error, "plain", 0))
show(pcall(function() error("with position") end))
show(pcall(function() error("caller position", 2) end))
show(pcall(function() local x = nil; return x.field end))
show(pcall(function() return 1 + {} end))
show(pcall(function() return #5 end))
show(pcall(function() return ("x"):bad() end))
show(pcall(string.rep))
show(pcall(string.format, "%d", 1.5))
show(select("#", pcall(error)))

-- Error objects keep their identity and fields through pcall.
local E = setmetatable({}, { __tostring = function(e) return "E(" .. e.code .. ")" end })
E.__index = E
local function raise(code) error(setmetatable({ code = code }, getmetatable(E))) end
local ok, obj = pcall(raise, 42)
print(ok, type(obj), obj.code, tostring(obj))
ok, obj = pcall(error, { list = { 1, 2, 3 } })
print(ok, #obj.list, obj.list[3])
ok, obj = pcall(error, 17)
print(ok, math.type(obj), obj)
ok, obj = pcall(error, nil)
print(ok, obj)

-- Nested pcall: the inner handler catches, the outer sees a rethrow with more context.
local depth_log = {}
local function nested(n)
  if n == 0 then error("bottom") end
  local inner_ok, msg = pcall(nested, n - 1)
  depth_log[#depth_log + 1] = n .. ":" .. tostring(inner_ok)
  error(msg:gsub("^.-:%d+: ", "") .. "<" .. n, 0)
end
print(pcall(nested, 4))
print(table.concat(depth_log, ","))

-- xpcall handlers see the original error and may transform it; a handler that
-- itself fails is reported, and extra arguments reach the function.
print(xpcall(function(a, b) return a + b end, print, 2, 3))
print(xpcall(function() error({ tag = "obj" }) end, function(e) return "handled " .. e.tag end))
print(xpcall(function() error("boom") end, function(m) return "H:" .. m end))
local tb_ok, tb = xpcall(function() error("deep", 1) end, debug.traceback)
print(tb_ok, (tb:match("^[^\n]*")), tb:find("stack traceback:", 1, true) ~= nil)
print(pcall(xpcall, error, function() error("handler fails") end))

-- Errors inside metamethods propagate through the operator that called them.
local mt = {
  __add = function(a, b) error("no addition for " .. a.name) end,
  __index = function(t, k) if k == "bad" then error("missing key " .. k) end return k .. "!" end,
  __newindex = function(t, k, v) error({ rejected = k }) end,
  __call = function(self, x) if x < 0 then error("negative", 2) end return x * 2 end,
  __lt = function(a, b) error("cannot compare") end,
  __concat = function(a, b) return "joined" end,
  __len = function() error("no length") end,
  __eq = function() error("eq fails") end,
}
local obj1 = setmetatable({ name = "obj1" }, mt)
local obj2 = setmetatable({ name = "obj2" }, mt)
show(pcall(function() return obj1 + 1 end))
show(pcall(function() return obj1.good end))
show(pcall(function() return obj1.bad end))
local nok, nerr = pcall(function() obj1.newfield = 1 end)
print(nok, nerr.rejected, rawget(obj1, "newfield"))
show(pcall(obj1, 21))
show(pcall(function() return obj1(-1) end))
show(pcall(function() return obj1 < obj2 end))
show(pcall(function() return obj1 .. "x" end))
show(pcall(function() return #obj1 end))
show(pcall(function() return obj1 == obj2 end))
show(pcall(tostring, setmetatable({}, { __tostring = function() return 1 end })))
print((tostring(setmetatable({}, { __name = "MyType" })):match("^MyType: ")))

-- __gc and __close: to-be-closed variables run their handlers on error paths too.
local closed = {}
local function closer(name)
  return setmetatable({}, { __close = function(_, err) closed[#closed + 1] = name .. "=" .. tostring(err) end })
end
show(pcall(function()
  local a <close> = closer("a")
  local b <close> = closer("b")
  error("inside close scope", 0)
end))
print(table.concat(closed, ","))
show(pcall(function() local bad <close> = 42 end))

-- String-to-number coercions, division by zero, comparisons, and load errors.
show(pcall(function() return "10" + 5, "3" * "4", "0x10" + 0 end))
show(pcall(function() return "abc" + 1 end))
show(pcall(function() return 1 // 0 end))
show(pcall(function() return 1 % 0 end))
print(1 // 0.0, -1 // 0.0, 0/0 ~= 0/0)
show(pcall(function() return math.tointeger(2^63) end))
show(pcall(function() return 1 < "2" end))
show(pcall(load, "return +"))
show(load("syntax error here"))
show(load("return 1", "=chunk", "b"))
local f = load("local a, b = ... return a * b, debug.getinfo(1, 'S').source")
show(f(6, 7))

-- A runaway recursion is a catchable "stack overflow" error, not a crash.
local function recurse(n) return 1 + recurse(n + 1) end
local sok, serr = pcall(recurse, 1)
print(sok, (serr:match("stack overflow")))

-- Recursion through C functions (pcall, gsub callbacks) uses the C stack;
-- Lua stops it at LUAI_MAXCCALLS with a catchable "C stack overflow" error.
local function layers(n) if n == 0 then return "done" end return select(2, pcall(layers, n - 1)) end
print(layers(150), layers(250))
local function via_gsub(n) return (string.gsub("x", "x", function() return n == 0 and "end" or via_gsub(n - 1) end)) end
print(via_gsub(100), pcall(via_gsub, 300))
