# tar, gzip, bzip2 round trips: archives of a small tree and of a 3 MB file
# made by awk; the compressed streams must be the same bytes in both builds.
PATH=$PWD/bin
mkdir -p src/sub
awk 'BEGIN { x = 12345; for (i = 0; i < 60000; i++) { x = (x * 1103515245 + 12345) % 2147483648; printf "%010d %s\n", x, (x % 3 ? "lorem ipsum" : "dolor sit amet, consectetur") } }' > src/big.txt
seq 1 500 > src/sub/small
echo tiny > src/sub/tiny
wc -c src/big.txt
gzip -c -9 < src/big.txt > big.gz; md5sum < big.gz; gzip -t big.gz && echo gzip test ok
gunzip -c big.gz | cmp - src/big.txt && echo gunzip same
bzip2 -c < src/sub/small > small.bz2; md5sum < small.bz2; bunzip2 -c small.bz2 | cmp - src/sub/small && echo bunzip2 same
find src -exec touch -d '2020-01-01 00:00:00' {} +
tar -cf all.tar src; tar -tf all.tar | sort
tar -tvf all.tar | sed 's/  */ /g' | cut -d' ' -f3- | sort
tar -czf all.tgz src; mkdir out; tar -xzf all.tgz -C out
for f in big.txt sub/small sub/tiny; do cmp "src/$f" "out/src/$f" && echo "$f extracted"; done
tar -cf - -C src sub | tar -tf - | sort
gzip src/sub/tiny; ls src/sub; gunzip src/sub/tiny.gz; cat src/sub/tiny
zcat big.gz | tail -n 1
echo corrupt | gunzip 2>/dev/null; echo "gunzip of garbage: $?"
