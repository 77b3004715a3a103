/*
 * The Core tracker's decisions: frames built here, decoded by the real
 * decoders, fed with explicit times; the findings (ID, subject, active,
 * evidence) and the devices list are what is checked.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frame_fixture.h"

#include "decode.h"
#include "findings.h"
#include "state.h"
#include "tracker.h"
#include "vantage.h"

#define T0	1700000000000LL
#define SUBJ	"core:08:00:28:c0:de:01"

static const uint8_t CORE[6] = { 0x08, 0x00, 0x28, 0xc0, 0xde, 0x01 };
static const uint8_t ODD[6] = { 0x02, 0x5a, 0x00, 0x00, 0x00, 0x07 };
static const uint8_t ROUTER[6] = { 0x02, 0xcd, 0x1a, 0xb0, 0x00, 0x01 };
static const uint8_t LAPTOP[6] = { 0x02, 0xcd, 0x1a, 0xb0, 0x00, 0x50 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t PI[6] = { 0x02, 0xcd, 0x1a, 0xb0, 0x00, 0x31 };
static const char *PI_IP = "198.18.1.31";
static const uint8_t *dns_peer;	/* the DNS server's MAC; ROUTER */
static const char *CORE_IP = "198.18.1.123";
static const char *CLOUD_IP = "198.18.100.10";
static const char *DNS_IP = "198.18.1.1";

struct env {
	struct cd_findings	 fs;
	struct cd_state		 st;
	struct cd_tracker	*t;
};

/* --- frames ----------------------------------------------------------- */

/* Ethernet + IPv4 header for a transport of l4len bytes; returns the L4. */
static uint8_t *
eth_ip(struct frame *f, const uint8_t *src, const uint8_t *dst,
    const char *sip, const char *dip, uint8_t proto, size_t l4len)
{
	uint8_t *ip = f->b + 14;

	memset(f->b, 0, sizeof(f->b));
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	put16(f->b + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, ip4(sip));
	put32(ip + 16, ip4(dip));
	f->len = 14 + 20 + l4len;
	return ip + 20;
}

static void
tcp_frame(struct frame *f, const uint8_t *src, const uint8_t *dst,
    const char *sip, const char *dip, uint16_t sport, uint16_t dport,
    uint8_t flags, uint32_t seq, size_t paylen)
{
	uint8_t *t = eth_ip(f, src, dst, sip, dip, 6, 20 + paylen);

	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	t[12] = 5 << 4;
	t[13] = flags;
}

static uint8_t *
udp_frame(struct frame *f, const uint8_t *src, const uint8_t *dst,
    const char *sip, const char *dip, uint16_t sport, uint16_t dport,
    size_t paylen)
{
	uint8_t *u = eth_ip(f, src, dst, sip, dip, 17, 8 + paylen);

	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + paylen));
	return u + 8;
}

static void
feed(struct env *e, int64_t t, struct frame *f)
{
	struct cd_pkt pkt;

	pkt.ts_ms = t;
	assert_int_equal(cd_decode_frame(CD_DLT_EN10MB, f->b, f->len, f->len,
	    &pkt), 0);
	cd_tracker_packet(e->t, &pkt);
}

/* --- the conversation a Core has ---------------------------------------- */

struct conn {
	struct env	*e;
	const uint8_t	*mac;
	const char	*ip, *srv;
	uint16_t	 port, sport;
	uint32_t	 cseq, sseq;
};

static void
from_core(struct conn *c, int64_t t, uint8_t flags, size_t len)
{
	struct frame f;

	tcp_frame(&f, c->mac, ROUTER, c->ip, c->srv, c->sport, c->port, flags,
	    c->cseq, len);
	feed(c->e, t, &f);
	c->cseq += (uint32_t)len;
}

static void
to_core(struct conn *c, int64_t t, uint8_t flags, size_t len)
{
	struct frame f;

	tcp_frame(&f, ROUTER, c->mac, c->srv, c->ip, c->port, c->sport, flags,
	    c->sseq, len);
	feed(c->e, t, &f);
	c->sseq += (uint32_t)len;
}

static struct conn
conn(struct env *e, const uint8_t *mac, uint16_t sport)
{
	struct conn c = { e, mac, CORE_IP, CLOUD_IP, 5683, sport, 1000, 90000 };

	return c;
}

/* SYN, SYN-ACK, ACK at t. */
static void
open_conn(struct conn *c, int64_t t)
{
	from_core(c, t, CD_TCP_SYN, 0);
	c->cseq++;
	to_core(c, t + 10, CD_TCP_SYN | CD_TCP_ACK, 0);
	c->sseq++;
	from_core(c, t + 20, CD_TCP_ACK, 0);
}

static const uint8_t PA = CD_TCP_PSH | CD_TCP_ACK;
static const uint8_t FA = CD_TCP_FIN | CD_TCP_ACK;

/* The handshake up to step n (1 nonce, 2 256, 3 384, 4 both hellos). */
static void
handshake(struct conn *c, int64_t t, int n)
{
	static const size_t len[] = { 40, 256, 384, 18, 18 };

	for (int i = 0; i < n + (n == 4); i++) {
		if (i % 2 == 0)
			to_core(c, t + 100 * i, PA, len[i]);
		else
			from_core(c, t + 100 * i, PA, len[i]);
	}
}

/* --- checks ------------------------------------------------------------- */

static const struct cd_finding *
finding(struct env *e, const char *id, const char *subject)
{
	return cd_finding_find(&e->fs, id, subject);
}

static bool
active(struct env *e, const char *id)
{
	const struct cd_finding *f = finding(e, id, SUBJ);

	return f != NULL && f->active;
}

static void
assert_detail(struct env *e, const char *id, const char *text)
{
	const struct cd_finding *f = finding(e, id, SUBJ);

	assert_non_null(f);
	assert_non_null(f->detail);
	if (strstr(f->detail, text) == NULL)
		fail_msg("%s: detail '%s' lacks '%s'", id, f->detail, text);
}

static struct cd_device *
device(struct env *e, const char *mac)
{
	for (struct cd_device *d = e->st.devices; d != NULL; d = d->next)
		if (strcmp(d->mac, mac) == 0)
			return d;
	return NULL;
}

static int
setup(void **state)
{
	struct env		*e = calloc(1, sizeof(*e));
	struct cd_tracker_conf	 tc;

	memset(&tc, 0, sizeof(tc));
	snprintf(tc.cloud_host, sizeof(tc.cloud_host), "cloud.test");
	tc.cloud_port = 5683;
	memcpy(tc.ouis[0].b, CORE, 3);
	tc.nouis = 1;
	tc.inettest_af = AF_INET;
	put32(tc.inettest_ip, ip4("198.18.100.88"));
	tc.inettest_port = 53;
	cd_findings_init(&e->fs, NULL, NULL);
	e->t = cd_tracker_new(&e->fs, &e->st, &tc);
	dns_peer = ROUTER;
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	cd_tracker_free(e->t);
	cd_findings_free(&e->fs);
	cd_state_free(&e->st);
	free(e);
	return 0;
}

/* --- TCP: the cloud session --------------------------------------------- */

static void
test_oui_seen(void **state)
{
	struct env		*e = *state;
	struct conn		 c = conn(e, CORE, 40001);
	struct cd_device	*d;

	/* One frame: listed, not yet announced (a prefix is cheap to spoof). */
	from_core(&c, T0, CD_TCP_SYN, 0);
	assert_false(active(e, "core.seen"));
	d = device(e, "08:00:28:c0:de:01");
	assert_non_null(d);
	assert_string_equal(d->identified_by, "oui");
	assert_string_equal(d->state, "connecting");
	assert_string_equal(d->ip, CORE_IP);
	/* Heard again, later: announced. */
	from_core(&c, T0 + CD_TRACKER_OUI_SETTLE_MS - 1, CD_TCP_SYN, 0);
	assert_false(active(e, "core.seen"));
	from_core(&c, T0 + CD_TRACKER_OUI_SETTLE_MS, CD_TCP_SYN, 0);
	assert_true(active(e, "core.seen"));
	assert_int_equal(finding(e, "core.seen", SUBJ)->first_seen,
	    T0 + CD_TRACKER_OUI_SETTLE_MS);
}

static void	dhcp(struct env *, int64_t, const uint8_t *, int, int,
		    const char *, const char *);

/*
 * From a LAN host a Core's DHCP DISCOVER and REQUEST, a moment apart, may
 * be all there is to hear: announced when it has been known long enough.
 */
static void
test_oui_seen_two_broadcasts(void **state)
{
	struct env	*e = *state;

	dhcp(e, T0, CORE, 1, CD_DHCPDISCOVER, NULL, NULL);
	dhcp(e, T0 + 100, CORE, 1, CD_DHCPREQUEST, NULL, NULL);
	cd_tracker_tick(e->t, T0 + CD_TRACKER_OUI_SETTLE_MS - 1);
	assert_false(active(e, "core.seen"));
	assert_int_equal(cd_tracker_next_deadline(e->t),
	    T0 + CD_TRACKER_OUI_SETTLE_MS);
	cd_tracker_tick(e->t, T0 + CD_TRACKER_OUI_SETTLE_MS);
	assert_true(active(e, "core.seen"));
}

/* A capture that ends before the device is heard again still names it. */
static void
test_oui_seen_at_end(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	from_core(&c, T0, CD_TCP_SYN, 0);
	assert_false(active(e, "core.seen"));
	cd_tracker_end(e->t, T0 + 500);
	assert_true(active(e, "core.seen"));
}

/*
 * A flood of frames from random Core-prefixed MACs, each heard once:
 * the table stays at CD_TRACKER_MAX_CORES and nothing is announced, so
 * nothing is logged.
 */
static void
test_oui_flood_is_quiet(void **state)
{
	struct env	*e = *state;
	struct frame	 f;
	uint8_t		 mac[6] = { 0x08, 0x00, 0x28, 0, 0, 0 };
	unsigned	 n = 0;

	for (int i = 0; i < 5000; i++) {
		mac[3] = (uint8_t)(i >> 16);
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		if (i % 2 == 0)
			dhcp(e, T0 + i * 4, mac, 1, CD_DHCPDISCOVER, NULL, NULL);
		else {
			udp_frame(&f, mac, BCAST, "198.18.1.5", "198.18.1.255",
			    1, 9, 0);
			feed(e, T0 + i * 4, &f);
		}
	}
	cd_tracker_tick(e->t, T0 + 5000 * 4);
	for (struct cd_device *d = e->st.devices; d != NULL; d = d->next)
		n++;
	assert_int_equal(n, CD_TRACKER_MAX_CORES);
	assert_false(active(e, "core.seen"));
	assert_null(e->fs.head);	/* not even a cleared one */
}

static void
test_syns_unanswered(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	/* Four SYNs, one ISN; a copy 1 ms after the first is the same SYN. */
	for (int i = 0; i < 4; i++) {
		int64_t at = T0 + (int64_t[]){ 0, 1000, 3000, 7000 }[i];

		from_core(&c, at, CD_TCP_SYN, 0);
		if (i == 0)
			from_core(&c, at + 1, CD_TCP_SYN, 0);
	}
	assert_int_equal(cd_tracker_next_deadline(e->t),
	    T0 + CD_TRACKER_SYN_TIMEOUT_MS);
	cd_tracker_tick(e->t, T0 + CD_TRACKER_SYN_TIMEOUT_MS - 1);
	assert_false(active(e, "core.cloud_blocked"));
	cd_tracker_tick(e->t, T0 + 60000);
	assert_true(active(e, "core.cloud_blocked"));
	assert_detail(e, "core.cloud_blocked",
	    "4 SYNs to 198.18.100.10:5683 over 7 s, no answer");
	/* Judged when it fell due, not when the tick came. */
	assert_int_equal(finding(e, "core.cloud_blocked", SUBJ)->first_seen,
	    T0 + CD_TRACKER_SYN_TIMEOUT_MS);
	assert_string_equal(device(e, "08:00:28:c0:de:01")->state, "offline");
	assert_int_equal(cd_findings_exit_code(&e->fs), 2);

	/* A later SYN-ACK: the port is open, the evidence gone. */
	c.sport = 40002;
	open_conn(&c, T0 + 70000);
	assert_false(active(e, "core.cloud_blocked"));
	assert_non_null(finding(e, "core.cloud_blocked", SUBJ));
}

static void
test_syn_rst(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	from_core(&c, T0, CD_TCP_SYN, 0);
	to_core(&c, T0 + 5, CD_TCP_RST | CD_TCP_ACK, 0);
	assert_true(active(e, "core.cloud_rejected"));
	assert_detail(e, "core.cloud_rejected",
	    "SYN to 198.18.100.10:5683 answered by RST (1 times");
	cd_tracker_tick(e->t, T0 + 60000);
	assert_false(active(e, "core.cloud_blocked"));
}

static void
test_handshake_rejected(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	open_conn(&c, T0);
	handshake(&c, T0 + 100, 2);
	/* The 256 bytes again (a retransmission) count once. */
	c.cseq -= 256;
	from_core(&c, T0 + 400, PA, 256);
	to_core(&c, T0 + 500, FA, 0);
	assert_true(active(e, "core.handshake_rejected"));
	assert_detail(e, "core.handshake_rejected", "after the Core's 256 bytes");
	assert_false(active(e, "core.key_mismatch"));

	/* A complete handshake later clears it. */
	c = conn(e, CORE, 40002);
	open_conn(&c, T0 + 10000);
	handshake(&c, T0 + 10100, 4);
	assert_false(active(e, "core.handshake_rejected"));
	assert_string_equal(device(e, "08:00:28:c0:de:01")->state, "online");
}

static void
test_key_mismatch(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	open_conn(&c, T0);
	handshake(&c, T0 + 100, 3);
	from_core(&c, T0 + 500, FA, 0);
	assert_true(active(e, "core.key_mismatch"));
	assert_detail(e, "core.key_mismatch", "after the cloud's 384 bytes");
	assert_false(active(e, "core.handshake_rejected"));
	assert_false(active(e, "core.cloud_ok"));
}

static void
test_no_key_mismatch_when_cloud_closes(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	open_conn(&c, T0);
	handshake(&c, T0 + 100, 3);
	to_core(&c, T0 + 500, FA, 0);	/* the cloud closes first */
	from_core(&c, T0 + 510, FA, 0);
	assert_false(active(e, "core.key_mismatch"));
	assert_false(active(e, "core.handshake_rejected"));
}

static void
test_cloud_ok_and_keepalive(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	open_conn(&c, T0);
	handshake(&c, T0 + 100, 4);
	assert_false(active(e, "core.cloud_ok"));
	/* A ping answered: the session lives. */
	from_core(&c, T0 + 15000, PA, 18);
	to_core(&c, T0 + 15050, PA, 18);
	assert_true(active(e, "core.cloud_ok"));
	/* The next goes unanswered and the Core closes 10 s later. */
	from_core(&c, T0 + 30000, PA, 18);
	to_core(&c, T0 + 30050, CD_TCP_ACK, 0);
	from_core(&c, T0 + 40000, FA, 0);
	assert_true(active(e, "core.keepalive_lost"));
	assert_detail(e, "core.keepalive_lost", "unanswered for 10 s");
	assert_false(active(e, "core.cloud_ok"));
	assert_int_equal(cd_findings_exit_code(&e->fs), 1);
}

static void
test_cloud_ok_after_alive(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	open_conn(&c, T0);
	handshake(&c, T0 + 100, 4);
	cd_tracker_tick(e->t, T0 + 10000);
	assert_false(active(e, "core.cloud_ok"));
	cd_tracker_tick(e->t, T0 + 30000);
	assert_true(active(e, "core.cloud_ok"));
	assert_detail(e, "core.cloud_ok", "the session stayed up");
}

static void
test_reconnect_loop(void **state)
{
	struct env	*e = *state;
	int64_t		 t = T0;

	for (int i = 0; i < 3; i++, t += 60000) {
		struct conn c = conn(e, CORE, (uint16_t)(40001 + i));

		open_conn(&c, t);
		handshake(&c, t + 100, 4);
		to_core(&c, t + 5000, CD_TCP_RST, 0);
		if (i < 2)
			assert_false(active(e, "core.reconnect_loop"));
	}
	assert_true(active(e, "core.reconnect_loop"));
	assert_detail(e, "core.reconnect_loop", "3 cloud sessions within 120 s");
	/* Ten minutes after the first of the three, it no longer holds. */
	cd_tracker_tick(e->t, T0 + CD_TRACKER_LOOP_WINDOW_MS - 1);
	assert_true(active(e, "core.reconnect_loop"));
	cd_tracker_tick(e->t, T0 + CD_TRACKER_LOOP_WINDOW_MS + 100);
	assert_false(active(e, "core.reconnect_loop"));
}

static void
test_internet_test(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	c.srv = "198.18.100.88";
	c.port = 53;
	from_core(&c, T0, CD_TCP_SYN, 0);
	to_core(&c, T0 + 5, CD_TCP_RST | CD_TCP_ACK, 0);
	assert_true(active(e, "core.internet_test_blocked"));
	assert_detail(e, "core.internet_test_blocked",
	    "TCP connect to 198.18.100.88:53 answered by RST");
	c.sport = 40002;
	open_conn(&c, T0 + 10000);
	assert_false(active(e, "core.internet_test_blocked"));
	/* Other TCP of the Core does not count. */
	c.port = 80;
	c.sport = 40003;
	from_core(&c, T0 + 20000, CD_TCP_SYN, 0);
	cd_tracker_tick(e->t, T0 + 60000);
	assert_false(active(e, "core.cloud_blocked"));
	assert_false(active(e, "core.internet_test_blocked"));
}

static void
test_identified_by_session(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, ODD, 40001);
	struct conn	 l = conn(e, LAPTOP, 40002);

	/* The first server payload is not 40 bytes: not a Core. */
	l.ip = "198.18.1.150";
	open_conn(&l, T0);
	to_core(&l, T0 + 100, PA, 41);
	assert_null(e->st.devices);

	c.ip = "198.18.1.160";
	open_conn(&c, T0 + 1000);
	assert_null(e->st.devices);
	handshake(&c, T0 + 1100, 3);
	from_core(&c, T0 + 1500, FA, 0);
	assert_non_null(device(e, "02:5a:00:00:00:07"));
	assert_string_equal(device(e, "02:5a:00:00:00:07")->identified_by,
	    "cloud_session");
	assert_string_equal(device(e, "02:5a:00:00:00:07")->ip, "198.18.1.160");
	assert_true(cd_finding_find(&e->fs, "core.key_mismatch",
	    "core:02:5a:00:00:00:07")->active);
}

/* --- the LAN: DHCP, DNS, addresses --------------------------------------- */

/* Options 50 (requested address) and 3 (router), when not NULL. */
struct dhcp_opt {
	const char	*req, *router;
};

static void
dhcp_ex(struct env *e, int64_t t, const uint8_t *mac, int op, int type,
    const char *yiaddr, const char *mask, struct dhcp_opt o)
{
	struct frame	 f;
	uint8_t		*b;
	size_t		 n = 240 + 3 + (mask ? 6 : 0) + (o.req ? 6 : 0) +
			    (o.router ? 6 : 0) + 1;

	b = udp_frame(&f, op == 1 ? mac : ROUTER, BCAST,
	    op == 1 ? "0.0.0.0" : DNS_IP, "255.255.255.255", op == 1 ? 68 : 67,
	    op == 1 ? 67 : 68, n);
	b[0] = (uint8_t)op;
	b[1] = 1;
	b[2] = 6;
	put32(b + 4, 0x1234);
	if (yiaddr != NULL)
		put32(b + 16, ip4(yiaddr));
	memcpy(b + 28, mac, 6);
	put32(b + 236, 0x63825363);
	b += 240;
	*b++ = 53;
	*b++ = 1;
	*b++ = (uint8_t)type;
	if (mask != NULL) {
		*b++ = 1;
		*b++ = 4;
		put32(b, ip4(mask));
		b += 4;
	}
	for (int i = 0; i < 2; i++) {
		const char *a = i == 0 ? o.req : o.router;

		if (a == NULL)
			continue;
		*b++ = i == 0 ? 50 : 3;
		*b++ = 4;
		put32(b, ip4(a));
		b += 4;
	}
	*b = 255;
	feed(e, t, &f);
}

static void
dhcp(struct env *e, int64_t t, const uint8_t *mac, int op, int type,
    const char *yiaddr, const char *mask)
{
	dhcp_ex(e, t, mac, op, type, yiaddr, mask, (struct dhcp_opt){ 0 });
}

static void
test_dhcp_no_offer(void **state)
{
	struct env *e = *state;

	for (int i = 0; i < 3; i++)
		dhcp(e, T0 + i * 4000, CORE, 1, CD_DHCPDISCOVER, NULL, NULL);
	assert_string_equal(device(e, "08:00:28:c0:de:01")->state, "dhcp");
	cd_tracker_tick(e->t, T0 + CD_TRACKER_DHCP_TIMEOUT_MS - 1);
	assert_false(active(e, "core.no_lease"));
	/* DISCOVERs alone, no (broadcast) REQUEST: no offer, seen from anywhere. */
	cd_tracker_tick(e->t, T0 + CD_TRACKER_DHCP_TIMEOUT_MS);
	assert_true(active(e, "core.no_lease"));
	assert_detail(e, "core.no_lease", "3 DISCOVERs, 0 REQUESTs over 8 s: "
	    "no offer");
	/* A later ACK clears it and gives the Core its address. */
	dhcp(e, T0 + 20000, CORE, 1, CD_DHCPREQUEST, NULL, NULL);
	dhcp(e, T0 + 20010, CORE, 2, CD_DHCPACK, CORE_IP, "255.255.255.0");
	assert_false(active(e, "core.no_lease"));
	assert_string_equal(device(e, "08:00:28:c0:de:01")->ip, CORE_IP);
	assert_string_equal(device(e, "08:00:28:c0:de:01")->state, "dns");
}

static void
test_dhcp_nak(void **state)
{
	struct env *e = *state;

	dhcp(e, T0, CORE, 1, CD_DHCPREQUEST, NULL, NULL);
	dhcp(e, T0 + 10, CORE, 2, CD_DHCPNAK, NULL, NULL);
	/* A NAK then an ACK (a client back on a new network) is no failure. */
	dhcp(e, T0 + 100, CORE, 1, CD_DHCPDISCOVER, NULL, NULL);
	dhcp(e, T0 + 110, CORE, 2, CD_DHCPOFFER, CORE_IP, "255.255.255.0");
	dhcp(e, T0 + 120, CORE, 1, CD_DHCPREQUEST, NULL, NULL);
	dhcp(e, T0 + 130, CORE, 2, CD_DHCPACK, CORE_IP, "255.255.255.0");
	cd_tracker_tick(e->t, T0 + 60000);
	assert_false(active(e, "core.no_lease"));
	/* NAKs and nothing else are. */
	dhcp(e, T0 + 70000, CORE, 1, CD_DHCPREQUEST, NULL, NULL);
	dhcp(e, T0 + 70010, CORE, 2, CD_DHCPNAK, NULL, NULL);
	cd_tracker_tick(e->t, T0 + 90000);
	assert_true(active(e, "core.no_lease"));
	assert_detail(e, "core.no_lease", "DHCPNAK from");
}

static void
test_static_ip(void **state)
{
	struct env	*e = *state;
	struct frame	 f;
	uint8_t		 net[4] = { 198, 18, 1, 0 };

	cd_tracker_set_lan(e->t, net, 24, "interface br-lan");
	udp_frame(&f, CORE, BCAST, "198.18.1.123", "198.18.1.255", 68, 9, 4);
	feed(e, T0, &f);
	assert_false(active(e, "core.static_ip"));
	udp_frame(&f, CORE, ROUTER, "198.19.77.5", "198.19.77.1", 5000, 53, 4);
	feed(e, T0 + 1000, &f);
	assert_true(active(e, "core.static_ip"));
	assert_detail(e, "core.static_ip", "uses 198.19.77.5, outside the "
	    "LAN's subnet 198.18.1.0/24 (learned from interface br-lan)");
	assert_int_equal(cd_findings_exit_code(&e->fs), 1);
	/* Back inside, with a lease for that address: fine again. */
	dhcp(e, T0 + 2000, CORE, 2, CD_DHCPACK, "198.18.1.123", NULL);
	assert_false(active(e, "core.static_ip"));
	/* Using another address than the one leased. */
	udp_frame(&f, CORE, ROUTER, "198.18.1.99", "198.18.1.1", 5000, 9, 4);
	feed(e, T0 + 3000, &f);
	assert_true(active(e, "core.static_ip"));
	assert_detail(e, "core.static_ip", "but its DHCP lease is 198.18.1.123");
}

static void
dns(struct env *e, int64_t t, const char *server, uint16_t id, bool answer,
    int rcode)
{
	static const uint8_t qname[] = "\5cloud\4test";
	struct frame	 f;
	uint8_t		*b;
	size_t		 n = 12 + sizeof(qname) + 4 + (answer && !rcode ? 16 : 0);

	if (answer)
		b = udp_frame(&f, dns_peer, CORE, server, CORE_IP, 53, 33333, n);
	else
		b = udp_frame(&f, CORE, dns_peer, CORE_IP, server, 33333, 53, n);
	put16(b, id);
	put16(b + 2, answer ? 0x8180 | rcode : 0x0100);
	put16(b + 4, 1);
	put16(b + 6, answer && !rcode ? 1 : 0);
	memcpy(b + 12, qname, sizeof(qname));
	b += 12 + sizeof(qname);
	put16(b, 1);
	put16(b + 2, 1);
	if (answer && !rcode) {
		b += 4;
		put16(b, 0xc00c);
		put16(b + 2, 1);
		put16(b + 4, 1);
		put32(b + 6, 60);
		put16(b + 10, 4);
		put32(b + 12, ip4(CLOUD_IP));
	}
	feed(e, t, &f);
}

static void
test_dns(void **state)
{
	struct env *e = *state;

	dns(e, T0, DNS_IP, 1, false, 0);
	assert_string_equal(device(e, "08:00:28:c0:de:01")->state, "dns");
	dns(e, T0 + 50, DNS_IP, 1, true, CD_DNS_NXDOMAIN);
	assert_true(active(e, "core.dns_failed"));
	assert_detail(e, "core.dns_failed", "query for cloud.test to "
	    "198.18.1.1: NXDOMAIN (1 in a row)");
	dns(e, T0 + 1000, DNS_IP, 2, false, 0);
	dns(e, T0 + 1050, DNS_IP, 2, true, 0);
	assert_false(active(e, "core.dns_failed"));
	/* Unanswered, retransmitted under the same ID: judged once, at 5 s. */
	dns(e, T0 + 10000, DNS_IP, 3, false, 0);
	dns(e, T0 + 11000, DNS_IP, 3, false, 0);
	cd_tracker_tick(e->t, T0 + 10000 + CD_TRACKER_DNS_TIMEOUT_MS - 1);
	assert_false(active(e, "core.dns_failed"));
	cd_tracker_tick(e->t, T0 + 30000);
	assert_true(active(e, "core.dns_failed"));
	assert_detail(e, "core.dns_failed", "unanswered after 5 s (1 in a row)");
	assert_false(active(e, "core.bad_dns_server"));
}

static void
test_bad_dns_server(void **state)
{
	struct env *e = *state;

	dns(e, T0, "76.83.0.0", 1, false, 0);
	assert_true(active(e, "core.bad_dns_server"));
	assert_detail(e, "core.bad_dns_server", "sent to 76.83.0.0");
	dns(e, T0 + 1000, DNS_IP, 2, false, 0);
	assert_false(active(e, "core.bad_dns_server"));
}

/* The announcement of device ID 101112131415161718191a1b. */
static void
presence(struct env *e, int64_t t, const uint8_t *mac, const char *ip)
{
	static const uint8_t head[] = { 0x50, 0x02, 0x00, 0x00, 0xb1, 0x68,
	    0xff };
	const uint8_t		 mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x01, 0xbb };
	struct frame		 f;
	uint8_t			*b;

	b = udp_frame(&f, mac, mc, ip, "224.0.1.187", 5683, 5683, 19);
	memcpy(b, head, sizeof(head));
	for (int i = 0; i < 12; i++)
		b[7 + i] = (uint8_t)(0x10 + i);
	feed(e, t, &f);
}

static void
test_presence(void **state)
{
	struct env *e = *state;

	presence(e, T0, ODD, "198.18.1.160");
	assert_non_null(device(e, "02:5a:00:00:00:07"));
	assert_string_equal(device(e, "02:5a:00:00:00:07")->identified_by,
	    "presence");
	assert_string_equal(device(e, "02:5a:00:00:00:07")->device_id,
	    "101112131415161718191a1b");
}

/* --- bounds and time ----------------------------------------------------- */

static void
test_idle_expiry(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	from_core(&c, T0, CD_TCP_SYN, 0);
	cd_tracker_tick(e->t, T0 + 60000);
	assert_true(active(e, "core.cloud_blocked"));
	cd_tracker_tick(e->t, T0 + CD_TRACKER_IDLE_MS - 1);
	assert_non_null(device(e, "08:00:28:c0:de:01"));
	cd_tracker_tick(e->t, T0 + CD_TRACKER_IDLE_MS + 1);
	assert_null(device(e, "08:00:28:c0:de:01"));
	assert_false(active(e, "core.cloud_blocked"));
	assert_false(active(e, "core.seen"));
	assert_int_equal(cd_findings_exit_code(&e->fs), 0);
}

/* Spoofed prefixes evict one another, never a confirmed Core. */
static void
test_core_eviction(void **state)
{
	static const uint8_t head[] = { 0x50, 0x02, 0x00, 0x00, 0xb1, 0x68,
	    0xff };
	const uint8_t	 mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x01, 0xbb };
	struct env	*e = *state;
	struct frame	 f;
	uint8_t		 mac[6] = { 0x08, 0x00, 0x28, 0, 0, 0 }, *b;

	b = udp_frame(&f, ODD, mc, "198.18.1.160", "224.0.1.187", 5683, 5683,
	    19);
	memcpy(b, head, sizeof(head));
	feed(e, T0, &f);
	for (int i = 0; i < CD_TRACKER_MAX_CORES + 10; i++) {
		mac[5] = (uint8_t)i;
		udp_frame(&f, mac, BCAST, "198.18.1.5", "198.18.1.255", 1, 9, 0);
		feed(e, T0 + 1 + i, &f);
	}
	assert_non_null(device(e, "02:5a:00:00:00:07"));	/* confirmed */
	assert_non_null(device(e, "08:00:28:00:00:49"));	/* the newest */
	assert_null(device(e, "08:00:28:00:00:00"));		/* the oldest */
	assert_null(device(e, "08:00:28:00:00:0a"));
	assert_non_null(device(e, "08:00:28:00:00:0b"));
}

static void
test_clock_never_goes_back(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	from_core(&c, T0 + 50000, CD_TCP_SYN, 0);
	from_core(&c, T0, CD_TCP_SYN, 0);	/* out of order: "now" */
	cd_tracker_tick(e->t, T0 + 1000);
	assert_false(active(e, "core.cloud_blocked"));
	cd_tracker_tick(e->t, T0 + 58001);
	assert_true(active(e, "core.cloud_blocked"));
}

/* --- vantage: this host, who is a Core, what the capture can see --------- */

static void
set_host(struct env *e, const uint8_t *mac, const char *ip, bool forwarding)
{
	struct cd_tracker_host h;

	memset(&h, 0, sizeof(h));
	h.forwarding = forwarding;
	memcpy(h.macs[0], mac, 6);
	h.nmacs = 1;
	h.addrs[0].af = AF_INET;
	put32(h.addrs[0].ip, ip4(ip));
	h.naddrs = 1;
	cd_tracker_set_host(e->t, &h);
}

static void
arp(struct env *e, int64_t t, const uint8_t *mac, const char *spa,
    const char *tpa)
{
	struct frame	 f;
	uint8_t		*a = f.b + 14;

	memset(f.b, 0, sizeof(f.b));
	memcpy(f.b, BCAST, 6);
	memcpy(f.b + 6, mac, 6);
	put16(f.b + 12, 0x0806);
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, mac, 6);
	put32(a + 14, ip4(spa));
	put32(a + 24, ip4(tpa));
	f.len = 14 + 28;
	feed(e, t, &f);
}

static void
test_self_never_core(void **state)
{
	static const uint8_t ti_host[6] = { 0x08, 0x00, 0x28, 0x11, 0x22,
	    0x33 };
	struct env	*e = *state;
	struct conn	 p = conn(e, PI, 40001);
	struct frame	 f;

	/* Before its interfaces are known, its own session looks like one. */
	p.ip = PI_IP;
	open_conn(&p, T0);
	handshake(&p, T0 + 100, 2);
	assert_non_null(device(e, "02:cd:1a:b0:00:31"));
	set_host(e, PI, PI_IP, false);
	assert_null(device(e, "02:cd:1a:b0:00:31"));
	assert_false(cd_finding_find(&e->fs, "core.seen",
	    "core:02:cd:1a:b0:00:31")->active);
	/* Its probe's whole handshake: still not a Core. */
	p.sport = 40002;
	open_conn(&p, T0 + 1000);
	handshake(&p, T0 + 1100, 4);
	assert_null(device(e, "02:cd:1a:b0:00:31"));
	/* A host whose own MAC has a Core's vendor prefix is this host. */
	set_host(e, ti_host, "198.18.1.32", false);
	p = conn(e, ti_host, 40003);
	p.ip = "198.18.1.32";
	open_conn(&p, T0 + 2000);
	handshake(&p, T0 + 2100, 4);
	dhcp(e, T0 + 3000, ti_host, 1, CD_DHCPDISCOVER, NULL, NULL);
	arp(e, T0 + 3100, ti_host, "198.18.1.32", "198.18.1.1");
	udp_frame(&f, ti_host, BCAST, "198.18.1.32", "198.18.1.255", 68, 9, 4);
	feed(e, T0 + 3200, &f);
	assert_null(e->st.devices);
	assert_int_equal(cd_findings_exit_code(&e->fs), 0);
}

static void
test_nonce_reader_not_core(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, ODD, 40001);

	c.ip = "198.18.1.160";
	/* Reads the nonce and leaves, as a handshake probe does. */
	open_conn(&c, T0);
	to_core(&c, T0 + 100, PA, 40);
	from_core(&c, T0 + 200, FA, 0);
	assert_null(e->st.devices);
	/* Reads it and stays silent. */
	c.sport = 40002;
	open_conn(&c, T0 + 1000);
	to_core(&c, T0 + 1100, PA, 40);
	cd_tracker_tick(e->t, T0 + 60000);
	assert_null(e->st.devices);
	/* Answers it with 256 bytes, in two segments: a Core. */
	c = conn(e, ODD, 40003);
	c.ip = "198.18.1.160";
	open_conn(&c, T0 + 70000);
	to_core(&c, T0 + 70100, PA, 40);
	from_core(&c, T0 + 70200, PA, 200);
	assert_null(e->st.devices);
	from_core(&c, T0 + 70300, PA, 56);
	assert_non_null(device(e, "02:5a:00:00:00:07"));
	assert_string_equal(device(e, "02:5a:00:00:00:07")->identified_by,
	    "cloud_session");
	to_core(&c, T0 + 70400, PA, 384);
	from_core(&c, T0 + 70500, PA, 18);
	to_core(&c, T0 + 70600, PA, 18);
	assert_string_equal(device(e, "02:5a:00:00:00:07")->state, "online");
}

static void
test_lan_host_lease(void **state)
{
	struct env		*e = *state;
	struct dhcp_opt		 ask = { CORE_IP, NULL };
	struct cd_device	*d;

	set_host(e, PI, PI_IP, false);
	/* A broadcast answer says nothing of where the Core's unicast goes. */
	dhcp(e, T0 - 5000, CORE, 2, CD_DHCPOFFER, CORE_IP, "255.255.255.0");
	assert_string_equal(device(e, "08:00:28:c0:de:01")->visibility,
	    "broadcast_only");
	/* A REQUEST from scratch; its unicast ACK never reaches a LAN host. */
	dhcp_ex(e, T0, CORE, 1, CD_DHCPREQUEST, NULL, NULL, ask);
	cd_tracker_tick(e->t, T0 + 60000);
	assert_false(active(e, "core.no_lease"));
	d = device(e, "08:00:28:c0:de:01");
	assert_string_equal(d->state, "dhcp");
	assert_string_equal(d->visibility, "broadcast_only");
	/* Its ARP from the address asked for: it got that lease. */
	arp(e, T0 + 61000, CORE, CORE_IP, "198.18.1.1");
	assert_string_equal(d->state, "dns");
	assert_string_equal(d->ip, CORE_IP);
	/* Asking again and again after the timeout: no lease. */
	dhcp_ex(e, T0 + 200000, CORE, 1, CD_DHCPREQUEST, NULL, NULL, ask);
	dhcp_ex(e, T0 + 205000, CORE, 1, CD_DHCPDISCOVER, NULL, NULL, ask);
	assert_false(active(e, "core.no_lease"));
	dhcp_ex(e, T0 + 212000, CORE, 1, CD_DHCPDISCOVER, NULL, NULL, ask);
	assert_true(active(e, "core.no_lease"));
	/* Its presence from the address: leased, and online. */
	presence(e, T0 + 213000, CORE, CORE_IP);
	assert_false(active(e, "core.no_lease"));
	assert_string_equal(d->state, "online");
	assert_string_equal(d->visibility, "broadcast_only");
	assert_int_equal(cd_findings_exit_code(&e->fs), 0);
}

static void
test_presence_clears(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, CORE, 40001);

	from_core(&c, T0, CD_TCP_SYN, 0);
	cd_tracker_tick(e->t, T0 + 10000);
	assert_true(active(e, "core.cloud_blocked"));
	dns(e, T0 + 11000, DNS_IP, 1, false, 0);
	dns(e, T0 + 11050, DNS_IP, 1, true, CD_DNS_NXDOMAIN);
	assert_true(active(e, "core.dns_failed"));
	assert_string_equal(device(e, "08:00:28:c0:de:01")->visibility,
	    "on_path");
	/* The handshake finished, whatever this capture saw of it. */
	presence(e, T0 + 20000, CORE, CORE_IP);
	assert_false(active(e, "core.cloud_blocked"));
	assert_false(active(e, "core.dns_failed"));
	assert_string_equal(device(e, "08:00:28:c0:de:01")->state, "online");
	assert_string_equal(device(e, "08:00:28:c0:de:01")->identified_by,
	    "presence");
	assert_int_equal(cd_findings_exit_code(&e->fs), 0);
}

static void
test_on_path_evidence(void **state)
{
	struct env		*e = *state;
	struct dhcp_opt		 gw = { NULL, "198.18.1.1" };
	struct dhcp_opt		 ask = { CORE_IP, NULL };
	struct conn		 c = conn(e, CORE, 40001);

	/* This host forwards and the Core's DHCP names it the gateway. */
	set_host(e, ROUTER, "198.18.1.1", true);
	dhcp(e, T0, CORE, 1, CD_DHCPDISCOVER, NULL, NULL);
	assert_string_equal(device(e, "08:00:28:c0:de:01")->visibility,
	    "broadcast_only");
	dhcp_ex(e, T0 + 10, CORE, 2, CD_DHCPOFFER, CORE_IP, "255.255.255.0",
	    gw);
	assert_string_equal(device(e, "08:00:28:c0:de:01")->visibility,
	    "on_path");

	/* A forwarding host the Core's frames come to, for elsewhere. */
	teardown(state);
	setup(state);
	e = *state;
	c.e = e;
	set_host(e, ROUTER, "198.18.1.1", true);
	from_core(&c, T0, CD_TCP_SYN, 0);
	assert_string_equal(device(e, "08:00:28:c0:de:01")->visibility,
	    "on_path");
	/* On its path an ACK would have been seen: judged at the timeout. */
	dhcp_ex(e, T0 + 100000, CORE, 1, CD_DHCPREQUEST, NULL, NULL, ask);
	cd_tracker_tick(e->t, T0 + 100000 + CD_TRACKER_DHCP_TIMEOUT_MS);
	assert_true(active(e, "core.no_lease"));
	assert_detail(e, "core.no_lease", "0 DISCOVERs, 1 REQUESTs");
}

static void
test_dns_server_here(void **state)
{
	struct env *e = *state;

	/* A LAN host that is the Cores' DNS server sees the answers. */
	set_host(e, PI, PI_IP, false);
	dns_peer = PI;
	dns(e, T0, PI_IP, 1, false, 0);
	cd_tracker_tick(e->t, T0 + 10000);
	assert_true(active(e, "core.dns_failed"));
	assert_string_equal(device(e, "08:00:28:c0:de:01")->visibility,
	    "broadcast_only");
}

static void
test_host_vantage(void **state)
{
	struct cd_host_view	hv;
	char			buf[384];

	(void)state;
	memset(&hv, 0, sizeof(hv));
	snprintf(hv.lan_if, sizeof(hv.lan_if), "br-lan");
	snprintf(hv.route_if, sizeof(hv.route_if), "wan");
	hv.self.forwarding = true;
	assert_int_equal(cd_host_vantage(&hv), CD_VANTAGE_ROUTER);
	/* A Pi: its default route is on the LAN, and it does not forward. */
	snprintf(hv.lan_if, sizeof(hv.lan_if), "eth0");
	snprintf(hv.route_if, sizeof(hv.route_if), "eth0");
	hv.self.forwarding = false;
	assert_int_equal(cd_host_vantage(&hv), CD_VANTAGE_LAN_HOST);
	/* Forwarding (Docker does) does not make it the LAN's router. */
	hv.self.forwarding = true;
	assert_int_equal(cd_host_vantage(&hv), CD_VANTAGE_LAN_HOST);
	hv.ap = true;
	assert_int_equal(cd_host_vantage(&hv), CD_VANTAGE_AP);
	assert_string_equal(cd_vantage_name(CD_VANTAGE_AP), "access_point");
	cd_vantage_explain(CD_VANTAGE_LAN_HOST, "eth0", buf, sizeof(buf));
	assert_non_null(strstr(buf, "test its forwarding rules"));
	cd_vantage_explain(CD_VANTAGE_ROUTER, "br-lan", buf, sizeof(buf));
	assert_non_null(strstr(buf, "not its forwarding rules"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_oui_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oui_seen_two_broadcasts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_oui_seen_at_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oui_flood_is_quiet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syns_unanswered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_rst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handshake_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_key_mismatch_when_cloud_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cloud_ok_and_keepalive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cloud_ok_after_alive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_internet_test, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identified_by_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dhcp_no_offer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dhcp_nak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_ip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_dns_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_presence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_core_eviction, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_idle_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_never_goes_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_never_core, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonce_reader_not_core, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lan_host_lease, setup, teardown),
		cmocka_unit_test_setup_teardown(test_presence_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_on_path_evidence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_here, setup, teardown),
		cmocka_unit_test(test_host_vantage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
