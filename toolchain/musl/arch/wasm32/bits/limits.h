/* Pages of 4 KiB inside linear memory, as WALI's mmap hands them out. */
#define PAGESIZE 4096
