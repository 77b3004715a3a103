/*
 * The link layer: Ethernet with any number of 802.1Q/802.1ad tags, Linux
 * cooked captures (SLL v1 from `tcpdump -i any`, SLL2 from newer
 * libpcap), and raw IP.  Everything below is handed to the IP and ARP
 * decoders with what is left of both the captured and the wire length.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "decode.h"

#define ETH_HLEN	14
#define SLL_HLEN	16
#define SLL2_HLEN	20
#define VLAN_HLEN	4
#define ARPHRD_ETHER	1
#define ARPHRD_LOOPBACK	772

#define DLT_RAW_OPENBSD	14
#define LINKTYPE_RAW	101

static int
is_vlan(uint16_t type)
{
	return type == 0x8100 || type == 0x88a8 || type == 0x9100;
}

/*
 * What follows the link header: VLAN tags (libpcap puts them back into
 * cooked captures too), then IPv4, IPv6 or ARP.
 */
static int
decode_payload(uint16_t type, const uint8_t *p, size_t caplen,
    size_t wirelen, struct cd_pkt *out)
{
	int rc;

	while (is_vlan(type)) {
		if (caplen < VLAN_HLEN)
			return -EBADMSG;
		if (out->vlan_depth == 0)
			out->vlan = cd_get16(p) & 0x0fff;
		if (out->vlan_depth < UINT8_MAX)
			out->vlan_depth++;
		type = cd_get16(p + 2);
		p += VLAN_HLEN;
		caplen -= VLAN_HLEN;
		wirelen -= VLAN_HLEN;
	}
	out->ethertype = type;
	switch (type) {
	case CD_ETH_IPV4:
	case CD_ETH_IPV6:
		if (caplen < 1)
			return -EBADMSG;
		if ((p[0] >> 4) != (type == CD_ETH_IPV4 ? 4 : 6))
			return -EBADMSG;
		return cd_decode_ip(p, caplen, wirelen, out);
	case CD_ETH_ARP:
		rc = cd_decode_arp(p, caplen, &out->arp);
		out->is_arp = rc == 0;
		return rc;
	default:
		return -ENOTSUP;
	}
}

/* A link header's reader: fills out from it, returns the ethertype. */
typedef uint16_t link_hdr_fn(const uint8_t *p, struct cd_pkt *out);

static uint16_t
ether_hdr(const uint8_t *p, struct cd_pkt *out)
{
	memcpy(out->dst_mac, p, 6);
	memcpy(out->src_mac, p + 6, 6);
	out->has_dst_mac = out->has_src_mac = true;
	/* Below 0x0600 it is an 802.3 length (LLC, STP): not ours either. */
	return cd_get16(p + 12);
}

/* The sender's address in a cooked header, when it is a MAC. */
static void
sll_addr(uint16_t hatype, unsigned alen, const uint8_t *addr,
    struct cd_pkt *out)
{
	if ((hatype != ARPHRD_ETHER && hatype != ARPHRD_LOOPBACK) || alen != 6)
		return;
	memcpy(out->src_mac, addr, 6);
	out->has_src_mac = true;
}

/* pkttype(2) hatype(2) halen(2) addr(8) protocol(2) */
static uint16_t
sll_hdr(const uint8_t *p, struct cd_pkt *out)
{
	uint16_t pkttype = cd_get16(p);

	out->pkttype = pkttype <= CD_PKTTYPE_OUTGOING ? pkttype :
	    CD_PKTTYPE_UNKNOWN;
	sll_addr(cd_get16(p + 2), cd_get16(p + 4), p + 6, out);
	return cd_get16(p + 14);
}

/* protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8) */
static uint16_t
sll2_hdr(const uint8_t *p, struct cd_pkt *out)
{
	out->pkttype = p[10] <= CD_PKTTYPE_OUTGOING ? p[10] :
	    CD_PKTTYPE_UNKNOWN;
	sll_addr(cd_get16(p + 8), p[11], p + 12, out);
	return cd_get16(p);
}

/* A fixed-size link header, then what it carries. */
static int
decode_link(link_hdr_fn *hdr, size_t hlen, const uint8_t *p, size_t caplen,
    size_t wirelen, struct cd_pkt *out)
{
	if (caplen < hlen)
		return -EBADMSG;
	return decode_payload(hdr(p, out), p + hlen, caplen - hlen,
	    wirelen - hlen, out);
}

/* Raw IP; DLT_IPV4 and DLT_IPV6 promise one version. */
static int
decode_raw(int dlt, const uint8_t *p, size_t caplen, size_t wirelen,
    struct cd_pkt *out)
{
	unsigned version;

	if (caplen < 1)
		return -EBADMSG;
	version = p[0] >> 4;
	if ((version != 4 && version != 6) ||
	    (dlt == CD_DLT_IPV4 && version != 4) ||
	    (dlt == CD_DLT_IPV6 && version != 6))
		return -EBADMSG;
	out->ethertype = version == 4 ? CD_ETH_IPV4 : CD_ETH_IPV6;
	return cd_decode_ip(p, caplen, wirelen, out);
}

int
cd_decode_frame(int dlt, const uint8_t *p, size_t caplen, size_t wirelen,
    struct cd_pkt *out)
{
	int64_t ts_ms = out->ts_ms;

	memset(out, 0, sizeof(*out));
	out->ts_ms = ts_ms;
	out->wirelen = wirelen;
	out->pkttype = CD_PKTTYPE_UNKNOWN;
	if (caplen > wirelen)
		return -EBADMSG;
	switch (dlt) {
	case CD_DLT_EN10MB:
		return decode_link(ether_hdr, ETH_HLEN, p, caplen, wirelen, out);
	case CD_DLT_LINUX_SLL:
		return decode_link(sll_hdr, SLL_HLEN, p, caplen, wirelen, out);
	case CD_DLT_LINUX_SLL2:
		return decode_link(sll2_hdr, SLL2_HLEN, p, caplen, wirelen,
		    out);
	case CD_DLT_RAW:
	case DLT_RAW_OPENBSD:
	case LINKTYPE_RAW:
	case CD_DLT_IPV4:
	case CD_DLT_IPV6:
		return decode_raw(dlt, p, caplen, wirelen, out);
	default:
		return -ENOTSUP;
	}
}

const char *
cd_fmt_mac(const uint8_t mac[6], char buf[18])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 6; i++) {
		buf[i * 3] = hex[mac[i] >> 4];
		buf[i * 3 + 1] = hex[mac[i] & 0x0f];
		buf[i * 3 + 2] = i < 5 ? ':' : '\0';
	}
	return buf;
}
