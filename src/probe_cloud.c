/*
 * The handshake probe: what the Core meets on TCP cloud.host:cloud.port.
 * A live cloud sends its 40-byte nonce as soon as the connection opens;
 * we read it and close, so no key is needed.  Each address of the host
 * is tried in turn (IPv4 first: the Core has no IPv6); a round in which
 * every try timed out is repeated, up to probes.retries times, within the
 * probe's budget.  A private address a hijacking resolver gave is tried
 * too: the Core would connect to it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr_class.h"
#include "cd_config.h"
#include "daemon.h"
#include "probe.h"
#include "probe_net.h"
#include "resolve.h"
#include "util.h"

#define HS_MAX_ADDRS	8
#define HS_SETTLE_MS	50	/* after the nonce: nothing more may follow */

struct hs_probe;

/* One connection; its memory goes in the close callback. */
struct hs_conn {
	uv_tcp_t	 tcp;
	uv_connect_t	 req;
	struct hs_probe	*q;		/* NULL once dropped */
	char		 buf[64];
};

struct hs_addr {
	struct sockaddr_storage	 sa;
	struct cd_hs_outcome	 o;		/* its last try */
	double			 connect_ms, nonce_ms;
	unsigned		 tries;
};

enum hs_phase { HS_RESOLVING, HS_CONNECTING, HS_READING, HS_SETTLING };

struct hs_probe {
	struct cd_probe_run	*run;
	uv_loop_t		*loop;
	uv_timer_t		 timer;
	struct cd_resolve	*lookup;
	struct hs_conn		*conn;
	enum hs_phase		 phase;
	char			*host;
	uint16_t		 port;
	char			 subject[300];
	uint64_t		 timeout_ms;
	uint64_t		 end;		/* uv_now when the budget is spent */
	unsigned		 max_tries, dns_tries, round;
	struct hs_addr		 addrs[HS_MAX_ADDRS];
	size_t			 naddrs, cur;
	uint64_t		 t0;		/* uv_hrtime at this try's start */
};

static void	hs_connect(struct hs_probe *q);
static void	hs_resolve(struct hs_probe *q);
static void	hs_timeout(uv_timer_t *t);

void
cd_cloud_subject(const struct cd_config *cfg, char *buf, size_t len)
{
	snprintf(buf, len, "cloud:%s:%u", cfg->cloud.host,
	    (unsigned)cfg->cloud.port);
}

enum cd_hs_verdict
cd_handshake_verdict(const struct cd_hs_outcome *o)
{
	if (!o->connected)
		return o->connect_status == UV_ECONNREFUSED ||
		    o->connect_status == UV_ECONNRESET ? CD_HS_REJECTED :
		    CD_HS_BLOCKED;
	if (o->nbytes == CD_NONCE_LEN)
		return CD_HS_OK;
	if (o->nbytes == 0 && o->read_status == UV_ECONNRESET)
		return CD_HS_REJECTED;
	return CD_HS_NO_HANDSHAKE;
}

static const char *const verdict_ids[] = {
	"cloud.ok", "cloud.tcp_blocked", "cloud.tcp_rejected",
	"cloud.no_handshake", NULL,
};

const char *
cd_hs_verdict_id(enum cd_hs_verdict v)
{
	return verdict_ids[v];
}

const char *
cd_hs_verdict_word(enum cd_hs_verdict v)
{
	return verdict_ids[v] + strlen("cloud.");
}

static double
since_ms(uint64_t t0)
{
	return (double)(uv_hrtime() - t0) / 1e6;
}

/* What is left of the budget for the next wait, at most one timeout. */
static uint64_t
hs_wait_ms(const struct hs_probe *q)
{
	uint64_t now = uv_now(q->loop), left;

	left = q->end > now ? q->end - now : 0;
	return left < q->timeout_ms ? left : q->timeout_ms;
}

static void
conn_closed(uv_handle_t *h)
{
	free(container_of((uv_tcp_t *)h, struct hs_conn, tcp));
}

static void
conn_drop(struct hs_probe *q)
{
	if (q->conn == NULL)
		return;
	q->conn->q = NULL;
	uv_close((uv_handle_t *)&q->conn->tcp, conn_closed);
	q->conn = NULL;
}

static void
hs_freed(uv_handle_t *h)
{
	struct hs_probe *q = h->data;

	free(q->host);
	free(q);
}

static void
hs_free(struct hs_probe *q)
{
	cd_resolve_abandon(q->lookup);
	q->lookup = NULL;
	conn_drop(q);
	q->run = NULL;
	uv_close((uv_handle_t *)&q->timer, hs_freed);
}

static void
hs_finish(struct hs_probe *q, const char *word, const char *detail,
    enum cd_probe_reach reach)
{
	struct cd_probe_run *run = q->run;

	run->priv = NULL;
	run->reach = reach;
	hs_free(q);
	cd_probe_done(run, word, detail);
}

/* One address's story: "198.18.100.10:5683: connected in 0.3 ms, ..." */
static size_t
describe(const struct hs_probe *q, const struct hs_addr *a, char *buf,
    size_t len)
{
	const struct cd_hs_outcome	*o = &a->o;
	char				 addr[64], tries[32] = "";

	cd_addr_port_str((const struct sockaddr *)&a->sa, addr, sizeof(addr));
	if (a->tries > 1)
		snprintf(tries, sizeof(tries), " (%u tries)", a->tries);
	if (!o->connected && o->timed_out)
		return (size_t)snprintf(buf, len, "%s: connect timed out after "
		    "%llu ms%s", addr, (unsigned long long)q->timeout_ms, tries);
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

static const char *
summary_of(enum cd_hs_verdict v)
{
	switch (v) {
	case CD_HS_OK:
		return "the cloud's TCP handshake works: its 40-byte nonce arrived";
	case CD_HS_BLOCKED:
		return "TCP to the cloud times out or is unreachable (filtered)";
	case CD_HS_REJECTED:
		return "TCP to the cloud is refused or reset";
	default:
		return "something answers on the cloud's port but sends no "
		    "40-byte nonce";
	}
}

/* Raise this path's state and clear the others: they exclude each other. */
static void
hs_findings(struct hs_probe *q, int verdict, const char *detail)
{
	cd_probe_raise_one(q->run, verdict_ids, verdict >= 0 ?
	    cd_hs_verdict_id(verdict) : NULL, q->subject, summary_of(verdict),
	    detail);
}

/* The verdict is the first address's (IPv4 first), unless one worked. */
static void
hs_conclude(struct hs_probe *q, const struct hs_addr *best)
{
	enum cd_hs_verdict	v;
	char			detail[1024];
	size_t			n;

	if (best == NULL)
		best = &q->addrs[0];
	v = cd_handshake_verdict(&best->o);
	n = describe(q, best, detail, sizeof(detail));
	for (size_t i = 0; i < q->naddrs && n < sizeof(detail); i++) {
		if (&q->addrs[i] == best || q->addrs[i].tries == 0)
			continue;
		n += (size_t)snprintf(detail + n, sizeof(detail) - n, "; ");
		if (n < sizeof(detail))
			n += describe(q, &q->addrs[i], detail + n,
			    sizeof(detail) - n);
	}
	hs_findings(q, (int)v, detail);
	hs_finish(q, cd_hs_verdict_word(v), detail, v == CD_HS_BLOCKED ?
	    CD_REACH_NONE : CD_REACH_ANSWERED);
}

static void
hs_dns_failed(struct hs_probe *q, const char *why)
{
	char detail[512];

	snprintf(detail, sizeof(detail), "%s does not resolve (%s): nothing "
	    "to connect to", q->host, why);
	hs_findings(q, -1, detail);
	hs_finish(q, "dns_failed", detail, CD_REACH_NONE);
}

static bool
round_timed_out(const struct hs_probe *q)
{
	for (size_t i = 0; i < q->naddrs; i++)
		if (!q->addrs[i].o.timed_out)
			return false;
	return true;
}

/* One try is over: the nonce ends the probe, else on to the next. */
static void
hs_try_end(struct hs_probe *q)
{
	struct hs_addr *a = &q->addrs[q->cur];

	conn_drop(q);
	uv_timer_stop(&q->timer);
	if (cd_handshake_verdict(&a->o) == CD_HS_OK) {
		hs_conclude(q, a);
		return;
	}
	if (++q->cur < q->naddrs) {
		hs_connect(q);
		return;
	}
	if (round_timed_out(q) && q->round < q->max_tries &&
	    hs_wait_ms(q) > 0) {
		q->round++;
		q->cur = 0;
		hs_connect(q);
		return;
	}
	hs_conclude(q, NULL);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct hs_conn *conn = container_of((uv_tcp_t *)h, struct hs_conn, tcp);

	(void)hint;
	*buf = uv_buf_init(conn->buf, sizeof(conn->buf));
}

static void
on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct hs_conn	*conn = container_of((uv_tcp_t *)s, struct hs_conn, tcp);
	struct hs_probe	*q = conn->q;
	struct hs_addr	*a;

	(void)buf;
	if (q == NULL || nread == 0)
		return;
	a = &q->addrs[q->cur];
	if (nread < 0) {
		a->o.read_status = (int)nread;
		hs_try_end(q);
		return;
	}
	a->o.nbytes += (size_t)nread;
	if (a->o.nbytes > CD_NONCE_LEN) {
		hs_try_end(q);
	} else if (a->o.nbytes == CD_NONCE_LEN) {
		a->nonce_ms = since_ms(q->t0);
		q->phase = HS_SETTLING;
		uv_timer_start(&q->timer, hs_timeout, HS_SETTLE_MS, 0);
	}
}

static void
on_connect(uv_connect_t *req, int status)
{
	struct hs_conn	*conn = container_of(req, struct hs_conn, req);
	struct hs_probe	*q = conn->q;
	struct hs_addr	*a;
	int		 rc;

	if (q == NULL)
		return;
	a = &q->addrs[q->cur];
	a->connect_ms = since_ms(q->t0);
	if (status < 0) {
		a->o.connect_status = status;
		hs_try_end(q);
		return;
	}
	a->o.connected = true;
	q->phase = HS_READING;
	if ((rc = uv_read_start((uv_stream_t *)&conn->tcp, on_alloc,
	    on_read)) < 0) {
		a->o.read_status = rc;
		hs_try_end(q);
		return;
	}
	uv_timer_start(&q->timer, hs_timeout, hs_wait_ms(q), 0);
}

static void
hs_connect(struct hs_probe *q)
{
	struct hs_addr	*a = &q->addrs[q->cur];
	struct hs_conn	*conn = cd_calloc(1, sizeof(*conn));
	int		 rc;

	a->tries++;
	memset(&a->o, 0, sizeof(a->o));
	uv_tcp_init(q->loop, &conn->tcp);
	conn->q = q;
	q->conn = conn;
	q->phase = HS_CONNECTING;
	q->t0 = uv_hrtime();
	rc = uv_tcp_connect(&conn->req, &conn->tcp,
	    (const struct sockaddr *)&a->sa, on_connect);
	if (rc < 0) {
		a->o.connect_status = rc;
		hs_try_end(q);
		return;
	}
	uv_timer_start(&q->timer, hs_timeout, hs_wait_ms(q), 0);
}

static void
hs_timeout(uv_timer_t *t)
{
	struct hs_probe	*q = t->data;
	struct hs_addr	*a = &q->addrs[q->cur];
	char		 why[64];

	switch (q->phase) {
	case HS_RESOLVING:
		cd_resolve_abandon(q->lookup);
		q->lookup = NULL;
		if (q->dns_tries < q->max_tries && hs_wait_ms(q) > 0) {
			hs_resolve(q);
			return;
		}
		snprintf(why, sizeof(why), "no answer within %llu ms",
		    (unsigned long long)q->timeout_ms);
		hs_dns_failed(q, why);
		return;
	case HS_CONNECTING:
		a->o.connect_status = UV_ETIMEDOUT;
		/* FALLTHROUGH */
	case HS_READING:
		a->o.timed_out = true;
		/* FALLTHROUGH */
	case HS_SETTLING:
		hs_try_end(q);
		return;
	}
}

/* Keep up to HS_MAX_ADDRS addresses, IPv4 first. */
static void
hs_addrs(struct hs_probe *q, const struct addrinfo *res)
{
	const struct addrinfo *ai;

	for (int v4 = 1; v4 >= 0; v4--)
		for (ai = res; ai != NULL && q->naddrs < HS_MAX_ADDRS;
		    ai = ai->ai_next) {
			if ((ai->ai_family == AF_INET) != v4 ||
			    (ai->ai_family != AF_INET &&
			    ai->ai_family != AF_INET6) ||
			    ai->ai_addrlen > sizeof(q->addrs[0].sa))
				continue;
			memcpy(&q->addrs[q->naddrs++].sa, ai->ai_addr,
			    ai->ai_addrlen);
		}
}

static void
hs_answer(void *arg, int status, const struct addrinfo *res, const char *why)
{
	struct hs_probe *q = arg;

	q->lookup = NULL;
	uv_timer_stop(&q->timer);
	if (status == 0) {
		hs_addrs(q, res);
		if (q->naddrs == 0) {
			hs_dns_failed(q, "no IPv4 or IPv6 address");
			return;
		}
		q->round = 1;
		hs_connect(q);
	} else if (cd_dns_retryable(status) && q->dns_tries < q->max_tries &&
	    hs_wait_ms(q) > 0)
		hs_resolve(q);
	else
		hs_dns_failed(q, why);
}

static void
hs_resolve(struct hs_probe *q)
{
	struct addrinfo	hints = { .ai_family = AF_UNSPEC,
			    .ai_socktype = SOCK_STREAM,
			    .ai_flags = AI_NUMERICSERV };
	char		service[8];
	int		rc;

	q->dns_tries++;
	q->phase = HS_RESOLVING;
	snprintf(service, sizeof(service), "%u", (unsigned)q->port);
	rc = cd_resolve_start(q->loop, q->host, service, &hints, hs_answer, q,
	    &q->lookup);
	if (rc < 0) {
		hs_dns_failed(q, strerror(-rc));
		return;
	}
	uv_timer_start(&q->timer, hs_timeout, hs_wait_ms(q), 0);
}

static bool
hs_enabled(const struct cd_config *cfg)
{
	return cfg->probes.handshake;
}

static int
hs_start(struct cd_probe_run *run)
{
	const struct cd_config	*cfg = cd_probe_daemon(run)->cfg;
	struct hs_probe		*q = cd_calloc(1, sizeof(*q));

	q->run = run;
	q->loop = cd_probe_daemon(run)->loop;
	q->host = cd_strdup(cfg->cloud.host);
	q->port = cfg->cloud.port;
	cd_cloud_subject(cfg, q->subject, sizeof(q->subject));
	q->timeout_ms = cfg->probes.timeout_ms;
	q->max_tries = cfg->probes.retries + 1;
	q->end = uv_now(q->loop) + cd_probe_budget_ms(cfg);
	uv_timer_init(q->loop, &q->timer);
	q->timer.data = q;
	run->priv = q;
	hs_resolve(q);
	return 0;
}

static void
hs_cancel(struct cd_probe_run *run)
{
	struct hs_probe *q = run->priv;

	if (q == NULL)
		return;
	run->priv = NULL;
	hs_free(q);
}

const struct cd_probe_ops cd_probe_cloud = {
	.name = "handshake",
	.enabled = hs_enabled,
	.start = hs_start,
	.cancel = hs_cancel,
};
