/*
 * The coap probe: a CoAP ping (empty Confirmable message, RFC 7252 4.3)
 * over UDP to cloud.coap_host:cloud.coap_port, with libcoap on the loop.
 *
 * libcoap runs the exchange.  A manual ping over UDP never reaches the
 * pong handler: a Reset arrives at the nack handler as COAP_NACK_RST,
 * silence as COAP_NACK_TOO_MANY_RETRIES, an ICMP error as
 * COAP_NACK_ICMP_ISSUE.  An empty ACK (some stacks answer a ping so) calls
 * no handler at all: libcoap just drops the ping from its send queue, so
 * a ping that left the queue without a nack was ACKed (coap_can_exit).
 *
 * libcoap 4.3 does not say which ICMP error came back, so a twin socket
 * with IP_RECVERR (icmp_err.c) sends the same 4-byte ping beside it, on
 * the same schedule, and reads the ICMP type, code and sender.
 *
 * Timing: probes.timeout per transmission, probes.retries retransmissions
 * (libcoap's: max_retransmit = retries, ACK_RANDOM_FACTOR 1, ACK_TIMEOUT
 * = timeout / 2^retries so the last wait is one timeout; libcoap takes
 * nothing under 1 s); the run's deadline (probe.c), name resolution
 * included, ends the probe whatever libcoap still has planned.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <coap3/coap.h>

#include "addr_class.h"
#include "cd_config.h"
#include "coap_uv.h"
#include "icmp_err.h"
#include "log.h"
#include "probe.h"
#include "probe_coap.h"
#include "resolve.h"
#include "util.h"

#define ICMP_GRACE_MS		250	/* for the twin's ICMP after libcoap's */
#define LIBCOAP_MIN_ACK_MS	1000	/* libcoap refuses a shorter ACK_TIMEOUT */

struct coap_probe {
	struct cd_probe_run	*run;		/* NULL once done or cancelled */
	uv_loop_t		*loop;
	uv_timer_t		 soon;		/* ICMP grace, or a deferred end */
	uv_timer_t		 resend;	/* the twin's retransmissions */
	struct cd_coap_uv	 cu;
	struct cd_icmp_sock	 twin;		/* reads ICMP type and code */
	struct cd_resolve	*res;		/* a lookup under way */
	coap_session_t		*session;
	coap_mid_t		 mid;		/* libcoap's ping */
	int			 nack;		/* its nack reason, or -1 */
	bool			 coap_open, sent, coap_icmp, finished;
	unsigned		 handles;	/* closing; freed at zero */
	uint64_t		 t0, t_sent;	/* uv_now */
	uint64_t		 resend_ms;
	unsigned		 resends_left;
	unsigned		 timeout_ms, retries;
	uint8_t			 ping[4];	/* the twin's */
	char			 host[256];
	char			 subject[300];
	char			 why[128];	/* why the name did not resolve */
	struct cd_coap_outcome	 out;
};

static const char *const coap_ids[] = {
	"coap.ok", "coap.udp_blocked", "coap.udp_unverified", NULL,
};

static bool
coap_enabled(const struct cd_config *cfg)
{
	return cfg->probes.coap;
}


static void
release(struct coap_probe *p)
{
	if (--p->handles == 0)
		free(p);
}

static void
timer_closed(uv_handle_t *h)
{
	release(h->data);
}

static void
twin_closed(uv_handle_t *h)
{
	struct cd_icmp_sock *s = h->data;

	release(s->data);
}

static void
coap_closed(struct cd_coap_uv *cu)
{
	release(cu->data);
}

/* Close everything; p is freed when the last handle is gone. */
static void
teardown(struct coap_probe *p)
{
	p->finished = true;
	p->handles = 2;
	uv_close((uv_handle_t *)&p->soon, timer_closed);
	uv_close((uv_handle_t *)&p->resend, timer_closed);
	/* A hung resolver must not hold the loop: leave the lookup behind. */
	cd_resolve_abandon(p->res);
	p->res = NULL;
	if (cd_icmp_sock_close(&p->twin, twin_closed))
		p->handles++;
	if (p->session != NULL) {
		coap_session_set_app_data(p->session, NULL);
		coap_session_release(p->session);
		p->session = NULL;
	}
	if (p->coap_open) {
		p->handles++;
		cd_coap_uv_close(&p->cu, coap_closed);
	}
}

static void
finish(struct coap_probe *p, enum cd_coap_answer answer)
{
	struct cd_probe_run	*run = p->run;
	struct cd_probe_verdict	 v;

	if (p->finished || run == NULL)
		return;
	p->out.answer = answer;
	p->out.ms = uv_now(p->loop) - (p->sent ? p->t_sent : p->t0);
	cd_coap_decide(&p->out, &v);
	p->run = NULL;
	/* Clears what no longer holds, here and for an old coap_host:port. */
	cd_probe_conclude(run, coap_ids, p->subject, &v);
	teardown(p);
}

static void
send_failed(struct coap_probe *p, int errnum)
{
	p->out.errnum = errnum;
	finish(p, CD_COAP_SEND_FAILED);
}

/* The run's budget is spent: what was seen so far is the answer. */
static void
coap_expire(struct cd_probe_run *run)
{
	struct coap_probe *p = run->priv;

	if (p == NULL)
		return;
	if (p->res != NULL) {
		p->out.why = "no answer from the resolver in time";
		finish(p, CD_COAP_UNRESOLVED);
	} else
		finish(p, p->coap_icmp ? CD_COAP_ICMP_UNKNOWN : CD_COAP_SILENT);
}

/* The grace for the twin's ICMP ran out, or a deferred end is due. */
static void
soon_cb(uv_timer_t *t)
{
	struct coap_probe *p = t->data;

	finish(p, p->coap_icmp ? CD_COAP_ICMP_UNKNOWN : p->out.answer);
}

static void
resend_cb(uv_timer_t *t)
{
	struct coap_probe	*p = t->data;
	int			 rc;

	if (p->resends_left == 0)
		return;
	p->resends_left--;
	p->out.pings++;
	if ((rc = cd_icmp_sock_send(&p->twin, p->ping, sizeof(p->ping))) < 0)
		log_debug("probe coap: twin resend: %s", strerror(-rc));
	p->resend_ms *= 2;
	uv_timer_start(&p->resend, resend_cb, p->resend_ms, 0);
}

/* Inside coap_io_process: only take notes. */
static void
nack_handler(coap_session_t *session, const coap_pdu_t *sent,
    const coap_nack_reason_t reason, const coap_mid_t mid)
{
	struct coap_probe *p = coap_session_get_app_data(session);

	(void)sent;
	if (p == NULL || p->finished || mid != p->mid)
		return;
	p->nack = (int)reason;
}

/* After libcoap's I/O: act on what its handlers noted. */
static void
coap_after(struct cd_coap_uv *cu)
{
	struct coap_probe *p = cu->data;

	if (p->finished || p->mid == COAP_INVALID_MID)
		return;
	switch (p->nack) {
	case -1:
		/* Gone from the send queue without a nack: ACKed. */
		if (coap_can_exit(cu->ctx))
			finish(p, CD_COAP_ACK);
		break;
	case COAP_NACK_RST:
		finish(p, CD_COAP_RESET);
		break;
	case COAP_NACK_TOO_MANY_RETRIES:
		finish(p, CD_COAP_SILENT);
		break;
	case COAP_NACK_ICMP_ISSUE:
		/* The twin's ICMP (type, code) is on its way. */
		if (!p->coap_icmp) {
			p->coap_icmp = true;
			uv_timer_start(&p->soon, soon_cb, ICMP_GRACE_MS, 0);
		}
		break;
	default:
		send_failed(p, EIO);
		break;
	}
}

static void
twin_cb(struct cd_icmp_sock *s, enum cd_icmp_event ev,
    const struct cd_icmp_err *err, const uint8_t *data, size_t len,
    int errnum)
{
	struct coap_probe *p = s->data;

	(void)data;
	(void)len;
	if (ev == CD_ICMP_EV_ERROR) {
		p->out.icmp = *err;
		finish(p, CD_COAP_ICMP);
	} else if (ev == CD_ICMP_EV_FAILED)
		log_debug("probe coap: twin socket: %s", strerror(errnum));
	/* A datagram is the answer to the twin's ping: libcoap decides. */
}

/* libcoap's retransmission parameters, set to fit the probe's bound. */
static void
session_tune(struct coap_probe *p)
{
	coap_fixed_point_t	at, one = { 1, 0 };
	uint64_t		ack;
	unsigned		shift = p->retries < 16 ? p->retries : 16;

	ack = p->timeout_ms >> shift;
	if (ack < LIBCOAP_MIN_ACK_MS)
		ack = LIBCOAP_MIN_ACK_MS;
	if (ack > 65535000)
		ack = 65535000;
	at.integer_part = (uint16_t)(ack / 1000);
	at.fractional_part = (uint16_t)(ack % 1000);
	coap_session_set_ack_timeout(p->session, at);
	coap_session_set_ack_random_factor(p->session, one);
	/* libcoap takes no 0; with retries 0 the deadline comes first. */
	coap_session_set_max_retransmit(p->session,
	    p->retries > 0 ? p->retries : 1);
	p->resend_ms = ack;
	p->resends_left = p->retries;
}

static void
twin_open(struct coap_probe *p, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_storage	ss;
	socklen_t		sslen = sizeof(ss);
	uint16_t		mid = (uint16_t)(uv_hrtime() >> 10);
	int			rc;

	p->ping[0] = 0x40;	/* version 1, Confirmable, no token */
	p->ping[1] = 0x00;	/* code 0.00: empty */
	p->ping[2] = (uint8_t)(mid >> 8);
	p->ping[3] = (uint8_t)mid;
	rc = cd_icmp_sock_open(&p->twin, p->loop, sa, len, twin_cb, p);
	if (rc < 0) {
		log_debug("probe coap: twin socket: %s", strerror(-rc));
		return;
	}
	/* Our own address: an ICMP error from it is our stack's. */
	if (getsockname(p->twin.fd, (struct sockaddr *)&ss, &sslen) == 0)
		cd_addr_str((struct sockaddr *)&ss, p->out.local,
		    sizeof(p->out.local));
}

static int
session_open(struct coap_probe *p, const struct sockaddr *sa, socklen_t len)
{
	coap_address_t	dst;
	int		rc;

	p->coap_open = true;
	if ((rc = cd_coap_uv_open(&p->cu, p->loop, coap_after, p)) < 0)
		return rc;
	coap_register_nack_handler(p->cu.ctx, nack_handler);
	coap_address_init(&dst);
	memcpy(&dst.addr, sa, len);
	dst.size = len;
	errno = 0;
	p->session = coap_new_client_session(p->cu.ctx, NULL, &dst,
	    COAP_PROTO_UDP);
	if (p->session == NULL)
		return errno != 0 ? -errno : -EIO;
	coap_session_set_app_data(p->session, p);
	session_tune(p);
	return 0;
}

/* Send the twin's ping first: a local refusal (EPERM) shows there. */
static void
ping_start(struct coap_probe *p, const struct sockaddr *sa, socklen_t len)
{
	int rc;

	twin_open(p, sa, len);
	if ((rc = session_open(p, sa, len)) < 0) {
		send_failed(p, -rc);
		return;
	}
	if (p->twin.fd >= 0 &&
	    (rc = cd_icmp_sock_send(&p->twin, p->ping, sizeof(p->ping))) < 0) {
		send_failed(p, -rc);
		return;
	}
	p->sent = true;
	p->t_sent = uv_now(p->loop);
	p->out.pings = 1;
	if ((p->mid = coap_session_send_ping(p->session)) == COAP_INVALID_MID) {
		send_failed(p, EIO);
		return;
	}
	uv_timer_start(&p->resend, resend_cb, p->resend_ms, 0);
	cd_coap_uv_kick(&p->cu);
}

/* The Core speaks IPv4 only: its path is the one to test. */
static const struct addrinfo *
pick_address(const struct addrinfo *ai)
{
	for (const struct addrinfo *a = ai; a != NULL; a = a->ai_next)
		if (a->ai_family == AF_INET)
			return a;
	return NULL;
}

static void
resolved(struct coap_probe *p, const struct addrinfo *ai)
{
	struct sockaddr_storage	 ss;
	const struct addrinfo	*a;
	struct cd_local		 local;

	if ((a = pick_address(ai)) == NULL || a->ai_addrlen > sizeof(ss)) {
		p->out.why = "no IPv4 address, and the Core speaks only IPv4";
		finish(p, CD_COAP_UNRESOLVED);
		return;
	}
	memcpy(&ss, a->ai_addr, a->ai_addrlen);
	((struct sockaddr_in *)&ss)->sin_port = htons(p->out.port);
	cd_addr_str((struct sockaddr *)&ss, p->out.addr, sizeof(p->out.addr));
	cd_local_load(&local);
	if (cd_addr_where((struct sockaddr *)&ss, &local, &p->out.why) ==
	    CD_WHERE_HOST) {
		finish(p, CD_COAP_NOT_INTERNET);
		return;
	}
	p->out.why = NULL;
	ping_start(p, (struct sockaddr *)&ss, a->ai_addrlen);
}

static void
resolve_cb(void *arg, int status, const struct addrinfo *ai, const char *why)
{
	struct coap_probe *p = arg;

	p->res = NULL;
	if (status != 0) {
		snprintf(p->why, sizeof(p->why), "%s", why);
		p->out.why = p->why;
		finish(p, CD_COAP_UNRESOLVED);
		return;
	}
	resolved(p, ai);
}

static void
resolve_start(struct coap_probe *p)
{
	struct addrinfo	hints;
	int		rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	rc = cd_resolve_start(p->loop, p->host, NULL, &hints, resolve_cb, p,
	    &p->res);
	if (rc < 0) {
		/* Not from inside start: end on the next loop turn. */
		snprintf(p->why, sizeof(p->why), "%s", strerror(-rc));
		p->out.why = p->why;
		p->out.answer = CD_COAP_UNRESOLVED;
		uv_timer_start(&p->soon, soon_cb, 0, 0);
	}
}

static int
coap_start(struct cd_probe_run *run)
{
	const struct cd_config	*cfg = cd_probe_cfg(run);
	struct coap_probe	*p = cd_calloc(1, sizeof(*p));
	const char		*host;

	host = cfg->cloud.coap_host[0] != '\0' ? cfg->cloud.coap_host :
	    cfg->cloud.host;
	p->run = run;
	p->loop = cd_probe_loop(run);
	p->nack = -1;
	p->mid = COAP_INVALID_MID;
	p->timeout_ms = cfg->probes.timeout_ms > UINT32_MAX ? UINT32_MAX :
	    (unsigned)cfg->probes.timeout_ms;
	p->retries = cfg->probes.retries;
	snprintf(p->host, sizeof(p->host), "%s", host);
	snprintf(p->subject, sizeof(p->subject), "cloud:%s:%u", host,
	    cfg->cloud.coap_port);
	p->out.host = p->host;
	p->out.port = cfg->cloud.coap_port;
	uv_timer_init(p->loop, &p->soon);
	uv_timer_init(p->loop, &p->resend);
	p->soon.data = p->resend.data = p;
	p->twin.fd = -1;
	run->priv = p;
	p->t0 = uv_now(p->loop);
	resolve_start(p);
	return 0;
}

static void
coap_cancel(struct cd_probe_run *run)
{
	struct coap_probe *p = run->priv;

	if (p == NULL)
		return;
	p->run = NULL;
	run->priv = NULL;
	teardown(p);
}

const struct cd_probe_ops cd_probe_coap = {
	.name = "coap",
	.enabled = coap_enabled,
	.start = coap_start,
	.cancel = coap_cancel,
	.expire = coap_expire,
};
