/* Prints what CMake's checks found, as config.h says it, and checks that
 * what they computed matches the running program. */
#include "config.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void greet(const char *who);

static const char *yes_no(int found)
{
	return found ? "yes" : "no";
}

int main(int argc, char **argv)
{
	greet(argc > 1 ? argv[1] : "world");
#ifdef HAVE_SYS_EPOLL_H
	int have_epoll = 1;
#else
	int have_epoll = 0;
#endif
#ifdef HAVE_NO_SUCH_HEADER_H
	int have_no_such_header = 1;
#else
	int have_no_such_header = 0;
#endif
#ifdef HAVE_CLOCK_GETTIME
	struct timespec now;
	int clock_works = clock_gettime(CLOCK_REALTIME, &now) == 0 && now.tv_sec > 0;
#else
	int clock_works = 0;
#endif
#ifdef HAVE_NO_SUCH_FUNCTION_FOR_CMAKE
	int have_no_such_function = 1;
#else
	int have_no_such_function = 0;
#endif
#ifdef GETPID_RUNS
	int getpid_runs = 1;
#else
	int getpid_runs = 0;
#endif
	printf("sys/epoll.h: %s\n", yes_no(have_epoll));
	printf("no/such/header.h: %s\n", yes_no(have_no_such_header));
	printf("clock_gettime works: %s\n", yes_no(clock_works));
	printf("no_such_function_for_cmake: %s\n", yes_no(have_no_such_function));
	printf("a test program ran: %s\n", yes_no(getpid_runs));
	printf("libm found: %s\n", yes_no(strstr(MATH_LIBRARY, "libm") != NULL));
	printf("sqrt(%d) = %.6f\n", argc + 1, sqrt(argc + 1.0));
	printf("configured size matches: %s\n", yes_no(SIZEOF_LONG == sizeof(long)));
	return 0;
}
