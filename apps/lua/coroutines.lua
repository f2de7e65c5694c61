-- Coroutines: resume/yield value passing, wrap, status, isyieldable, running,
-- errors raised inside coroutines, close, and yields across pcall and
-- metamethods (Lua 5.4 allows both).

local co = coroutine.create(function(a, b)
  print("start", a, b, coroutine.isyieldable(), coroutine.status(coroutine.running()))
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "finished", d + e
end)
print(coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co))
print(coroutine.resume(co))
print(coroutine.isyieldable())
local main, ismain = coroutine.running()
print(type(main), ismain)

-- Generators through wrap.
local function range(n, step)
  return coroutine.wrap(function()
    for i = 1, n, step or 1 do coroutine.yield(i, i * i) end
    return nil
  end)
end
local acc = {}
for i, sq in range(10, 3) do acc[#acc + 1] = i .. "^2=" .. sq end
print(table.concat(acc, " "))

-- Permutations generator (recursive yields from nested calls).
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a) else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local perms = {}
for p in coroutine.wrap(function() permgen({ "a", "b", "c", "d" }) end) do perms[#perms + 1] = table.concat(p) end
print(#perms, perms[1], perms[7], perms[24])

-- Errors inside coroutines: resume returns false + the error object; the
-- coroutine is dead afterwards; wrap propagates the error to the caller.
local failing = coroutine.create(function(x)
  coroutine.yield(x)
  error({ reason = "inside", value = x })
end)
print(coroutine.resume(failing, 5))
local ok, err = coroutine.resume(failing)
print(ok, type(err), err.reason, err.value, coroutine.status(failing))
print(coroutine.resume(failing))
local wrapped = coroutine.wrap(function() error("wrapped failure") end)
print(pcall(wrapped))
local string_err = coroutine.create(function() local t = nil; return t.x end)
print(coroutine.resume(string_err))
print(pcall(coroutine.resume, nil))
print(coroutine.resume(coroutine.running()))

-- Yielding across pcall inside the coroutine, with the error caught inside.
local across = coroutine.create(function()
  local pok, perr = pcall(function()
    local v = coroutine.yield("in pcall")
    error("after yield: " .. v)
  end)
  coroutine.yield(pok, perr)
  return "end"
end)
print(coroutine.resume(across))
print(coroutine.resume(across, "resumed"))
print(coroutine.resume(across))
print(coroutine.status(across))

-- Yield from inside a metamethod and from inside table.sort's comparator (C boundary: must error).
local yieldy = setmetatable({}, { __index = function(_, k) return coroutine.yield(k) end })
local meta_co = coroutine.create(function() return "value is " .. yieldy.answer end)
print(coroutine.resume(meta_co))
print(coroutine.resume(meta_co, 42))
local sort_co = coroutine.create(function()
  table.sort({ 3, 2, 1 }, function(a, b) coroutine.yield() return a < b end)
end)
print(coroutine.resume(sort_co))

-- coroutine.close on suspended coroutines runs pending to-be-closed variables.
local log = {}
local closable = coroutine.create(function()
  local r <close> = setmetatable({}, { __close = function() log[#log + 1] = "closed" end })
  coroutine.yield(1)
  log[#log + 1] = "not reached"
end)
print(coroutine.resume(closable))
print(coroutine.close(closable), coroutine.status(closable), table.concat(log, ","))
print(coroutine.close(coroutine.create(print)))
local dead_err = coroutine.create(function() error("x", 0) end)
coroutine.resume(dead_err)
print(coroutine.close(dead_err))

-- Many coroutines alive at once, interleaved (a round-robin scheduler).
local tasks, trace = {}, {}
for id = 1, 5 do
  tasks[id] = coroutine.create(function()
    for step = 1, id do
      trace[#trace + 1] = id .. "." .. step
      coroutine.yield()
    end
  end)
end
local alive = #tasks
while alive > 0 do
  alive = 0
  for id = 1, #tasks do
    if coroutine.status(tasks[id]) ~= "dead" then
      assert(coroutine.resume(tasks[id]))
      alive = alive + 1
    end
  end
end
print(#trace, table.concat(trace, " "))

-- Deep nesting: a coroutine resuming a coroutine resuming ...
local function chain(n)
  if n == 0 then return "bottom" end
  local c = coroutine.create(chain)
  local _, v = coroutine.resume(c, n - 1)
  return v .. "<" .. n
end
print(chain(30))

-- A producer/consumer pipeline with a filter in the middle.
local function producer()
  return coroutine.create(function()
    for _, w in ipairs({ "alpha", "beta", "gamma", "delta", "epsilon" }) do coroutine.yield(w) end
  end)
end
local function filter(src)
  return coroutine.create(function()
    while true do
      local _, w = coroutine.resume(src)
      if not w then return end
      if #w > 4 then coroutine.yield(w:upper()) end
    end
  end)
end
local consumer = filter(producer())
local out = {}
while true do
  local _, w = coroutine.resume(consumer)
  if not w then break end
  out[#out + 1] = w
end
print(table.concat(out, ","))
