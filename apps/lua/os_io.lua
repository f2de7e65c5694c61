-- os.time/os.date with fixed arguments (run with TZ=UTC so local time is
-- UTC too), file I/O through the io library (write, read formats, lines,
-- seek, append, buffering modes), stdin, and os file operations.
-- Work files are created in the current directory.

-- Dates: UTC ("!") formats, the "*t" table form, os.time normalisation.
local stamps = { 0, 86399, 951782400, 1234567890, 2147483647, 4102444800, -86400 }
for _, t in ipairs(stamps) do
  print(t, os.date("!%Y-%m-%d %H:%M:%S %a %A %b %B %j %w %U %W %y %p %I %%", t))
end
print(os.date("!%c|%x|%X|%D|%e|%F|%R|%T|%u|%V|%G|%g|%h|%n|%t|%C", 1234567890))
local tt = os.date("!*t", 1234567890)
print(tt.year, tt.month, tt.day, tt.hour, tt.min, tt.sec, tt.wday, tt.yday, tt.isdst)
print(os.time({ year = 2009, month = 2, day = 13, hour = 23, min = 31, sec = 30 }))
print(os.time({ year = 2024, month = 2, day = 29, hour = 12 }), os.time({ year = 2024, month = 13, day = 1, hour = 0 }))
print(os.time({ year = 2000, month = 1, day = 0, hour = 0 }), os.time({ year = 2000, month = 3, day = 1, hour = -1, min = 90 }))
local norm = { year = 2021, month = 14, day = 35, hour = 25, min = 61, sec = 61, isdst = false }
local norm_t = os.time(norm)
print(norm_t, norm.year, norm.month, norm.day, norm.hour, norm.min, norm.sec, norm.yday, norm.wday)
print(os.date("%Y-%m-%d %H:%M:%S", norm_t), os.date("*t", 0).hour, os.difftime(1234567890, 1234567800))
print(select(2, pcall(os.date, "%Ez", 0)), select(2, pcall(os.date, "%", 0)), select(2, pcall(os.time, { year = 2000 })))
print(type(os.time()), os.time() > 1600000000, type(os.clock()), os.clock() >= 0)
print(os.getenv("TZ"), os.getenv("LAMINA_SURELY_UNSET_VARIABLE"))

-- Writing a file with every kind of value io.write accepts.
local name = "io_test_data.txt"
local f = assert(io.open(name, "w"))
print(io.type(f), io.type(io.stdout), io.type(42))
f:write("first line\n", 42, " ", 3.5, " ", -7, "\n")
f:write("line with trailing spaces   \n")
for i = 1, 5 do f:write(string.format("%d %s %.2f\n", i, ("x"):rep(i), i / 3)) end
f:write("no newline at end")
print(f:seek("cur"), f:seek("set", 0), f:seek("end"))
f:close()
print(io.type(f), pcall(f.write, f, "x"))

-- Reading it back with the various formats.
f = assert(io.open(name, "r"))
print(f:read("l"))
print(f:read("n", "n", "n"))
print(f:read("L"))
print(f:read("L"))
print(f:read(3), f:read(0), f:read("l"))
local n1, s1 = f:read("n", "l")
print(n1, s1)
print(f:seek("cur"), f:read("a"):len(), f:read("a"), f:read("l"), f:read(0))
f:close()

-- io.lines with formats, line counting, and an explicit handle iterator.
local count, total = 0, 0
for line in io.lines(name) do count = count + 1; total = total + #line end
print(count, total)
local nums = {}
for a, b in io.lines(name, 1, 2) do
  nums[#nums + 1] = a .. "/" .. b
  if #nums == 4 then break end
end
print(table.concat(nums, " "))
f = assert(io.open(name))
local lines = {}
for l in f:lines("L") do lines[#lines + 1] = #l end
f:close()
print(table.concat(lines, ","))

-- Appending and update modes; seek then overwrite in place.
f = assert(io.open(name, "a"))
f:write("\nappended")
f:close()
f = assert(io.open(name, "r+"))
f:seek("set", 0)
f:write("FIRST")
f:seek("set", 0)
print(f:read("l"))
f:seek("end", -8)
print(f:read("a"))
f:close()

-- Binary data round trip, including NUL and high bytes, with full buffering.
local bin = "bin_test_data.bin"
local bytes = {}
for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
local blob = table.concat(bytes):rep(64)
f = assert(io.open(bin, "wb"))
print(f:setvbuf("full", 4096))
f:write(blob)
f:close()
f = assert(io.open(bin, "rb"))
local back = f:read("a")
f:close()
print(#back, back == blob, back:byte(1), back:byte(256), back:byte(-1))

-- Errors come back as nil, message, errno (as Lua does for C library failures).
print(io.open("does/not/exist.txt"))
print(pcall(io.open, name, "rz"))
print(pcall(io.lines, "does/not/exist.txt"))
print(os.remove("does/not/exist.txt"))
print(os.rename(bin, "renamed.bin"), io.open(bin) == nil)
print(os.remove("renamed.bin"), os.remove(name))

-- io.output/io.input redirection and io.read from standard input.
local out_name = "redirected.txt"
io.output(out_name)
io.write("via io.write\n", 1, "\n")
io.output():close()
io.output(io.stdout)
io.input(out_name)
print(io.read("l"), io.read("n"), io.read("l"), io.read("l"))
io.input():close()
io.input(io.stdin)
os.remove(out_name)
local first_stdin = io.read("l")
local rest = io.read("a")
print("stdin:", first_stdin, #rest, select(2, rest:gsub("\n", "")))
io.stdout:write("direct ", "stdout ", 1, "\n")
-- Standard output is a pipe when compared, so seeking it fails with ESPIPE
-- (its message is the C library's: glibc and musl word it differently).
local seek_ok, _, seek_errno = io.stdout:seek("cur")
print(seek_ok, seek_errno)
print(io.stderr:write("") == io.stderr)
