# getline from commands, files and standard input; output files; system().
BEGIN {
    while (("printf '3\\n1\\n2\\n'" | getline n) > 0) sum += n
    print "sum from a command", sum, close("printf '3\\n1\\n2\\n'")
    "echo one two three" | getline
    print "fields", NF, $2
    print "to a file" > "out.txt"
    printf "%s\n", "second line" > "out.txt"
    close("out.txt")
    while ((getline line < "out.txt") > 0) print "read back:", line
    print "missing file:", (getline x < "no-such-file")
    print "status", system("exit 4"), system("true")
    print "TZ", ENVIRON["TZ"], "ARGC", ARGC, ARGV[1]
    print "to stderr" > "/dev/stderr"
    getline first < "-"
    print "stdin first:", first
    print "sorted:" ; print "b\na\nc" | "sort"; close("sort")
    cmd = "cat"; print "through cat" | cmd; close(cmd)
}
{ print "main loop", NR, $0 }
END { print "end", NR }
