/*
 * IPv4 and IPv6.  Lengths come from the IP header, checked against the
 * length on the wire (more is damage; less is Ethernet padding, which is
 * cut off) and against the capture (the snaplen may cut the payload, never
 * a header we need).  Fragments are counted, not reassembled: only a first
 * fragment carries the transport header.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "decode.h"

#define IPV4_HLEN	20
#define IPV6_HLEN	40

#define IP6_HOPOPTS	0
#define IP6_ROUTING	43
#define IP6_FRAGMENT	44
#define IP6_AH		51
#define IP6_DSTOPTS	60

/* The layer above IP, or only the payload of a non-first fragment. */
static int
decode_upper(const uint8_t *p, size_t caplen, size_t len, struct cd_pkt *out)
{
	if (caplen > len)
		caplen = len;
	if (out->frag_offset != 0) {
		out->payload = p;
		out->payload_caplen = caplen;
		out->payload_len = len;
		return 0;
	}
	return cd_decode_l4(p, caplen, len, out);
}

static int
decode_ipv4(const uint8_t *p, size_t caplen, size_t wirelen,
    struct cd_pkt *out)
{
	size_t hlen, total;
	uint16_t frag;

	hlen = (size_t)(p[0] & 0x0f) * 4;
	total = cd_get16(p + 2);
	if (hlen < IPV4_HLEN || hlen > caplen || total < hlen ||
	    total > wirelen)
		return -EBADMSG;
	out->af = AF_INET;
	out->ttl = p[8];
	out->proto = p[9];
	memcpy(out->src_ip, p + 12, 4);
	memcpy(out->dst_ip, p + 16, 4);
	frag = cd_get16(p + 6);
	out->frag_offset = (uint16_t)((frag & 0x1fff) * 8);
	out->fragment = (frag & 0x3fff) != 0;	/* MF set or an offset */
	return decode_upper(p + hlen, caplen - hlen, total - hlen, out);
}

static bool
is_ext(uint8_t nh)
{
	return nh == IP6_HOPOPTS || nh == IP6_ROUTING || nh == IP6_FRAGMENT ||
	    nh == IP6_AH || nh == IP6_DSTOPTS;
}

/* An extension header's length from its second byte. */
static size_t
ext_len(uint8_t nh, uint8_t hdrlen)
{
	if (nh == IP6_FRAGMENT)
		return 8;
	if (nh == IP6_AH)
		return ((size_t)hdrlen + 2) * 4;
	return ((size_t)hdrlen + 1) * 8;
}

static int
decode_ipv6(const uint8_t *p, size_t caplen, size_t wirelen,
    struct cd_pkt *out)
{
	size_t len, elen;
	uint8_t nh;

	len = cd_get16(p + 4);
	if (IPV6_HLEN + len > wirelen)
		return -EBADMSG;
	out->af = AF_INET6;
	nh = p[6];
	out->ttl = p[7];
	memcpy(out->src_ip, p + 8, 16);
	memcpy(out->dst_ip, p + 24, 16);
	p += IPV6_HLEN;
	caplen -= IPV6_HLEN;
	/* Each extension header is 8 bytes or more: the walk is bounded. */
	while (is_ext(nh)) {
		if (caplen < 2 || len < 2)
			return -EBADMSG;
		elen = ext_len(nh, p[1]);
		if (elen > len || elen > caplen)
			return -EBADMSG;
		if (nh == IP6_FRAGMENT) {
			out->fragment = true;
			out->frag_offset = cd_get16(p + 2) & 0xfff8;
		}
		nh = p[0];
		p += elen;
		caplen -= elen;
		len -= elen;
	}
	out->proto = nh;
	return decode_upper(p, caplen, len, out);
}

int
cd_decode_ip(const uint8_t *p, size_t caplen, size_t wirelen,
    struct cd_pkt *out)
{
	if (caplen > wirelen || caplen < 1)
		return -EBADMSG;
	/* Each decoder may read its fixed header. */
	switch (p[0] >> 4) {
	case 4:
		return caplen < IPV4_HLEN ? -EBADMSG :
		    decode_ipv4(p, caplen, wirelen, out);
	case 6:
		return caplen < IPV6_HLEN ? -EBADMSG :
		    decode_ipv6(p, caplen, wirelen, out);
	default:
		return -EBADMSG;
	}
}

const char *
cd_fmt_ip(int af, const uint8_t *addr, char *buf, size_t len)
{
	if ((af != AF_INET && af != AF_INET6) ||
	    inet_ntop(af, addr, buf, (socklen_t)len) == NULL) {
		if (len > 0)
			snprintf(buf, len, "?");
	}
	return buf;
}
