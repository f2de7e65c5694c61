/* poll_oneoff: clock subscriptions become one ppoll timeout (the nearest
 * deadline), descriptor subscriptions ppoll's pollfds. A subscription
 * that cannot be waited on (bad descriptor, unknown clock) fails the whole
 * call, as in wasmtime. */
#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <sys/ioctl.h>
#include "wasi_layer.h"

static uint64_t monotonic_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ns_from_timespec(&ts);
}

/* Nanoseconds until a clock subscription fires (0: it already has), or a
 * WASI errno for an unknown clock. */
static int clock_remaining(const struct wasi_subscription *s, uint64_t *remaining)
{
	int clock, err = linux_clock_id(s->u.clock.id, &clock);
	if (err)
		return err;
	if (!(s->u.clock.flags & WASI_SUBCLOCKFLAG_ABSTIME)) {
		*remaining = s->u.clock.timeout;
		return WASI_ESUCCESS;
	}
	struct timespec ts;
	if (clock_gettime(clock, &ts) != 0)
		return wasi_errno_last();
	uint64_t now = ns_from_timespec(&ts);
	*remaining = s->u.clock.timeout > now ? s->u.clock.timeout - now : 0;
	return WASI_ESUCCESS;
}

WASI_EXPORT("poll_oneoff") int wasi_poll_oneoff(lp_addr in, lp_addr out, uint32_t nsubscriptions, lp_addr nevents_out)
{
	if (nsubscriptions == 0)
		return WASI_EINVAL; /* nothing to wait for would wait forever */
	if ((uint64_t)in + (uint64_t)nsubscriptions * sizeof(struct wasi_subscription) > UINT32_MAX + 1ull ||
	    (uint64_t)out + (uint64_t)nsubscriptions * sizeof(struct wasi_event) > UINT32_MAX + 1ull)
		return WASI_EFAULT;
	struct wasi_subscription *subs = malloc(nsubscriptions * sizeof *subs);
	struct wasi_event *events = malloc(nsubscriptions * sizeof *events);
	struct pollfd *pfds = malloc(nsubscriptions * sizeof *pfds);
	uint64_t *remaining = malloc(nsubscriptions * sizeof *remaining);
	uint32_t *pfd_of = malloc(nsubscriptions * sizeof *pfd_of);
	int err = WASI_ESUCCESS;
	if (!subs || !events || !pfds || !remaining || !pfd_of) {
		err = WASI_ENOMEM;
		goto done;
	}
	if ((err = get(subs, in, nsubscriptions * sizeof *subs)))
		goto done;

	uint32_t nevents = 0, npfds = 0;
	uint64_t timeout = UINT64_MAX;
	for (uint32_t i = 0; i < nsubscriptions; i++) {
		const struct wasi_subscription *s = &subs[i];
		pfd_of[i] = UINT32_MAX;
		remaining[i] = UINT64_MAX;
		if (s->tag == WASI_EVENTTYPE_CLOCK) {
			if ((err = clock_remaining(s, &remaining[i])))
				goto done;
			if (remaining[i] < timeout)
				timeout = remaining[i];
		} else if (s->tag == WASI_EVENTTYPE_FD_READ || s->tag == WASI_EVENTTYPE_FD_WRITE) {
			/* Any open descriptor may be polled (stdio holds no poll
			 * right in wasmtime's rights either). */
			struct wasi_fd *f = fd_lookup(s->u.fd_readwrite.fd, 0, &err);
			if (!f)
				goto done;
			pfd_of[i] = npfds;
			pfds[npfds++] = (struct pollfd){
				.fd = f->host, .events = s->tag == WASI_EVENTTYPE_FD_READ ? POLLIN : POLLOUT};
		} else {
			err = WASI_EINVAL;
			goto done;
		}
	}

	struct timespec wait, *waitp = NULL;
	if (timeout != UINT64_MAX) {
		timespec_from_ns(&wait, timeout);
		waitp = &wait;
	}
	uint64_t started = monotonic_now();
	if (ppoll(npfds ? pfds : NULL, npfds, waitp, NULL) < 0) {
		err = wasi_errno_last();
		goto done;
	}
	uint64_t elapsed = monotonic_now() - started;

	for (uint32_t i = 0; i < nsubscriptions; i++) {
		const struct wasi_subscription *s = &subs[i];
		struct wasi_event ev = {.userdata = s->userdata, .type = s->tag};
		if (s->tag == WASI_EVENTTYPE_CLOCK) {
			if (remaining[i] != UINT64_MAX && remaining[i] <= elapsed)
				events[nevents++] = ev;
			continue;
		}
		if (pfd_of[i] == UINT32_MAX)
			continue;
		const struct pollfd *p = &pfds[pfd_of[i]];
		if (!p->revents)
			continue;
		/* Data still to read counts as readable even after the writer hung
		 * up (Linux reports both); hang-up alone is the HANGUP flag. */
		if (p->revents & POLLNVAL) {
			ev.error = WASI_EBADF;
		} else if ((p->revents & POLLHUP) && !(p->revents & (POLLIN | POLLOUT))) {
			ev.fd_readwrite.flags = WASI_EVENTRWFLAG_HANGUP;
		} else if ((p->revents & POLLERR) && !(p->revents & (POLLIN | POLLOUT))) {
			ev.error = WASI_EIO;
		} else if (s->tag == WASI_EVENTTYPE_FD_READ) {
			int avail;
			if (ioctl(p->fd, FIONREAD, &avail) == 0 && avail > 0)
				ev.fd_readwrite.nbytes = (uint64_t)avail;
		}
		events[nevents++] = ev;
	}
	/* A timeout that ppoll honoured a little early (clock granularity)
	 * still fires the nearest clock. */
	if (nevents == 0) {
		for (uint32_t i = 0; i < nsubscriptions; i++)
			if (subs[i].tag == WASI_EVENTTYPE_CLOCK && remaining[i] == timeout) {
				events[nevents++] = (struct wasi_event){.userdata = subs[i].userdata, .type = WASI_EVENTTYPE_CLOCK};
				break;
			}
	}
	if (!(err = put(out, events, nevents * sizeof *events)))
		err = put_u32(nevents_out, nevents);
done:
	free(subs);
	free(events);
	free(pfds);
	free(remaining);
	free(pfd_of);
	return err;
}
