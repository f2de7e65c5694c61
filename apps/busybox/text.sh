# Text tools on generated data: seq, awk, sed, grep, sort, uniq, cut, tr,
# head, tail, wc, paste, xargs.
PATH=$PWD/bin
seq 1 2000 | awk '{ printf "%05d,%s,%d,%.3f\n", $1, substr("abcdefghij", $1 % 10 + 1, 3), ($1 * 7919) % 1000, $1 / 7 }' > data.csv
wc -l < data.csv
head -n 3 data.csv; tail -n 2 data.csv
sort -t, -k3,3n -k1,1r data.csv | head -n 4
sort -t, -k2,2 -u data.csv | cut -d, -f2 | tr '\n' ' '; echo
cut -d, -f2 data.csv | sort | uniq -c | sort -rn | head -n 3
grep -c ',abc,' data.csv; grep -n '^0199' data.csv; grep -E -o '[0-9]+\.[0-9]{3}$' data.csv | tail -n 1
grep -v -e abc -e bcd data.csv | wc -l
grep -w -i 'CDE' data.csv | head -n 1
sed -n '/^00100/,/^00103/p' data.csv
sed -e 's/,\([a-j]*\),/ [\1] /' -e '2q' data.csv
sed -n '1!G;h;$p' data.csv | head -n 2
printf 'one\ntwo\nthree\n' | sed '2i\
inserted' | sed '$a\
appended'
awk -F, '{ sum[$2] += $3; n[$2]++ } END { for (k in sum) printf "%s %d %.2f\n", k, sum[k], sum[k] / n[k] }' data.csv | sort
awk 'BEGIN { s = "a-b-c-d"; k = split(s, parts, "-"); t = s; gsub(/-/, "+", t); print k, parts[3], t, toupper(s), length(s), index(s, "c"), sprintf("%x %o %e", 255, 8, 12345.678) }'
awk 'function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) } BEGIN { for (i = 1; i <= 20; i += 4) print i, fact(i); print 2^53 + 1, -0.0, 0.1 + 0.2 }'
echo 'The quick brown fox' | tr 'a-z' 'A-Z' | tr -d 'AEIOU' | tr -s ' '
seq 1 3 | paste -s -d+
seq 1 10 | xargs -n 3 echo
seq 5 -1 1 | tac
seq 1 100000 | sort -rn | head -n 2
seq 1 100000 | awk '{ s += $1 } END { print s }'
printf '%s\n' 3.5 -2 10 1e3 0x10 2.25 | sort -g | tr '\n' ' '; echo
