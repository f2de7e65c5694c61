# printf, od, date (TZ=UTC), expr, test, bc, dc, factor, base64, cal, seq.
PATH=$PWD/bin
printf '[%5d] [%-5s] [%05.1f] [%x] [%o] [%e] [%c] [%%] [%s]\n' 42 ab 3.14159 255 8 1234.5 xyz 'two words'
printf '%b|%q\n' 'tab\there' 2>/dev/null || printf '%b|\n' 'tab\there'
printf '%d %i %u\n' -1 0x1f 3000000000
printf 'binary: \001\377 end\n' | od -A x -t x1
printf 'hello, world\n' | od -c
printf '\000\001\002\003\004\005\006\007' | od -t d4
date -u -d @0; date -d @1700000000 '+%Y-%m-%d %H:%M:%S %A %j %U %s'
date -d '2024-02-29 13:45:10' '+%s %a %b %e %I %p %Z'
date -d '1999-12-31 23:59:59' -R; date -d @2147483648 -I
expr 6 \* 7; expr 100 / 7; expr 100 % 7; expr length abcdef; expr substr abcdef 2 3
expr index abcdef d; expr 'abc123' : 'abc\([0-9]*\)'; expr 3 \< 10; expr abc \< abd
expr 0; echo "expr 0 status $?"; expr 1 / 0 2>/dev/null; echo "division status $?"
for t in '-n x' '-z ""' '5 -gt 3' '5 -le 3' 'abc = abc' 'abc != abc' '-d /' '-f /' '! -e /nonexistent' '1 -eq 1 -a 2 -eq 3' '1 -eq 1 -o 2 -eq 3'; do
	eval "[ $t ]"; echo "[ $t ]: $?"
done
echo 'scale=20; 4*a(1); 2^100; sqrt(2); 7/3' | bc -l
echo '2 100 ^ p 17 3 % p 10 k 1 3 / p' | dc
factor 360 9007199254740993 2>/dev/null || factor 360
echo 'Lamina runs WALI' | base64; echo 'TGFtaW5hIHJ1bnMgV0FMSQo=' | base64 -d
cal 2 2024
seq -w 8 2 14; seq -s, 1.5 0.5 3
echo $((0x7fffffffffffffff)) $((-9223372036854775807 - 1))
