#include <stdio.h>

/* In a static library, so the build archives and indexes it. */
void greet(const char *who)
{
	printf("Hello, %s!\n", who);
}
