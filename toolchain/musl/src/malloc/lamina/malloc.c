/* Lamina's allocator for the WALI musl port (MALLOC_DIR = lamina; mallocng
 * stays buildable with MALLOC_DIR = mallocng, see toolchain/build-sysroot.sh).
 *
 * Why not mallocng: it takes one global lock on every malloc and free and
 * finds a slot's group through in-band headers checked against out-of-band
 * metadata, which makes every call a few dozen loads and, with threads, a
 * contended lock (issue 11). This design keeps the common path free of
 * locks and of headers:
 *
 * - Size classes from 16 bytes to 32 KiB (16-byte steps to 128, then four
 *   per doubling), each served by spans: 64 KiB-aligned runs of 1, 2 or 4
 *   chunks of 64 KiB (64 KiB is also wasm's page) holding blocks of one size.
 * - A page map, one entry per 64 KiB chunk of the 4 GiB wasm32 address space,
 *   gives the span of any pointer, so free() needs no block header. Span
 *   headers live out of band, in a metadata arena of their own.
 * - Each thread keeps a cache of free blocks per class (singly linked through
 *   the blocks). malloc and free touch only it; a miss takes half a cache's
 *   worth of blocks from the shared pool, and a cache over its limit gives
 *   half back, both under the pool's one lock. A thread's cache is given back
 *   when it exits (__malloc_thread_exit, called by pthread_exit).
 * - Requests over 32 KiB (and alignments a class cannot give) are mappings
 *   of their own, whole chunks, unmapped on free.
 *
 * Hardening (what mallocng checks, what this keeps, what changed):
 * - No metadata inside blocks except, in free blocks, the free-list link and
 *   a key word. Links are stored xor-ed with a per-process random secret
 *   and the block's own address; a decoded link must point into a span of the
 *   same class (thread caches) or to a block start of the same span (shared
 *   pool), else the process crashes (a_crash, as mallocng does).
 * - Every free checks, through the page map, that the pointer is the start
 *   of a block of a live span (or the start of a live large mapping), else
 *   crashes: invalid frees are caught on every path.
 * - Double free: the shared pool keeps a bit per block (free in the pool or
 *   not), checked on every block that reaches it; a freed block also carries
 *   the process's key word, and a free of a block that still carries it is
 *   confirmed against this thread's cache and the pool's bits (as glibc's
 *   tcache does). Not caught: the second free of a block sitting in another
 *   thread's cache, when the program overwrote the key in between.
 * - Changed from mallocng: no in-band size/footer check, so a small overflow
 *   into the slack of a block is not reported at free; a block's usable size
 *   is its class size (malloc_usable_size returns that, not the request);
 *   freed memory is reused sooner (thread caches are LIFO); empty spans are
 *   kept for reuse (a few per span length) and unmapped beyond that. */

#define _GNU_SOURCE
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <sys/mman.h>
#include "libc.h"
#include "lock.h"
#include "atomic.h"
#include "syscall.h"
#include "dynlink.h"

#if UINTPTR_MAX != 0xffffffff
#error "the page map covers a 32-bit address space (wasm32)"
#endif

#define CHUNK_SHIFT 16
#define CHUNK ((size_t)1 << CHUNK_SHIFT)
#define NCLASSES 40
#define SMALL_MAX 32768
#define MAX_BLOCKS (CHUNK / 16)
/* Empty spans kept mapped per span length before further ones are unmapped. */
#define KEEP_FREE_SPANS 8
/* Spans are carved from regions mapped this many chunks at a time. */
#define REGION_CHUNKS 16

enum { SPAN_FREE, SPAN_SMALL, SPAN_LARGE };
/* Not a class: large and free spans, so one compare rejects them. */
#define NO_CLASS 255

struct span {
	uintptr_t base;		/* first block; CHUNK-aligned */
	uint32_t len;		/* bytes of address space owned, whole chunks */
	uint8_t kind;
	uint8_t cls;
	uint16_t nblocks;
	uint32_t size;		/* block size (small); user offset (large) */
	uint16_t nfree;		/* blocks in the shared pool (list + untouched) */
	uint16_t bump;		/* blocks from here on were never handed out */
	uint64_t recip;		/* 2^40/size rounded up: index without a divide */
	uintptr_t freelist;	/* first free block (raw: out of band) */
	struct span *next, *prev;	/* class's partial list, or free spans */
	uint32_t inpool[MAX_BLOCKS / 32];	/* bit set: block free in the pool */
};

#define CLASSES(X) \
	X(16) X(32) X(48) X(64) X(80) X(96) X(112) X(128) \
	X(160) X(192) X(224) X(256) X(320) X(384) X(448) X(512) \
	X(640) X(768) X(896) X(1024) X(1280) X(1536) X(1792) X(2048) \
	X(2560) X(3072) X(3584) X(4096) X(5120) X(6144) X(7168) X(8192) \
	X(10240) X(12288) X(14336) X(16384) X(20480) X(24576) X(28672) X(32768)
#define SIZE(s) s,
static const uint16_t class_size[NCLASSES] = { CLASSES(SIZE) };
/* Limit of a thread's cache, in blocks: about 32 KiB per class, 4 to 128
 * blocks (a table: free's fast path compares with it). */
#define CAP(s) (32768 / (s) < 4 ? 4 : 32768 / (s) > 128 ? 128 : 32768 / (s)),
static const uint8_t cap_tab[NCLASSES] = { CLASSES(CAP) };

/* A thread's cache: heads are raw (thread-local, out of band), links in the
 * blocks encoded. A count of DEAD marks a thread past its exit flush: every
 * free then goes straight to the pool. */
#define DEAD 0xffff
struct tcache {
	void *head[NCLASSES];
	uint16_t count[NCLASSES];
};
static _Thread_local struct tcache tc;

static struct span *pagemap[1u << (32 - CHUNK_SHIFT)];

static volatile int lock[1];
static struct {
	uintptr_t secret, key;
	int ready;
	struct span *partial[NCLASSES];	/* spans with free blocks */
	uint8_t empty[NCLASSES];	/* of those, entirely free */
	struct span *free_spans[3];	/* by length: 1, 2, 4 chunks */
	uint8_t nfree_spans[3];
	uintptr_t region, region_end;	/* chunks not yet carved */
	struct span *meta_free;		/* span headers to reuse */
	char *meta_cur, *meta_end;
} pool;

static inline unsigned size_class(size_t n)
{
	if (n <= 128) return n ? (n - 1) >> 4 : 0;
	unsigned lg = 31 - __builtin_clz(n - 1);
	return 8 + (lg - 7) * 4 + (((n - 1) >> (lg - 2)) & 3);
}

static inline unsigned cache_cap(unsigned c)
{
	return cap_tab[c];
}

static inline unsigned span_len(unsigned c)
{
	unsigned s = class_size[c];
	return s <= 8192 ? CHUNK : s <= 16384 ? 2 * CHUNK : 4 * CHUNK;
}

static inline uintptr_t encode(void *slot, uintptr_t next)
{
	return next ^ pool.secret ^ (uintptr_t)slot;
}

static inline uintptr_t decode(void *slot)
{
	return *(uintptr_t *)slot ^ pool.secret ^ (uintptr_t)slot;
}

static inline struct span *span_of(const void *p)
{
	return pagemap[(uintptr_t)p >> CHUNK_SHIFT];
}

/* Wasm memory has no unmapped page 0: a null span must be caught, not read. */
static inline struct span *checked_span(void *p)
{
	struct span *s = span_of(p);
	if (!s) a_crash();
	return s;
}

/* The index of block p in small span s; crashes unless p starts a block. */
static inline unsigned block_index(const struct span *s, const void *p)
{
	uint32_t off = (uintptr_t)p - s->base;
	uint32_t idx = ((uint64_t)off * s->recip) >> 40;
	if (idx >= s->nblocks || idx * s->size != off) a_crash();
	return idx;
}

static void init(void)
{
	uintptr_t r[2] = { 0, 0 };
	/* Without entropy, addresses and time make the secret at least differ
	 * between runs; the checks still work, only forging gets easier. */
	if (__syscall(SYS_getrandom, r, sizeof r, 1 /* GRND_NONBLOCK */) != sizeof r) {
		struct timespec ts;
		__clock_gettime(CLOCK_MONOTONIC, &ts);
		r[0] = (uintptr_t)&r * 2654435761u ^ ts.tv_nsec;
		r[1] = ts.tv_sec * 1103515245u ^ ts.tv_nsec ^ (uintptr_t)&tc;
	}
	pool.secret = r[0];
	pool.key = r[1] | 1;
	pool.ready = 1;
}

/* Address space of len bytes aligned to align (a power of two, at least a
 * chunk), or 0. Lamina's mmap is first fit in 4 KiB pages, so a mapping is
 * often aligned already; otherwise map more and trim. */
static uintptr_t map_aligned(size_t len, size_t align)
{
	void *p = __mmap(0, len, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) return 0;
	uintptr_t a = (uintptr_t)p;
	if (!(a & (align - 1))) return a;
	__munmap(p, len);
	size_t more = len + align - 4096;	/* mmap gives 4 KiB pages */
	if (more < len) return 0;
	p = __mmap(0, more, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) return 0;
	a = (uintptr_t)p;
	uintptr_t start = (a + align - 1) & -align;
	if (start > a) __munmap(p, start - a);
	if (a + more > start + len) __munmap((void *)(start + len), a + more - (start + len));
	return start;
}

/* Span headers come from an arena of their own: never inside the chunks
 * they describe, never reachable from a block overflow. (Locked.) */
static struct span *meta_alloc(void)
{
	struct span *s = pool.meta_free;
	if (s) {
		pool.meta_free = s->next;
		return s;
	}
	if (pool.meta_end - pool.meta_cur < (ptrdiff_t)sizeof *s) {
		void *m = __mmap(0, CHUNK, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) return 0;
		pool.meta_cur = m;
		pool.meta_end = pool.meta_cur + CHUNK;
	}
	s = (void *)pool.meta_cur;
	pool.meta_cur += sizeof *s;
	return s;
}

static void meta_free(struct span *s)
{
	s->next = pool.meta_free;
	pool.meta_free = s;
}

static void set_pagemap(uintptr_t base, size_t len, struct span *s)
{
	for (size_t i = 0; i < len >> CHUNK_SHIFT; i++)
		pagemap[(base >> CHUNK_SHIFT) + i] = s;
}

static inline int len_index(size_t len)
{
	return len == CHUNK ? 0 : len == 2 * CHUNK ? 1 : 2;
}

static void list_push(struct span **head, struct span *s)
{
	s->prev = 0;
	s->next = *head;
	if (*head) (*head)->prev = s;
	*head = s;
}

static void list_remove(struct span **head, struct span *s)
{
	if (s->prev) s->prev->next = s->next;
	else *head = s->next;
	if (s->next) s->next->prev = s->prev;
	s->next = s->prev = 0;
}

/* A span of class c, put on the class's partial list. (Locked.) */
static struct span *new_span(unsigned c)
{
	size_t len = span_len(c);
	int li = len_index(len);
	struct span *s = pool.free_spans[li];
	if (s) {
		list_remove(&pool.free_spans[li], s);
		pool.nfree_spans[li]--;
	} else {
		if (pool.region_end - pool.region < len) {
			uintptr_t r = map_aligned(REGION_CHUNKS * CHUNK, CHUNK);
			if (!r) return 0;
			pool.region = r;
			pool.region_end = r + REGION_CHUNKS * CHUNK;
		}
		s = meta_alloc();
		if (!s) return 0;
		s->base = pool.region;
		s->len = len;
		pool.region += len;
		set_pagemap(s->base, len, s);
	}
	unsigned size = class_size[c];
	s->kind = SPAN_SMALL;
	s->cls = c;
	s->size = size;
	s->nblocks = len / size;
	s->nfree = s->nblocks;
	s->bump = 0;
	s->freelist = 0;
	s->recip = ((uint64_t)1 << 40) / size + 1;
	unsigned words = s->nblocks / 32;
	memset(s->inpool, 0xff, words * 4);
	memset(s->inpool + words, 0, sizeof s->inpool - words * 4);
	if (s->nblocks % 32) s->inpool[words] = (1u << (s->nblocks % 32)) - 1;
	list_push(&pool.partial[c], s);
	pool.empty[c]++;
	return s;
}

/* An entirely free span leaves its class; kept for any class of its length,
 * or unmapped when enough are kept. (Locked.) */
static void release_span(struct span *s)
{
	list_remove(&pool.partial[s->cls], s);
	s->kind = SPAN_FREE;
	s->cls = NO_CLASS;
	int li = len_index(s->len);
	if (pool.nfree_spans[li] < KEEP_FREE_SPANS) {
		list_push(&pool.free_spans[li], s);
		pool.nfree_spans[li]++;
		return;
	}
	set_pagemap(s->base, s->len, 0);
	__munmap((void *)s->base, s->len);
	meta_free(s);
}

/* A block given back to the shared pool. Its bit tells a double free. (Locked.) */
static void pool_put(struct span *s, void *p)
{
	unsigned idx = block_index(s, p);
	uint32_t bit = 1u << (idx % 32);
	if (s->inpool[idx / 32] & bit) a_crash();
	s->inpool[idx / 32] |= bit;
	uintptr_t *b = p;
	b[0] = encode(p, s->freelist);
	b[1] = pool.key;
	s->freelist = (uintptr_t)p;
	if (s->nfree++ == 0)
		list_push(&pool.partial[s->cls], s);
	if (s->nfree == s->nblocks) {
		if (pool.empty[s->cls]) release_span(s);
		else pool.empty[s->cls]++;
	}
}

/* Up to want blocks of class c from the pool, linked as a cache list (key
 * set, links encoded); returns the list's head, *got how many. (Locked.) */
static void *pool_get(unsigned c, unsigned want, unsigned *got)
{
	uintptr_t head = 0;
	unsigned n = 0;
	while (n < want) {
		struct span *s = pool.partial[c];
		if (!s && !(s = new_span(c))) break;
		if (s->nfree == s->nblocks) pool.empty[c]--;
		while (n < want && s->nfree) {
			uintptr_t p;
			if (s->freelist) {
				p = s->freelist;
				uintptr_t next = decode((void *)p);
				/* A corrupted link must still name a block of this span. */
				if (next) block_index(s, (void *)next);
				s->freelist = next;
			} else {
				if (s->bump >= s->nblocks) a_crash();
				p = s->base + (uintptr_t)s->bump++ * s->size;
			}
			unsigned idx = block_index(s, (void *)p);
			uint32_t bit = 1u << (idx % 32);
			if (!(s->inpool[idx / 32] & bit)) a_crash();
			s->inpool[idx / 32] &= ~bit;
			s->nfree--;
			uintptr_t *b = (void *)p;
			b[0] = encode(b, head);
			b[1] = pool.key;
			head = p;
			n++;
		}
		if (!s->nfree) list_remove(&pool.partial[c], s);
	}
	*got = n;
	return (void *)head;
}

/* Checks a block of class c of this thread's cache list (an encoded link
 * decoded): it must lie in a span of the same class. */
static inline void check_link(uintptr_t next, unsigned c)
{
	struct span *s = span_of((void *)next);
	if (!s || s->cls != c) a_crash();
}

static inline void *cache_pop(struct tcache *t, unsigned c, void *p)
{
	uintptr_t next = decode(p);
	if (next) check_link(next, c);
	t->head[c] = (void *)next;
	t->count[c]--;
	((uintptr_t *)p)[1] = 0;	/* no key in a live block */
	return p;
}

static __attribute__((noinline)) void *refill(unsigned c)
{
	struct tcache *t = &tc;
	unsigned got, want = t->count[c] == DEAD ? 1 : cache_cap(c) / 2;
	LOCK(lock);
	if (!pool.ready) init();
	void *head = pool_get(c, want, &got);
	UNLOCK(lock);
	if (!got) {
		errno = ENOMEM;
		return 0;
	}
	if (t->count[c] == DEAD) {
		((uintptr_t *)head)[1] = 0;
		return head;
	}
	t->head[c] = head;
	t->count[c] = got;
	return cache_pop(t, c, head);
}

static inline void *small_alloc(unsigned c)
{
	struct tcache *t = &tc;
	void *p = t->head[c];
	if (p) return cache_pop(t, c, p);
	return refill(c);
}

/* A mapping of its own, whole chunks aligned to align (at least a chunk). */
static void *large_alloc(size_t n, size_t align)
{
	if (n > SIZE_MAX / 2 || align > SIZE_MAX / 4) {
		errno = ENOMEM;
		return 0;
	}
	size_t len = (n + CHUNK - 1) & -CHUNK;
	if (!len) len = CHUNK;
	uintptr_t base = map_aligned(len, align);
	if (!base) return 0;
	LOCK(lock);
	if (!pool.ready) init();
	struct span *s = meta_alloc();
	if (s) {
		s->base = base;
		s->len = len;
		s->kind = SPAN_LARGE;
		s->cls = NO_CLASS;
		s->size = 0;
		s->nblocks = 0;
		set_pagemap(base, len, s);
	}
	UNLOCK(lock);
	if (!s) {
		__munmap((void *)base, len);
		errno = ENOMEM;
		return 0;
	}
	return (void *)base;
}

static void large_free(struct span *s, void *p)
{
	if (s->kind != SPAN_LARGE || (uintptr_t)p != s->base) a_crash();
	uintptr_t base = s->base;
	size_t len = s->len;
	LOCK(lock);
	/* Checked again under the lock: two threads freeing one mapping. */
	if (span_of(p) != s || s->kind != SPAN_LARGE) a_crash();
	s->kind = SPAN_FREE;
	set_pagemap(base, len, 0);
	meta_free(s);
	UNLOCK(lock);
	__munmap((void *)base, len);
}

/* A block still carrying the key is probably free already: confirmed
 * against this thread's cache and the pool's bits. */
static __attribute__((noinline)) void check_double_free(struct span *s, unsigned c, void *p)
{
	struct tcache *t = &tc;
	if (t->count[c] != DEAD) {
		unsigned n = t->count[c];
		for (void *q = t->head[c]; q && n--; q = (void *)decode(q))
			if (q == p) a_crash();
	}
	LOCK(lock);
	unsigned idx = block_index(s, p);
	int free_in_pool = s->inpool[idx / 32] >> (idx % 32) & 1;
	UNLOCK(lock);
	if (free_in_pool) a_crash();
}

/* Half the cache of class c back to the pool, then p into the cache (or
 * straight to the pool from an exited thread). */
static __attribute__((noinline)) void free_slow(struct span *s, unsigned c, void *p)
{
	struct tcache *t = &tc;
	if (t->count[c] == DEAD) {
		LOCK(lock);
		pool_put(s, p);
		UNLOCK(lock);
		return;
	}
	unsigned n = cache_cap(c) / 2;
	void *q = t->head[c];
	LOCK(lock);
	for (unsigned i = 0; i < n && q; i++) {
		void *next = (void *)decode(q);
		pool_put(checked_span(q), q);
		q = next;
		t->count[c]--;
	}
	UNLOCK(lock);
	uintptr_t *b = p;
	b[0] = encode(p, (uintptr_t)q);
	b[1] = pool.key;
	t->head[c] = p;
	t->count[c]++;
}

void *__libc_malloc_impl(size_t n)
{
	if (n <= SMALL_MAX) return small_alloc(size_class(n));
	return large_alloc(n, CHUNK);
}

void __libc_free(void *p)
{
	if (!p) return;
	struct span *s = checked_span(p);
	if (s->kind != SPAN_SMALL) {
		large_free(s, p);
		return;
	}
	block_index(s, p);
	unsigned c = s->cls;
	uintptr_t *b = p;
	if (b[1] == pool.key) check_double_free(s, c, p);
	struct tcache *t = &tc;
	if (t->count[c] < cache_cap(c)) {
		b[0] = encode(p, (uintptr_t)t->head[c]);
		b[1] = pool.key;
		t->head[c] = p;
		t->count[c]++;
		return;
	}
	free_slow(s, c, p);
}

static size_t usable(struct span *s, void *p)
{
	if (s->kind == SPAN_SMALL) {
		block_index(s, p);
		return s->size;
	}
	if (s->kind != SPAN_LARGE || (uintptr_t)p != s->base) a_crash();
	return s->len;
}

void *__libc_realloc(void *p, size_t n)
{
	if (!p) return __libc_malloc_impl(n);
	struct span *s = checked_span(p);
	size_t old = usable(s, p);
	if (s->kind == SPAN_SMALL) {
		/* In place when the new size is of this class or the one or two
		 * below (mallocng keeps one below): shrinking a little moves nothing. */
		if (n <= old && size_class(n) + 2 >= s->cls) return p;
	} else if (n > SMALL_MAX && n <= old && n > old / 2) {
		return p;
	}
	void *new = __libc_malloc_impl(n);
	if (!new) return 0;
	memcpy(new, p, n < old ? n : old);
	__libc_free(p);
	return new;
}

void *aligned_alloc(size_t align, size_t len)
{
	if ((align & -align) != align) {
		errno = EINVAL;
		return 0;
	}
	/* As mallocng: an interposed malloc without an interposed aligned_alloc
	 * cannot be mixed with ours. */
	if (__malloc_replaced && !__aligned_alloc_replaced) {
		errno = ENOMEM;
		return 0;
	}
	if (align <= 16) return __libc_malloc_impl(len);
	/* Blocks of a class whose size is a multiple of align are aligned, as
	 * spans start on a chunk. */
	if (len <= SMALL_MAX && align <= SMALL_MAX) {
		for (unsigned c = size_class(len); c < NCLASSES; c++)
			if (!(class_size[c] & (align - 1))) return small_alloc(c);
	}
	return large_alloc(len, align > CHUNK ? align : CHUNK);
}

size_t malloc_usable_size(void *p)
{
	if (!p) return 0;
	return usable(checked_span(p), p);
}

/* calloc need not clear a fresh mapping. */
int __malloc_allzerop(void *p)
{
	return span_of(p)->kind == SPAN_LARGE;
}

/* Only the dynamic linker donates (unused parts of loaded objects); a
 * static program never does, and declining is always correct. */
void __malloc_donate(char *start, char *end)
{
}

/* fork (src/process/fork.c): the pool's lock is held across the fork; the
 * child, single-threaded, starts with it free. The forking thread's cache
 * is in its TLS and survives; other threads' caches are lost in the child,
 * their blocks leaked there (never given out twice). */
void __malloc_atfork(int who)
{
	if (who < 0) LOCK(lock);
	else if (who > 0) lock[0] = 0;
	else UNLOCK(lock);
}

/* pthread_exit, after TSD destructors (which may free): the thread's cached
 * blocks go back to the pool; later frees of this thread go there directly. */
hidden void __malloc_thread_exit(void)
{
	struct tcache *t = &tc;
	LOCK(lock);
	for (unsigned c = 0; c < NCLASSES; c++) {
		if (t->count[c] == DEAD) continue;
		void *q = t->head[c];
		for (unsigned n = t->count[c]; q && n--; ) {
			void *next = (void *)decode(q);
			pool_put(checked_span(q), q);
			q = next;
		}
		t->head[c] = 0;
		t->count[c] = DEAD;
	}
	UNLOCK(lock);
}
