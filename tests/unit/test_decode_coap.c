/*
 * The CoAP decoder (RFC 7252 messages as libcoap and the Spark firmware
 * send them) and the presence packet that names a Core, with its near
 * misses.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode.h"

/* What a Core sends after its handshake; the ID is 12 bytes. */
static const uint8_t presence[] = {
	0x50, 0x02, 0x00, 0x00, 0xb1, 0x68, 0xff,
	0x53, 0xff, 0x6c, 0x06, 0x50, 0x67, 0x55, 0x48,
	0x23, 0x34, 0x12, 0x87,
};

/* CON GET, token 4 bytes, Uri-Path "hello", Uri-Query (delta 4), payload */
static const uint8_t get[] = {
	0x44, 0x01, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef,
	0xb5, 'h', 'e', 'l', 'l', 'o',
	0x43, 'a', '=', '1',
	0xff, 'd', 'a', 't', 'a',
};

static struct cd_coap coap;
static uint8_t *copy;	/* coap.payload points into it until the next */

/* Decode from an exact-size heap copy (ASan sees any over-read). */
static int
decode(const uint8_t *data, size_t len)
{
	free(copy);
	copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, data, len);
	return cd_decode_coap(copy, len, &coap);
}

static int
teardown(void **state)
{
	(void)state;
	free(copy);
	copy = NULL;
	return 0;
}

static int
presence_id(const uint8_t *data, size_t len, char id[25])
{
	uint8_t *buf;
	int rc;

	buf = malloc(len ? len : 1);
	assert_non_null(buf);
	memcpy(buf, data, len);
	strcpy(id, "untouched");
	rc = cd_decode_presence(buf, len, id);
	free(buf);
	return rc;
}

/* A ping and the Reset that answers it. */
static void
test_ping_and_reset(void **state)
{
	static const uint8_t ping[] = { 0x40, 0x00, 0x12, 0x34 };
	static const uint8_t rst[] = { 0x70, 0x00, 0x12, 0x34 };
	static const uint8_t ack[] = { 0x60, 0x00, 0x12, 0x34 };

	(void)state;
	assert_int_equal(decode(ping, sizeof(ping)), 0);
	assert_int_equal(coap.version, 1);
	assert_int_equal(coap.type, CD_COAP_CON);
	assert_int_equal(coap.code, 0);
	assert_int_equal(coap.msg_id, 0x1234);
	assert_int_equal(coap.token_len, 0);
	assert_null(coap.payload);
	assert_int_equal(decode(rst, sizeof(rst)), 0);
	assert_int_equal(coap.type, CD_COAP_RST);
	assert_int_equal(coap.msg_id, 0x1234);
	assert_int_equal(decode(ack, sizeof(ack)), 0);
	assert_int_equal(coap.type, CD_COAP_ACK);
}

static void
test_request(void **state)
{
	(void)state;
	assert_int_equal(decode(get, sizeof(get)), 0);
	assert_int_equal(coap.type, CD_COAP_CON);
	assert_int_equal(coap.code, 0x01);
	assert_int_equal(coap.msg_id, 0xbeef);
	assert_int_equal(coap.token_len, 4);
	assert_memory_equal(coap.token, "\xde\xad\xbe\xef", 4);
	assert_int_equal(coap.n_options, 2);
	assert_int_equal(coap.payload_len, 4);
	assert_memory_equal(coap.payload, "data", 4);
}

/* Every cut of the request fails, or ends at an option boundary. */
static void
test_every_truncation(void **state)
{
	size_t cut;
	int rc;

	(void)state;
	for (cut = 0; cut < sizeof(get); cut++) {
		rc = decode(get, cut);
		if (cut == 8 || cut == 14 || cut == 18) {
			assert_int_equal(rc, 0);
			assert_null(coap.payload);
			assert_int_equal(coap.n_options, (cut >= 14) +
			    (cut >= 18));
		} else if (cut > 19) {
			assert_int_equal(rc, 0);
			assert_int_equal(coap.payload_len, cut - 19);
		} else
			assert_int_equal(rc, -EBADMSG);
	}
}

/* Extended deltas and lengths: 13 adds a byte, 14 two. */
static void
test_extended_options(void **state)
{
	uint8_t msg[4 + 3 + 300] = { 0x50, 0x02, 0, 1 };
	size_t n = 4;

	(void)state;
	msg[n++] = 0xd0 | 0x0e;	/* delta 13+x, length 269+y */
	msg[n++] = 10;		/* delta 23 */
	msg[n++] = 0;
	msg[n++] = 20;		/* length 289 */
	memset(msg + n, 'z', 289);
	n += 289;
	assert_int_equal(decode(msg, n), 0);
	assert_int_equal(coap.n_options, 1);
	assert_null(coap.payload);
	assert_int_equal(decode(msg, n - 1), -EBADMSG);
	assert_int_equal(decode(msg, 6), -EBADMSG);	/* length bytes cut */
}

static void
test_malformed(void **state)
{
	static const uint8_t v2[] = { 0x80, 0x01, 0, 1 };
	static const uint8_t tkl9[] = { 0x49, 0x01, 0, 1, 1, 2, 3, 4, 5, 6,
	    7, 8, 9 };
	static const uint8_t tok_cut[] = { 0x44, 0x01, 0, 1, 1, 2 };
	static const uint8_t empty_extra[] = { 0x40, 0x00, 0, 1, 0xff, 'x' };
	static const uint8_t marker_only[] = { 0x40, 0x01, 0, 1, 0xff };
	static const uint8_t delta15[] = { 0x40, 0x01, 0, 1, 0xf1, 'x' };
	static const uint8_t len15[] = { 0x40, 0x01, 0, 1, 0x1f, 'x' };

	(void)state;
	assert_int_equal(decode(v2, sizeof(v2)), -EBADMSG);
	assert_int_equal(decode(tkl9, sizeof(tkl9)), -EBADMSG);
	assert_int_equal(decode(tok_cut, sizeof(tok_cut)), -EBADMSG);
	assert_int_equal(decode(empty_extra, sizeof(empty_extra)), -EBADMSG);
	assert_int_equal(decode(marker_only, sizeof(marker_only)), -EBADMSG);
	assert_int_equal(decode(delta15, sizeof(delta15)), -EBADMSG);
	assert_int_equal(decode(len15, sizeof(len15)), -EBADMSG);
	assert_int_equal(decode(v2, 3), -EBADMSG);
}

/* The presence packet is a well-formed CoAP POST too. */
static void
test_presence(void **state)
{
	char id[25];

	(void)state;
	assert_int_equal(presence_id(presence, sizeof(presence), id), 0);
	assert_string_equal(id, "53ff6c065067554823341287");
	assert_int_equal(decode(presence, sizeof(presence)), 0);
	assert_int_equal(coap.type, CD_COAP_NON);
	assert_int_equal(coap.code, 0x02);
	assert_int_equal(coap.n_options, 1);
	assert_int_equal(coap.payload_len, 12);
}

static void
test_presence_near_misses(void **state)
{
	uint8_t msg[sizeof(presence) + 1];
	char id[25];
	size_t i, len;

	(void)state;
	/* any other length, including the packet with a byte more */
	memcpy(msg, presence, sizeof(presence));
	msg[sizeof(presence)] = 0;
	for (len = 0; len <= sizeof(msg); len++) {
		if (len == sizeof(presence))
			continue;
		assert_int_equal(presence_id(msg, len, id), -ENOTSUP);
		assert_string_equal(id, "untouched");
	}
	/* one bit off in any byte of the prefix (a message ID too) */
	for (i = 0; i < 7; i++) {
		memcpy(msg, presence, sizeof(presence));
		msg[i] ^= 0x01;
		assert_int_equal(presence_id(msg, sizeof(presence), id),
		    -ENOTSUP);
	}
	/* the ID is anything */
	memset(msg + 7, 0xff, 12);
	memcpy(msg, presence, 7);
	assert_int_equal(presence_id(msg, sizeof(presence), id), 0);
	assert_string_equal(id, "ffffffffffffffffffffffff");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ping_and_reset),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_extended_options),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_presence),
		cmocka_unit_test(test_presence_near_misses),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
