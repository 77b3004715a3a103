/*
 * The transport: UDP, TCP, ICMP and ICMPv6.  The payload length comes from
 * the IP length, not from the capture: with a snaplen of 512 a flow's
 * byte counts (the 40/256/384 of the cloud handshake) are still exact.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "decode.h"

#define UDP_HLEN	8
#define TCP_HLEN	20
#define ICMP_HLEN	8

static void
set_payload(const uint8_t *p, size_t caplen, size_t len, size_t hlen,
    struct cd_pkt *out)
{
	out->has_l4 = true;
	out->payload = p + hlen;
	out->payload_len = len - hlen;
	out->payload_caplen = caplen - hlen;
	if (out->payload_caplen > out->payload_len)
		out->payload_caplen = out->payload_len;
}

static int
decode_udp(const uint8_t *p, size_t caplen, size_t len, struct cd_pkt *out)
{
	size_t ulen;

	if (caplen < UDP_HLEN || len < UDP_HLEN)
		return -EBADMSG;
	ulen = cd_get16(p + 4);
	/* A first fragment's UDP length covers the fragments to come. */
	if (!out->fragment) {
		if (ulen < UDP_HLEN || ulen > len)
			return -EBADMSG;
		len = ulen;
	}
	out->sport = cd_get16(p);
	out->dport = cd_get16(p + 2);
	out->l4_hlen = UDP_HLEN;
	set_payload(p, caplen, len, UDP_HLEN, out);
	return 0;
}

static int
decode_tcp(const uint8_t *p, size_t caplen, size_t len, struct cd_pkt *out)
{
	size_t hlen;

	if (caplen < TCP_HLEN)
		return -EBADMSG;
	hlen = (size_t)(p[12] >> 4) * 4;
	if (hlen < TCP_HLEN || hlen > len || hlen > caplen)
		return -EBADMSG;
	out->sport = cd_get16(p);
	out->dport = cd_get16(p + 2);
	out->seq = cd_get32(p + 4);
	out->ack = cd_get32(p + 8);
	out->tcp_flags = p[13];
	out->tcp_win = cd_get16(p + 14);
	out->l4_hlen = (uint8_t)hlen;
	set_payload(p, caplen, len, hlen, out);
	return 0;
}

/* The IP header an ICMP error quotes, and its ports when present. */
static void
icmp_inner(const uint8_t *p, size_t len, struct cd_icmp *ic)
{
	size_t hlen;

	if (len >= 20 && (p[0] >> 4) == 4) {
		hlen = (size_t)(p[0] & 0x0f) * 4;
		if (hlen < 20)
			return;
		ic->inner_af = AF_INET;
		ic->inner_proto = p[9];
		memcpy(ic->inner_src, p + 12, 4);
		memcpy(ic->inner_dst, p + 16, 4);
		/* A non-first fragment quotes no transport header. */
		if ((cd_get16(p + 6) & 0x1fff) != 0)
			hlen = len;
	} else if (len >= 40 && (p[0] >> 4) == 6) {
		hlen = 40;
		ic->inner_af = AF_INET6;
		ic->inner_proto = p[6];
		memcpy(ic->inner_src, p + 8, 16);
		memcpy(ic->inner_dst, p + 24, 16);
	} else
		return;
	ic->has_inner = true;
	if ((ic->inner_proto != IPPROTO_TCP && ic->inner_proto != IPPROTO_UDP) ||
	    hlen > len || len - hlen < 4)
		return;
	ic->has_inner_ports = true;
	ic->inner_sport = cd_get16(p + hlen);
	ic->inner_dport = cd_get16(p + hlen + 2);
}

static bool
icmp_is_error(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_ICMPV6)
		return type >= 1 && type <= 4;
	/* unreachable, source quench, redirect, time exceeded, parameter */
	return type == 3 || type == 4 || type == 5 || type == 11 ||
	    type == 12;
}

static int
decode_icmp(const uint8_t *p, size_t caplen, size_t len, struct cd_pkt *out)
{
	struct cd_icmp *ic = &out->icmp;

	if (caplen < ICMP_HLEN || len < ICMP_HLEN)
		return -EBADMSG;
	ic->type = p[0];
	ic->code = p[1];
	out->l4_hlen = ICMP_HLEN;
	set_payload(p, caplen, len, ICMP_HLEN, out);
	if (icmp_is_error(out->proto, ic->type))
		icmp_inner(out->payload, out->payload_caplen, ic);
	return 0;
}

int
cd_decode_l4(const uint8_t *p, size_t caplen, size_t len, struct cd_pkt *out)
{
	if (caplen > len)
		caplen = len;
	switch (out->proto) {
	case IPPROTO_UDP:
		return decode_udp(p, caplen, len, out);
	case IPPROTO_TCP:
		return decode_tcp(p, caplen, len, out);
	case IPPROTO_ICMP:
		if (out->af != AF_INET)
			break;
		return decode_icmp(p, caplen, len, out);
	case IPPROTO_ICMPV6:
		if (out->af != AF_INET6)
			break;
		return decode_icmp(p, caplen, len, out);
	}
	/* Another protocol: its bytes, undecoded. */
	out->payload = p;
	out->payload_caplen = caplen;
	out->payload_len = len;
	return 0;
}
