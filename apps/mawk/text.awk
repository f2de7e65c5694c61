# Regular expressions and string functions on each line.
{
    line = $0
    n = gsub(/[aeiou]+/, "<&>", line)
    m = sub(/^[A-Z][a-z]*/, "\\&[&]", $0)
    printf "%d:%d:%s|%s\n", n, m, line, $0
    if (match($0, /[0-9]+(\.[0-9]+)?/)) print "  number at", RSTART, RLENGTH, substr($0, RSTART, RLENGTH) + 0
    k = split($0, parts, /[ ,;]+/)
    print "  " k " parts, last=" parts[k] ", upper=" toupper(parts[1]) ", " sprintf("%-5s|%5s|", parts[2], tolower(parts[2]))
}
/^$/ { print "  (empty)" }
$2 ~ /^(quick|lazy)$/ && !/dog/ { print "  second field matches" }
END { print NR, index("haystack", "st"), length(), substr("hello", 2, 3), substr("hello", -1), substr("hello", 4, 100) }
