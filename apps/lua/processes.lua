-- Child processes: os.execute and io.popen run /bin/sh (fork, exec, wait and
-- pipes underneath), and report how the child ended.

print(os.execute())
print(os.execute("exit 0"))
print(os.execute("exit 3"))
print(os.execute("kill -9 $$"))
print(os.execute("echo from a child: $TZ"))
io.stdout:flush()

-- Reading a child's output, and its exit status from close.
local reader = assert(io.popen("printf 'a\\nb\\n'; exit 5"))
print(reader:read("l"), reader:read("l"), reader:read("l"), reader:close())
local lines = {}
for line in io.popen("seq 1 5"):lines() do lines[#lines + 1] = line * 2 end
print(table.concat(lines, " "))

-- Writing to a child's input; the child writes a file we then read.
local writer = assert(io.popen("wc -c > popen_count.txt", "w"))
writer:write(("x"):rep(100000))
print(writer:close())
local count_file = assert(io.open("popen_count.txt"))
print(count_file:read("n"))
count_file:close()
print(os.remove("popen_count.txt"))

-- Many short-lived children in a row.
local total = 0
for i = 1, 20 do
  local p = io.popen("echo " .. i)
  total = total + p:read("n")
  p:close()
end
print(total)
