/*
 * The DNS decoder: a query, a CNAME-and-address answer, NXDOMAIN, pointer
 * chains; and hostile names (compression loops, pointers out of range or
 * forward, overlong names) that must fail cleanly.
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

static const uint8_t dns_query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x05, 0x73, 0x70, 0x61, 0x72,
	0x6b, 0x02, 0x69, 0x6f, 0x00, 0x00, 0x01, 0x00, 0x01,
};
static const uint8_t dns_answer[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x05, 0x73, 0x70, 0x61, 0x72,
	0x6b, 0x02, 0x69, 0x6f, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00,
	0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x12, 0x05, 0x63, 0x6c,
	0x6f, 0x75, 0x64, 0x05, 0x63, 0x64, 0x6c, 0x61, 0x62, 0x04, 0x74, 0x65,
	0x73, 0x74, 0x00, 0xc0, 0x2d, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x3c, 0x00, 0x04, 0xc6, 0x12, 0x64, 0x0a, 0xc0, 0x2d, 0x00, 0x1c, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x10, 0x20, 0x01, 0x00, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};
static const uint8_t dns_nxdomain[] = {
	0x43, 0x21, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x05, 0x73, 0x70, 0x61, 0x72,
	0x6b, 0x02, 0x69, 0x6f, 0x00, 0x00, 0x01, 0x00, 0x01,
};
static const uint8_t dns_chain[] = {
	0x00, 0x01, 0x84, 0x00, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x05, 0x73, 0x70, 0x61, 0x72,
	0x6b, 0x02, 0x69, 0x6f, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00,
	0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x06, 0x03, 0x77, 0x77,
	0x77, 0xc0, 0x0c, 0xc0, 0x2d, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x04, 0xc6, 0x12, 0x64, 0x0a, 0xc0, 0x2d, 0x00, 0x10, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x03, 0x02, 0x68, 0x69, 0xc0, 0x2d,
	0x00, 0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x04, 0xc6, 0x12,
	0x64, 0x0b,
};

#define IP4(a, b, c, d)	((const uint8_t[4]){ a, b, c, d })

/* A fresh struct each time: stale fields must not pass for decoded ones. */
static struct cd_dns dns;

/* Decode from an exact-size heap copy (ASan sees any over-read). */
static int
decode(const uint8_t *data, size_t len)
{
	uint8_t *buf;
	int rc;

	memset(&dns, 0xa5, sizeof(dns));
	buf = malloc(len ? len : 1);
	assert_non_null(buf);
	memcpy(buf, data, len);
	rc = cd_decode_dns(buf, len, &dns);
	free(buf);
	return rc;
}

/* A header (id 7, a response) with qd/an counts, then body. */
static int
with_body(unsigned qd, unsigned an, const uint8_t *body, size_t n)
{
	uint8_t msg[12 + 600] = { 0, 7, 0x81, 0x80, 0, (uint8_t)qd,
	    0, (uint8_t)an };

	assert_true(n <= 600);
	memcpy(msg + 12, body, n);
	return decode(msg, 12 + n);
}

static void
test_query(void **state)
{
	(void)state;
	assert_int_equal(decode(dns_query, sizeof(dns_query)), 0);
	assert_int_equal(dns.id, 0x1234);
	assert_false(dns.qr);
	assert_int_equal(dns.opcode, 0);
	assert_int_equal(dns.qdcount, 1);
	assert_int_equal(dns.ancount, 0);
	assert_true(dns.has_question);
	assert_string_equal(dns.qname, "device.spark.io");
	assert_int_equal(dns.qtype, CD_DNS_A);
	assert_int_equal(dns.qclass, 1);
	assert_int_equal(dns.n_answers, 0);
	assert_false(dns.truncated);
}

static void
test_answer(void **state)
{
	(void)state;
	assert_int_equal(decode(dns_answer, sizeof(dns_answer)), 0);
	assert_true(dns.qr);
	assert_false(dns.tc);
	assert_int_equal(dns.rcode, CD_DNS_NOERROR);
	assert_string_equal(dns.qname, "device.spark.io");
	assert_int_equal(dns.ancount, 3);
	assert_int_equal(dns.n_answers, 3);
	assert_int_equal(dns.answers[0].type, CD_DNS_CNAME);
	assert_int_equal(dns.answers[0].ttl, 300);
	assert_string_equal(dns.answers[0].cname, "cloud.cdlab.test");
	assert_int_equal(dns.answers[1].type, CD_DNS_A);
	assert_int_equal(dns.answers[1].ttl, 60);
	assert_memory_equal(dns.answers[1].addr, IP4(198, 18, 100, 10), 4);
	assert_int_equal(dns.answers[2].type, CD_DNS_AAAA);
	assert_int_equal(dns.answers[2].addr[0], 0x20);
	assert_int_equal(dns.answers[2].addr[15], 0x10);
	assert_false(dns.truncated);
}

static void
test_nxdomain(void **state)
{
	(void)state;
	assert_int_equal(decode(dns_nxdomain, sizeof(dns_nxdomain)), 0);
	assert_true(dns.qr);
	assert_int_equal(dns.rcode, CD_DNS_NXDOMAIN);
	assert_string_equal(dns.qname, "device.spark.io");
	assert_int_equal(dns.n_answers, 0);
	assert_false(dns.truncated);
}

/* Pointers to pointers; other types skipped; mDNS's cache-flush class. */
static void
test_pointer_chain(void **state)
{
	(void)state;
	assert_int_equal(decode(dns_chain, sizeof(dns_chain)), 0);
	assert_int_equal(dns.n_answers, 3);
	assert_string_equal(dns.answers[0].cname, "www.device.spark.io");
	assert_int_equal(dns.answers[1].type, CD_DNS_A);
	assert_memory_equal(dns.answers[1].addr, IP4(198, 18, 100, 10), 4);
	assert_int_equal(dns.answers[2].type, CD_DNS_A);
	assert_memory_equal(dns.answers[2].addr, IP4(198, 18, 100, 11), 4);
	assert_false(dns.truncated);
}

/*
 * Every cut: the question is needed; past it, the answers that are whole
 * are kept and the message is marked truncated.
 */
static void
test_every_truncation(void **state)
{
	size_t cut;
	int rc;

	(void)state;
	for (cut = 0; cut < sizeof(dns_answer); cut++) {
		rc = decode(dns_answer, cut);
		if (cut < sizeof(dns_query)) {
			assert_int_equal(rc, -EBADMSG);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(dns.qname, "device.spark.io");
		assert_true(dns.truncated);
		assert_int_equal(dns.n_answers, (cut >= 63) + (cut >= 79));
	}
}

static void
test_compression_loops(void **state)
{
	/* a name pointing at itself */
	static const uint8_t self[] = { 0xc0, 12, 0, 1, 0, 1 };
	/* "foo" then a pointer back to the start of the same name */
	static const uint8_t back[] = { 3, 'f', 'o', 'o', 0xc0, 12, 0, 1, 0, 1 };
	/* two names pointing at each other: the answer's owner at 22 */
	static const uint8_t pair[] = { 1, 'a', 0xc0, 22, 0, 1, 0, 1,
	    0, 0, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(with_body(1, 0, self, sizeof(self)), -EBADMSG);
	assert_int_equal(with_body(1, 0, back, sizeof(back)), -EBADMSG);
	assert_int_equal(with_body(1, 1, pair, sizeof(pair)), -EBADMSG);
}

static void
test_bad_pointers(void **state)
{
	/* past the end; forward to a good name; cut after its first byte */
	static const uint8_t past[] = { 0xff, 0xff, 0, 1, 0, 1 };
	static const uint8_t fwd[] = { 0xc0, 18, 0, 1, 0, 1, 1, 'a', 0 };
	static const uint8_t half[] = { 1, 'a', 0xc0 };
	/* the obsolete label types 01 (here a "label" of 64) and 10 */
	uint8_t ext[1 + 64 + 5] = { 0x40 };
	static const uint8_t ext2[] = { 0x81, 'a', 0, 0, 1, 0, 1 };

	(void)state;
	memset(ext + 1, 'a', 64);
	memcpy(ext + 65, "\0\0\1\0\1", 5);
	assert_int_equal(with_body(1, 0, past, sizeof(past)), -EBADMSG);
	assert_int_equal(with_body(1, 0, fwd, sizeof(fwd)), -EBADMSG);
	assert_int_equal(with_body(1, 0, half, sizeof(half)), -EBADMSG);
	assert_int_equal(with_body(1, 0, ext, sizeof(ext)), -EBADMSG);
	assert_int_equal(with_body(1, 0, ext2, sizeof(ext2)), -EBADMSG);
}

/* 255 bytes on the wire is the most a name may take. */
static void
test_name_length(void **state)
{
	uint8_t body[300];
	size_t n = 0;
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		body[n++] = i < 3 ? 63 : 61;
		memset(body + n, 'a' + i, body[n - 1]);
		n += body[n - 1];
	}
	body[n++] = 0;
	memcpy(body + n, "\0\1\0\1", 4);
	assert_int_equal(with_body(1, 0, body, n + 4), 0);
	assert_int_equal(strlen(dns.qname), 253);
	assert_int_equal(dns.qname[63], '.');

	body[63 * 3 + 3] = 62;	/* one byte more: 256 */
	memmove(body + 255, body + 254, 5);
	body[254] = 'e';
	assert_int_equal(with_body(1, 0, body, n + 5), -EBADMSG);
}

static void
test_odd_names(void **state)
{
	static const uint8_t root[] = { 0, 0, 2, 0, 1 };
	static const uint8_t odd[] = { 3, 'a', '.', 0x01, 2, 'b', ' ', 0,
	    0, 1, 0, 1 };

	(void)state;
	assert_int_equal(with_body(1, 0, root, sizeof(root)), 0);
	assert_string_equal(dns.qname, ".");
	assert_int_equal(dns.qtype, 2);
	/* a dot or control byte inside a label is not shown as such */
	assert_int_equal(with_body(1, 0, odd, sizeof(odd)), 0);
	assert_string_equal(dns.qname, "a??.b?");
	/* no question at all */
	assert_int_equal(with_body(0, 0, root, 0), 0);
	assert_false(dns.has_question);
	assert_string_equal(dns.qname, "");
	assert_int_equal(dns.n_answers, 0);
}

static void
test_many_answers(void **state)
{
	uint8_t body[12 * 16 + 5] = { 0, 0, 1, 0, 1 };
	size_t n = 5;
	int i;

	(void)state;
	for (i = 0; i < 12; i++) {
		static const uint8_t rr[] = { 0, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4 };

		memcpy(body + n, rr, sizeof(rr));
		n += sizeof(rr);
		body[n++] = 10;
		body[n++] = 0;
		body[n++] = 0;
		body[n++] = (uint8_t)i;
	}
	assert_int_equal(with_body(1, 12, body, n), 0);
	assert_int_equal(dns.n_answers, CD_DNS_MAX_ANSWERS);
	assert_memory_equal(dns.answers[7].addr, IP4(10, 0, 0, 7), 4);
	assert_false(dns.truncated);
}

static void
test_damaged_answers(void **state)
{
	/* a CNAME whose name runs past its rdata length */
	static const uint8_t cname[] = { 0, 0, 1, 0, 1,
	    0, 0, 5, 0, 1, 0, 0, 0, 9, 0, 2, 1, 'x', 0 };
	/* a CNAME followed by junk inside its rdata */
	static const uint8_t junk[] = { 0, 0, 1, 0, 1,
	    0, 0, 5, 0, 1, 0, 0, 0, 9, 0, 5, 1, 'x', 0, 7, 7 };
	/* an A whose rdata length runs past the message */
	static const uint8_t a[] = { 0, 0, 1, 0, 1,
	    0, 0, 1, 0, 1, 0, 0, 0, 9, 0, 9, 1, 2, 3, 4 };
	/* a question count that promises more than is there */
	static const uint8_t q[] = { 0, 0, 1, 0, 1 };

	(void)state;
	assert_int_equal(with_body(1, 1, cname, sizeof(cname)), 0);
	assert_true(dns.truncated);
	assert_int_equal(dns.n_answers, 0);
	assert_int_equal(with_body(1, 1, junk, sizeof(junk)), 0);
	assert_true(dns.truncated);
	assert_int_equal(dns.n_answers, 0);
	assert_int_equal(with_body(1, 1, a, sizeof(a)), 0);
	assert_true(dns.truncated);
	assert_int_equal(dns.n_answers, 0);
	assert_int_equal(with_body(2, 0, q, sizeof(q)), -EBADMSG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_pointer_chain),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_compression_loops),
		cmocka_unit_test(test_bad_pointers),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_odd_names),
		cmocka_unit_test(test_many_answers),
		cmocka_unit_test(test_damaged_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
