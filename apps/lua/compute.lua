-- A compute-heavy workload whose checksums must match exactly: a prime
-- sieve, fannkuch (integer array shuffling), the n-body simulation (float
-- arithmetic and sqrt), and string hashing with table churn (GC pressure).
-- Usage: lua compute.lua [SCALE]   (default 1; docs/apps.md times SCALE=4)

local scale = tonumber(arg and arg[1]) or 1

local function sieve(limit)
  local composite, count, last = {}, 0, 0
  for i = 2, limit do
    if not composite[i] then
      count, last = count + 1, i
      for j = i * i, limit, i do composite[j] = true end
    end
  end
  return count, last
end

local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  local max_flips, checksum, permutations = 0, 0, 0
  for i = 0, n - 1 do perm1[i] = i end
  local r = n
  while true do
    while r ~= 1 do count[r - 1] = r; r = r - 1 end
    for i = 0, n - 1 do perm[i] = perm1[i] end
    local flips = 0
    local k = perm[0]
    while k ~= 0 do
      local i, j = 0, k
      while i < j do perm[i], perm[j] = perm[j], perm[i]; i, j = i + 1, j - 1 end
      flips = flips + 1
      k = perm[0]
    end
    if flips > max_flips then max_flips = flips end
    checksum = checksum + (permutations % 2 == 0 and flips or -flips)
    permutations = permutations + 1
    while true do
      if r == n then return checksum, max_flips, permutations end
      local perm0 = perm1[0]
      for i = 0, r - 1 do perm1[i] = perm1[i + 1] end
      perm1[r] = perm0
      count[r] = count[r] - 1
      if count[r] > 0 then break end
      r = r + 1
    end
  end
end

local function nbody(steps)
  local pi, days = math.pi, 365.24
  local solar_mass = 4 * pi * pi
  local bodies = {
    { x = 0, y = 0, z = 0, vx = 0, vy = 0, vz = 0, mass = solar_mass },
    { x = 4.84143144246472090e+00, y = -1.16032004402742839e+00, z = -1.03622044471123109e-01,
      vx = 1.66007664274403694e-03 * days, vy = 7.69901118419740425e-03 * days, vz = -6.90460016972063023e-05 * days,
      mass = 9.54791938424326609e-04 * solar_mass },
    { x = 8.34336671824457987e+00, y = 4.12479856412430479e+00, z = -4.03523417114321381e-01,
      vx = -2.76742510726862411e-03 * days, vy = 4.99852801234917238e-03 * days, vz = 2.30417297573763929e-05 * days,
      mass = 2.85885980666130812e-04 * solar_mass },
    { x = 1.28943695621391310e+01, y = -1.51111514016986312e+01, z = -2.23307578892655734e-01,
      vx = 2.96460137564761618e-03 * days, vy = 2.37847173959480950e-03 * days, vz = -2.96589568540237556e-05 * days,
      mass = 4.36624404335156298e-05 * solar_mass },
    { x = 1.53796971148509165e+01, y = -2.59193146099879641e+01, z = 1.79258772950371181e-01,
      vx = 2.68067772490389322e-03 * days, vy = 1.62824170038242295e-03 * days, vz = -9.51592254519715870e-05 * days,
      mass = 5.15138902046611451e-05 * solar_mass },
  }
  local function energy()
    local e = 0
    for i = 1, #bodies do
      local b = bodies[i]
      e = e + 0.5 * b.mass * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz)
      for j = i + 1, #bodies do
        local b2 = bodies[j]
        local dx, dy, dz = b.x - b2.x, b.y - b2.y, b.z - b2.z
        e = e - b.mass * b2.mass / math.sqrt(dx * dx + dy * dy + dz * dz)
      end
    end
    return e
  end
  local px, py, pz = 0, 0, 0
  for _, b in ipairs(bodies) do px, py, pz = px + b.vx * b.mass, py + b.vy * b.mass, pz + b.vz * b.mass end
  bodies[1].vx, bodies[1].vy, bodies[1].vz = -px / solar_mass, -py / solar_mass, -pz / solar_mass
  local before = energy()
  local n, dt = #bodies, 0.01
  for _ = 1, steps do
    for i = 1, n do
      local b = bodies[i]
      for j = i + 1, n do
        local b2 = bodies[j]
        local dx, dy, dz = b.x - b2.x, b.y - b2.y, b.z - b2.z
        local d2 = dx * dx + dy * dy + dz * dz
        local mag = dt / (d2 * math.sqrt(d2))
        local bm, b2m = b.mass * mag, b2.mass * mag
        b.vx, b.vy, b.vz = b.vx - dx * b2m, b.vy - dy * b2m, b.vz - dz * b2m
        b2.vx, b2.vy, b2.vz = b2.vx + dx * bm, b2.vy + dy * bm, b2.vz + dz * bm
      end
    end
    for i = 1, n do
      local b = bodies[i]
      b.x, b.y, b.z = b.x + dt * b.vx, b.y + dt * b.vy, b.z + dt * b.vz
    end
  end
  return before, energy()
end

local function string_churn(rounds)
  local hash, distinct = 5381, {}
  for i = 1, rounds do
    local s = ("k%d:%x"):format(i % 5003, i * 2654435761 % 4294967296)
    for c = 1, #s do hash = (hash * 33 + s:byte(c)) % 4294967296 end
    distinct[s:sub(1, s:find(":") - 1)] = i
  end
  local keys = 0
  for _ in pairs(distinct) do keys = keys + 1 end
  return hash, keys
end

print("sieve", sieve(500000 * scale))
print("fannkuch", fannkuch(scale >= 4 and 9 or 8))
print("nbody", string.format("%.9f %.9f", nbody(50000 * scale)))
print("strings", string_churn(100000 * scale))
