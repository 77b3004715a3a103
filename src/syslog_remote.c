/*
 * The remote syslog sender.  One socket on the loop: a connected UDP
 * socket (so that the kernel's ICMP port unreachable comes back as an
 * error we can count), or a TCP connection with a connect timeout and a
 * reader that only notices when the collector goes away.  Any failure
 * closes the socket and retries after a backoff that doubles up to
 * CD_SYSLOG_BACKOFF_MAX_MS; messages wait meanwhile in a queue of
 * CD_SYSLOG_QUEUE_MAX.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "syslog5424.h"
#include "syslog_remote.h"
#include "util.h"

enum rstate { R_WAITING, R_RESOLVING, R_CONNECTING, R_CONNECTED };

struct msg {
	struct msg	*next;
	size_t		 len;
	char		 data[];
};

struct wreq {
	union {
		uv_write_t	w;
		uv_udp_send_t	u;
	} req;
	struct cd_syslog_remote	*r;
	size_t			 len;
	char			 data[];
};

struct cd_syslog_remote {
	uv_loop_t		*loop;
	char			*url;
	struct cd_syslog_url	 u;
	enum rstate		 state;
	uv_timer_t		 timer;		/* retry, and connect timeout */
	uv_getaddrinfo_t	 gai;
	union {
		uv_handle_t	h;
		uv_udp_t	udp;
		uv_tcp_t	tcp;
	} sock;
	uv_connect_t		 conn;
	bool			 sock_open, gai_pending, timer_open, closing;
	bool			 warned;	/* unreachable, said so */
	struct msg		*head, *tail;
	unsigned		 nq;
	size_t			 inflight;
	uint64_t		 sent, dropped, backoff_ms;
};

static void	resolve(struct cd_syslog_remote *r);
static void	flush(struct cd_syslog_remote *r);

static void
maybe_free(struct cd_syslog_remote *r)
{
	if (!r->closing || r->sock_open || r->gai_pending || r->timer_open)
		return;
	free(r->url);
	free(r);
}

static void
on_timer(uv_timer_t *t)
{
	struct cd_syslog_remote *r = t->data;

	if (r->state == R_WAITING)
		resolve(r);
}

static void
retry_later(struct cd_syslog_remote *r)
{
	r->state = R_WAITING;
	uv_timer_start(&r->timer, on_timer, r->backoff_ms, 0);
	r->backoff_ms *= 2;
	if (r->backoff_ms > CD_SYSLOG_BACKOFF_MAX_MS)
		r->backoff_ms = CD_SYSLOG_BACKOFF_MAX_MS;
}

static void
on_sock_closed(uv_handle_t *h)
{
	struct cd_syslog_remote *r = h->data;

	r->sock_open = false;
	if (r->closing)
		maybe_free(r);
	else
		retry_later(r);
}

/* The collector is out of reach: say so once, close, and try again later. */
static void
fail(struct cd_syslog_remote *r, const char *what, int rc)
{
	if (r->closing || r->state == R_WAITING)
		return;
	if (!r->warned)
		log_warnx("syslog.remote %s: %s: %s; retrying, up to %d "
		    "messages queued meanwhile", r->url, what,
		    uv_strerror(rc), CD_SYSLOG_QUEUE_MAX);
	else
		log_debug("syslog.remote %s: %s: %s", r->url, what,
		    uv_strerror(rc));
	r->warned = true;
	r->state = R_WAITING;
	uv_timer_stop(&r->timer);
	if (r->sock_open)
		uv_close(&r->sock.h, on_sock_closed);
	else
		retry_later(r);
}

static void
reached(struct cd_syslog_remote *r)
{
	if (r->warned)
		log_notice("syslog.remote %s: reachable again", r->url);
	r->warned = false;
	r->backoff_ms = CD_SYSLOG_BACKOFF_MIN_MS;
}

static void
on_read_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	static char discard[256];

	(void)h;
	(void)suggested;
	*b = uv_buf_init(discard, sizeof(discard));
}

/* A collector says nothing; EOF or an error means it went away. */
static void
on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
	(void)b;
	if (nread < 0)
		fail(s->data, "connection lost", (int)nread);
}

static void
on_connect(uv_connect_t *req, int status)
{
	struct cd_syslog_remote *r = req->data;

	if (r->closing || status == UV_ECANCELED || r->state != R_CONNECTING)
		return;
	if (status < 0) {
		fail(r, "connect", status);
		return;
	}
	uv_timer_stop(&r->timer);
	r->state = R_CONNECTED;
	if (!r->warned)
		log_info("syslog.remote %s: connected", r->url);
	reached(r);
	/* A collector that vanishes without a RST is noticed in minutes. */
	uv_tcp_keepalive(&r->sock.tcp, 1, 60);
	uv_read_start((uv_stream_t *)&r->sock.tcp, on_read_alloc, on_read);
	flush(r);
}

static void
on_connect_timeout(uv_timer_t *t)
{
	struct cd_syslog_remote *r = t->data;

	if (r->state == R_CONNECTING)
		fail(r, "connect", UV_ETIMEDOUT);
}

static int
sock_open(struct cd_syslog_remote *r, const struct sockaddr *sa)
{
	int rc;

	if (r->u.tcp) {
		uv_tcp_init(r->loop, &r->sock.tcp);
		r->sock_open = true;
		r->sock.h.data = r;
		r->conn.data = r;
		r->state = R_CONNECTING;
		uv_timer_start(&r->timer, on_connect_timeout,
		    CD_SYSLOG_CONNECT_MS, 0);
		return uv_tcp_connect(&r->conn, &r->sock.tcp, sa, on_connect);
	}
	uv_udp_init(r->loop, &r->sock.udp);
	r->sock_open = true;
	r->sock.h.data = r;
	r->state = R_CONNECTING;
	if ((rc = uv_udp_connect(&r->sock.udp, sa)) < 0)
		return rc;
	r->state = R_CONNECTED;
	flush(r);
	return 0;
}

static void
on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct cd_syslog_remote	*r = req->data;
	int			 rc;

	r->gai_pending = false;
	if (r->closing) {
		uv_freeaddrinfo(res);
		maybe_free(r);
		return;
	}
	if (status < 0) {
		fail(r, "resolve", status);
		return;
	}
	if ((rc = sock_open(r, res->ai_addr)) < 0)
		fail(r, "connect", rc);
	uv_freeaddrinfo(res);
}

static void
resolve(struct cd_syslog_remote *r)
{
	struct addrinfo	hints;
	int		rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = r->u.tcp ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
	r->state = R_RESOLVING;
	r->gai.data = r;
	if ((rc = uv_getaddrinfo(r->loop, &r->gai, on_resolved, r->u.host,
	    r->u.port, &hints)) < 0) {
		fail(r, "resolve", rc);
		return;
	}
	r->gai_pending = true;
}

static void
sent(struct wreq *w, int status)
{
	struct cd_syslog_remote *r = w->r;

	r->inflight -= w->len;
	free(w);
	if (status < 0) {
		r->dropped++;
		if (r->u.tcp)
			fail(r, "send", status);
		else if (!r->warned) {	/* once: a dead collector is not news */
			log_warnx("syslog.remote %s: send: %s; counting the "
			    "messages lost", r->url, uv_strerror(status));
			r->warned = true;
		}
		return;
	}
	/* A datagram that left says nothing of the collector: no "again". */
	r->sent++;
	if (!r->closing)
		flush(r);
}

static void
on_written(uv_write_t *req, int status)
{
	sent(container_of(req, struct wreq, req.w), status);
}

static void
on_udp_sent(uv_udp_send_t *req, int status)
{
	sent(container_of(req, struct wreq, req.u), status);
}

/* Hand one message to the socket; TCP frames it as "LEN SP MSG". */
static int
send_one(struct cd_syslog_remote *r, const struct msg *m)
{
	struct wreq	*w = cd_calloc(1, sizeof(*w) + m->len + 16);
	uv_buf_t	 b;
	int		 n = 0, rc;

	w->r = r;
	if (r->u.tcp)
		n = snprintf(w->data, 16, "%zu ", m->len);
	memcpy(w->data + n, m->data, m->len);
	w->len = (size_t)n + m->len;
	b = uv_buf_init(w->data, (unsigned)w->len);
	if (r->u.tcp)
		rc = uv_write(&w->req.w, (uv_stream_t *)&r->sock.tcp, &b, 1,
		    on_written);
	else
		rc = uv_udp_send(&w->req.u, &r->sock.udp, &b, 1, NULL,
		    on_udp_sent);
	if (rc < 0) {
		free(w);
		return rc;
	}
	r->inflight += w->len;
	return 0;
}

static void
flush(struct cd_syslog_remote *r)
{
	struct msg	*m;
	int		 rc;

	while (r->state == R_CONNECTED && (m = r->head) != NULL &&
	    r->inflight < CD_SYSLOG_INFLIGHT_MAX) {
		if ((r->head = m->next) == NULL)
			r->tail = NULL;
		r->nq--;
		rc = send_one(r, m);
		free(m);
		if (rc < 0) {
			r->dropped++;
			fail(r, "send", rc);
			return;
		}
	}
}

void
cd_syslog_remote_send(struct cd_syslog_remote *r, const char *data,
    size_t len)
{
	struct msg *m;

	if (r->nq >= CD_SYSLOG_QUEUE_MAX) {
		m = r->head;
		if ((r->head = m->next) == NULL)
			r->tail = NULL;
		r->nq--;
		free(m);
		r->dropped++;
	}
	m = cd_calloc(1, sizeof(*m) + len);
	memcpy(m->data, data, len);
	m->len = len;
	if (r->tail != NULL)
		r->tail->next = m;
	else
		r->head = m;
	r->tail = m;
	r->nq++;
	flush(r);
}

int
cd_syslog_remote_open(uv_loop_t *loop, const char *url,
    struct cd_syslog_remote **out, char *err, size_t errlen)
{
	struct cd_syslog_remote	*r = cd_calloc(1, sizeof(*r));
	int			 rc;

	if ((rc = cd_syslog_url_parse(url, &r->u, err, errlen)) < 0) {
		free(r);
		return rc;
	}
	r->loop = loop;
	r->url = cd_strdup(url);
	r->backoff_ms = CD_SYSLOG_BACKOFF_MIN_MS;
	uv_timer_init(loop, &r->timer);
	r->timer.data = r;
	r->timer_open = true;
	resolve(r);
	*out = r;
	return 0;
}

void
cd_syslog_remote_stats(const struct cd_syslog_remote *r,
    struct cd_syslog_remote_stats *st)
{
	st->sent = r->sent;
	st->dropped = r->dropped;
	st->queued = r->nq;
	st->connected = r->state == R_CONNECTED;
}

const char *
cd_syslog_remote_url(const struct cd_syslog_remote *r)
{
	return r->url;
}

static void
on_timer_closed(uv_handle_t *h)
{
	struct cd_syslog_remote *r = h->data;

	r->timer_open = false;
	maybe_free(r);
}

void
cd_syslog_remote_close(struct cd_syslog_remote *r)
{
	struct msg *m;

	if (r == NULL)
		return;
	r->closing = true;
	while ((m = r->head) != NULL) {
		r->head = m->next;
		free(m);
	}
	r->tail = NULL;
	r->nq = 0;
	if (r->gai_pending)
		uv_cancel((uv_req_t *)&r->gai);
	uv_close((uv_handle_t *)&r->timer, on_timer_closed);
	if (r->sock_open && !uv_is_closing(&r->sock.h))
		uv_close(&r->sock.h, on_sock_closed);
}
