-- Strings: building with concatenation and table.concat, gsub with patterns
-- and a function, find/match, string.format, and a word count in a table.
local words = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta" }
local n = tonumber(arg and arg[1]) or 200000
local parts = {}
local seed = 42
for i = 1, n do
  seed = (seed * 1103515245 + 12345) % 2147483648
  parts[i] = string.format("%s-%d", words[(seed >> 16) % #words + 1], (seed >> 8) % 1000)
end
local text = table.concat(parts, " ")
-- Upper-case every word that starts with a vowel, double the digits.
local changed, count = text:gsub("(%a+)%-(%d+)", function(w, d)
  if w:find("^[aeiou]") then return w:upper() .. "-" .. d .. d end
end)
local freq = {}
for w in changed:gmatch("%a+") do freq[w] = (freq[w] or 0) + 1 end
local keys = {}
for k in pairs(freq) do keys[#keys + 1] = k end
table.sort(keys)
local out = {}
for _, k in ipairs(keys) do out[#out + 1] = k .. "=" .. freq[k] end
-- A string built byte by byte with .. (quadratic-free: chunks of 100).
local acc = {}
for i = 1, n // 100 do
  local s = ""
  for j = 1, 100 do s = s .. string.char(97 + (i + j) % 26) end
  acc[i] = s:reverse():sub(2, 50)
end
local joined = table.concat(acc)
local sum = 0
for i = 1, #joined, 7 do sum = sum + joined:byte(i) end
print(count, #changed, table.concat(out, ","), #joined, sum)
