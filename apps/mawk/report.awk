# A report over CSV: per-region and per-rep totals in arrays, printf
# columns, sorted through an output pipe, and a summary after close().
BEGIN { FS = ","; OFS = "|" }
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
    amount = $col["units"] * $col["price"]
    total[$col["region"]] += amount
    count[$col["region"]]++
    by_rep[$col["rep"], $col["item"]] += $col["units"]
    if (amount > best) { best = amount; best_line = NR ": " $0 }
}
END {
    for (r in total) printf "%-6s %3d %10.2f %8.3f\n", r, count[r], total[r], total[r] / count[r] | "sort -k3nr"
    close("sort -k3nr")
    n = 0
    for (key in by_rep) { split(key, part, SUBSEP); line[++n] = part[1] "/" part[2] "=" by_rep[key] }
    # insertion sort, so the order does not depend on the hash table
    for (i = 2; i <= n; i++) { v = line[i]; for (j = i - 1; j > 0 && line[j] > v; j--) line[j + 1] = line[j]; line[j + 1] = v }
    for (i = 1; i <= n; i++) print i, line[i]
    print "best", best_line
    printf "%c%c %5.1e %-8s| %x %o %i %+d %05.1f %s\n", 65, "bcd", 123456, "left", 255, 8, 7.9, 3, 2.25, 1e300 * 1e300
}
