#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include "../__dirent.h"
#include "__dir_position.h"
#include "lock.h"

/* Positions beyond long (ILP32 C ABI) are remembered here and handed out as
 * negative cookies, -1 for the first: a directory position is never
 * negative. The table only grows, by the distinct positions asked for, as
 * a cookie must stay valid for any stream of the directory. Without memory
 * for one more, the cookie is LONG_MAX, a position past any end. */
static off_t *positions;
static size_t count, capacity;
static volatile int lock[1];

long __dir_position_cookie(off_t position)
{
	if (position <= LONG_MAX) return position;
	long cookie = LONG_MAX;
	LOCK(lock);
	size_t i = 0;
	while (i < count && positions[i] != position) i++;
	if (i == count && count == capacity) {
		size_t more = capacity ? 2*capacity : 16;
		off_t *grown = realloc(positions, more * sizeof *grown);
		if (grown) positions = grown, capacity = more;
	}
	if (i < capacity) {
		if (i == count) positions[count++] = position;
		cookie = -1 - (long)i;
	}
	UNLOCK(lock);
	return cookie;
}

off_t __dir_position(long cookie)
{
	if (cookie >= 0) return cookie;
	off_t position = -1;
	LOCK(lock);
	size_t i = -1 - cookie;
	if (i < count) position = positions[i];
	UNLOCK(lock);
	return position;
}

long telldir(DIR *dir)
{
	return __dir_position_cookie(dir->tell);
}
