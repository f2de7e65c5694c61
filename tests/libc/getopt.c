/* getopt and getopt_long on the program's real arguments and on argument
 * vectors built here: clustered short options, required and optional
 * arguments, "--", unknown options and missing arguments (with opterr off so
 * nothing goes to stderr), long options with flags and abbreviations, and
 * permutation of non-options by getopt_long. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static void reset(void) { optind = 0; }

/* Runs POSIX getopt ('+': stop at the first non-option, as POSIX says). */
static void run_short(const char *label, int argc, char **argv) {
    reset();
    opterr = 0;
    printf("%s:", label);
    int c;
    while ((c = getopt(argc, argv, "+ab:c::v")) != -1) {
        switch (c) {
        case 'b': printf(" b=%s", optarg); break;
        case 'c': printf(" c=%s", optarg ? optarg : "(none)"); break;
        case '?': printf(" unknown-or-missing(optopt=%c)", optopt); break;
        default: printf(" %c", c);
        }
    }
    /* After a missing argument at the end, POSIX (and musl) leave optind at
     * argc + 1 while glibc stops at argc: compare only up to argc. */
    int end = optind > argc ? argc : optind;
    printf(" | optind=%d rest:", end);
    for (int i = end; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\n");
}

static int verbose_flag;

static const struct option long_options[] = {
    {"verbose", no_argument, &verbose_flag, 1},
    {"name", required_argument, NULL, 'n'},
    {"level", optional_argument, NULL, 'l'},
    {"help", no_argument, NULL, 'h'},
    {"helpful", no_argument, NULL, 'H'},
    {NULL, 0, NULL, 0},
};

static void run_long(const char *label, int argc, char **argv) {
    reset();
    opterr = 0;
    verbose_flag = 0;
    printf("%s:", label);
    int c, index = -1;
    while ((c = getopt_long(argc, argv, "n:l::x", long_options, &index)) != -1) {
        switch (c) {
        case 0: printf(" flag(%s)", long_options[index].name); break;
        case 'n': printf(" name=%s", optarg); break;
        case 'l': printf(" level=%s", optarg ? optarg : "(none)"); break;
        case 'h': printf(" help"); break;
        case 'H': printf(" helpful"); break;
        case 'x': printf(" x"); break;
        case '?': printf(" error(optopt=%d)", optopt); break;
        case ':': printf(" missing"); break;
        default: printf(" unexpected(%d)", c);
        }
        index = -1;
    }
    printf(" | verbose=%d optind=%d rest:", verbose_flag, optind);
    for (int i = optind; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\n");
}

#define RUN(fn, label, ...)                                                                                            \
    do {                                                                                                               \
        char *v[] = {"prog", __VA_ARGS__, NULL};                                                                       \
        fn(label, (int)(sizeof v / sizeof v[0]) - 1, v);                                                               \
    } while (0)

int main(int argc, char **argv) {
    /* The real command line (the harness passes the same arguments to both
     * builds; argv[0] differs, so it is not printed). */
    run_long("real argv", argc, argv);

    RUN(run_short, "separate", "-a", "-b", "value", "-v", "file");
    RUN(run_short, "clustered", "-avbattached", "file");
    RUN(run_short, "optional attached", "-cfoo", "-c", "bar");
    RUN(run_short, "double dash", "-a", "--", "-b", "x");
    RUN(run_short, "stops at non-option", "-a", "file", "-v");
    RUN(run_short, "lone dash", "-a", "-", "-v");
    RUN(run_short, "unknown", "-a", "-z", "-v");
    RUN(run_short, "missing argument", "-a", "-b");

    RUN(run_long, "long forms", "--name", "alice", "--name=bob", "--level", "--level=3", "--verbose");
    RUN(run_long, "abbreviation", "--nam=carol", "--verb", "--helpf");
    RUN(run_long, "ambiguous", "--hel");
    RUN(run_long, "exact beats abbreviation", "--help");
    RUN(run_long, "unknown long", "--nope", "-x");
    RUN(run_long, "missing long argument", "--name");
    RUN(run_long, "argument to no_argument", "--help=yes");
    RUN(run_long, "permutes", "first", "-x", "second", "--name", "n", "third", "--", "-x");
    RUN(run_long, "short with optional", "-l5", "-l", "6");
    CHECK(opterr == 0);
    return CHECK_STATUS();
}
