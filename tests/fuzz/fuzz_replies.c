/*
 * libFuzzer target: the probes' reply handlers.  The first byte picks
 * one: a captured frame through the DHCP probe's OFFER parser and its
 * verdict over every offer so far; the handshake probe's verdict; the
 * CoAP probe's verdict (the outcome's fields from the input).
 */
#include "config.h"

#include <netdb.h>
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe_coap.h"
#include "probe_dhcp.h"
#include "probe_net.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
dhcp(const uint8_t *p, size_t n)
{
	static const uint8_t	mac[6] = { 0x2e, 0xa7, 0xba, 0xc8, 0x40, 0x2a };
	struct cd_dhcp_offer	offers[4];
	struct cd_dhcp_sent	sent = { .iface = "br-lan", .xid = 0x01020304,
	    .sends = 1, .waited_ms = 3500, .first_ms = 70 };
	struct cd_probe_verdict	v;
	size_t			k = 0, len;
	unsigned		servers;
	int			rc;

	memcpy(sent.mac, mac, sizeof(mac));
	/* Records: a length byte pair, then a frame. */
	while (n >= 2 && k < 4) {
		len = (size_t)p[0] << 8 | p[1];
		if (len > n - 2)
			len = n - 2;
		rc = cd_dhcp_offer_parse(DLT_EN10MB, p + 2, len, len, sent.xid,
		    mac, &offers[k]);
		if (rc >= 0 && memchr(offers[k].portal_url, '\0',
		    sizeof(offers[k].portal_url)) == NULL)
			abort();
		if (rc == 0)
			k++;
		else if (rc == 1 && sent.others++ == 0)
			sent.other = offers[k];	/* a server answering others */
		p += 2 + len;
		n -= 2 + len;
	}
	servers = cd_dhcp_decide(&sent, offers, k, &v);
	if (v.result == NULL || servers > k ||
	    memchr(v.detail, '\0', sizeof(v.detail)) == NULL)
		abort();
}

static void
handshake(const uint8_t *p, size_t n)
{
	struct cd_handshake_outcome	o;
	enum cd_handshake_verdict	v;
	int32_t			st[2] = { 0, 0 };

	memset(&o, 0, sizeof(o));
	if (n < 10)
		return;
	o.connected = p[0] & 1;
	o.timed_out = p[0] & 2;
	memcpy(st, p + 1, 8);
	o.connect_status = st[0];
	o.read_status = st[1];
	o.nbytes = p[9];
	v = cd_handshake_verdict(&o);
	if (cd_handshake_verdict_id(v) == NULL ||
	    cd_handshake_verdict_word(v) == NULL)
		abort();
}

static void
coap(const uint8_t *p, size_t n)
{
	struct cd_coap_outcome	o;
	struct cd_probe_verdict	v;

	memset(&o, 0, sizeof(o));
	if (n < 12)
		return;
	o.answer = (enum cd_coap_answer)(p[0] % (CD_COAP_UNRESOLVED + 1));
	o.host = "coap.example";
	o.port = (uint16_t)(p[1] << 8 | p[2]);
	o.pings = p[3];
	o.ms = p[4] * 100u;
	o.errnum = p[5];
	o.icmp.family = p[6] & 1 ? AF_INET6 : AF_INET;
	o.icmp.type = p[7];
	o.icmp.code = p[8];
	o.icmp.has_offender = p[6] & 2;
	memcpy(o.icmp.offender, p + 9, 3);
	o.why = "no such name";
	memcpy(o.addr, p + 9, 3);	/* unterminated garbage would be a bug */
	o.addr[3] = '\0';
	cd_coap_decide(&o, &v);
	if (v.finding == NULL || v.result == NULL ||
	    memchr(v.detail, '\0', sizeof(v.detail)) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0: dhcp(data + 1, size - 1); break;
	case 1: handshake(data + 1, size - 1); break;
	default: coap(data + 1, size - 1); break;
	}
	return 0;
}
