/*
 * CoAP over UDP (RFC 7252 section 3): the fixed header, the token, the
 * options walked only to find the payload.  And the Spark presence
 * announcement, the one CoAP message a Core sends in the clear, which
 * names the device.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "decode.h"

#define COAP_HLEN	4
#define COAP_MARKER	0xff

static const uint8_t presence_prefix[] = {
	0x50,		/* version 1, non-confirmable, no token */
	0x02,		/* POST */
	0x00, 0x00,	/* message ID 0 */
	0xb1, 0x68,	/* Uri-Path "h" */
	0xff,		/* payload: the 12-byte device ID */
};

/*
 * An option's delta or length nibble with its extended bytes at *i:
 * the value, or -1 when it runs past len or is the reserved 15.
 */
static long
coap_ext(unsigned nibble, const uint8_t *p, size_t len, size_t *i)
{
	long v;

	switch (nibble) {
	case 13:
		if (*i >= len)
			return -1;
		return 13 + p[(*i)++];
	case 14:
		if (len - *i < 2)
			return -1;
		v = 269 + cd_get16(p + *i);
		*i += 2;
		return v;
	case 15:
		return -1;
	default:
		return nibble;
	}
}

/* The options after the token, up to the payload marker. */
static int
coap_options(const uint8_t *p, size_t len, size_t i, struct cd_coap *out)
{
	long olen;
	uint8_t b;

	while (i < len) {
		b = p[i++];
		if (b == COAP_MARKER) {
			if (i == len)	/* a marker with no payload */
				return -EBADMSG;
			out->payload = p + i;
			out->payload_len = len - i;
			return 0;
		}
		if (coap_ext(b >> 4, p, len, &i) < 0 ||
		    (olen = coap_ext(b & 0x0f, p, len, &i)) < 0 ||
		    (size_t)olen > len - i)
			return -EBADMSG;
		i += (size_t)olen;
		out->n_options++;
	}
	return 0;
}

int
cd_decode_coap(const uint8_t *p, size_t len, struct cd_coap *out)
{
	memset(out, 0, sizeof(*out));
	if (len < COAP_HLEN)
		return -EBADMSG;
	out->version = p[0] >> 6;
	out->type = (p[0] >> 4) & 0x03;
	out->token_len = p[0] & 0x0f;
	out->code = p[1];
	out->msg_id = cd_get16(p + 2);
	if (out->version != 1 || out->token_len > 8 ||
	    out->token_len > len - COAP_HLEN)
		return -EBADMSG;
	/* An empty message is the 4 bytes alone (a ping, a Reset). */
	if (out->code == 0 && len != COAP_HLEN)
		return -EBADMSG;
	memcpy(out->token, p + COAP_HLEN, out->token_len);
	return coap_options(p, len, COAP_HLEN + out->token_len, out);
}

int
cd_decode_presence(const uint8_t *p, size_t len, char device_id[25])
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *id;
	int i;

	if (len != CD_PRESENCE_LEN ||
	    memcmp(p, presence_prefix, sizeof(presence_prefix)) != 0)
		return -ENOTSUP;
	id = p + sizeof(presence_prefix);
	for (i = 0; i < 12; i++) {
		device_id[i * 2] = hex[id[i] >> 4];
		device_id[i * 2 + 1] = hex[id[i] & 0x0f];
	}
	device_id[24] = '\0';
	return 0;
}
