# Word frequencies over a large input, the top ones through sort.
{
    for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+$/) freq[$i]++; else numbers += $i
    chars += length($0) + 1
    if ($1 % 10000 == 0) milestones = milestones " " $1
}
/^[0-9]+ (alpha|bravo) (charlie|delta)$/ { pairs++ }
END {
    for (w in freq) printf "%7d %s\n", freq[w], w | "sort -k1,1nr -k2 | head -n 5"
    close("sort -k1,1nr -k2 | head -n 5")
    printf "lines %d chars %d numbers %.0f pairs %d\n", NR, chars, numbers, pairs
    print "milestones" milestones
}
