/* qsort_r (and qsort, through musl's qsort_nr.c): introsort in place of
 * musl's smoothsort, which costs about five times as many comparisons and
 * moves on random input (bench/run.py). Quicksort with a median-of-three
 * pivot (the median of three such medians for large arrays) and Hoare
 * partitioning; O(n log n) in the worst case through a recursion depth limit
 * past which the rest is heapsorted; short runs by insertion sort. Two
 * shortcuts keep common inputs fast: a partition that moved nothing may
 * already be sorted (checked by an insertion sort that gives up after a few
 * moves), and a pivot equal to the element before the range (which every
 * element of the range is at least) splits off all its equals at once, so
 * inputs with few distinct values take linear time per value. The comparator
 * only ever sees pointers to elements of the array. */

#define _BSD_SOURCE
#include <stdint.h>
#include <stdlib.h>

typedef int (*cmpfun)(const void *, const void *, void *);

typedef uint32_t __attribute__((__may_alias__)) word32;
typedef uint64_t __attribute__((__may_alias__)) word64;

struct sort {
	size_t width;
	cmpfun cmp;
	void *arg;
	int words; /* 8 or 4: width and base are multiples of it; else 1 */
};

/* Below this many elements, insertion sort. */
#define INSERTION_MAX 12
/* Moves a partial insertion sort may make before it gives up. */
#define PARTIAL_MOVES 8

static void swap(const struct sort *s, unsigned char *a, unsigned char *b)
{
	size_t w = s->width;
	if (s->words == 8) {
		for (; w; w -= 8, a += 8, b += 8) {
			uint64_t t = *(word64 *)a;
			*(word64 *)a = *(word64 *)b;
			*(word64 *)b = t;
		}
	} else if (s->words == 4) {
		for (; w; w -= 4, a += 4, b += 4) {
			uint32_t t = *(word32 *)a;
			*(word32 *)a = *(word32 *)b;
			*(word32 *)b = t;
		}
	} else {
		for (; w; w--, a++, b++) {
			unsigned char t = *a;
			*a = *b;
			*b = t;
		}
	}
}

static int less(const struct sort *s, const unsigned char *a, const unsigned char *b)
{
	return s->cmp(a, b, s->arg) < 0;
}

/* Sorts [base, end) by insertion; with a limit, gives up (returning 0,
 * the elements still a permutation) once it has moved more than limit
 * elements. */
static int insertion_sort(const struct sort *s, unsigned char *base, unsigned char *end, size_t limit)
{
	size_t w = s->width, moves = 0;
	for (unsigned char *i = base + w; i < end; i += w) {
		unsigned char *j = i;
		if (!less(s, j, j - w)) continue;
		if (limit && ++moves > limit) return 0;
		do {
			swap(s, j - w, j);
			j -= w;
		} while (j > base && less(s, j, j - w));
	}
	return 1;
}

static void sift_down(const struct sort *s, unsigned char *base, size_t root, size_t n)
{
	size_t w = s->width;
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n) return;
		if (child + 1 < n && less(s, base + child * w, base + (child + 1) * w)) child++;
		if (!less(s, base + root * w, base + child * w)) return;
		swap(s, base + root * w, base + child * w);
		root = child;
	}
}

static void heap_sort(const struct sort *s, unsigned char *base, size_t n)
{
	for (size_t i = n / 2; i-- > 0;) sift_down(s, base, i, n);
	for (size_t last = n - 1; last > 0; last--) {
		swap(s, base, base + last * s->width);
		sift_down(s, base, 0, last);
	}
}

static unsigned char *median3(const struct sort *s, unsigned char *a, unsigned char *b, unsigned char *c)
{
	if (less(s, b, a)) {
		unsigned char *t = a;
		a = b;
		b = t;
	}
	if (less(s, c, b)) {
		b = c;
		if (less(s, b, a)) b = a;
	}
	return b;
}

/* Sorts [base, base + n*width). pred, if not null, is an element before the
 * range that no element of the range is less than. */
static void sort(const struct sort *s, unsigned char *base, size_t n, const unsigned char *pred, int depth)
{
	size_t w = s->width;
	while (n > INSERTION_MAX) {
		unsigned char *end = base + n * w, *i, *j;
		if (depth-- == 0) {
			heap_sort(s, base, n);
			return;
		}
		unsigned char *mid = base + n / 2 * w, *last = end - w, *pivot;
		if (n > 128) {
			size_t step = n / 8 * w;
			pivot = median3(s, median3(s, base, base + step, base + 2 * step),
				median3(s, mid - step, mid, mid + step),
				median3(s, last - 2 * step, last - step, last));
		} else {
			pivot = median3(s, base, mid, last);
		}
		swap(s, base, pivot);

		if (pred && !less(s, pred, base)) {
			/* The pivot equals the least any element can be:
			 * gather its equals at the front; only the rest,
			 * all greater, is left to sort. */
			i = base + w;
			for (j = base + w; j < end; j += w)
				if (!less(s, base, j)) {
					if (i != j) swap(s, i, j);
					i += w;
				}
			n = (end - i) / w;
			pred = i - w;
			base = i;
			continue;
		}

		/* Hoare partition around the pivot kept at base: equal
		 * elements stop both scans, so they spread over both sides. */
		int moved = 0;
		i = base;
		j = end;
		for (;;) {
			do i += w; while (i < end && less(s, i, base));
			do j -= w; while (j > base && less(s, base, j));
			if (i >= j) break;
			swap(s, i, j);
			moved = 1;
		}
		swap(s, base, j);
		/* [base, j) <= pivot at j <= (j, end) */
		size_t left = (j - base) / w, right = n - left - 1;
		if (!moved && insertion_sort(s, base, j, PARTIAL_MOVES)
		    && insertion_sort(s, j + w, end, PARTIAL_MOVES))
			return;
		/* The smaller side recursively, the larger one in this loop:
		 * the stack stays O(log n). */
		if (left < right) {
			sort(s, base, left, pred, depth);
			pred = j;
			base = j + w;
			n = right;
		} else {
			sort(s, j + w, right, j, depth);
			n = left;
		}
	}
	if (n > 1) insertion_sort(s, base, base + n * w, 0);
}

void __qsort_r(void *base, size_t nel, size_t width, cmpfun cmp, void *arg)
{
	struct sort s = { width, cmp, arg, 1 };
	if (nel < 2 || !width) return;
	if (!((uintptr_t)base % 8 | width % 8)) s.words = 8;
	else if (!((uintptr_t)base % 4 | width % 4)) s.words = 4;
	int depth = 0;
	for (size_t m = nel; m > 1; m >>= 1) depth += 2;
	sort(&s, base, nel, 0, depth);
}

weak_alias(__qsort_r, qsort_r);
