/* Deep recursion as real programs do it (a recursive-descent parser whose
 * frames hold values wider than a register and locals whose address is
 * taken), on the main thread and on a thread with default attributes, to
 * depths a native 8 MiB main stack and a native thread stack hold; and stack
 * overflows in child processes, on either kind of thread, with and without
 * memset in the frames: each child must die of SIGSEGV, as natively.
 * With an argument, runs one part alone (what the reports test runs). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct value { double number; long long tag; };

__attribute__((noinline)) static void note(char *where, int depth) { where[depth % 24] ^= (char)depth; }

/* One level of nesting, the way a parser descends into an array. */
__attribute__((noinline)) static struct value descend(int depth, struct value outer) {
	char token[24];
	memset(token, 0, sizeof token);
	note(token, depth);
	if (depth == 0) return outer;
	struct value inner = { outer.number * 0.5 + 1, outer.tag + token[depth % 24] };
	struct value got = descend(depth - 1, inner);
	got.tag += depth & 1;
	return got;
}

static void *in_thread(void *arg) {
	struct value v = descend((int)(long)arg, (struct value){ 1.0, 0 });
	printf("thread: %.6f %lld\n", v.number, v.tag);
	return 0;
}

static volatile int sink;
/* Deeper than any stack holds, and unknown to the compiler, which may not
 * turn a recursion it can prove endless into a loop. */
static volatile int bottom = 1 << 30;

/* Recursion that overflows, with and without memset in its frames. */
__attribute__((noinline)) static int forever(int n) {
	volatile char frame[128];
	frame[n & 127] = (char)n;
	sink = frame[(n * 7) & 127];
	if (n == bottom) return 0;
	return forever(n + 1) + frame[3];
}
__attribute__((noinline)) static int forever_memset(int n) {
	char frame[256];
	memset(frame, n, sizeof frame);
	note(frame, n);
	sink = frame[n & 255];
	if (n == bottom) return 0;
	return forever_memset(n + 1) + frame[5];
}
static void *forever_thread(void *arg) { sink = arg ? forever_memset(0) : forever(0); return 0; }

static void overflow_in(const char *what, int thread, int with_memset) {
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (thread) {
			pthread_t t;
			pthread_create(&t, 0, forever_thread, with_memset ? (void *)1 : 0);
			pthread_join(t, 0);
		} else {
			sink = with_memset ? forever_memset(0) : forever(0);
		}
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("%s: %s\n", what,
	       WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV ? "killed by SIGSEGV" : "FAIL: not killed by SIGSEGV");
}

int main(int argc, char **argv) {
	int depth = argc > 2 ? atoi(argv[2]) : 0;
	const char *mode = argc > 1 ? argv[1] : "all";
	if (!strcmp(mode, "main")) { struct value v = descend(depth, (struct value){ 1.0, 0 }); printf("main: %.6f %lld\n", v.number, v.tag); return 0; }
	if (!strcmp(mode, "thread")) { pthread_t t; pthread_create(&t, 0, in_thread, (void *)(long)depth); pthread_join(t, 0); return 0; }
	if (!strcmp(mode, "overflow")) { sink = forever(0); return 0; }
	if (!strcmp(mode, "overflow-memset")) { sink = forever_memset(0); return 0; }
	if (!strcmp(mode, "overflow-thread")) { pthread_t t; pthread_create(&t, 0, forever_thread, 0); pthread_join(t, 0); return 0; }
	if (!strcmp(mode, "overflow-thread-memset")) { pthread_t t; pthread_create(&t, 0, forever_thread, (void *)1); pthread_join(t, 0); return 0; }
	if (strcmp(mode, "all")) return 1;
	/* Depths a native 8 MiB main stack and a thread's default stack hold. */
	struct value v = descend(120000, (struct value){ 1.0, 0 });
	printf("main: %.6f %lld\n", v.number, v.tag);
	pthread_t t;
	pthread_create(&t, 0, in_thread, (void *)10000L);
	pthread_join(t, 0);
	overflow_in("overflow on the main thread", 0, 0);
	overflow_in("overflow on the main thread in memset", 0, 1);
	overflow_in("overflow on a thread", 1, 0);
	overflow_in("overflow on a thread in memset", 1, 1);
	return 0;
}
