/*
 * The capture filter, in pcap's filter language.  It passes what the
 * tracker reads and nothing else, so a busy LAN costs the kernel a few
 * BPF instructions per packet and corediagd nothing:
 *
 *   arp, DHCP (udp 67/68), DNS (port 53), TCP and UDP cloud.port (the
 *   session and the presence packet), ICMP/ICMPv6 unreachables (a SYN
 *   refused by ICMP), TCP to the internet-test target, frames to or from
 *   the Core OUIs, and the traffic of every Core known by address.
 *
 * On Ethernet the IP part is repeated after `vlan` for 802.1Q frames.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "capture.h"
#include "util.h"

struct buf {
	char	*s;
	size_t	 len, cap;
};

static void __attribute__((format(printf, 2, 3)))
put(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len)
			break;
		b->cap = b->cap * 2 + (n > 0 ? (size_t)n : 0);
		if ((b->s = realloc(b->s, b->cap)) == NULL) {
			fputs("corediagd: out of memory\n", stderr);
			abort();
		}
	}
	b->len += (size_t)n;
}

/* Where the sender's (and receiver's) MAC sit in the link header. */
static int
mac_offsets(int dlt, int *src, int *dst)
{
	*dst = -1;
	switch (dlt) {
	case CD_DLT_EN10MB:
		*dst = 0;
		*src = 6;
		return 0;
	case CD_DLT_LINUX_SLL:
		*src = 6;
		return 0;
	case CD_DLT_LINUX_SLL2:
		*src = 12;
		return 0;
	default:
		return -1;
	}
}

static void
mac_prefix(struct buf *b, int off, const uint8_t *m)
{
	put(b, " or (link[%d:2] = 0x%02x%02x and link[%d] = 0x%02x)", off,
	    m[0], m[1], off + 2, m[2]);
}

static void
mac_full(struct buf *b, int off, const uint8_t *m)
{
	put(b, " or (link[%d:4] = 0x%02x%02x%02x%02x and link[%d:2] = "
	    "0x%02x%02x)", off, m[0], m[1], m[2], m[3], off + 4, m[4], m[5]);
}

static bool
oui_covered(const struct cd_tracker_conf *tc, const uint8_t *mac)
{
	return cd_oui_match(tc->ouis, tc->nouis, mac);
}

/* The link-level terms: the OUIs, then the Cores outside them. */
static void
mac_terms(struct buf *b, const struct cd_tracker_conf *tc, int dlt,
    const struct cd_tracker_core *cores, size_t n)
{
	int src, dst;

	if (mac_offsets(dlt, &src, &dst) < 0)
		return;
	for (size_t i = 0; i < tc->nouis; i++) {
		mac_prefix(b, src, tc->ouis[i].b);
		if (dst >= 0)
			mac_prefix(b, dst, tc->ouis[i].b);
	}
	for (size_t i = 0; i < n; i++) {
		if (oui_covered(tc, cores[i].mac))
			continue;
		mac_full(b, src, cores[i].mac);
		if (dst >= 0)
			mac_full(b, dst, cores[i].mac);
	}
}

static void
ip_terms(struct buf *b, const struct cd_tracker_conf *tc,
    const struct cd_tracker_core *cores, size_t n)
{
	char ip[INET6_ADDRSTRLEN];

	put(b, "(udp and (port 67 or port 68)) or port 53 or port %u "
	    "or (icmp and icmp[0] = 3) or (icmp6 and icmp6[0] = 1)",
	    tc->cloud_port);
	if (tc->inettest_af != 0)
		put(b, " or (tcp and host %s and port %u)",
		    cd_fmt_ip(tc->inettest_af, tc->inettest_ip, ip, sizeof(ip)),
		    tc->inettest_port);
	for (size_t i = 0; i < n; i++)
		if (cores[i].af != 0)
			put(b, " or host %s", cd_fmt_ip(cores[i].af,
			    cores[i].ip, ip, sizeof(ip)));
}

char *
cd_capture_filter(const struct cd_tracker_conf *tc, int dlt,
    const struct cd_tracker_core *cores, size_t ncores)
{
	struct buf b = { NULL, 0, 256 };

	b.s = cd_calloc(1, b.cap);
	if (dlt == CD_DLT_EN10MB || dlt == CD_DLT_LINUX_SLL ||
	    dlt == CD_DLT_LINUX_SLL2)
		put(&b, "arp or ");
	put(&b, "(");
	ip_terms(&b, tc, cores, ncores);
	put(&b, ")");
	mac_terms(&b, tc, dlt, cores, ncores);
	if (dlt == CD_DLT_EN10MB) {
		put(&b, " or (vlan and (arp or ");
		ip_terms(&b, tc, cores, ncores);
		put(&b, "))");
	}
	return b.s;
}
