-- Binary trees: allocation of many small tables and the garbage collector.
local function make(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { make(depth), make(depth) }
end

local function check(tree)
  if tree[1] then return 1 + check(tree[1]) + check(tree[2]) end
  return 1
end

local maxdepth = tonumber(arg and arg[1]) or 16
local mindepth = 4
local stretch = maxdepth + 1
print(string.format("stretch tree of depth %d\t check: %d", stretch, check(make(stretch))))
local longlived = make(maxdepth)
for depth = mindepth, maxdepth, 2 do
  local iterations = 1 << (maxdepth - depth + mindepth)
  local sum = 0
  for _ = 1, iterations do sum = sum + check(make(depth)) end
  print(string.format("%d\t trees of depth %d\t check: %d", iterations, depth, sum))
end
print(string.format("long lived tree of depth %d\t check: %d", maxdepth, check(longlived)))
