/* Wide characters and UTF-8 under setlocale(LC_CTYPE, "C.UTF-8") (both C
 * libraries have it built in; the plain "C" locale treats bytes >= 0x80
 * differently in each, so it is not compared): conversions in both
 * directions with their state and errors (not beyond U+10FFFF, which glibc
 * still encodes), the wide string functions,
 * classification and case mapping, wcwidth, and %ls/%lc formatting. */
#define _GNU_SOURCE
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "check.h"

static void show_bytes(const char *label, const char *s, size_t n) {
    printf("%s:", label);
    for (size_t i = 0; i < n; i++)
        printf(" %02x", (unsigned char)s[i]);
    printf("\n");
}

static void decode(const char *label, const char *bytes, size_t n) {
    mbstate_t st;
    memset(&st, 0, sizeof st);
    printf("%s:", label);
    size_t i = 0;
    while (i < n) {
        wchar_t wc;
        errno = 0;
        size_t r = mbrtowc(&wc, bytes + i, n - i, &st);
        if (r == (size_t)-1) {
            printf(" EILSEQ(%s)", errno == EILSEQ ? "errno" : "no errno");
            break;
        }
        if (r == (size_t)-2) {
            printf(" incomplete");
            break;
        }
        printf(" U+%04X/%zu", (unsigned)wc, r);
        i += r ? r : 1;
    }
    printf("\n");
}

int main(void) {
    const char *name = setlocale(LC_CTYPE, "C.UTF-8");
    printf("C.UTF-8 available: %d, MB_CUR_MAX >= 4: %d\n", name != NULL, MB_CUR_MAX >= 4);
    if (!name)
        return 1;

    const char text[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z"; /* a é € 😀 z */
    decode("valid", text, sizeof text - 1);
    decode("truncated 3-byte", "\xe2\x82", 2);
    decode("stray continuation", "\x80" "a", 2);
    decode("overlong slash", "\xc0\xaf", 2);
    decode("invalid lead 0xff", "\xff", 1);

    /* A character split over two calls continues through the state. */
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc = 0;
    size_t first = mbrtowc(&wc, "\xe2\x82", 2, &st);
    size_t second = mbrtowc(&wc, "\xac", 1, &st);
    printf("split euro: first %s, second %zu -> U+%04X, mbsinit %d\n", first == (size_t)-2 ? "-2" : "other", second,
           (unsigned)wc, mbsinit(&st) != 0);
    printf("mblen: %d %d %d, mbrlen of NUL: %zu\n", mblen("\xc3\xa9", 2), mblen("\xf0\x9f\x98\x80", 4), mblen("x", 1),
           mbrlen("", 1, NULL));

    wchar_t wide[32];
    size_t n = mbstowcs(wide, text, 32);
    printf("mbstowcs: %zu chars, wcslen %zu\n", n, wcslen(wide));
    char back[64];
    size_t bytes = wcstombs(back, wide, sizeof back);
    printf("wcstombs: %zu bytes, round trip equal %d\n", bytes, bytes == sizeof text - 1 && !memcmp(back, text, bytes));
    printf("mbstowcs length only: %zu, invalid input: %s\n", mbstowcs(NULL, text, 0),
           mbstowcs(wide, "ok\xff", 32) == (size_t)-1 ? "-1" : "other");
    char out[8];
    memset(&st, 0, sizeof st);
    size_t len = wcrtomb(out, 0x1F600, &st);
    show_bytes("wcrtomb U+1F600", out, len);
    errno = 0;
    len = wcrtomb(out, 0xD800, &st);
    printf("wcrtomb surrogate: %s errno EILSEQ %d\n", len == (size_t)-1 ? "-1" : "encoded", errno == EILSEQ);
    printf("wctob('A')=%d wctob(U+00E9)=%d btowc('b')=%d btowc(0x80)=%d\n", wctob(L'A'), wctob(0xE9), btowc('b'),
           btowc(0x80));

    const wchar_t *w = L"hello wide world";
    printf("wcschr: %ls | wcsrchr: %ls | wcsstr: %ls\n", wcschr(w, L'w'), wcsrchr(w, L'w'), wcsstr(w, L"de w"));
    printf("wcscmp: %d %d wcsncmp: %d\n", wcscmp(L"abc", L"abd") < 0, wcscmp(L"\x10000", L"\xffff") > 0,
           wcsncmp(L"abcX", L"abcY", 3));
    wchar_t buf[64];
    wcscpy(buf, L"wide");
    wcscat(buf, L"\x20ac");
    printf("wcscpy/wcscat: len %zu last U+%04X\n", wcslen(buf), (unsigned)buf[wcslen(buf) - 1]);
    const wchar_t *number = L"  -42xyz";
    wchar_t *end;
    long parsed = wcstol(number, &end, 10);
    printf("wcstol: %ld consumed %td, wcstod: %.3f\n", parsed, end - number, wcstod(L"2.5e1", NULL));
    wchar_t tok[] = L"a,b,,c";
    wchar_t *save;
    printf("wcstok:");
    for (wchar_t *t = wcstok(tok, L",", &save); t; t = wcstok(NULL, L",", &save))
        printf(" %ls", t);
    printf("\n");

    const wint_t chars[] = {L'A', L'z', L'5', L' ', 0xE9, 0xC9, 0x3B1, 0x4E2D, 0x301, 0x1F600, 0x200B};
    for (size_t i = 0; i < sizeof chars / sizeof chars[0]; i++) {
        wint_t c = chars[i];
        printf("U+%04X: alpha %d upper %d lower %d digit %d space %d print %d punct %d toupper U+%04X tolower U+%04X "
               "wcwidth %d\n",
               (unsigned)c, iswalpha(c) != 0, iswupper(c) != 0, iswlower(c) != 0, iswdigit(c) != 0, iswspace(c) != 0,
               iswprint(c) != 0, iswpunct(c) != 0, (unsigned)towupper(c), (unsigned)towlower(c), wcwidth(c));
    }
    printf("wcswidth(\"a\\u4e2d\\u0301\"): %d\n", wcswidth(L"a\x4e2d\x301", 3));
    printf("iswctype alpha via wctype: %d\n", iswctype(0xE9, wctype("alpha")) != 0);

    printf("%%ls: [%ls] %%lc: [%lc] %%5ls: [%5ls] %%.2ls: [%.2ls]\n", L"\xe9t\xe9", (wint_t)0x20AC, L"ab",
           L"\xe9\xe9\xe9");
    wchar_t formatted[64];
    int fw = swprintf(formatted, 64, L"%d-%ls-%c", 7, L"x\xe9", 'q');
    printf("swprintf: %d [%ls]\n", fw, formatted);
    printf("swprintf overflow: %d\n", swprintf(formatted, 3, L"%ls", L"toolong"));
    int scanned = 0;
    wchar_t word[16];
    int k = swscanf(L"12 \xe9t\xe9", L"%d %ls", &scanned, word);
    printf("swscanf: %d -> %d [%ls]\n", k, scanned, word);
    return CHECK_STATUS();
}
