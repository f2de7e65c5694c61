-- The Lua workload of the allocator comparison (bench/alloc/bench.py).
-- Allocation-heavy Lua: binary trees (tables) and string building.
local function bottom_up(d)
  if d == 0 then return {} end
  d = d - 1
  return { bottom_up(d), bottom_up(d) }
end
local function check(t)
  if t[1] then return 1 + check(t[1]) + check(t[2]) end
  return 1
end
local N = tonumber(arg and arg[1]) or 15
local long = bottom_up(N)
local total = 0
for d = 4, N, 2 do
  local iters = 1 << (N - d + 4)
  local c = 0
  for _ = 1, iters do c = c + check(bottom_up(d)) end
  total = total + c
end
total = total + check(long)
-- strings: concatenation, formatting, gsub, table.concat
local parts = {}
for i = 1, 200000 do
  parts[#parts + 1] = string.format("%d:%s", i, ("x"):rep(i % 40))
end
local s = table.concat(parts, ",")
local n = 0
for w in s:gmatch("%d+:x+") do n = n + #w end
local acc = ""
for i = 1, 20000 do acc = acc .. tostring(i) if #acc > 4096 then acc = acc:sub(-100) end end
print(total, #s, n, #acc)
