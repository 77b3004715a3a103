/*
 * getaddrinfo off the loop, and abandonable.
 *
 * uv_getaddrinfo runs in libuv's thread pool as a request the loop waits
 * for: a resolver that hangs (glibc: 5 s per try, per server, A and AAAA)
 * would hold --once and the daemon's exit past every probe's deadline, and
 * hung lookups would fill the pool's four threads.  Here each lookup has
 * its own detached thread; a caller that gives up abandons it, and the
 * thread frees what is left when getaddrinfo finally returns.  A numeric
 * address is answered on the loop without a thread.
 */
#ifndef CD_RESOLVE_H
#define CD_RESOLVE_H

#include <netdb.h>
#include <uv.h>

struct cd_resolve;

/*
 * The answer, on the loop: status 0 and the addresses (valid during the
 * call only), or a getaddrinfo error (EAI_*) and why in words.  The lookup
 * is over once this returns; do not abandon it afterwards.
 */
typedef void cd_resolve_cb(void *arg, int status,
    const struct addrinfo *res, const char *why);

/* 0 and *out, or a negative errno (no thread): cb is then never called. */
int	cd_resolve_start(uv_loop_t *loop, const char *host,
	    const char *service, const struct addrinfo *hints,
	    cd_resolve_cb *cb, void *arg, struct cd_resolve **out);
/* Give up: cb will not be called.  NULL is allowed. */
void	cd_resolve_abandon(struct cd_resolve *r);

/*
 * The function the threads call: getaddrinfo, or a test's stand-in (it
 * must return lists freeaddrinfo can free).  Set it before any lookup.
 */
typedef int cd_getaddrinfo_fn(const char *host, const char *service,
    const struct addrinfo *hints, struct addrinfo **res);
extern cd_getaddrinfo_fn *cd_resolve_getaddrinfo;

#endif
