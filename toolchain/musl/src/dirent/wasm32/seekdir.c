#include <dirent.h>
#include <unistd.h>
#include "../__dirent.h"
#include "__dir_position.h"
#include "lock.h"

void seekdir(DIR *dir, long off)
{
	LOCK(dir->lock);
	dir->tell = lseek(dir->fd, __dir_position(off), SEEK_SET);
	dir->buf_pos = dir->buf_end = 0;
	UNLOCK(dir->lock);
}
