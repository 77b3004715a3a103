/*
 * The handshake probe: what the Core meets on TCP cloud.host:cloud.port.
 * A live cloud sends its 40-byte nonce as soon as the connection opens;
 * we read it and close, so no key is needed.  The Core speaks IPv4 only,
 * so its IPv4 addresses decide; IPv6 ones are listed beside as
 * information.  Each is tried in turn; a round in which every try timed
 * out is repeated, up to probes.retries times, within the run's budget.
 * A private address a hijacking resolver gave is tried too: the Core
 * would connect to it.  This host's own address or its gateway's is not:
 * that is a router that answers every name with itself while it is
 * offline, and its refusal says nothing about the path to the cloud.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr_class.h"
#include "cd_config.h"
#include "probe.h"
#include "probe_net.h"
#include "resolve.h"
#include "util.h"

#define HANDSHAKE_MAX_ADDRS	8
#define HANDSHAKE_MAX_OTHERS	4	/* listed, not tried: IPv6, this host */
#define HANDSHAKE_SETTLE_MS	50	/* after the nonce: nothing more may follow */

struct handshake_probe;

/* One connection; its memory goes in the close callback. */
struct handshake_conn {
	uv_tcp_t		 tcp;
	uv_connect_t		 req;
	struct handshake_probe	*q;		/* NULL once dropped */
	char			 buf[64];
};

struct handshake_addr {
	struct sockaddr_storage		 sa;
	struct cd_handshake_outcome	 o;		/* its last try */
	double				 connect_ms, nonce_ms;
	unsigned			 tries;
};

enum handshake_phase {
	HANDSHAKE_RESOLVING, HANDSHAKE_CONNECTING, HANDSHAKE_READING,
	HANDSHAKE_SETTLING,
};

struct handshake_probe {
	struct cd_probe_run	*run;
	uv_loop_t		*loop;
	uv_timer_t		 timer;
	struct cd_resolve	*lookup;
	struct handshake_conn	*conn;
	enum handshake_phase	 phase;
	char			*host;
	uint16_t		 port;
	char			 subject[300];
	unsigned		 dns_tries, round;
	struct handshake_addr	 addrs[HANDSHAKE_MAX_ADDRS];	/* IPv4: tried */
	size_t			 naddrs, cur;
	struct sockaddr_storage	 others[HANDSHAKE_MAX_OTHERS];	/* not tried */
	const char		*others_why[HANDSHAKE_MAX_OTHERS];
	size_t			 nothers;
	struct cd_local		 local;
	uint64_t		 t0;		/* uv_hrtime at this try's start */
};

static void	handshake_connect(struct handshake_probe *q);
static void	handshake_resolve(struct handshake_probe *q);
static void	handshake_timeout(uv_timer_t *t);

static double
since_ms(uint64_t t0)
{
	return (double)(uv_hrtime() - t0) / 1e6;
}

static void
conn_closed(uv_handle_t *h)
{
	free(container_of((uv_tcp_t *)h, struct handshake_conn, tcp));
}

static void
conn_drop(struct handshake_probe *q)
{
	if (q->conn == NULL)
		return;
	q->conn->q = NULL;
	uv_close((uv_handle_t *)&q->conn->tcp, conn_closed);
	q->conn = NULL;
}

static void
handshake_freed(uv_handle_t *h)
{
	struct handshake_probe *q = h->data;

	free(q->host);
	free(q);
}

static void
handshake_free(struct handshake_probe *q)
{
	cd_resolve_abandon(q->lookup);
	q->lookup = NULL;
	conn_drop(q);
	q->run = NULL;
	uv_close((uv_handle_t *)&q->timer, handshake_freed);
}

/* Record v, its detail written, and end the run. */
static void
handshake_finish(struct handshake_probe *q, const struct cd_probe_verdict *v)
{
	struct cd_probe_run *run = q->run;

	cd_probe_conclude(run, cd_handshake_ids, q->subject,
	    v);
	handshake_free(q);
}

/* One address's story: "198.18.100.10:5683: connected in 0.3 ms, ..." */
static size_t
describe(const struct handshake_addr *a, uint64_t timeout_ms, char *buf,
    size_t len)
{
	const struct cd_handshake_outcome	*o = &a->o;
	char				 addr[64], tries[32] = "";

	cd_addr_port_str((const struct sockaddr *)&a->sa, addr, sizeof(addr));
	if (a->tries > 1)
		snprintf(tries, sizeof(tries), " (%u tries)", a->tries);
	if (!o->connected && o->timed_out)
		return (size_t)snprintf(buf, len, "%s: connect timed out after "
		    "%llu ms%s", addr, (unsigned long long)timeout_ms, tries);
	if (!o->connected)
		return (size_t)snprintf(buf, len, "%s: %s after %.1f ms%s", addr,
		    uv_strerror(o->connect_status), a->connect_ms, tries);
	if (o->nbytes == CD_NONCE_LEN)
		return (size_t)snprintf(buf, len, "%s: connected in %.1f ms, "
		    "40-byte nonce after %.1f ms", addr, a->connect_ms,
		    a->nonce_ms);
	return (size_t)snprintf(buf, len, "%s: connected in %.1f ms, then %zu "
	    "bytes and %s%s", addr, a->connect_ms, o->nbytes,
	    o->timed_out && o->nbytes < CD_NONCE_LEN ? "silence until the "
	    "timeout" : o->read_status == UV_EOF ? "a close" :
	    o->read_status < 0 ? uv_strerror(o->read_status) :
	    "no 40-byte nonce", tries);
}

/* "; not tried: [2001:db8::10]:5683 (IPv6, the Core has none)" */
static size_t
describe_others(const struct handshake_probe *q, char *buf, size_t len)
{
	char	addr[64];
	size_t	n = 0;

	for (size_t i = 0; i < q->nothers && n < len; i++) {
		cd_addr_port_str((const struct sockaddr *)&q->others[i], addr,
		    sizeof(addr));
		n += (size_t)snprintf(buf + n, len - n, "%s%s (%s)",
		    i == 0 ? "; not tried: " : ", ", addr, q->others_why[i]);
	}
	return n < len ? n : len;
}

/* The verdict is the first address's (IPv4 first), unless one worked. */
static void
handshake_conclude(struct handshake_probe *q,
    const struct handshake_addr *best)
{
	struct cd_probe_verdict	 v;
	const char		*what;
	char			*d = v.detail;
	size_t			 n, len = sizeof(v.detail);

	if (best == NULL)
		best = &q->addrs[0];
	cd_handshake_decide(&best->o, cd_addr_where((const struct sockaddr *)
	    &best->sa, &q->local, &what) == CD_WHERE_INTERNET, &v);
	n = describe(best, q->run->timeout_ms, d, len);
	for (size_t i = 0; i < q->naddrs && n < len; i++) {
		if (&q->addrs[i] == best || q->addrs[i].tries == 0)
			continue;
		n += (size_t)snprintf(d + n, len - n, "; ");
		if (n < len)
			n += describe(&q->addrs[i], q->run->timeout_ms, d + n,
			    len - n);
	}
	if (n < len)
		describe_others(q, d + n, len - n);
	handshake_finish(q, &v);
}

/* Nothing the Core could connect to: no verdict on the path (dns says). */
static void
handshake_nothing(struct handshake_probe *q, const char *word,
    const char *why)
{
	struct cd_probe_verdict	v = { .result = word, .reach = CD_REACH_NONE };
	size_t			n;

	n = (size_t)snprintf(v.detail, sizeof(v.detail), "%s %s: nothing to "
	    "connect to", q->host, why);
	if (n < sizeof(v.detail))
		describe_others(q, v.detail + n, sizeof(v.detail) - n);
	handshake_finish(q, &v);
}

static void
handshake_dns_failed(struct handshake_probe *q, const char *why)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "does not resolve (%s)", why);
	handshake_nothing(q, "dns_failed", buf);
}

static bool
round_timed_out(const struct handshake_probe *q)
{
	for (size_t i = 0; i < q->naddrs; i++)
		if (!q->addrs[i].o.timed_out)
			return false;
	return true;
}

/* One try is over: the nonce ends the probe, else on to the next. */
static void
handshake_try_end(struct handshake_probe *q)
{
	struct handshake_addr *a = &q->addrs[q->cur];

	conn_drop(q);
	uv_timer_stop(&q->timer);
	if (cd_handshake_verdict(&a->o) == CD_HANDSHAKE_OK) {
		handshake_conclude(q, a);
		return;
	}
	if (cd_probe_wait_ms(q->run) == 0) {
		handshake_conclude(q, NULL);
		return;
	}
	if (++q->cur < q->naddrs) {
		handshake_connect(q);
		return;
	}
	if (round_timed_out(q) && q->round < cd_probe_tries(q->run) &&
	    cd_probe_wait_ms(q->run) > 0) {
		q->round++;
		q->cur = 0;
		handshake_connect(q);
		return;
	}
	handshake_conclude(q, NULL);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct handshake_conn *conn = container_of((uv_tcp_t *)h,
				    struct handshake_conn, tcp);

	(void)hint;
	*buf = uv_buf_init(conn->buf, sizeof(conn->buf));
}

static void
on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct handshake_conn	*conn = container_of((uv_tcp_t *)s,
				    struct handshake_conn, tcp);
	struct handshake_probe	*q = conn->q;
	struct handshake_addr	*a;

	(void)buf;
	if (q == NULL || nread == 0)
		return;
	a = &q->addrs[q->cur];
	if (nread < 0) {
		a->o.read_status = (int)nread;
		handshake_try_end(q);
		return;
	}
	a->o.nbytes += (size_t)nread;
	if (a->o.nbytes > CD_NONCE_LEN) {
		handshake_try_end(q);
	} else if (a->o.nbytes == CD_NONCE_LEN) {
		a->nonce_ms = since_ms(q->t0);
		q->phase = HANDSHAKE_SETTLING;
		uv_timer_start(&q->timer, handshake_timeout, HANDSHAKE_SETTLE_MS, 0);
	}
}

static void
on_connect(uv_connect_t *req, int status)
{
	struct handshake_conn	*conn = container_of(req, struct handshake_conn, req);
	struct handshake_probe	*q = conn->q;
	struct handshake_addr	*a;
	int		 rc;

	if (q == NULL)
		return;
	a = &q->addrs[q->cur];
	a->connect_ms = since_ms(q->t0);
	if (status < 0) {
		a->o.connect_status = status;
		handshake_try_end(q);
		return;
	}
	a->o.connected = true;
	q->phase = HANDSHAKE_READING;
	if ((rc = uv_read_start((uv_stream_t *)&conn->tcp, on_alloc,
	    on_read)) < 0) {
		a->o.read_status = rc;
		handshake_try_end(q);
		return;
	}
	uv_timer_start(&q->timer, handshake_timeout, cd_probe_wait_ms(q->run), 0);
}

static void
handshake_connect(struct handshake_probe *q)
{
	struct handshake_addr	*a = &q->addrs[q->cur];
	struct handshake_conn	*conn = cd_calloc(1, sizeof(*conn));
	int		 rc;

	a->tries++;
	memset(&a->o, 0, sizeof(a->o));
	uv_tcp_init(q->loop, &conn->tcp);
	conn->q = q;
	q->conn = conn;
	q->phase = HANDSHAKE_CONNECTING;
	q->t0 = uv_hrtime();
	rc = uv_tcp_connect(&conn->req, &conn->tcp,
	    (const struct sockaddr *)&a->sa, on_connect);
	if (rc < 0) {
		a->o.connect_status = rc;
		handshake_try_end(q);
		return;
	}
	uv_timer_start(&q->timer, handshake_timeout, cd_probe_wait_ms(q->run), 0);
}

static void
handshake_timeout(uv_timer_t *t)
{
	struct handshake_probe	*q = t->data;
	struct handshake_addr	*a = &q->addrs[q->cur];
	char		 why[64];

	switch (q->phase) {
	case HANDSHAKE_RESOLVING:
		cd_resolve_abandon(q->lookup);
		q->lookup = NULL;
		if (q->dns_tries < cd_probe_tries(q->run) &&
		    cd_probe_wait_ms(q->run) > 0) {
			handshake_resolve(q);
			return;
		}
		snprintf(why, sizeof(why), "no answer within %llu ms",
		    (unsigned long long)q->run->timeout_ms);
		handshake_dns_failed(q, why);
		return;
	case HANDSHAKE_CONNECTING:
		a->o.connect_status = UV_ETIMEDOUT;
		/* FALLTHROUGH */
	case HANDSHAKE_READING:
		a->o.timed_out = true;
		/* FALLTHROUGH */
	case HANDSHAKE_SETTLING:
		handshake_try_end(q);
		return;
	}
}

static void
handshake_other(struct handshake_probe *q, const struct addrinfo *ai,
    const char *why)
{
	if (q->nothers == HANDSHAKE_MAX_OTHERS)
		return;
	memcpy(&q->others[q->nothers], ai->ai_addr, ai->ai_addrlen);
	q->others_why[q->nothers++] = why;
}

/*
 * Try up to HANDSHAKE_MAX_ADDRS IPv4 addresses; list IPv6 ones and this host's
 * or its gateway's beside.
 */
static void
handshake_addrs(struct handshake_probe *q, const struct addrinfo *res)
{
	const struct addrinfo	*ai;
	const char		*what;

	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(q->addrs[0].sa))
			continue;
		if (ai->ai_family == AF_INET6)
			handshake_other(q, ai, "IPv6, which the Core does not speak");
		else if (cd_addr_where(ai->ai_addr, &q->local, &what) ==
		    CD_WHERE_HOST)
			handshake_other(q, ai, what);
		else if (q->naddrs < HANDSHAKE_MAX_ADDRS)
			memcpy(&q->addrs[q->naddrs++].sa, ai->ai_addr,
			    ai->ai_addrlen);
	}
}

/* Only IPv6 addresses, or this host's own and its gateway's? */
static const char *
handshake_no_addr_word(const struct handshake_probe *q)
{
	for (size_t i = 0; i < q->nothers; i++)
		if (q->others[i].ss_family == AF_INET)
			return "not_internet";
	return q->nothers > 0 ? "no_ipv4" : "dns_failed";
}

static void
handshake_answer(void *arg, int status, const struct addrinfo *res,
    const char *why)
{
	struct handshake_probe *q = arg;

	q->lookup = NULL;
	uv_timer_stop(&q->timer);
	if (status == 0) {
		handshake_addrs(q, res);
		if (q->naddrs == 0) {
			handshake_nothing(q, handshake_no_addr_word(q),
			    q->nothers > 0 ? "has no IPv4 address on the "
			    "internet" : "has no IPv4 or IPv6 address");
			return;
		}
		q->round = 1;
		handshake_connect(q);
	} else if (cd_dns_retryable(status) &&
	    q->dns_tries < cd_probe_tries(q->run) &&
	    cd_probe_wait_ms(q->run) > 0)
		handshake_resolve(q);
	else
		handshake_dns_failed(q, why);
}

static void
handshake_resolve(struct handshake_probe *q)
{
	struct addrinfo	hints = { .ai_family = AF_UNSPEC,
			    .ai_socktype = SOCK_STREAM,
			    .ai_flags = AI_NUMERICSERV };
	char		service[8];
	int		rc;

	q->dns_tries++;
	q->phase = HANDSHAKE_RESOLVING;
	snprintf(service, sizeof(service), "%u", (unsigned)q->port);
	rc = cd_resolve_start(q->loop, q->host, service, &hints, handshake_answer, q,
	    &q->lookup);
	if (rc < 0) {
		handshake_dns_failed(q, strerror(-rc));
		return;
	}
	uv_timer_start(&q->timer, handshake_timeout, cd_probe_wait_ms(q->run), 0);
}

static bool
handshake_enabled(const struct cd_config *cfg)
{
	return cfg->probes.handshake;
}

static int
handshake_start(struct cd_probe_run *run)
{
	const struct cd_config	*cfg = cd_probe_cfg(run);
	struct handshake_probe		*q = cd_calloc(1, sizeof(*q));

	q->run = run;
	q->loop = cd_probe_loop(run);
	q->host = cd_strdup(cfg->cloud.host);
	q->port = cfg->cloud.port;
	cd_cloud_subject(cfg, q->subject, sizeof(q->subject));
	cd_local_load(&q->local);
	uv_timer_init(q->loop, &q->timer);
	q->timer.data = q;
	run->priv = q;
	handshake_resolve(q);
	return 0;
}

static void
handshake_cancel(struct cd_probe_run *run)
{
	struct handshake_probe *q = run->priv;

	if (q == NULL)
		return;
	run->priv = NULL;
	handshake_free(q);
}

/* The budget is spent: what the current try saw is its end. */
static void
handshake_expire(struct cd_probe_run *run)
{
	struct handshake_probe *q = run->priv;

	if (q != NULL)
		handshake_timeout(&q->timer);
}

const struct cd_probe_ops cd_probe_handshake = {
	.name = "handshake",
	.enabled = handshake_enabled,
	.start = handshake_start,
	.cancel = handshake_cancel,
	.expire = handshake_expire,
};
