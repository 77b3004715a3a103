/*
 * The tracker's rules for bad days (corediagd(8), "Reboots and
 * reflashing" and "The end of a capture"): pings only after the Core's
 * idle period, restarts are not keepalive losses, flash cycles are not
 * reconnect loops, decisive evidence at the end of a capture, the words
 * for an OUI match, the bogus DNS server alone, a lease from another
 * DHCP server.  Frames are built here and decoded by the real decoders.
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

#define T0	1700000000000LL
#define SUBJ	"core:08:00:28:c0:de:01"
#define CMAC	"08:00:28:c0:de:01"

static const uint8_t CORE[6] = { 0x08, 0x00, 0x28, 0xc0, 0xde, 0x01 };
static const uint8_t ROUTER[6] = { 0x02, 0xcd, 0x1a, 0xb0, 0x00, 0x01 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const char *CORE_IP = "198.18.1.123";

struct env {
	struct cd_findings	 fs;
	struct cd_state		 st;
	struct cd_tracker	*t;
};

static uint8_t *
eth(struct frame *f, const uint8_t *src, const uint8_t *dst, uint16_t type)
{
	memset(f->b, 0, sizeof(f->b));
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	put16(f->b + 12, type);
	return f->b + 14;
}

static uint8_t *
eth_ip(struct frame *f, const uint8_t *src, const uint8_t *dst,
    const char *sip, const char *dip, uint8_t proto, size_t l4len)
{
	uint8_t *ip = eth(f, src, dst, 0x0800);

	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, ip4(sip));
	put32(ip + 16, ip4(dip));
	f->len = 14 + 20 + l4len;
	return ip + 20;
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

/* --- a TCP connection of the Core ---------------------------------------- */

struct conn {
	struct env	*e;
	const char	*srv;
	uint16_t	 port, sport;
	uint32_t	 cseq, sseq;
};

static void
seg(struct conn *c, bool from, int64_t t, uint8_t flags, size_t len)
{
	struct frame	 f;
	uint8_t		*p;

	if (from)
		p = eth_ip(&f, CORE, ROUTER, CORE_IP, c->srv, 6, 20 + len);
	else
		p = eth_ip(&f, ROUTER, CORE, c->srv, CORE_IP, 6, 20 + len);
	put16(p, from ? c->sport : c->port);
	put16(p + 2, from ? c->port : c->sport);
	put32(p + 4, from ? c->cseq : c->sseq);
	p[12] = 5 << 4;
	p[13] = flags;
	feed(c->e, t, &f);
	if (from)
		c->cseq += (uint32_t)len;
	else
		c->sseq += (uint32_t)len;
}

static const uint8_t PA = CD_TCP_PSH | CD_TCP_ACK;
static const uint8_t SYN = CD_TCP_SYN;

static struct conn
conn(struct env *e, const char *srv, uint16_t port, uint16_t sport)
{
	struct conn c = { e, srv, port, sport, 1000, 90000 };

	return c;
}

/* Open at t, then the handshake: the cloud's hello arrives at t + 520. */
static struct conn
online(struct env *e, uint16_t sport, int64_t t)
{
	static const size_t len[] = { 40, 256, 384, 18, 18 };
	struct conn c = conn(e, "198.18.100.10", 5683, sport);

	seg(&c, true, t, SYN, 0);
	c.cseq++;
	seg(&c, false, t + 10, CD_TCP_SYN | CD_TCP_ACK, 0);
	c.sseq++;
	seg(&c, true, t + 20, CD_TCP_ACK, 0);
	for (int i = 0; i < 5; i++)
		seg(&c, i % 2 == 1, t + 120 + 100 * i, PA, len[i]);
	return c;
}

/* --- DHCP, ARP, DNS ---------------------------------------------------- */

struct dhcp_opts {
	const char	*ciaddr, *yiaddr, *server, *dns, *mask;
};

static void
dhcp(struct env *e, int64_t t, int type, const struct dhcp_opts *o)
{
	struct frame	 f;
	uint8_t		*b, *opt;
	int		 op = type == 1 || type == 3 ? 1 : 2;
	const char	*sip = op == 1 ? "0.0.0.0" : (o->server ? o->server :
			    "198.18.1.1");

	b = udp_frame(&f, op == 1 ? CORE : ROUTER, BCAST, sip,
	    "255.255.255.255", op == 1 ? 68 : 67, op == 1 ? 67 : 68, 300);
	b[0] = (uint8_t)op;
	b[1] = 1;
	b[2] = 6;
	put32(b + 4, 0x1234);
	if (o->ciaddr != NULL)
		put32(b + 12, ip4(o->ciaddr));
	if (o->yiaddr != NULL)
		put32(b + 16, ip4(o->yiaddr));
	memcpy(b + 28, CORE, 6);
	put32(b + 236, 0x63825363);
	opt = b + 240;
	*opt++ = 53;
	*opt++ = 1;
	*opt++ = (uint8_t)type;
	if (o->server != NULL && op == 2) {
		*opt++ = 54;
		*opt++ = 4;
		put32(opt, ip4(o->server));
		opt += 4;
	}
	if (o->dns != NULL) {
		*opt++ = 6;
		*opt++ = 4;
		put32(opt, ip4(o->dns));
		opt += 4;
	}
	if (o->mask != NULL) {
		*opt++ = 1;
		*opt++ = 4;
		put32(opt, ip4(o->mask));
		opt += 4;
	}
	*opt = 255;
	feed(e, t, &f);
}

/* A Core back from a restart: DISCOVER, then its lease. */
static void
boot(struct env *e, int64_t t)
{
	struct dhcp_opts discover = { 0 }, ack = { .yiaddr = "198.18.1.123",
	    .server = "198.18.1.1" };

	dhcp(e, t, 1, &discover);
	dhcp(e, t + 100, 5, &ack);
}

static void
arp(struct env *e, int64_t t, const char *spa, const char *tpa)
{
	struct frame	 f;
	uint8_t		*a = eth(&f, CORE, BCAST, 0x0806);

	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, CORE, 6);
	put32(a + 14, ip4(spa));
	put32(a + 24, ip4(tpa));
	f.len = 14 + 28;
	feed(e, t, &f);
}

static void
dns_query(struct env *e, int64_t t, const char *server, uint16_t id)
{
	static const uint8_t qname[] = "\5cloud\4test";
	struct frame	 f;
	uint8_t		*b;

	b = udp_frame(&f, CORE, ROUTER, CORE_IP, server, 33333, 53,
	    12 + sizeof(qname) + 4);
	put16(b, id);
	put16(b + 2, 0x0100);
	put16(b + 4, 1);
	memcpy(b + 12, qname, sizeof(qname));
	put16(b + 12 + sizeof(qname), 1);
	put16(b + 14 + sizeof(qname), 1);
	feed(e, t, &f);
}

/* --- checks ------------------------------------------------------------- */

static const struct cd_finding *
finding(struct env *e, const char *id)
{
	return cd_finding_find(&e->fs, id, SUBJ);
}

static bool
active(struct env *e, const char *id)
{
	const struct cd_finding *f = finding(e, id);

	return f != NULL && f->active;
}

static void
assert_text(const char *what, const char *text, const char *want)
{
	if (text == NULL || strstr(text, want) == NULL)
		fail_msg("%s '%s' lacks '%s'", what, text ? text : "(null)",
		    want);
}

static void
assert_detail(struct env *e, const char *id, const char *want)
{
	const struct cd_finding *f = finding(e, id);

	assert_non_null(f);
	assert_text(id, f->detail, want);
}

static const char *
device_field(struct env *e, bool state)
{
	for (struct cd_device *d = e->st.devices; d != NULL; d = d->next)
		if (strcmp(d->mac, CMAC) == 0)
			return state ? d->state : d->identified_by;
	fail_msg("no device %s", CMAC);
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

/* --- pings: only after the Core's idle period ----------------------------- */

/* The Core acknowledges a request of the cloud in 18 bytes: no ping. */
static void
test_ack_is_no_ping(void **state)
{
	struct env	*e = *state;
	struct conn	 c = online(e, 40001, T0);

	seg(&c, false, T0 + 5000, PA, 50);	/* a request of the cloud */
	seg(&c, true, T0 + 5050, PA, 18);	/* its empty acknowledgement */
	seg(&c, true, T0 + 17000, CD_TCP_FIN | CD_TCP_ACK, 0);
	assert_false(active(e, "core.keepalive_lost"));
}

/* 18 bytes after 15 s with nothing from the cloud: a ping. */
static void
test_ping_after_idle(void **state)
{
	struct env	*e = *state;
	struct conn	 c = online(e, 40001, T0);

	seg(&c, false, T0 + 5000, PA, 50);
	seg(&c, true, T0 + 5050, PA, 18);
	seg(&c, true, T0 + 20050, PA, 18);	/* 15 s since the request */
	seg(&c, false, T0 + 20100, CD_TCP_ACK, 0);
	seg(&c, true, T0 + 30050, CD_TCP_FIN | CD_TCP_ACK, 0);
	assert_true(active(e, "core.keepalive_lost"));
	assert_detail(e, "core.keepalive_lost", "unanswered for 10 s");
}

/* --- restarts ----------------------------------------------------------- */

/*
 * A ping goes out, the Core loses power (no FIN), comes back with a fresh
 * DHCP exchange and a new session: a restart, not a keepalive loss.
 */
static void
test_restart_not_keepalive_lost(void **state)
{
	struct env		*e = *state;
	struct conn		 c = online(e, 40001, T0);

	cd_tracker_tick(e->t, T0 + 21000);
	assert_true(active(e, "core.cloud_ok"));
	seg(&c, true, T0 + 30000, PA, 18);	/* a ping, never answered */
	boot(e, T0 + 42000);			/* DISCOVER: it restarted */
	assert_false(active(e, "core.cloud_ok"));
	assert_string_equal(device_field(e, true), "dns");
	(void)online(e, 40002, T0 + 45000);
	cd_tracker_tick(e->t, T0 + 70000);
	assert_false(active(e, "core.keepalive_lost"));
	assert_true(active(e, "core.cloud_ok"));
}

/* The same without the restart: the new session gives up on the old. */
static void
test_no_restart_keepalive_lost(void **state)
{
	struct env	*e = *state;
	struct conn	 c = online(e, 40001, T0);

	seg(&c, true, T0 + 30000, PA, 18);
	(void)online(e, 40002, T0 + 45000);
	assert_true(active(e, "core.keepalive_lost"));
	assert_detail(e, "core.keepalive_lost", "opened a new session");
}

/* An ARP probe is a restart too; a renewal or an announcement is not. */
static void
test_restart_by_arp_not_renewal(void **state)
{
	struct env		*e = *state;
	struct conn		 c = online(e, 40001, T0);
	struct dhcp_opts	 renew = { .ciaddr = "198.18.1.123" };

	seg(&c, true, T0 + 30000, PA, 18);
	dhcp(e, T0 + 31000, 3, &renew);
	arp(e, T0 + 31500, CORE_IP, CORE_IP);	/* an announcement: no */
	assert_string_equal(device_field(e, true), "online");
	arp(e, T0 + 42000, "0.0.0.0", CORE_IP);
	(void)online(e, 40002, T0 + 45000);
	assert_false(active(e, "core.keepalive_lost"));
}

/* --- flash cycles -------------------------------------------------------- */

/* Three short sessions, each ended by a restart: a reflash, no loop. */
static void
test_flash_cycle_not_loop(void **state)
{
	struct env		*e = *state;
	int64_t		 t = T0;

	for (int i = 0; i < 3; i++, t += 20000) {
		(void)online(e, (uint16_t)(40001 + i), t);
		boot(e, t + 15000);
		arp(e, t + 15200, "0.0.0.0", CORE_IP);	/* the same boot */
	}
	(void)online(e, 40010, t);
	assert_false(active(e, "core.reconnect_loop"));
}

/* Restarting more often than a reflash does is a loop again. */
static void
test_restart_loop(void **state)
{
	struct env		*e = *state;
	int64_t		 t = T0;

	for (int i = 0; i < 7; i++, t += 20000) {
		(void)online(e, (uint16_t)(40001 + i), t);
		boot(e, t + 15000);
	}
	assert_true(active(e, "core.reconnect_loop"));
}

/* --- the end of a capture ------------------------------------------------ */

static void
test_end_third_syn(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, "198.18.100.10", 5683, 40001);
	struct conn	 i = conn(e, "198.18.100.88", 53, 40002);

	seg(&c, true, T0, SYN, 0);
	seg(&c, true, T0 + 1000, SYN, 0);
	seg(&c, true, T0 + 3000, SYN, 0);
	seg(&i, true, T0 + 3500, SYN, 0);
	seg(&i, true, T0 + 4500, SYN, 0);
	seg(&i, true, T0 + 5500, SYN, 0);
	cd_tracker_end(e->t, T0 + 6000);
	assert_true(active(e, "core.cloud_blocked"));
	assert_detail(e, "core.cloud_blocked", "3 SYNs to 198.18.100.10:5683 "
	    "over 3 s, no answer until the capture ended, 6 s after the "
	    "first SYN");
	assert_true(active(e, "core.internet_test_blocked"));
	assert_detail(e, "core.internet_test_blocked", "3 SYNs over 2 s, no "
	    "answer until the capture ended, 3 s after the first SYN");
}

/* Never on a single packet: one SYN, or two, is no evidence yet. */
static void
test_end_few_syns(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, "198.18.100.10", 5683, 40001);

	seg(&c, true, T0, SYN, 0);
	seg(&c, true, T0 + 1000, SYN, 0);
	cd_tracker_end(e->t, T0 + 3000);
	assert_false(active(e, "core.cloud_blocked"));
}

static void
test_end_nak(void **state)
{
	struct env		*e = *state;
	struct dhcp_opts	 req = { 0 }, nak = { .server = "198.18.1.1" };

	dhcp(e, T0, 3, &req);
	cd_tracker_end(e->t, T0 + 1000);
	assert_false(active(e, "core.no_lease"));	/* no NAK yet */
	dhcp(e, T0 + 1010, 6, &nak);
	cd_tracker_end(e->t, T0 + 3000);
	assert_true(active(e, "core.no_lease"));
	assert_detail(e, "core.no_lease", "DHCPNAK from 198.18.1.1, no ACK "
	    "until the capture ended, 3 s after the first request");
}

/* --- words -------------------------------------------------------------- */

static void
test_oui_is_a_hint(void **state)
{
	struct env	*e = *state;
	struct conn	 c = conn(e, "198.18.100.10", 5683, 40001);

	seg(&c, true, T0, SYN, 0);
	seg(&c, true, T0 + CD_TRACKER_OUI_SETTLE_MS, SYN, 0);
	assert_text("summary", finding(e, "core.seen")->summary,
	    "a device with a Spark Core's vendor prefix");
	assert_detail(e, "core.seen", "not yet confirmed");
	assert_string_equal(device_field(e, false), "oui");
	(void)online(e, 40002, T0 + CD_TRACKER_OUI_SETTLE_MS + 1000);
	assert_string_equal(finding(e, "core.seen")->summary,
	    "a Spark Core is on the LAN");
	assert_detail(e, "core.seen", "its cloud session");
	assert_string_equal(device_field(e, false), "cloud_session");
}

/* --- DNS and DHCP ------------------------------------------------------- */

static void
test_bad_dns_alone(void **state)
{
	struct env		*e = *state;
	struct dhcp_opts	 ack = { .yiaddr = "198.18.1.123",
				    .server = "198.18.1.1", .dns = "198.18.1.1",
				    .mask = "255.255.255.0" };

	dhcp(e, T0, 5, &ack);
	dns_query(e, T0 + 1000, "76.83.0.0", 7);
	cd_tracker_tick(e->t, T0 + 20000);
	assert_true(active(e, "core.bad_dns_server"));
	assert_detail(e, "core.bad_dns_server", "sent to 76.83.0.0; the "
	    "server DHCP gave it: 198.18.1.1 (DHCP option 6)");
	assert_false(active(e, "core.dns_failed"));
	assert_null(finding(e, "core.dns_failed"));
}

static void
test_other_dhcp_server(void **state)
{
	struct env		*e = *state;
	static const uint8_t	 net[4] = { 198, 18, 1, 0 };
	struct dhcp_opts	 ack = { .yiaddr = "192.168.0.50",
				    .server = "192.168.0.1",
				    .mask = "255.255.255.0" };
	struct frame		 f;

	cd_tracker_set_lan(e->t, net, 24, "br-lan");
	dhcp(e, T0, 5, &ack);
	udp_frame(&f, CORE, ROUTER, "192.168.0.50", "192.168.0.1", 5000, 9, 4);
	feed(e, T0 + 1000, &f);
	assert_true(active(e, "core.dhcp_other_server"));
	assert_detail(e, "core.dhcp_other_server", "uses 192.168.0.50, leased "
	    "by the DHCP server 192.168.0.1, outside the LAN's subnet "
	    "198.18.1.0/24");
	assert_false(active(e, "core.static_ip"));
}

/* Outside the subnet without a lease seen: a static address still. */
static void
test_static_without_lease(void **state)
{
	struct env		*e = *state;
	static const uint8_t	 net[4] = { 198, 18, 1, 0 };

	cd_tracker_set_lan(e->t, net, 24, "br-lan");
	arp(e, T0, "198.19.77.5", "198.19.77.1");
	assert_true(active(e, "core.static_ip"));
	assert_false(active(e, "core.dhcp_other_server"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ack_is_no_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ping_after_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_not_keepalive_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_restart_keepalive_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_by_arp_not_renewal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flash_cycle_not_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_third_syn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_few_syns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_nak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oui_is_a_hint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_dns_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_dhcp_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_without_lease, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
