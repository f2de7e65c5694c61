# The ash language: functions, locals, arithmetic, expansions, here-documents,
# redirections, subshells, traps, getopts, read, background jobs, statuses.
PATH=$PWD/bin
count() { local n=0; for word in "$@"; do n=$((n + ${#word})); done; echo "$n"; }
echo "letters: $(count alpha beta gamma)"
fib() { if [ "$1" -lt 2 ]; then echo "$1"; else echo $(( $(fib $(($1 - 1))) + $(fib $(($1 - 2))) )); fi; }
echo "fib 15: $(fib 15)"
echo "arith: $(( 7 * 6 )) $(( 2 ** 20 )) $(( -17 / 5 )) $(( -17 % 5 )) $(( 1 << 40 )) $(( 0x7fffffff + 1 )) $(( 3 > 2 && 1 ))"
path=/usr/local/lib/libexample.so.1.2
echo "expand: ${path##*/} ${path%/*} ${path#/usr} ${path%%.*} ${#path} ${unset:-default} ${path:5:5}"
for word in apple Banana cherry 42 ''; do
	case $word in
	[A-Z]*) echo "$word: capital" ;;
	*[0-9]*) echo "$word: number" ;;
	'') echo "(empty)" ;;
	*) echo "$word: lower" ;;
	esac
done
cat <<END > here.txt
line one $((1 + 1))
	tabbed \$HOME
END
while read -r first rest; do echo "[$first] [$rest]"; done < here.txt
(exit 3); echo "subshell status $?"
start=$PWD; (cd / && pwd); [ "$PWD" = "$start" ] && echo "cd in a subshell stays there"
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); [ $i -eq 2 ] && continue; [ $i -eq 4 ] && break; echo "loop $i"; done
set -- -a -b value -c rest
while getopts ab:c opt; do echo "option $opt ${OPTARG:-}"; done
shift $((OPTIND - 1)); echo "operands: $*"
f() { return 7; }; f; echo "function status $?"
if ! false; then echo "negation works"; fi
x=outer; g() { local x=inner; echo "in g: $x"; }; g; echo "after g: $x"
echo one two three | { read -r a b c; echo "$c $b $a"; }
printf '%s\n' c a b | sort | tr '\n' ' '; echo
sleep 0.2 & pid=$!; wait $pid; echo "background status $?"
sh -c 'trap "echo trapped TERM; exit 5" TERM; kill -TERM $$; sleep 5'; echo "trap status $?"
sh -c 'kill -USR1 $$'; echo "killed by USR1: $?"
trap 'echo exit trap ran' EXIT
echo "args via eval: $(eval 'set -- x y z; echo $#')"
exit 0
