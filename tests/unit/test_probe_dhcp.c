/*
 * The dhcp probe's bytes and decisions: its client MAC, the DISCOVER it
 * builds (byte by byte), OFFER parsing on good, foreign and truncated
 * frames, the decision from a list of offers.  No socket: these run on
 * every CPU, emulated ones too (scripts/cross), where byte order shows.
 * test_probe_dhcp_live runs the probe itself.
 */
#include "config.h"

#include <sys/socket.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon.h"
#include "decode.h"
#include "dhcp_msg.h"
#include "probe_dhcp.h"
#include "util.h"

static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

static void
test_probe_mac(void **state)
{
	uint8_t a[6], b[6], c[6];

	(void)state;
	cd_dhcp_probe_mac("0123456789abcdef0123456789abcdef\n", 33, a);
	cd_dhcp_probe_mac("0123456789abcdef0123456789abcdef\n", 33, b);
	cd_dhcp_probe_mac("fedcba9876543210fedcba9876543210\n", 33, c);
	assert_memory_equal(a, b, 6);		/* stable on one host */
	assert_memory_not_equal(a, c, 6);	/* differs between hosts */
	for (int i = 0; i < 256; i++) {
		uint8_t seed = (uint8_t)i;

		cd_dhcp_probe_mac(&seed, 1, a);
		assert_int_equal(a[0] & 0x02, 0x02);	/* locally administered */
		assert_int_equal(a[0] & 0x01, 0x00);	/* unicast */
	}
}

/* The option's value in a DHCP payload, or NULL. */
static const uint8_t *
option(const uint8_t *p, size_t len, uint8_t code, uint8_t *olen)
{
	for (size_t i = 240; i + 1 < len && p[i] != 255; ) {
		if (p[i] == 0) {
			i++;
			continue;
		}
		if (p[i] == code && i + 2 + p[i + 1] <= len) {
			*olen = p[i + 1];
			return p + i + 2;
		}
		i += 2 + (size_t)p[i + 1];
	}
	return NULL;
}

static void
test_discover_payload(void **state)
{
	uint8_t		 p[600], olen;
	const uint8_t	*o;
	size_t		 n;

	(void)state;
	assert_int_equal(cd_dhcp_discover(p, 299, mac, 1, 0), 0);
	n = cd_dhcp_discover(p, sizeof(p), mac, 0xdeadbeef, 3);
	assert_int_equal(n, 300);
	assert_int_equal(p[0], 1);		/* BOOTREQUEST */
	assert_int_equal(p[1], 1);		/* Ethernet */
	assert_int_equal(p[2], 6);
	assert_int_equal(cd_get32(p + 4), 0xdeadbeef);
	assert_int_equal(cd_get16(p + 8), 3);
	assert_int_equal(cd_get16(p + 10), 0x8000);	/* broadcast flag */
	for (int i = 12; i < 28; i++)		/* no addresses at all */
		assert_int_equal(p[i], 0);
	assert_memory_equal(p + 28, mac, 6);
	assert_int_equal(cd_get32(p + 236), 0x63825363);
	o = option(p, n, 53, &olen);
	assert_non_null(o);
	assert_int_equal(olen, 1);
	assert_int_equal(o[0], 1);		/* DISCOVER, never REQUEST */
	assert_null(option(p, n, 50, &olen));	/* no requested address */
	o = option(p, n, 55, &olen);
	assert_non_null(o);
	assert_non_null(memchr(o, 114, olen));	/* asks for the portal URL */
	o = option(p, n, 61, &olen);
	assert_non_null(o);
	assert_int_equal(olen, 7);
	assert_memory_equal(o + 1, mac, 6);
}

static uint16_t
csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (; n > 1; p += 2, n -= 2)
		sum += cd_get16(p);
	if (n)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void
test_discover_frame(void **state)
{
	uint8_t		payload[300], f[CD_DHCP_FRAME_MAX];
	struct cd_pkt	pkt;
	struct cd_dhcp	d;
	size_t		n;

	(void)state;
	cd_dhcp_discover(payload, sizeof(payload), mac, 0x01020304, 0);
	assert_int_equal(cd_dhcp_frame(f, 341, mac, payload, 300), 0);
	n = cd_dhcp_frame(f, sizeof(f), mac, payload, 300);
	assert_int_equal(n, 342);
	/* Ethernet: broadcast, from the probe MAC, IPv4. */
	for (int i = 0; i < 6; i++)
		assert_int_equal(f[i], 0xff);
	assert_memory_equal(f + 6, mac, 6);
	assert_int_equal(cd_get16(f + 12), 0x0800);
	/* IPv4 from 0.0.0.0 to 255.255.255.255, its checksum right. */
	assert_int_equal(f[14], 0x45);
	assert_int_equal(cd_get16(f + 16), 328);
	assert_int_equal(f[23], 17);
	assert_int_equal(cd_get32(f + 26), 0);
	assert_int_equal(cd_get32(f + 30), 0xffffffff);
	assert_int_equal(csum(f + 14, 20, 0), 0xffff);
	/* UDP 68 -> 67, checksum right over the pseudo header. */
	assert_int_equal(cd_get16(f + 34), 68);
	assert_int_equal(cd_get16(f + 36), 67);
	assert_int_equal(cd_get16(f + 38), 308);
	assert_int_equal(csum(f + 34, 308, 0xffff + 0xffff + 17 + 308),
	    0xffff);
	assert_memory_equal(f + 42, payload, 300);
	/* And the decoders read it back as our DISCOVER. */
	memset(&pkt, 0, sizeof(pkt));
	assert_int_equal(cd_decode_frame(CD_DLT_EN10MB, f, n, n, &pkt), 0);
	assert_int_equal(cd_decode_dhcp(pkt.payload, pkt.payload_caplen, &d),
	    0);
	assert_int_equal(d.msg_type, CD_DHCPDISCOVER);
	assert_int_equal(d.xid, 0x01020304);
}

/* An OFFER frame as a server sends it. */
static size_t
offer_frame(uint8_t *f, size_t size, uint32_t xid, const uint8_t *chaddr,
    uint8_t msgtype, const char *portal)
{
	static const uint8_t smac[6] = { 0x0a, 0, 0, 0, 0, 0x01 };
	uint8_t	*b = f + 42, *o;
	size_t	 blen, plen = portal ? strlen(portal) : 0;

	assert_true(size >= 42 + 400);
	memset(f, 0, 42 + 400);
	memset(f, 0xff, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08;
	b[0] = 2;
	b[1] = 1;
	b[2] = 6;
	b[4] = (uint8_t)(xid >> 24);
	b[5] = (uint8_t)(xid >> 16);
	b[6] = (uint8_t)(xid >> 8);
	b[7] = (uint8_t)xid;
	memcpy(b + 16, "\xc6\x12\x01\x39", 4);		/* yiaddr 198.18.1.57 */
	memcpy(b + 28, chaddr, 6);
	memcpy(b + 236, "\x63\x82\x53\x63", 4);
	o = b + 240;
	memcpy(o, "\x35\x01", 2);
	o[2] = msgtype;
	o += 3;
	memcpy(o, "\x36\x04\xc6\x12\x01\x01", 6);	/* server 198.18.1.1 */
	o += 6;
	memcpy(o, "\x33\x04\x00\x00\x0e\x10", 6);	/* lease 3600 s */
	o += 6;
	if (portal != NULL) {
		*o++ = 114;
		*o++ = (uint8_t)plen;
		memcpy(o, portal, plen);
		o += plen;
	}
	*o++ = 255;
	blen = (size_t)(o - b) < 300 ? 300 : (size_t)(o - b);
	/* IPv4 198.18.1.1 -> 255.255.255.255, UDP 67 -> 68. */
	f[14] = 0x45;
	f[16] = (uint8_t)((28 + blen) >> 8);
	f[17] = (uint8_t)(28 + blen);
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, "\xc6\x12\x01\x01", 4);
	memset(f + 30, 0xff, 4);
	f[35] = 67;
	f[37] = 68;
	f[38] = (uint8_t)((8 + blen) >> 8);
	f[39] = (uint8_t)(8 + blen);
	return 42 + blen;
}

static void
test_offer_parse(void **state)
{
	uint8_t			f[600], other[6] = { 2, 9, 9, 9, 9, 9 };
	struct cd_dhcp_offer	o;
	size_t			n;

	(void)state;
	n = offer_frame(f, sizeof(f), 0x1234, mac, CD_DHCPOFFER,
	    "http://portal.test/api");
	assert_int_equal(cd_dhcp_offer_parse(CD_DLT_EN10MB, f, n, n, 0x1234,
	    mac, &o), 0);
	assert_true(o.has_server_id);
	assert_memory_equal(o.server_id, "\xc6\x12\x01\x01", 4);
	assert_memory_equal(o.src_ip, "\xc6\x12\x01\x01", 4);
	assert_memory_equal(o.yiaddr, "\xc6\x12\x01\x39", 4);
	assert_memory_equal(o.src_mac, "\x0a\x00\x00\x00\x00\x01", 6);
	assert_true(o.has_lease);
	assert_int_equal(o.lease_s, 3600);
	assert_string_equal(o.portal_url, "http://portal.test/api");
	/* Another xid, another client: a server answering someone else. */
	assert_int_equal(cd_dhcp_offer_parse(CD_DLT_EN10MB, f, n, n, 0x1235,
	    mac, &o), 1);
	assert_int_equal(cd_dhcp_offer_parse(CD_DLT_EN10MB, f, n, n, 0x1234,
	    other, &o), 1);
	assert_memory_equal(o.server_id, "\xc6\x12\x01\x01", 4);
	/* An ACK: to another client it says the same; to us it is no offer. */
	n = offer_frame(f, sizeof(f), 0x1234, mac, CD_DHCPACK, NULL);
	assert_int_equal(cd_dhcp_offer_parse(CD_DLT_EN10MB, f, n, n, 0x1234,
	    other, &o), 1);
	assert_int_equal(cd_dhcp_offer_parse(CD_DLT_EN10MB, f, n, n, 0x1234,
	    mac, &o), -ENOENT);
}

static void
test_offer_own_discover(void **state)
{
	uint8_t			payload[300], f[CD_DHCP_FRAME_MAX];
	struct cd_dhcp_offer	o;
	size_t			n;

	(void)state;
	/* The capture sees our own DISCOVER go out: not an offer. */
	cd_dhcp_discover(payload, sizeof(payload), mac, 7, 0);
	n = cd_dhcp_frame(f, sizeof(f), mac, payload, 300);
	assert_int_equal(cd_dhcp_offer_parse(CD_DLT_EN10MB, f, n, n, 7, mac,
	    &o), -ENOENT);
}

static void
test_offer_truncated(void **state)
{
	uint8_t			f[600];
	struct cd_dhcp_offer	o;
	size_t			n;

	(void)state;
	n = offer_frame(f, sizeof(f), 0x1234, mac, CD_DHCPOFFER, "http://p/");
	for (size_t cut = 0; cut < n; cut++) {
		/* Exactly cut bytes, so ASan sees any read past them. */
		uint8_t	*c = malloc(cut ? cut : 1);
		int	 rc;

		memcpy(c, f, cut);
		/* Damaged (the IP length says more) and snaplen-cut. */
		rc = cd_dhcp_offer_parse(CD_DLT_EN10MB, c, cut, cut, 0x1234,
		    mac, &o);
		if (cut < 42 + 243)	/* before option 53's value */
			assert_true(rc == -EBADMSG || rc == -ENOENT);
		rc = cd_dhcp_offer_parse(CD_DLT_EN10MB, c, cut, n, 0x1234,
		    mac, &o);
		if (cut < 42 + 243)
			assert_true(rc == -EBADMSG || rc == -ENOENT);
		free(c);
	}
}

/* The decision. */

static struct cd_dhcp_offer
offer(uint8_t mac_last, const char *server, const char *yiaddr,
    uint32_t lease, const char *portal)
{
	struct cd_dhcp_offer o;

	memset(&o, 0, sizeof(o));
	memcpy(o.src_mac, "\x0a\x00\x00\x00\x00", 5);
	o.src_mac[5] = mac_last;
	inet_pton(AF_INET, server, o.src_ip);
	inet_pton(AF_INET, server, o.server_id);
	o.has_server_id = true;
	inet_pton(AF_INET, yiaddr, o.yiaddr);
	o.has_lease = true;
	o.lease_s = lease;
	if (portal != NULL)
		snprintf(o.portal_url, sizeof(o.portal_url), "%s", portal);
	return o;
}

static const struct cd_dhcp_sent sent = {
	.iface = "br-lan",
	.mac = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 },
	.xid = 0xcafe0001,
	.sends = 1,
	.waited_ms = 812,
	.first_ms = 310,
};

static void
test_decide_none(void **state)
{
	struct cd_probe_verdict	v;
	struct cd_dhcp_sent	s = sent;

	(void)state;
	s.sends = 3;
	s.waited_ms = 14900;
	assert_int_equal(cd_dhcp_decide(&s, NULL, 0, &v), 0);
	assert_string_equal(v.result, "no_offer");
	assert_string_equal(v.finding, "dhcp.no_offer");
	assert_non_null(strstr(v.detail, "sent 3 times on br-lan"));
	assert_non_null(strstr(v.detail, "02:11:22:33:44:55"));
	assert_non_null(strstr(v.detail, "no DHCPOFFER in 14900 ms"));
	/* No offer, but the server answered others: it is there, and busy. */
	s.others = 7;
	memcpy(s.other.src_ip, "\xc6\x12\x01\x01", 4);
	memcpy(s.other.yiaddr, "\xc6\x12\x01\x77", 4);
	assert_int_equal(cd_dhcp_decide(&s, NULL, 0, &v), 0);
	assert_string_equal(v.result, "busy");
	assert_string_equal(v.finding, "dhcp.server_busy");
	assert_string_equal(v.summary, "the DHCP server on br-lan "
	    "(198.18.1.1) answered other clients, not this DISCOVER");
	assert_non_null(strstr(v.detail, "no DHCPOFFER for it in 14900 ms, "
	    "while 7 answers to other clients came, the first: server "
	    "198.18.1.1"));
}

static void
test_decide_one(void **state)
{
	struct cd_dhcp_offer	o[2];
	struct cd_probe_verdict	v;

	(void)state;
	/* One server, seen twice (raw frame and local copy): one. */
	o[0] = offer(1, "198.18.1.1", "198.18.1.57", 3600, NULL);
	o[1] = o[0];
	assert_int_equal(cd_dhcp_decide(&sent, o, 2, &v), 1);
	assert_string_equal(v.result, "ok");
	assert_null(v.finding);
	assert_non_null(strstr(v.detail, "server 198.18.1.1 (MAC "
	    "0a:00:00:00:00:01, from 198.18.1.1) offered 198.18.1.57, lease "
	    "3600 s"));
	assert_null(strstr(v.detail, "option 114"));
}

static void
test_decide_multiple(void **state)
{
	struct cd_dhcp_offer	o[3];
	struct cd_probe_verdict	v;

	(void)state;
	/* A second router calling itself 198.18.1.1 is a second server. */
	o[0] = offer(1, "198.18.1.1", "198.18.1.57", 3600, NULL);
	o[1] = offer(2, "198.18.1.1", "198.18.1.180", 120,
	    "http://portal.example/api");
	o[2] = offer(1, "198.18.1.1", "198.18.1.57", 3600, NULL);
	assert_int_equal(cd_dhcp_decide(&sent, o, 3, &v), 2);
	assert_string_equal(v.result, "multiple_servers");
	assert_string_equal(v.finding, "dhcp.multiple_servers");
	assert_non_null(strstr(v.summary, "2 DHCP servers"));
	assert_non_null(strstr(v.detail, "offered 198.18.1.57, lease 3600 s"));
	assert_non_null(strstr(v.detail, "MAC 0a:00:00:00:00:02"));
	assert_non_null(strstr(v.detail, "offered 198.18.1.180, lease 120 s"));
	assert_non_null(strstr(v.detail, "captive portal announced (option "
	    "114): http://portal.example/api"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_mac),
		cmocka_unit_test(test_discover_payload),
		cmocka_unit_test(test_discover_frame),
		cmocka_unit_test(test_offer_parse),
		cmocka_unit_test(test_offer_own_discover),
		cmocka_unit_test(test_offer_truncated),
		cmocka_unit_test(test_decide_none),
		cmocka_unit_test(test_decide_one),
		cmocka_unit_test(test_decide_multiple),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
