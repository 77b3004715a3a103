/*
 * libFuzzer target: a frame through the link, IP and transport decoders,
 * and the payload through the decoder the daemon would give it.
 * Input: one byte choosing the link type, two bytes of length the
 * snaplen cut off (big-endian), then the captured bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = {
	CD_DLT_EN10MB, CD_DLT_LINUX_SLL, CD_DLT_LINUX_SLL2, CD_DLT_RAW,
	CD_DLT_IPV4, CD_DLT_IPV6, 101, 0,
};

/* What a decoded frame must satisfy, or the decoder is wrong. */
static void
check(const struct cd_pkt *pkt, const uint8_t *p, size_t caplen)
{
	if (pkt->payload == NULL)
		return;
	if (pkt->payload < p || pkt->payload_caplen > caplen ||
	    pkt->payload > p + caplen - pkt->payload_caplen ||
	    pkt->payload_caplen > pkt->payload_len)
		abort();
}

/* The payload to the decoder of its port, as the tracker does. */
static void
upper(const struct cd_pkt *pkt)
{
	struct cd_dhcp dhcp;
	struct cd_dns dns;
	struct cd_coap coap;
	char id[25];

	if (!pkt->has_l4 || pkt->payload == NULL)
		return;
	if (pkt->sport == 67 || pkt->dport == 67)
		(void)cd_decode_dhcp(pkt->payload, pkt->payload_caplen, &dhcp);
	if (pkt->sport == 53 || pkt->dport == 53)
		(void)cd_decode_dns(pkt->payload, pkt->payload_caplen, &dns);
	if (pkt->dport == 5683 || pkt->sport == 5683) {
		(void)cd_decode_coap(pkt->payload, pkt->payload_caplen, &coap);
		(void)cd_decode_presence(pkt->payload, pkt->payload_caplen, id);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_pkt pkt;
	size_t cut;
	int rc;

	if (size < 3)
		return 0;
	cut = (size_t)data[1] << 8 | data[2];
	pkt.ts_ms = 7;
	rc = cd_decode_frame(dlts[data[0] % 8], data + 3, size - 3,
	    size - 3 + cut, &pkt);
	if ((rc != 0 && rc != -EBADMSG && rc != -ENOTSUP) || pkt.ts_ms != 7)
		abort();
	if (rc == 0) {
		check(&pkt, data + 3, size - 3);
		upper(&pkt);
	}
	return 0;
}
