/* dirent.h: readdir over a directory with more entries than one getdents
 * buffer holds, d_type, rewinddir/telldir/seekdir, scandir with a filter and
 * alphasort, fdopendir, nftw, and the errors of opendir. Names are sorted
 * before printing because directory order is not specified. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define MANY 300

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const char *type_name(unsigned char t) {
    switch (t) {
    case DT_REG: return "reg";
    case DT_DIR: return "dir";
    case DT_LNK: return "lnk";
    case DT_UNKNOWN: return "unknown";
    default: return "other";
    }
}

/* Reads the whole directory; returns the number of entries and stores a
 * sorted array of "name:type" strings. */
static size_t read_sorted(DIR *d, char ***out) {
    size_t n = 0, cap = 16;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (n == cap)
            names = realloc(names, (cap *= 2) * sizeof *names);
        size_t len = strlen(e->d_name) + 16;
        names[n] = malloc(len);
        snprintf(names[n], len, "%s:%s", e->d_name, type_name(e->d_type));
        n++;
    }
    CHECK_EQ(errno, 0);
    qsort(names, n, sizeof *names, compare_names);
    *out = names;
    return n;
}

static void free_names(char **names, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int only_small_files(const struct dirent *e) { return strncmp(e->d_name, "small", 5) == 0; }

static int ftw_entries;
static char ftw_seen[64][64];

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    if (ftw_entries < 64)
        snprintf(ftw_seen[ftw_entries++], 64, "%s level=%d %s size=%lld", path, ftw->level,
                 flag == FTW_F ? "file" : flag == FTW_D ? "dir" : flag == FTW_DP ? "dir-post" : "other",
                 flag == FTW_F ? (long long)st->st_size : -1LL);
    return 0;
}

static int compare_rows(const void *a, const void *b) { return strcmp(a, b); }

int main(void) {
    char dir[] = "dirtest-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_EQ(chdir(dir), 0);

    CHECK_EQ(mkdir("sub", 0755), 0);
    CHECK_EQ(mkdir("sub/deeper", 0755), 0);
    CHECK_EQ(symlink("sub", "link-to-sub"), 0);
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "small%d.txt", i);
        FILE *f = fopen(name, "w");
        fprintf(f, "%*s", i * 10, "");
        fclose(f);
    }
    FILE *f = fopen("sub/deeper/leaf", "w");
    fputs("leaf", f);
    fclose(f);

    DIR *d = opendir(".");
    CHECK(d != NULL);
    char **names;
    size_t n = read_sorted(d, &names);
    printf("entries (%zu):", n);
    for (size_t i = 0; i < n; i++)
        printf(" %s", names[i]);
    printf("\n");
    free_names(names, n);

    /* Rewinding starts over; seekdir returns to a remembered position. */
    rewinddir(d);
    size_t again = 0;
    long mark = -1;
    char marked_name[256] = "";
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (++again == 3) {
            mark = telldir(d);
            e = readdir(d);
            if (e == NULL)
                break;
            again++;
            strcpy(marked_name, e->d_name);
        }
    }
    printf("after rewinddir: %zu entries\n", again);
    seekdir(d, mark);
    e = readdir(d);
    printf("seekdir returns to the same entry: %d\n", e && strcmp(e->d_name, marked_name) == 0);
    CHECK(dirfd(d) >= 0);
    CHECK_EQ(closedir(d), 0);

    /* Enough entries to need several getdents calls. */
    CHECK_EQ(mkdir("many", 0755), 0);
    for (int i = 0; i < MANY; i++) {
        char name[64];
        snprintf(name, sizeof name, "many/entry-with-a-fairly-long-name-%04d", i);
        int fd = open(name, O_CREAT | O_WRONLY, 0644);
        CHECK(fd >= 0);
        close(fd);
    }
    int many_fd = open("many", O_RDONLY | O_DIRECTORY);
    d = fdopendir(many_fd);
    CHECK(d != NULL);
    n = read_sorted(d, &names);
    int in_order = 1;
    for (int i = 0; i < MANY; i++) {
        char want[80];
        snprintf(want, sizeof want, "entry-with-a-fairly-long-name-%04d:reg", i);
        in_order &= strcmp(names[i + 2], want) == 0;
    }
    printf("many: %zu entries, first %s %s, all present: %d\n", n, names[0], names[1], in_order);
    free_names(names, n);
    closedir(d);

    struct dirent **list;
    int found = scandir(".", &list, only_small_files, alphasort);
    printf("scandir small*:");
    for (int i = 0; i < found; i++) {
        printf(" %s", list[i]->d_name);
        free(list[i]);
    }
    printf(" (%d)\n", found);
    free(list);

    CHECK_EQ(nftw("sub", visit, 8, FTW_PHYS | FTW_DEPTH), 0);
    qsort(ftw_seen, ftw_entries, sizeof ftw_seen[0], compare_rows);
    for (int i = 0; i < ftw_entries; i++)
        printf("nftw: %s\n", ftw_seen[i]);

    errno = 0;
    DIR *missing = opendir("no-such-dir");
    printf("opendir missing: %s errno=%d\n", missing ? "opened" : "NULL", errno);
    errno = 0;
    DIR *not_dir = opendir("small0.txt");
    printf("opendir on a file: %s errno=%d\n", not_dir ? "opened" : "NULL", errno);

    /* Clean up and check that the directory is really gone. */
    for (int i = 0; i < MANY; i++) {
        char name[64];
        snprintf(name, sizeof name, "many/entry-with-a-fairly-long-name-%04d", i);
        CHECK_EQ(unlink(name), 0);
    }
    CHECK_EQ(rmdir("many"), 0);
    int removed = rmdir("sub");
    printf("rmdir non-empty: %d errno=%d\n", removed, errno);
    CHECK_EQ(unlink("sub/deeper/leaf"), 0);
    CHECK_EQ(rmdir("sub/deeper"), 0);
    CHECK_EQ(rmdir("sub"), 0);
    CHECK_EQ(unlink("link-to-sub"), 0);
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "small%d.txt", i);
        CHECK_EQ(unlink(name), 0);
    }
    CHECK_EQ(chdir(".."), 0);
    CHECK_EQ(rmdir(dir), 0);
    struct stat st;
    printf("temp dir removed: %d\n", stat(dir, &st) == -1 && errno == ENOENT);
    return CHECK_STATUS();
}
