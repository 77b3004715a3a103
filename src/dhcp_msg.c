#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include "decode.h"
#include "dhcp_msg.h"

#define BOOTP_LEN	236
#define DHCP_MAGIC	0x63825363
#define OFF_FLAGS	10
#define OFF_CHADDR	28

void
cd_dhcp_probe_mac(const void *seed, size_t len, uint8_t mac[6])
{
	const uint8_t	*p = seed;
	uint64_t	 h = 0xcbf29ce484222325ULL;	/* FNV-1a 64 */
	static const char salt[] = "corediagd dhcp probe";

	/* Salted: the MAC tells nothing about the machine ID. */
	for (size_t i = 0; i < sizeof(salt) - 1; i++)
		h = (h ^ (uint8_t)salt[i]) * 0x100000001b3ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

size_t
cd_dhcp_discover(uint8_t *buf, size_t len, const uint8_t mac[6],
    uint32_t xid, uint16_t secs)
{
	/* Subnet, router, DNS, domain, lease, server id, captive portal. */
	static const uint8_t prl[] = { 1, 3, 6, 15, 51, 54, 114 };
	uint8_t	*o;

	if (len < CD_DHCP_PAYLOAD_MIN)
		return 0;
	memset(buf, 0, CD_DHCP_PAYLOAD_MIN);
	buf[0] = 1;			/* BOOTREQUEST */
	buf[1] = 1;			/* Ethernet */
	buf[2] = 6;
	put32(buf + 4, xid);
	put16(buf + 8, secs);
	put16(buf + OFF_FLAGS, 0x8000);	/* broadcast: we have no address */
	memcpy(buf + OFF_CHADDR, mac, 6);
	put32(buf + BOOTP_LEN, DHCP_MAGIC);
	o = buf + BOOTP_LEN + 4;
	*o++ = 53; *o++ = 1; *o++ = 1;	/* DHCPDISCOVER */
	*o++ = 61; *o++ = 7; *o++ = 1;	/* client id: Ethernet, mac */
	memcpy(o, mac, 6);
	o += 6;
	*o++ = 55; *o++ = sizeof(prl);
	memcpy(o, prl, sizeof(prl));
	o += sizeof(prl);
	*o++ = 57; *o++ = 2;		/* max message size 576 */
	put16(o, 576);
	o += 2;
	*o = 255;
	return CD_DHCP_PAYLOAD_MIN;
}

static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (n > 0)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
ip_header(uint8_t *ip, size_t udplen)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + udplen));
	ip[8] = 64;			/* TTL */
	ip[9] = 17;			/* UDP */
	memset(ip + 16, 0xff, 4);	/* to 255.255.255.255, from 0.0.0.0 */
	put16(ip + 10, fold(sum16(0, ip, 20)));
}

static void
udp_header(uint8_t *udp, size_t plen)
{
	uint16_t	ulen = (uint16_t)(8 + plen);
	uint32_t	sum;
	uint16_t	csum;

	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, ulen);
	put16(udp + 6, 0);
	/* Pseudo header: 0.0.0.0, 255.255.255.255, protocol, length. */
	sum = 0xffff + 0xffff + 17 + ulen;
	csum = fold(sum16(sum, udp, ulen));
	put16(udp + 6, csum != 0 ? csum : 0xffff);
}

size_t
cd_dhcp_frame(uint8_t *buf, size_t len, const uint8_t mac[6],
    const uint8_t *payload, size_t plen)
{
	size_t n = CD_DHCP_FRAME_HDRS + plen;

	if (len < n || plen > 0xffff - 28)
		return 0;
	memset(buf, 0xff, 6);		/* to everyone */
	memcpy(buf + 6, mac, 6);
	put16(buf + 12, 0x0800);
	memcpy(buf + CD_DHCP_FRAME_HDRS, payload, plen);
	udp_header(buf + 14 + 20, plen);
	ip_header(buf + 14, 8 + plen);
	return n;
}

int
cd_dhcp_offer_parse(int dlt, const uint8_t *p, size_t caplen, size_t wirelen,
    uint32_t xid, const uint8_t mac[6], struct cd_dhcp_offer *o)
{
	struct cd_pkt	pkt;
	struct cd_dhcp	d;
	bool		mine;
	int		rc;

	memset(&pkt, 0, sizeof(pkt));
	if ((rc = cd_decode_frame(dlt, p, caplen, wirelen, &pkt)) < 0)
		return rc == -ENOTSUP ? -ENOENT : rc;
	if (pkt.af != AF_INET || pkt.proto != 17 || !pkt.has_l4 ||
	    pkt.sport != 67 || pkt.dport != 68)
		return -ENOENT;
	if ((rc = cd_decode_dhcp(pkt.payload, pkt.payload_caplen, &d)) < 0)
		return rc == -ENOTSUP ? -ENOENT : rc;
	if (d.op != 2 || d.hlen != 6 || (d.msg_type != CD_DHCPOFFER &&
	    d.msg_type != CD_DHCPACK))
		return -ENOENT;
	mine = d.xid == xid && memcmp(d.chaddr, mac, 6) == 0;
	if (mine && d.msg_type != CD_DHCPOFFER)
		return -ENOENT;
	memset(o, 0, sizeof(*o));
	if (pkt.has_src_mac)
		memcpy(o->src_mac, pkt.src_mac, 6);
	memcpy(o->src_ip, pkt.src_ip, 4);
	o->has_server_id = d.has_server_id;
	memcpy(o->server_id, d.server_id, 4);
	memcpy(o->yiaddr, d.yiaddr, 4);
	o->has_lease = d.has_lease;
	o->lease_s = d.lease_s;
	memcpy(o->portal_url, d.portal_url, sizeof(o->portal_url));
	return mine ? 0 : 1;
}
