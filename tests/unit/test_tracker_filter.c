/*
 * The capture filter: it compiles for every link type corediagd reads,
 * passes what the tracker needs (ARP, DHCP, DNS, cloud.port, the internet
 * test, the Cores' frames, 802.1Q-tagged too) and drops the rest of a
 * home LAN's traffic.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture.h"

static const uint8_t CORE[6] = { 0x08, 0x00, 0x28, 0xc0, 0xde, 0x01 };
static const uint8_t ODD[6] = { 0x02, 0x5a, 0x00, 0x00, 0x00, 0x07 };
static const uint8_t LAPTOP[6] = { 0x02, 0xcd, 0x1a, 0xb0, 0x00, 0x50 };
static const uint8_t ROUTER[6] = { 0x02, 0xcd, 0x1a, 0xb0, 0x00, 0x01 };

static struct cd_tracker_conf tc;

struct prog {
	pcap_t			*p;
	struct bpf_program	 bpf;
};

static void
compile(struct prog *pr, int dlt, const struct cd_tracker_core *cores,
    size_t n)
{
	char *text = cd_capture_filter(&tc, dlt, cores, n);

	pr->p = pcap_open_dead(dlt, 512);
	assert_non_null(pr->p);
	if (pcap_compile(pr->p, &pr->bpf, text, 1, PCAP_NETMASK_UNKNOWN) < 0)
		fail_msg("filter '%s' does not compile: %s", text,
		    pcap_geterr(pr->p));
	free(text);
}

static void
release(struct prog *pr)
{
	pcap_freecode(&pr->bpf);
	pcap_close(pr->p);
}

/* An Ethernet frame (optionally tagged) with IPv4 and a transport header. */
static size_t
frame(uint8_t *b, const uint8_t *src, const uint8_t *dst, int vlan,
    const char *sip, const char *dip, uint8_t proto, uint16_t sport,
    uint16_t dport)
{
	size_t		off = 12;
	struct in_addr	a;

	memset(b, 0, 128);
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	if (vlan) {
		b[12] = 0x81;
		b[15] = (uint8_t)vlan;
		off += 4;
	}
	b[off] = 0x08;
	b += off + 2;
	b[0] = 0x45;
	b[3] = 40;
	b[8] = 64;
	b[9] = proto;
	inet_pton(AF_INET, sip, &a);
	memcpy(b + 12, &a, 4);
	inet_pton(AF_INET, dip, &a);
	memcpy(b + 16, &a, 4);
	b[20] = sport >> 8;
	b[21] = sport & 0xff;
	b[22] = dport >> 8;
	b[23] = dport & 0xff;
	b[32] = 0x50;
	return off + 2 + 40;
}

static bool
passes(struct prog *pr, const uint8_t *b, size_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)len;
	return pcap_offline_filter(&pr->bpf, &h, b) != 0;
}

static bool
eth(struct prog *pr, const uint8_t *src, const uint8_t *dst, int vlan,
    const char *sip, const char *dip, uint8_t proto, uint16_t sport,
    uint16_t dport)
{
	uint8_t b[128];

	return passes(pr, b, frame(b, src, dst, vlan, sip, dip, proto, sport,
	    dport));
}

static void
test_ethernet(void **state)
{
	struct prog	pr;
	uint8_t		arp[60] = { 0 };

	(void)state;
	compile(&pr, CD_DLT_EN10MB, NULL, 0);
	memset(arp, 0xff, 6);
	memcpy(arp + 6, LAPTOP, 6);
	arp[12] = 0x08;
	arp[13] = 0x06;
	assert_true(passes(&pr, arp, sizeof(arp)));
	/* Laptops' traffic that matters to no Core: dropped. */
	assert_false(eth(&pr, LAPTOP, ROUTER, 0, "198.18.1.50", "198.18.100.99",
	    6, 40000, 443));
	assert_false(eth(&pr, LAPTOP, ROUTER, 10, "198.18.1.50",
	    "198.18.100.99", 6, 40000, 443));
	assert_false(eth(&pr, LAPTOP, ROUTER, 0, "198.18.1.50", "198.18.100.88",
	    6, 40000, 80));
	/* What the tracker reads, tagged or not. */
	assert_true(eth(&pr, LAPTOP, ROUTER, 0, "198.18.1.50", "198.18.1.1", 17,
	    5353, 53));
	assert_true(eth(&pr, LAPTOP, ROUTER, 10, "198.18.1.50", "198.18.1.1",
	    17, 5353, 53));
	assert_true(eth(&pr, LAPTOP, ROUTER, 0, "0.0.0.0", "255.255.255.255",
	    17, 68, 67));
	assert_true(eth(&pr, LAPTOP, ROUTER, 10, "198.18.1.50",
	    "198.18.100.10", 6, 40000, 5683));
	assert_true(eth(&pr, LAPTOP, ROUTER, 0, "198.18.1.50", "198.18.100.88",
	    6, 40000, 53));
	/* Anything from or to an OUI's MAC. */
	assert_true(eth(&pr, CORE, ROUTER, 0, "198.18.1.123", "198.18.100.99",
	    6, 40000, 443));
	assert_true(eth(&pr, ROUTER, CORE, 0, "198.18.100.99", "198.18.1.123",
	    6, 443, 40000));
	release(&pr);
}

static void
test_known_cores(void **state)
{
	struct cd_tracker_core	 c;
	struct prog		 pr;

	(void)state;
	memset(&c, 0, sizeof(c));
	memcpy(c.mac, ODD, 6);
	c.af = AF_INET;
	inet_pton(AF_INET, "198.18.1.160", c.ip);
	compile(&pr, CD_DLT_EN10MB, NULL, 0);
	assert_false(eth(&pr, ODD, ROUTER, 0, "198.18.1.160", "198.18.100.99",
	    6, 40000, 443));
	release(&pr);
	compile(&pr, CD_DLT_EN10MB, &c, 1);
	assert_true(eth(&pr, ODD, ROUTER, 0, "198.18.1.160", "198.18.100.99",
	    6, 40000, 443));
	assert_true(eth(&pr, ROUTER, LAPTOP, 0, "198.18.100.99",
	    "198.18.1.160", 6, 443, 40000));
	release(&pr);
}

/* As many Cores as the tracker holds still make one kernel program. */
static void
test_many_cores(void **state)
{
	struct cd_tracker_core	cores[CD_TRACKER_MAX_CORES];
	struct prog		pr;

	(void)state;
	memset(cores, 0, sizeof(cores));
	for (int i = 0; i < CD_TRACKER_MAX_CORES; i++) {
		memcpy(cores[i].mac, ODD, 6);
		cores[i].mac[5] = (uint8_t)i;
		cores[i].af = AF_INET;
		cores[i].ip[0] = 198;
		cores[i].ip[1] = 18;
		cores[i].ip[2] = 1;
		cores[i].ip[3] = (uint8_t)i;
	}
	compile(&pr, CD_DLT_EN10MB, cores, CD_TRACKER_MAX_CORES);
	assert_true(pr.bpf.bf_len < 4096);	/* the kernel's BPF_MAXINSNS */
	release(&pr);
}

static void
test_cooked(void **state)
{
	static const int dlts[] = { CD_DLT_LINUX_SLL, CD_DLT_LINUX_SLL2,
	    CD_DLT_RAW };
	struct prog	pr;
	uint8_t		b[64] = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		compile(&pr, dlts[i], NULL, 0);
		release(&pr);
	}
	/* SLL v1: a frame sent by an OUI's MAC, protocol 0x0800. */
	compile(&pr, CD_DLT_LINUX_SLL, NULL, 0);
	b[3] = 1;
	b[5] = 6;
	memcpy(b + 6, CORE, 6);
	b[14] = 0x08;
	b[16] = 0x45;
	b[19] = 40;
	b[25] = 6;
	assert_true(passes(&pr, b, 56));
	b[6] = 0x02;			/* another vendor: dropped */
	assert_false(passes(&pr, b, 56));
	release(&pr);
}

/* A flood of new Cores recompiles the filter at most once a second. */
static void
test_refresh_rate(void **state)
{
	static const uint8_t hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0 };
	struct cd_capture	 cap;
	struct cd_findings	 fs;
	struct cd_state		 st;
	char			 errbuf[PCAP_ERRBUF_SIZE];
	FILE			*f = tmpfile();

	(void)state;
	assert_non_null(f);
	assert_int_equal(fwrite(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	rewind(f);
	memset(&cap, 0, sizeof(cap));
	memset(&st, 0, sizeof(st));
	cd_findings_init(&fs, NULL, NULL);
	cap.p = pcap_fopen_offline(f, errbuf);	/* it can take a filter */
	assert_non_null(cap.p);
	cap.dlt = pcap_datalink(cap.p);
	cap.trk = cd_tracker_new(&fs, &st, &tc);
	assert_int_equal(cd_capture_refresh_filter(&cap, &tc), 0);
	assert_true(cap.filter_set);
	for (int i = 0; i < 100; i++)
		assert_int_equal(cd_capture_refresh_filter(&cap, &tc), -EAGAIN);
	assert_int_equal(cap.filter_refreshes, 1);
	cap.filter_ms -= CD_CAPTURE_FILTER_MIN_MS;	/* a second later */
	assert_int_equal(cd_capture_refresh_filter(&cap, &tc), 0);
	assert_int_equal(cap.filter_refreshes, 2);
	cd_tracker_free(cap.trk);
	pcap_close(cap.p);
	cd_findings_free(&fs);
	cd_state_free(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet),
		cmocka_unit_test(test_known_cores),
		cmocka_unit_test(test_many_cores),
		cmocka_unit_test(test_cooked),
		cmocka_unit_test(test_refresh_rate),
	};

	memset(&tc, 0, sizeof(tc));
	snprintf(tc.cloud_host, sizeof(tc.cloud_host), "cloud.test");
	tc.cloud_port = 5683;
	memcpy(tc.ouis[0].b, CORE, 3);
	memcpy(tc.ouis[1].b, "\x70\xff\x76", 3);
	tc.nouis = 2;
	tc.inettest_af = AF_INET;
	inet_pton(AF_INET, "198.18.100.88", tc.inettest_ip);
	tc.inettest_port = 53;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
