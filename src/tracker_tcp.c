/*
 * The tracker's TCP: each Core's cloud sessions (to cloud.port) and its
 * internet test (to sniff.internet_test), judged by the byte counts of
 * docs/spark-core-protocol.md: 40 (nonce) -> 256 -> 384 -> 18 (hello).
 * Payload bytes are counted by sequence number, so retransmissions and
 * duplicate copies never count twice.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "tracker_int.h"

#define HS_CORE_KEY	TRK_KEY_LEN				/* 256 */
#define HS_CLOUD_KEY	(TRK_NONCE_LEN + TRK_SESSKEY_LEN)	/* 424 */
#define HS_CORE_HELLO	(TRK_KEY_LEN + TRK_HELLO_LEN)		/* 274 */
#define CLOSED_KEEP_MS	30000	/* a closed session absorbs stragglers */
#define SEQ_WINDOW	(1U << 30)

static bool
is_syn(const struct cd_pkt *p)
{
	return (p->tcp_flags & (CD_TCP_SYN | CD_TCP_ACK)) == CD_TCP_SYN;
}

static bool
is_synack(const struct cd_pkt *p)
{
	return (p->tcp_flags & (CD_TCP_SYN | CD_TCP_ACK)) ==
	    (CD_TCP_SYN | CD_TCP_ACK);
}

static struct trk_sess *
sess_find(struct trk_core *c, const struct trk_addr *srv, uint16_t srv_port,
    uint16_t core_port)
{
	for (int i = 0; i < TRK_MAX_SESS; i++) {
		struct trk_sess *s = &c->sess[i];

		if (s->used && s->srv_port == srv_port &&
		    s->core_port == core_port &&
		    trk_addr_eq(&s->srv, srv->af, srv->ip))
			return s;
	}
	return NULL;
}

/* A free slot, else a closed session's, else the oldest. */
static struct trk_sess *
sess_alloc(struct trk_core *c)
{
	struct trk_sess *best = NULL;

	for (int i = 0; i < TRK_MAX_SESS; i++) {
		struct trk_sess *s = &c->sess[i];

		if (!s->used)
			return s;
		if (best == NULL ||
		    (s->phase == P_CLOSED && best->phase != P_CLOSED) ||
		    ((s->phase == P_CLOSED) == (best->phase == P_CLOSED) &&
		    s->last < best->last))
			best = s;
	}
	return best;
}

static bool
other_online(const struct trk_core *c, const struct trk_sess *not)
{
	for (int i = 0; i < TRK_MAX_SESS; i++) {
		const struct trk_sess *s = &c->sess[i];

		if (s != not && s->used && s->kind == K_CLOUD &&
		    s->phase == P_OPEN && s->hs_done)
			return true;
	}
	return false;
}

/* A cloud session ended: the Core is offline unless another is up. */
static void
cloud_down(struct cd_tracker *t, struct trk_core *c, struct trk_sess *s,
    int64_t now)
{
	if (other_online(c, s)) {
		trk_set_state(c, ST_ONLINE);
		return;
	}
	trk_set_state(c, ST_OFFLINE);
	trk_clear(t, c, F_CLOUD_OK, now);
}

static void
fail_add(struct trk_fail *f, const struct trk_sess *s, unsigned n,
    int64_t first, int64_t last)
{
	if (f->n == 0)
		f->first = first;
	f->n += n;
	f->last = last;
	f->peer = s->srv;
	f->port = s->srv_port;
}

/*
 * SYNs without an answer until the Core's connect timeout, or until the
 * capture ended (until: how that reads in the evidence).
 */
static void
sess_unanswered(struct cd_tracker *t, struct trk_core *c, struct trk_sess *s,
    int64_t now, const char *until)
{
	struct trk_fail	*f = s->kind == K_CLOUD ? &c->blocked : &c->inet;
	char		 ip[64];

	fail_add(f, s, s->syns, s->first_syn, s->last_syn);
	trk_ipstr(&f->peer, ip, sizeof(ip));
	if (s->kind == K_CLOUD) {
		trk_raise(t, c, F_BLOCKED, now, "%u SYNs to %s:%u over %lld s, "
		    "no answer%s", f->n, ip, f->port, trk_secs(f->last - f->first),
		    until);
		cloud_down(t, c, s, now);
	} else
		trk_raise(t, c, F_INETTEST, now, "TCP connect to %s:%u: %u "
		    "SYNs over %lld s, no answer%s", ip, f->port, s->syns,
		    trk_secs(s->last_syn - s->first_syn), until);
	s->used = false;
}

/* The SYN answered by a RST, or by an ICMP unreachable. */
static void
sess_refused(struct cd_tracker *t, struct trk_core *c, struct trk_sess *s,
    int64_t now, const char *how)
{
	struct trk_fail	*f = s->kind == K_CLOUD ? &c->rejected : &c->inet;
	char		 ip[64];

	fail_add(f, s, 1, now, now);
	trk_ipstr(&s->srv, ip, sizeof(ip));
	if (s->kind == K_CLOUD) {
		trk_raise(t, c, F_REJECTED, now, "SYN to %s:%u answered by %s "
		    "(%u times over %lld s)", ip, s->srv_port, how, f->n,
		    trk_secs(f->last - f->first));
		cloud_down(t, c, s, now);
	} else
		trk_raise(t, c, F_INETTEST, now, "TCP connect to %s:%u "
		    "answered by %s", ip, s->srv_port, how);
	s->used = false;
}

static void
loop_check(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	int64_t oldest;

	if (trk_loop_restarted(c, now)) {	/* a flash cycle: start afresh */
		memset(c->starts, 0, sizeof(c->starts));
		c->nstarts = 0;
	}
	c->starts[c->nstarts % CD_TRACKER_LOOP_SESSIONS] = now;
	c->nstarts++;
	if (c->nstarts < CD_TRACKER_LOOP_SESSIONS)
		return;
	oldest = c->starts[c->nstarts % CD_TRACKER_LOOP_SESSIONS];
	if (now - oldest > CD_TRACKER_LOOP_WINDOW_MS)
		return;
	trk_raise(t, c, F_LOOP, now, "%d cloud sessions within %lld s "
	    "(%u sessions seen in all)", CD_TRACKER_LOOP_SESSIONS,
	    trk_secs(now - oldest), c->nstarts);
	trk_deadline(t, oldest + CD_TRACKER_LOOP_WINDOW_MS);
}

/* The server answered the SYN: whatever blocked the port, nothing does. */
static void
sess_open(struct cd_tracker *t, struct trk_core *c, struct trk_sess *s,
    int64_t now)
{
	s->phase = P_OPEN;
	if (s->kind == K_INETTEST) {
		memset(&c->inet, 0, sizeof(c->inet));
		trk_clear(t, c, F_INETTEST, now);
		return;
	}
	memset(&c->blocked, 0, sizeof(c->blocked));
	memset(&c->rejected, 0, sizeof(c->rejected));
	trk_clear(t, c, F_BLOCKED, now);
	trk_clear(t, c, F_REJECTED, now);
	trk_set_state(c, ST_HANDSHAKE);
	loop_check(t, c, now);
}

static void
sess_alive(struct cd_tracker *t, struct trk_core *c, struct trk_sess *s,
    int64_t now, const char *why)
{
	char ip[64];

	if (s->alive)
		return;
	s->alive = true;
	trk_raise(t, c, F_CLOUD_OK, now, "session with %s:%u: handshake "
	    "complete, %s", trk_ipstr(&s->srv, ip, sizeof(ip)), s->srv_port,
	    why);
}

static void
handshake_done(struct cd_tracker *t, struct trk_core *c, struct trk_sess *s,
    int64_t now)
{
	s->hs_done = true;
	s->hs_time = now;
	/* A completed handshake confirms what a vendor prefix suggested. */
	(void)trk_identify(t, c->mac, BY_SESSION, now);
	trk_clear(t, c, F_HS_REJECTED, now);
	trk_clear(t, c, F_KEY_MISMATCH, now);
	trk_set_state(c, ST_ONLINE);
	trk_deadline(t, now + CD_TRACKER_ALIVE_MS);
}

/* After the handshake: an 18-byte message of the Core awaits an answer. */
static void
keepalive(struct cd_tracker *t, struct trk_core *c, struct trk_sess *s,
    enum trk_dir dir, size_t len, int64_t now)
{
	if (dir == DIR_FROM_CORE) {
		if (!s->ping_out && trk_is_ping(s, len, now)) {
			s->ping_out = true;
			s->ping_t = now;
		}
		return;
	}
	if (!s->ping_out)
		return;
	s->ping_out = false;
	trk_clear(t, c, F_KEEPALIVE, now);
	sess_alive(t, c, s, now, "a ping answered");
}

/* Count new payload bytes; the high-water mark ignores retransmissions. */
static void
sess_bytes(struct cd_tracker *t, struct trk_core *c, struct trk_sess *s,
    enum trk_dir dir, const struct cd_pkt *p)
{
	bool		 from = dir == DIR_FROM_CORE;
	uint32_t	*base = from ? &s->cbase : &s->sbase;
	uint32_t	*hi = from ? &s->cbytes : &s->sbytes;
	bool		*have = from ? &s->have_cseq : &s->have_sseq;
	uint32_t	 rel, end;

	if (!*have) {
		*base = p->seq;
		*have = true;
	}
	rel = p->seq - *base;
	if (rel >= SEQ_WINDOW || p->payload_len >= SEQ_WINDOW)
		return;
	end = rel + (uint32_t)p->payload_len;
	if (end <= *hi)
		return;
	if (!from && *hi == 0)
		s->first_spay = (uint32_t)p->payload_len;
	*hi = end;
	if (s->hs_done) {
		keepalive(t, c, s, dir, p->payload_len, p->ts_ms);
		return;
	}
	if (s->cbytes >= HS_CORE_HELLO && s->sbytes > HS_CLOUD_KEY)
		handshake_done(t, c, s, p->ts_ms);
}

/* The first FIN or RST: who closed, and where in the handshake. */
static void
sess_close(struct cd_tracker *t, struct trk_core *c, struct trk_sess *s,
    enum trk_dir dir, const struct cd_pkt *p)
{
	const char	*how = p->tcp_flags & CD_TCP_RST ? "RST" : "FIN";
	int64_t		 now = p->ts_ms;

	s->phase = P_CLOSED;
	if (s->kind != K_CLOUD)
		return;
	if (!s->hs_done && dir == DIR_TO_CORE && s->cbytes >= HS_CORE_KEY &&
	    s->sbytes < HS_CLOUD_KEY)
		trk_raise(t, c, F_HS_REJECTED, now, "the cloud closed (%s) after "
		    "the Core's %u bytes; it had sent %u bytes, not the 40 + "
		    "384 of a handshake", how, s->cbytes, s->sbytes);
	else if (!s->hs_done && dir == DIR_FROM_CORE &&
	    s->sbytes >= HS_CLOUD_KEY && s->cbytes < HS_CORE_HELLO)
		trk_raise(t, c, F_KEY_MISMATCH, now, "the Core closed (%s) "
		    "after the cloud's %u bytes without sending its 18-byte "
		    "hello", how, s->sbytes - TRK_NONCE_LEN);
	else if (s->hs_done && dir == DIR_FROM_CORE && s->ping_out &&
	    now - s->ping_t >= CD_TRACKER_PING_MIN_MS)
		trk_raise(t, c, F_KEEPALIVE, now, "an 18-byte ping went "
		    "unanswered for %lld s, then the Core closed (%s) the "
		    "session after %lld s", trk_secs(now - s->ping_t), how,
		    trk_secs(now - s->start));
	cloud_down(t, c, s, now);
}

static void
sess_packet(struct cd_tracker *t, struct trk_core *c, struct trk_sess *s,
    enum trk_dir dir, const struct cd_pkt *p)
{
	s->last = p->ts_ms;
	if (s->phase == P_CLOSED)
		return;
	if (is_synack(p)) {
		if (dir == DIR_TO_CORE && s->phase == P_SYN) {
			s->sbase = p->seq + 1;
			s->have_sseq = true;
			sess_open(t, c, s, p->ts_ms);
		}
		return;
	}
	if (s->phase == P_SYN) {
		if (dir == DIR_TO_CORE && (p->tcp_flags & CD_TCP_RST)) {
			sess_refused(t, c, s, p->ts_ms, "RST");
			return;
		}
		/* The SYN-ACK went unseen, but the Core's ACK says it came. */
		if (dir == DIR_FROM_CORE && (p->tcp_flags & CD_TCP_ACK))
			sess_open(t, c, s, p->ts_ms);
		else
			return;
	}
	if (p->payload_len > 0 && dir == DIR_TO_CORE)
		s->last_srx = p->ts_ms;
	if (p->payload_len > 0)
		sess_bytes(t, c, s, dir, p);
	if (p->tcp_flags & (CD_TCP_FIN | CD_TCP_RST))
		sess_close(t, c, s, dir, p);
}

/* A new connection gives up on a session whose ping was never answered. */
static void
abandon_pinged(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	for (int i = 0; i < TRK_MAX_SESS; i++) {
		struct trk_sess *s = &c->sess[i];

		if (!s->used || s->kind != K_CLOUD || s->phase != P_OPEN ||
		    !s->hs_done || !s->ping_out ||
		    now - s->ping_t < CD_TRACKER_PING_TIMEOUT_MS)
			continue;
		trk_raise(t, c, F_KEEPALIVE, now, "an 18-byte ping went "
		    "unanswered for %lld s, then the Core opened a new session",
		    trk_secs(now - s->ping_t));
		s->phase = P_CLOSED;
	}
}

static void
sess_syn(struct cd_tracker *t, struct trk_core *c, struct trk_sess *s,
    enum trk_kind kind, const struct trk_addr *srv, uint16_t srv_port,
    const struct cd_pkt *p)
{
	int64_t now = p->ts_ms;

	if (s != NULL && s->phase == P_SYN && s->isn == p->seq) {
		s->last = now;
		if (now - s->last_syn >= TRK_DUP_MS)
			s->syns++;
		s->last_syn = now;
		return;
	}
	if (s != NULL && s->phase == P_SYN)	/* port reused: judge it */
		sess_unanswered(t, c, s, now, "");
	if (kind == K_CLOUD)
		abandon_pinged(t, c, now);
	if (s == NULL || s->used)
		s = sess_alloc(c);
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->kind = kind;
	s->phase = P_SYN;
	s->srv = *srv;
	s->srv_port = srv_port;
	s->core_port = p->sport;
	s->isn = p->seq;
	s->cbase = p->seq + 1;
	s->have_cseq = true;
	s->syns = 1;
	s->first_syn = s->last_syn = s->start = s->last = now;
	if (kind == K_CLOUD)
		trk_set_state(c, ST_CONNECTING);
	trk_deadline(t, now + CD_TRACKER_SYN_TIMEOUT_MS);
}

/* A session already running when the capture started. */
static struct trk_sess *
sess_midstream(struct trk_core *c, const struct trk_addr *srv,
    uint16_t srv_port, uint16_t core_port, int64_t now)
{
	struct trk_sess *s = sess_alloc(c);

	memset(s, 0, sizeof(*s));
	s->used = true;
	s->kind = K_CLOUD;
	s->phase = P_OPEN;
	s->midstream = true;
	s->hs_done = true;
	s->srv = *srv;
	s->srv_port = srv_port;
	s->core_port = core_port;
	s->start = s->last = s->hs_time = s->last_srx = now;
	trk_set_state(c, ST_ONLINE);
	return s;
}

void
trk_tcp(struct cd_tracker *t, struct trk_core *c, enum trk_dir dir,
    const struct cd_pkt *p)
{
	bool		 from = dir == DIR_FROM_CORE;
	struct trk_addr	 srv;
	uint16_t	 srv_port = from ? p->dport : p->sport;
	uint16_t	 core_port = from ? p->sport : p->dport;
	enum trk_kind	 kind;
	struct trk_sess	*s;

	trk_addr_set(&srv, p->af, from ? p->dst_ip : p->src_ip);
	if (srv_port == t->conf.cloud_port)
		kind = K_CLOUD;
	else if (srv_port == t->conf.inettest_port &&
	    trk_addr_eq(&srv, t->conf.inettest_af, t->conf.inettest_ip))
		kind = K_INETTEST;
	else
		return;
	s = sess_find(c, &srv, srv_port, core_port);
	if (from && is_syn(p)) {
		sess_syn(t, c, s, kind, &srv, srv_port, p);
		return;
	}
	if (s == NULL) {
		if (kind != K_CLOUD || p->payload_len == 0 ||
		    (p->tcp_flags & (CD_TCP_SYN | CD_TCP_FIN | CD_TCP_RST)))
			return;
		s = sess_midstream(c, &srv, srv_port, core_port, p->ts_ms);
	}
	sess_packet(t, c, s, dir, p);
}

/* ICMP unreachable quoting a Core's SYN: refused like a RST. */
void
trk_icmp(struct cd_tracker *t, struct trk_core *c, const struct cd_pkt *p)
{
	const struct cd_icmp	*ic = &p->icmp;
	struct trk_addr		 srv;
	struct trk_sess		*s;
	char			 how[48];

	if (!ic->has_inner_ports || ic->inner_proto != IPPROTO_TCP ||
	    !(p->af == AF_INET ? ic->type == 3 : ic->type == 1))
		return;
	trk_addr_set(&srv, ic->inner_af, ic->inner_dst);
	s = sess_find(c, &srv, ic->inner_dport, ic->inner_sport);
	if (s == NULL || s->phase != P_SYN)
		return;
	snprintf(how, sizeof(how), "ICMP%s unreachable (code %u)",
	    p->af == AF_INET6 ? "v6" : "", ic->code);
	sess_refused(t, c, s, p->ts_ms, how);
}

/* Timeouts of one Core's sessions; returns its next deadline. */
int64_t
trk_tcp_tick(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	int64_t next = TRK_NEVER, due;

	for (int i = 0; i < TRK_MAX_SESS; i++) {
		struct trk_sess *s = &c->sess[i];

		if (!s->used)
			continue;
		due = s->phase == P_SYN ? s->first_syn +
		    CD_TRACKER_SYN_TIMEOUT_MS : s->phase == P_CLOSED ?
		    s->last + CLOSED_KEEP_MS : s->last + TRK_SESS_IDLE_MS;
		if (s->phase == P_OPEN && s->hs_done && !s->alive &&
		    s->hs_time + CD_TRACKER_ALIVE_MS < due)
			due = s->hs_time + CD_TRACKER_ALIVE_MS;
		if (due > now) {
			next = due < next ? due : next;
			continue;
		}
		if (s->phase == P_SYN)
			sess_unanswered(t, c, s, due, "");
		else if (s->phase == P_OPEN && s->hs_done && !s->alive &&
		    due == s->hs_time + CD_TRACKER_ALIVE_MS) {
			sess_alive(t, c, s, due, "the session stayed up");
			i--;		/* its idle deadline next */
		} else if (s->phase == P_OPEN) {
			s->used = false;
			cloud_down(t, c, s, due);
		} else
			s->used = false;
	}
	if (trk_active(t, c, F_LOOP)) {
		due = c->starts[c->nstarts % CD_TRACKER_LOOP_SESSIONS] +
		    CD_TRACKER_LOOP_WINDOW_MS;
		if (due <= now)
			trk_clear(t, c, F_LOOP, due);
		else if (due < next)
			next = due;
	}
	return next;
}

/*
 * Hosts not known as Cores: follow their sessions to cloud.port.  The
 * server's first payload must be exactly 40 bytes (the nonce), and the
 * client must answer it with its 256: then it is a Core, and the session
 * carries on as its own.  A client that reads the nonce and leaves (a
 * corediagd's handshake probe, a monitoring check) is none.
 */
static struct trk_cand *
cand_find(struct cd_tracker *t, int af, const uint8_t *cli, uint16_t cli_port,
    const uint8_t *srv, uint16_t srv_port)
{
	for (int i = 0; i < TRK_MAX_CAND; i++) {
		struct trk_cand *k = &t->cand[i];

		if (k->used && k->cli_port == cli_port &&
		    k->srv_port == srv_port && trk_addr_eq(&k->cli, af, cli) &&
		    trk_addr_eq(&k->srv, af, srv))
			return k;
	}
	return NULL;
}

static void
cand_syn(struct cd_tracker *t, const struct cd_pkt *p)
{
	struct trk_cand *k, *oldest = &t->cand[0];

	if (trk_self_mac(t, p->src_mac) ||
	    trk_self_ip(t, p->af, p->src_ip))
		return;		/* this host's own probe */
	k = cand_find(t, p->af, p->src_ip, p->sport, p->dst_ip, p->dport);
	if (k != NULL && k->isn == p->seq)
		return;
	for (int i = 0; k == NULL && i < TRK_MAX_CAND; i++) {
		if (!t->cand[i].used)
			k = &t->cand[i];
		else if (t->cand[i].t < oldest->t)
			oldest = &t->cand[i];
	}
	if (k == NULL)
		k = oldest;
	memset(k, 0, sizeof(*k));
	k->used = true;
	memcpy(k->mac, p->src_mac, 6);
	trk_addr_set(&k->cli, p->af, p->src_ip);
	trk_addr_set(&k->srv, p->af, p->dst_ip);
	k->cli_port = p->sport;
	k->srv_port = p->dport;
	k->isn = p->seq;
	k->t = p->ts_ms;
}

/* The nonce answered: a Core, with this session as its first. */
static void
cand_promote(struct cd_tracker *t, struct trk_cand *k, const struct cd_pkt *p)
{
	struct trk_core *c;
	struct trk_sess *s;

	k->used = false;
	if ((c = trk_identify(t, k->mac, BY_SESSION, p->ts_ms)) == NULL)
		return;
	trk_core_ip(t, c, k->cli.af, k->cli.ip, p->ts_ms);
	s = sess_alloc(c);
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->kind = K_CLOUD;
	s->phase = P_SYN;
	s->srv = k->srv;
	s->srv_port = k->srv_port;
	s->core_port = k->cli_port;
	s->isn = k->isn;
	s->cbase = k->isn + 1;
	s->have_cseq = true;
	s->syns = 1;
	s->first_syn = s->last_syn = s->start = k->t;
	s->sbase = k->sbase;
	s->have_sseq = true;
	s->sbytes = s->first_spay = TRK_NONCE_LEN;
	sess_open(t, c, s, p->ts_ms);
	sess_packet(t, c, s, DIR_FROM_CORE, p);
	trk_touch(t, c, p->ts_ms);
}

/* The client's payload after the nonce, counted by sequence number. */
static void
cand_client_data(struct cd_tracker *t, struct trk_cand *k,
    const struct cd_pkt *p)
{
	uint32_t rel = p->seq - (k->isn + 1), end;

	if (!k->nonce || rel >= SEQ_WINDOW) {
		k->used = false;	/* it spoke first: not the Spark handshake */
		return;
	}
	end = rel + (uint32_t)p->payload_len;
	if (end >= TRK_KEY_LEN)
		cand_promote(t, k, p);
	else if (end > k->cbytes)
		k->cbytes = end;
}

void
trk_tcp_unknown(struct cd_tracker *t, const struct cd_pkt *p)
{
	uint16_t	 port = t->conf.cloud_port;
	struct trk_cand	*k;

	if (p->dport == port && is_syn(p) && p->has_src_mac) {
		cand_syn(t, p);
		return;
	}
	if (p->sport == port)
		k = cand_find(t, p->af, p->dst_ip, p->dport, p->src_ip,
		    p->sport);
	else if (p->dport == port)
		k = cand_find(t, p->af, p->src_ip, p->sport, p->dst_ip,
		    p->dport);
	else
		return;
	if (k == NULL || is_synack(p))
		return;
	if (p->tcp_flags & (CD_TCP_FIN | CD_TCP_RST))
		k->used = false;
	else if (p->payload_len == 0)
		return;
	else if (p->dport == port)
		cand_client_data(t, k, p);
	else if (!k->nonce && p->payload_len == TRK_NONCE_LEN) {
		k->nonce = true;
		k->sbase = p->seq;
	} else if (p->seq != k->sbase)	/* more than the nonce */
		k->used = false;
}

int64_t
trk_cand_tick(struct cd_tracker *t, int64_t now)
{
	for (int i = 0; i < TRK_MAX_CAND; i++)
		if (t->cand[i].used && t->cand[i].t + TRK_CAND_MS <= now)
			t->cand[i].used = false;
	/* Nothing to judge: a candidate that expires just goes. */
	return TRK_NEVER;
}

/*
 * The capture ended: a connect with CD_TRACKER_END_SYNS SYNs and no answer
 * is judged now (the Core's timeout would have come later); fewer SYNs
 * are no evidence yet.
 */
void
trk_tcp_end(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	char until[80];

	for (int i = 0; i < TRK_MAX_SESS; i++) {
		struct trk_sess *s = &c->sess[i];

		if (!s->used || s->phase != P_SYN ||
		    s->syns < CD_TRACKER_END_SYNS)
			continue;
		snprintf(until, sizeof(until), " until the capture ended, "
		    "%lld s after the first SYN", trk_secs(now - s->first_syn));
		sess_unanswered(t, c, s, now, until);
	}
}
