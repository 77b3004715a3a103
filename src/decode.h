/*
 * Packet decoders: pure functions of (pointer, length) that fill a plain
 * struct and never read past the length they are given (tcpdump's
 * ND_TCHECK discipline).  No allocation, no global state: the capture
 * path calls them once per packet.
 *
 * Return values: 0 decoded; -EBADMSG damaged or truncated (the caller
 * counts it and skips it); -ENOTSUP well formed but not something
 * corediagd looks at (unknown link type or ethertype, 802.3 frames, BOOTP
 * without the DHCP cookie, ...), not damage.
 */
#ifndef CD_DECODE_H
#define CD_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Link types (pcap_datalink() values; LINKTYPE_RAW 101 is accepted too). */
#define CD_DLT_EN10MB		1
#define CD_DLT_RAW		12	/* Linux; OpenBSD's 14 and 101 too */
#define CD_DLT_LINUX_SLL	113
#define CD_DLT_IPV4		228
#define CD_DLT_IPV6		229
#define CD_DLT_LINUX_SLL2	276

#define CD_ETH_IPV4		0x0800
#define CD_ETH_ARP		0x0806
#define CD_ETH_IPV6		0x86dd

/* Linux cooked capture packet types (sll_pkttype); UNKNOWN elsewhere. */
#define CD_PKTTYPE_HOST		0	/* to us */
#define CD_PKTTYPE_BROADCAST	1
#define CD_PKTTYPE_MULTICAST	2
#define CD_PKTTYPE_OTHERHOST	3
#define CD_PKTTYPE_OUTGOING	4	/* sent by us */
#define CD_PKTTYPE_UNKNOWN	255

/* TCP flags, as in the header's low byte. */
#define CD_TCP_FIN	0x01
#define CD_TCP_SYN	0x02
#define CD_TCP_RST	0x04
#define CD_TCP_PSH	0x08
#define CD_TCP_ACK	0x10
#define CD_TCP_URG	0x20

struct cd_arp {
	uint16_t	op;		/* 1 request, 2 reply */
	uint8_t		sha[6];		/* sender MAC */
	uint8_t		spa[4];		/* sender IPv4 */
	uint8_t		tha[6];		/* target MAC */
	uint8_t		tpa[4];		/* target IPv4 */
};

/*
 * ICMP and ICMPv6.  For the error messages (unreachable, time exceeded,
 * parameter problem, redirect, packet too big) the quoted packet's
 * addresses and ports say which of our packets it is about: has_inner
 * when its IP header was present, has_inner_ports when its first 4
 * transport bytes were too.
 */
struct cd_icmp {
	uint8_t		type;
	uint8_t		code;
	bool		has_inner;
	bool		has_inner_ports;
	uint8_t		inner_proto;
	int		inner_af;
	uint8_t		inner_src[16];
	uint8_t		inner_dst[16];
	uint16_t	inner_sport;
	uint16_t	inner_dport;
};

/* One frame, decoded down to the transport header. */
struct cd_pkt {
	int64_t		 ts_ms;		/* the caller's; left as it was */
	size_t		 wirelen;	/* the frame's length on the wire */

	/* Link layer.  SLL gives only the sender's address. */
	bool		 has_src_mac;
	bool		 has_dst_mac;
	uint8_t		 src_mac[6];
	uint8_t		 dst_mac[6];
	uint8_t		 pkttype;	/* CD_PKTTYPE_* */
	uint8_t		 vlan_depth;	/* 802.1Q/802.1ad tags seen */
	uint16_t	 vlan;		/* outermost VLAN id, or 0 */
	uint16_t	 ethertype;	/* after the VLAN tags */

	/* ARP (ethertype 0x0806). */
	bool		 is_arp;
	struct cd_arp	 arp;

	/* IP: af is 0 when the frame is not IP.  IPv4 uses the first 4 bytes. */
	int		 af;		/* 0, AF_INET, AF_INET6 */
	uint8_t		 src_ip[16];
	uint8_t		 dst_ip[16];
	uint8_t		 ttl;		/* hop limit for IPv6 */
	uint8_t		 proto;		/* after IPv6 extension headers */
	bool		 fragment;	/* any fragment, first or not */
	uint16_t	 frag_offset;	/* in bytes; non-zero: no transport */

	/*
	 * Transport: has_l4 when a TCP, UDP, ICMP or ICMPv6 header was
	 * decoded (never for a non-first fragment).
	 */
	bool		 has_l4;
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 tcp_flags;	/* CD_TCP_* */
	uint8_t		 l4_hlen;	/* TCP header with options; UDP 8 */
	uint16_t	 tcp_win;
	uint32_t	 seq;
	uint32_t	 ack;
	struct cd_icmp	 icmp;		/* proto ICMP / ICMPv6 */

	/*
	 * The transport payload (for a non-first fragment or another
	 * protocol, what follows the IP headers): payload_len bytes on the
	 * wire according to the IP length (what a flow counts), of which
	 * payload_caplen are in the capture at payload (the snaplen cuts
	 * the rest).  It points into the caller's buffer; NULL for ARP.
	 */
	const uint8_t	*payload;
	size_t		 payload_caplen;
	size_t		 payload_len;
};

/*
 * Decode a frame of link type dlt: caplen bytes captured at p, wirelen
 * on the wire.  Every field of out but ts_ms is overwritten.
 */
int	cd_decode_frame(int dlt, const uint8_t *p, size_t caplen,
	    size_t wirelen, struct cd_pkt *out);

/*
 * Decoders of the layers below, for callers that have them alone.  Each
 * fills the fields of its layer and what follows; out must have been
 * cleared (cd_decode_frame does it).
 */
int	cd_decode_ip(const uint8_t *p, size_t caplen, size_t wirelen,
	    struct cd_pkt *out);
int	cd_decode_arp(const uint8_t *p, size_t len, struct cd_arp *out);
/* The transport out->proto names: caplen captured of len per the IP length. */
int	cd_decode_l4(const uint8_t *p, size_t caplen, size_t len,
	    struct cd_pkt *out);

/* DHCP (BOOTP with the magic cookie), the UDP payload of port 67/68. */
#define CD_DHCP_MAX_ADDRS	4
#define CD_DHCP_CLIENT_ID_MAX	32

#define CD_DHCPDISCOVER		1
#define CD_DHCPOFFER		2
#define CD_DHCPREQUEST		3
#define CD_DHCPDECLINE		4
#define CD_DHCPACK		5
#define CD_DHCPNAK		6
#define CD_DHCPRELEASE		7
#define CD_DHCPINFORM		8

struct cd_dhcp {
	uint8_t		op;		/* 1 request, 2 reply */
	uint8_t		htype;
	uint8_t		hlen;
	uint8_t		hops;
	uint32_t	xid;
	uint16_t	secs;
	uint16_t	flags;		/* 0x8000: broadcast */
	uint8_t		ciaddr[4];
	uint8_t		yiaddr[4];
	uint8_t		siaddr[4];
	uint8_t		giaddr[4];
	uint8_t		chaddr[16];	/* a MAC in the first 6 when hlen 6 */

	uint8_t		msg_type;	/* option 53, 0 when absent */
	bool		has_server_id;
	bool		has_requested_ip;
	bool		has_lease;
	bool		has_subnet;
	uint8_t		server_id[4];	/* 54 */
	uint8_t		requested_ip[4];/* 50 */
	uint32_t	lease_s;	/* 51 */
	uint8_t		subnet[4];	/* 1 */
	uint8_t		n_routers;	/* 3, the first CD_DHCP_MAX_ADDRS */
	uint8_t		routers[CD_DHCP_MAX_ADDRS][4];
	uint8_t		n_dns;		/* 6, likewise */
	uint8_t		dns[CD_DHCP_MAX_ADDRS][4];
	uint8_t		client_id_len;	/* 61, type byte included, cut at max */
	uint8_t		client_id[CD_DHCP_CLIENT_ID_MAX];
	char		hostname[64];	/* 12; "" when absent */
	char		portal_url[256];/* 114 (RFC 8910); "" when absent */

	/*
	 * An option ran past the data or the End option was missing: the
	 * options before it are valid.  A snaplen cut does this; so does a
	 * damaged packet (the caller tells them apart by the IP length).
	 */
	bool		truncated;
};

/*
 * 0 with the fixed header and the options decoded; -EBADMSG shorter than
 * the 240 bytes of header and cookie; -ENOTSUP no DHCP cookie (BOOTP).
 * Text options have bytes outside printable ASCII replaced with '?'.
 */
int	cd_decode_dhcp(const uint8_t *p, size_t len, struct cd_dhcp *out);

/* DNS, the UDP payload of port 53 (or 5353). */
#define CD_DNS_NAME_MAX		256	/* 253 characters, the dot, NUL */
#define CD_DNS_MAX_ANSWERS	8

#define CD_DNS_A		1
#define CD_DNS_CNAME		5
#define CD_DNS_AAAA		28

#define CD_DNS_NOERROR		0
#define CD_DNS_SERVFAIL		2
#define CD_DNS_NXDOMAIN		3
#define CD_DNS_REFUSED		5

struct cd_dns_rr {
	uint16_t	type;		/* CD_DNS_A, _AAAA or _CNAME */
	uint32_t	ttl;
	uint8_t		addr[16];	/* A: first 4 bytes */
	char		cname[CD_DNS_NAME_MAX];	/* CNAME target */
};

struct cd_dns {
	uint16_t	id;
	bool		qr;		/* a response */
	bool		tc;
	uint8_t		opcode;
	uint8_t		rcode;		/* CD_DNS_NOERROR, ... */
	uint16_t	qdcount;
	uint16_t	ancount;
	uint16_t	nscount;
	uint16_t	arcount;

	/* The first question; names are "a.b.c" (no final dot), root ".". */
	bool		has_question;
	char		qname[CD_DNS_NAME_MAX];
	uint16_t	qtype;
	uint16_t	qclass;

	/* The answer section's A, AAAA and CNAME records, in order. */
	unsigned	n_answers;
	struct cd_dns_rr answers[CD_DNS_MAX_ANSWERS];
	bool		truncated;	/* answers cut short or damaged */
};

/*
 * 0 with the header and the first question decoded (answers as far as
 * they go: truncated tells); -EBADMSG header or question damaged.
 * Compression pointers must point before the name that uses them, which
 * bounds every name walk.
 */
int	cd_decode_dns(const uint8_t *p, size_t len, struct cd_dns *out);

/* CoAP over UDP (RFC 7252 section 3). */
#define CD_COAP_CON	0
#define CD_COAP_NON	1
#define CD_COAP_ACK	2
#define CD_COAP_RST	3

struct cd_coap {
	uint8_t		 version;	/* always 1 when decoded */
	uint8_t		 type;		/* CD_COAP_* */
	uint8_t		 token_len;
	uint8_t		 code;		/* class << 5 | detail; 0 empty */
	uint16_t	 msg_id;
	uint8_t		 token[8];
	unsigned	 n_options;
	const uint8_t	*payload;	/* after the 0xFF marker, or NULL */
	size_t		 payload_len;
};

/* 0 decoded; -EBADMSG not a well-formed CoAP message. */
int	cd_decode_coap(const uint8_t *p, size_t len, struct cd_coap *out);

/*
 * The Spark presence announcement (UDP to 224.0.1.187:5683): exactly 19
 * bytes, 50 02 00 00 B1 68 FF and the 12-byte device ID, written to
 * device_id as 24 lower-case hex digits.  0, or -ENOTSUP for anything
 * else.
 */
#define CD_PRESENCE_LEN		19
int	cd_decode_presence(const uint8_t *p, size_t len, char device_id[25]);

/* Big-endian reads for the decoders, after they have checked the length. */
static inline uint16_t
cd_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
cd_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* "08:00:28:aa:bb:cc" (lower case) into buf; returns buf. */
const char *cd_fmt_mac(const uint8_t mac[6], char buf[18]);
/* An AF_INET or AF_INET6 address as text (INET6_ADDRSTRLEN fits both). */
const char *cd_fmt_ip(int af, const uint8_t *addr, char *buf, size_t len);

#endif
