-- Spectral norm: floating point loops over arrays (tables used as vectors).
local function a(i, j)
  local ij = i + j - 1
  return 1.0 / (ij * (ij - 1) * 0.5 + i)
end

local function av(x, y, n)
  for i = 1, n do
    local s = 0.0
    for j = 1, n do s = s + a(i, j) * x[j] end
    y[i] = s
  end
end

local function atv(x, y, n)
  for i = 1, n do
    local s = 0.0
    for j = 1, n do s = s + a(j, i) * x[j] end
    y[i] = s
  end
end

local function atav(x, y, t, n)
  av(x, t, n)
  atv(t, y, n)
end

local n = tonumber(arg and arg[1]) or 500
local u, v, t = {}, {}, {}
for i = 1, n do u[i] = 1.0 end
for _ = 1, 10 do
  atav(u, v, t, n)
  atav(v, u, t, n)
end
local vbv, vv = 0.0, 0.0
for i = 1, n do
  local vi = v[i]
  vbv = vbv + u[i] * vi
  vv = vv + vi * vi
end
print(string.format("%0.9f", math.sqrt(vbv / vv)))
