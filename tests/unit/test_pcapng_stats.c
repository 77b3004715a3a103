/*
 * The pcapng walk for drop counters, on files built byte by byte here:
 * either byte order, two interfaces, several ISBs (the last counts),
 * several sections, no ISB; and damage (every truncation, bogus lengths,
 * options overrunning their block) that must stop the walk cleanly with
 * what came before it.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pcapng_stats.h"

#define T_SEC		1700000000ULL	/* the ISBs' time, in seconds */
#define NO_DROP		UINT64_MAX	/* an ISB without that option */

/* A pcapng file under construction, in one byte order. */
struct file {
	uint8_t	b[200000];
	size_t	n;
	bool	be;
};

static struct file		fb;
static struct cd_pcapng_drops	pd;

/* v in bytes bytes, in the file's order; past 8 bytes, zeros. */
static void
put(struct file *f, uint64_t v, int bytes)
{
	int shift;

	for (int i = 0; i < bytes; i++) {
		shift = 8 * (f->be ? bytes - 1 - i : i);
		f->b[f->n + (size_t)i] = shift < 64 ? (uint8_t)(v >> shift) : 0;
	}
	f->n += (size_t)bytes;
}

static void
put_at(struct file *f, size_t at, uint32_t v)
{
	size_t n = f->n;

	f->n = at;
	put(f, v, 4);
	f->n = n;
}

/* The block's type and a length patched by block_end. */
static size_t
block_begin(struct file *f, uint32_t type)
{
	size_t at = f->n;

	put(f, type, 4);
	put(f, 0, 4);
	return at;
}

static void
block_end(struct file *f, size_t at)
{
	while (f->n % 4 != 0)
		f->b[f->n++] = 0;
	put(f, (uint32_t)(f->n + 4 - at), 4);
	put_at(f, at + 4, (uint32_t)(f->n - at));
}

static void
option(struct file *f, uint16_t code, const void *v, uint16_t len)
{
	put(f, code, 2);
	put(f, len, 2);
	memcpy(f->b + f->n, v, len);
	f->n += len;
	while (f->n % 4 != 0)
		f->b[f->n++] = 0;
}

static void
option64(struct file *f, uint16_t code, uint64_t v)
{
	put(f, code, 2);
	put(f, 8, 2);
	put(f, v, 8);
}

static void
shb(struct file *f, bool be)
{
	size_t at;

	f->be = be;
	at = block_begin(f, 0x0A0D0D0A);
	put(f, 0x1A2B3C4D, 4);
	put(f, 1, 2);
	put(f, 0, 2);
	put(f, UINT64_MAX, 8);	/* section length: not given */
	option(f, 4, "test", 4);	/* shb_userappl */
	put(f, 0, 4);		/* opt_endofopt */
	block_end(f, at);
}

/* An IDB's link type (Ethernet), reserved and snaplen. */
static void
idb_fixed(struct file *f)
{
	put(f, 1, 2);
	put(f, 0, 2);
	put(f, 65535, 4);
}

static void
idb(struct file *f, const char *name)
{
	size_t at = block_begin(f, 1);

	idb_fixed(f);
	if (name != NULL)
		option(f, 2, name, (uint16_t)strlen(name));
	block_end(f, at);
}

/* An ISB at T_SEC + s seconds (microseconds, the default unit). */
static size_t
isb(struct file *f, uint32_t id, uint64_t s, uint64_t ifdrop,
    uint64_t osdrop)
{
	uint64_t	ts = (T_SEC + s) * 1000000;
	size_t		at = block_begin(f, 5);

	put(f, id, 4);
	put(f, ts >> 32, 4);
	put(f, ts & 0xffffffff, 4);
	option64(f, 4, 5000);	/* isb_ifrecv */
	if (ifdrop != NO_DROP)
		option64(f, 5, ifdrop);
	if (osdrop != NO_DROP)
		option64(f, 7, osdrop);
	put(f, 0, 4);
	block_end(f, at);
	return at;
}

static void
epb(struct file *f, uint32_t id, size_t caplen)
{
	size_t at = block_begin(f, 6);

	put(f, id, 4);
	put(f, 0, 8);
	put(f, caplen, 4);
	put(f, caplen, 4);
	memset(f->b + f->n, 0xab, caplen);
	f->n += caplen;
	block_end(f, at);
}

/* Walk the first n bytes of f, from an exact-size copy. */
static int
walk(const struct file *f, size_t n)
{
	uint8_t	*copy = malloc(n > 0 ? n : 1);
	FILE	*fp;
	int	 rc;

	assert_non_null(copy);
	memcpy(copy, f->b, n);
	fp = n > 0 ? fmemopen(copy, n, "rb") : fopen("/dev/null", "rb");
	assert_non_null(fp);
	rc = cd_pcapng_drops(fp, &pd);
	fclose(fp);
	free(copy);
	return rc;
}

static void
two_interfaces(bool be)
{
	memset(&fb, 0, sizeof(fb));
	shb(&fb, be);
	idb(&fb, "eth0");
	idb(&fb, NULL);
	epb(&fb, 0, 60);
	epb(&fb, 1, 61);
	isb(&fb, 0, 10, 1200, 34);
	isb(&fb, 1, 11, 5, NO_DROP);
}

static void
check_two_interfaces(void)
{
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_false(pd.damaged);
	assert_int_equal(pd.sections, 1);
	assert_int_equal(pd.blocks, 7);
	assert_int_equal(pd.nifs, 2);
	assert_string_equal(pd.ifs[0].name, "eth0");
	assert_int_equal(pd.ifs[0].id, 0);
	assert_true(pd.ifs[0].has_drops);
	assert_int_equal(pd.ifs[0].ifdrop, 1200);
	assert_int_equal(pd.ifs[0].osdrop, 34);
	assert_int_equal(cd_pcapng_if_dropped(&pd.ifs[0]), 1234);
	assert_true(pd.ifs[0].ts_valid);
	assert_int_equal(pd.ifs[0].ts_ms, (T_SEC + 10) * 1000);
	assert_string_equal(pd.ifs[1].name, "");
	assert_int_equal(pd.ifs[1].id, 1);
	assert_int_equal(pd.ifs[1].ifdrop, 5);
	assert_int_equal(pd.ifs[1].osdrop, 0);
	assert_int_equal(pd.ifs[1].ts_ms, (T_SEC + 11) * 1000);
}

static void
test_little_endian(void **state)
{
	(void)state;
	two_interfaces(false);
	check_two_interfaces();
}

static void
test_big_endian(void **state)
{
	(void)state;
	two_interfaces(true);
	check_two_interfaces();
}

/* Counters are cumulative: the last ISB's count, not their sum. */
static void
test_last_isb_wins(void **state)
{
	(void)state;
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	idb(&fb, "eth0");
	isb(&fb, 0, 1, 10, 1);
	epb(&fb, 0, 60);
	isb(&fb, 0, 2, 20, NO_DROP);	/* osdrop left out: 1 still */
	isb(&fb, 0, 3, 15, 3);
	isb(&fb, 0, 4, NO_DROP, NO_DROP);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_false(pd.damaged);
	assert_int_equal(pd.ifs[0].ifdrop, 15);
	assert_int_equal(pd.ifs[0].osdrop, 3);
	assert_int_equal(pd.ifs[0].ts_ms, (T_SEC + 4) * 1000);
	memset(&fb, 0, sizeof(fb));
	shb(&fb, true);
	idb(&fb, "eth0");
	isb(&fb, 0, 1, 10, 1);
	isb(&fb, 0, 2, 20, NO_DROP);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_int_equal(pd.ifs[0].ifdrop, 20);
	assert_int_equal(pd.ifs[0].osdrop, 1);
}

static void
test_no_isb(void **state)
{
	(void)state;
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	idb(&fb, "eth0");
	epb(&fb, 0, 100);
	epb(&fb, 0, 1);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_false(pd.damaged);
	assert_int_equal(pd.nifs, 1);
	assert_false(pd.ifs[0].has_drops);
	assert_false(pd.ifs[0].ts_valid);
	assert_int_equal(cd_pcapng_if_dropped(&pd.ifs[0]), 0);
	/* Zero drops recorded: known, and zero. */
	isb(&fb, 0, 5, 0, 0);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_true(pd.ifs[0].has_drops);
	assert_int_equal(cd_pcapng_if_dropped(&pd.ifs[0]), 0);
}

static void
test_not_pcapng(void **state)
{
	static const uint8_t pcap[] = {
		0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xff, 0xff, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	};

	(void)state;
	memset(&fb, 0, sizeof(fb));
	memcpy(fb.b, pcap, sizeof(pcap));
	assert_int_equal(walk(&fb, sizeof(pcap)), -EINVAL);
	assert_int_equal(walk(&fb, 0), -EINVAL);
	memcpy(fb.b, "hello, world", 12);
	assert_int_equal(walk(&fb, 12), -EINVAL);
	/* An SHB type with a byte-order magic that is neither. */
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	fb.b[8] = 0x4e;
	assert_int_equal(walk(&fb, fb.n), -EINVAL);
	assert_int_equal(pd.nifs, 0);
}

/*
 * Cut anywhere: never a crash; before the first SHB's magic it is not
 * pcapng; otherwise the walk is damaged exactly when the cut is inside
 * a block, and the counters are there exactly when the ISB is whole.
 */
static void
test_every_truncation(void **state)
{
	size_t	ends[16], nends = 0, isb_end, n, i;
	bool	boundary;

	(void)state;
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	ends[nends++] = fb.n;
	idb(&fb, "eth0");
	ends[nends++] = fb.n;
	epb(&fb, 0, 30);
	ends[nends++] = fb.n;
	isb(&fb, 0, 1, 7, 8);
	isb_end = ends[nends++] = fb.n;
	for (n = 0; n < fb.n; n++) {
		if (n < 12) {
			assert_int_equal(walk(&fb, n), -EINVAL);
			continue;
		}
		assert_int_equal(walk(&fb, n), 0);
		for (boundary = false, i = 0; i < nends; i++)
			boundary |= ends[i] == n;
		assert_int_equal(pd.damaged, !boundary);
		assert_int_equal(pd.nifs, n >= ends[1] ? 1 : 0);
		if (n >= ends[1])
			assert_int_equal(pd.ifs[0].has_drops, n >= isb_end);
	}
}

#define ISB_LEN	64	/* what isb() writes, with both drop counters */

/* The first ISB's length replaced: the walk stops there, the IDB kept. */
static void
bogus_isb_length(uint32_t len, bool trailer_only)
{
	size_t at;

	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	idb(&fb, "eth0");
	at = isb(&fb, 0, 1, 7, 8);
	assert_int_equal(fb.n - at, ISB_LEN);
	isb(&fb, 0, 2, 9, 9);
	if (!trailer_only)
		put_at(&fb, at + 4, len);
	put_at(&fb, at + ISB_LEN - 4, len);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_true(pd.damaged);
	assert_int_equal(pd.nifs, 1);
	assert_false(pd.ifs[0].has_drops);
}

static void
test_bogus_lengths(void **state)
{
	(void)state;
	bogus_isb_length(0, false);
	bogus_isb_length(8, false);
	bogus_isb_length(ISB_LEN - 2, false);	/* not a multiple of 4 */
	bogus_isb_length(ISB_LEN + 4, false);	/* into the next block */
	bogus_isb_length(ISB_LEN - 4, false);
	bogus_isb_length(1 << 20, false);	/* above CD_PCAPNG_META_MAX */
	bogus_isb_length(0xfffffff0, false);	/* past the end */
	bogus_isb_length(CD_PCAPNG_BLOCK_MAX + 4, false);
	bogus_isb_length(ISB_LEN + 4, true);	/* the trailer differs */
	bogus_isb_length(ISB_LEN << 24, true);	/* in the other order */
}

/* Lengths of skipped blocks are checked too, big ones skipped whole. */
static void
test_skipped_blocks(void **state)
{
	size_t at;

	(void)state;
	memset(&fb, 0, sizeof(fb));
	shb(&fb, true);
	idb(&fb, "eth0");
	epb(&fb, 0, 150000);
	isb(&fb, 0, 1, 7, 8);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_false(pd.damaged);
	assert_int_equal(pd.ifs[0].ifdrop, 7);
	memset(&fb, 0, sizeof(fb));
	shb(&fb, true);
	idb(&fb, "eth0");
	at = fb.n;
	epb(&fb, 0, 10);
	isb(&fb, 0, 1, 7, 8);
	assert_int_equal(fb.b[at + 7], 44);
	put_at(&fb, at + 4, 48);	/* the EPB's length, 4 too many */
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_true(pd.damaged);
	assert_false(pd.ifs[0].has_drops);
	put_at(&fb, at + 4, 1 << 24);	/* past the end of the file */
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_true(pd.damaged);
	assert_false(pd.ifs[0].has_drops);
}

/* An ISB or IDB too big to read in full is damage, not a huge read. */
static void
test_oversized_block(void **state)
{
	size_t at;

	(void)state;
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	at = block_begin(&fb, 1);
	idb_fixed(&fb);
	for (int i = 0; i < 17; i++) {
		put(&fb, 3, 2);		/* if_description, 4 KiB each */
		put(&fb, 4096, 2);
		memset(fb.b + fb.n, 'x', 4096);
		fb.n += 4096;
	}
	block_end(&fb, at);
	assert_true(fb.n - at - 12 > CD_PCAPNG_META_MAX);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_true(pd.damaged);
	assert_int_equal(pd.nifs, 0);
}

/*
 * An option claiming more than its block holds: in an IDB (where 0) or
 * an ISB after a sound drop counter (where 1).
 */
static void
overrun(uint16_t code, uint16_t len, int where)
{
	size_t at;

	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	if (where == 0) {		/* in the IDB */
		at = block_begin(&fb, 1);
		idb_fixed(&fb);
	} else {
		idb(&fb, "eth0");
		at = block_begin(&fb, 5);
		put(&fb, 0, 12);
		option64(&fb, 5, 7);
	}
	put(&fb, code, 2);
	put(&fb, len, 2);
	put(&fb, 0, 8);
	block_end(&fb, at);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_true(pd.damaged);
	assert_int_equal(pd.nifs, where == 0 ? 0 : 1);
	if (where != 0)
		assert_false(pd.ifs[0].has_drops);
}

static void
test_options_overrun(void **state)
{
	(void)state;
	overrun(2, 12, 0);
	overrun(2, 9, 0);		/* padded to 12 */
	overrun(2, 0xffff, 0);
	overrun(7, 9, 1);
	overrun(7, 0xffff, 1);
	/* Exactly full is fine: 8 bytes of value, no end marker. */
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	idb(&fb, "eth0");
	{
		size_t at = block_begin(&fb, 5);

		put(&fb, 0, 12);
		option64(&fb, 7, 99);
		block_end(&fb, at);
	}
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_false(pd.damaged);
	assert_int_equal(pd.ifs[0].osdrop, 99);
	assert_false(pd.ifs[0].ts_valid);	/* time 0: unknown */
}

/* Drop options of the wrong size are ignored, not misread. */
static void
test_odd_options(void **state)
{
	size_t at;

	(void)state;
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	idb(&fb, "eth0");
	at = block_begin(&fb, 5);
	put(&fb, 0, 12);
	option(&fb, 5, "\1\2\3\4", 4);
	option(&fb, 7, "\1\2\3\4\5\6\7\10\11", 9);
	option(&fb, 0x8123, "x", 1);	/* a custom one */
	put(&fb, 0, 4);
	option64(&fb, 5, 42);		/* after the end marker */
	block_end(&fb, at);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_false(pd.damaged);
	assert_false(pd.ifs[0].has_drops);
}

/*
 * Sections restart the interface numbering and may change byte order;
 * an ISB names an interface of its own section, or none.
 */
static void
test_sections(void **state)
{
	(void)state;
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	idb(&fb, "eth0");
	isb(&fb, 0, 1, 10, 0);
	isb(&fb, 3, 1, 99, 99);		/* no interface 3 */
	shb(&fb, true);
	isb(&fb, 0, 2, 77, 77);		/* none described yet */
	idb(&fb, "wlan0");
	idb(&fb, "eth0");
	isb(&fb, 0, 2, 0, 3);
	isb(&fb, 1, 3, 20, 5);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_false(pd.damaged);
	assert_int_equal(pd.sections, 2);
	assert_int_equal(pd.nifs, 3);
	assert_int_equal(pd.ifs[0].section, 0);
	assert_int_equal(pd.ifs[0].ifdrop, 10);
	assert_string_equal(pd.ifs[1].name, "wlan0");
	assert_int_equal(pd.ifs[1].section, 1);
	assert_int_equal(pd.ifs[1].id, 0);
	assert_int_equal(cd_pcapng_if_dropped(&pd.ifs[1]), 3);
	assert_int_equal(pd.ifs[2].id, 1);
	assert_int_equal(cd_pcapng_if_dropped(&pd.ifs[2]), 25);
}

/* A section of a major version we cannot read ends the walk. */
static void
test_section_version(void **state)
{
	size_t at;

	(void)state;
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	idb(&fb, "eth0");
	at = fb.n;
	shb(&fb, false);
	fb.b[at + 12] = 2;
	isb(&fb, 0, 1, 10, 0);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_true(pd.damaged);
	assert_int_equal(pd.sections, 1);
	assert_false(pd.ifs[0].has_drops);
}

static void
idb_ts(struct file *f, int resol, int64_t offset)
{
	size_t	at = block_begin(f, 1);
	uint8_t	r = (uint8_t)resol;

	idb_fixed(f);
	if (resol >= 0)
		option(f, 9, &r, 1);
	if (offset != 0)
		option64(f, 14, (uint64_t)offset);
	block_end(f, at);
}

static void
isb_raw(struct file *f, uint32_t id, uint64_t ts)
{
	size_t at = block_begin(f, 5);

	put(f, id, 4);
	put(f, ts >> 32, 4);
	put(f, ts & 0xffffffff, 4);
	option64(f, 5, 1);
	block_end(f, at);
}

/* if_tsresol and if_tsoffset: the ISB's time in ms since the epoch. */
static void
test_timestamps(void **state)
{
	(void)state;
	memset(&fb, 0, sizeof(fb));
	shb(&fb, true);
	idb_ts(&fb, 9, 0);			/* nanoseconds */
	idb_ts(&fb, 0x80 | 10, 0);		/* 1/1024 s */
	idb_ts(&fb, 0, 3600);			/* seconds, an hour late */
	idb_ts(&fb, 20, 0);			/* 10^-20: no uint64 unit */
	idb_ts(&fb, 0x80 | 63, 0);		/* 2^-63 */
	idb_ts(&fb, -1, INT64_MIN);		/* an absurd offset */
	isb_raw(&fb, 0, 1700000000123456789ULL);
	isb_raw(&fb, 1, (1700000000ULL << 10) | 512);
	isb_raw(&fb, 2, 1700000000ULL);
	isb_raw(&fb, 3, 1700000000ULL);
	isb_raw(&fb, 4, UINT64_MAX);
	isb_raw(&fb, 5, 1700000000000000ULL);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_false(pd.damaged);
	assert_int_equal(pd.nifs, 6);
	assert_true(pd.ifs[0].ts_valid);
	assert_int_equal(pd.ifs[0].ts_ms, 1700000000123LL);
	assert_int_equal(pd.ifs[1].ts_ms, 1700000000500LL);
	assert_int_equal(pd.ifs[2].ts_ms, (1700000000LL + 3600) * 1000);
	assert_false(pd.ifs[3].ts_valid);
	assert_true(pd.ifs[4].ts_valid);	/* 1.99 s after 1970 */
	assert_int_equal(pd.ifs[4].ts_ms, 1999);
	assert_false(pd.ifs[5].ts_valid);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(pd.ifs[i].ifdrop, 1);
}

/* Names: printable ASCII, cut to fit; a NUL ends one early. */
static void
test_names(void **state)
{
	char	long_name[200];
	size_t	at;

	(void)state;
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	idb(&fb, long_name);
	idb(&fb, "br\033[31m-lan\n");
	at = block_begin(&fb, 1);
	idb_fixed(&fb);
	option(&fb, 2, "eth1\0junk", 9);
	block_end(&fb, at);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_false(pd.damaged);
	assert_int_equal(pd.nifs, 3);
	assert_int_equal(strlen(pd.ifs[0].name), CD_PCAPNG_NAME_MAX - 1);
	assert_string_equal(pd.ifs[1].name, "br?[31m-lan?");
	assert_string_equal(pd.ifs[2].name, "eth1");
}

/* Past CD_PCAPNG_MAX_IFS interfaces, the rest are left out. */
static void
test_many_interfaces(void **state)
{
	(void)state;
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	for (int i = 0; i < CD_PCAPNG_MAX_IFS + 6; i++)
		idb(&fb, NULL);
	isb(&fb, CD_PCAPNG_MAX_IFS - 1, 1, 3, 0);
	isb(&fb, CD_PCAPNG_MAX_IFS + 2, 1, 4, 0);
	shb(&fb, false);
	idb(&fb, "eth0");
	isb(&fb, 0, 1, 5, 0);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_false(pd.damaged);
	assert_int_equal(pd.nifs, CD_PCAPNG_MAX_IFS);
	assert_int_equal(pd.ifs[CD_PCAPNG_MAX_IFS - 1].ifdrop, 3);
	for (int i = 0; i < CD_PCAPNG_MAX_IFS - 1; i++)
		assert_false(pd.ifs[i].has_drops);
}

/* Counters near the top of uint64_t add up without wrapping. */
static void
test_huge_counters(void **state)
{
	(void)state;
	memset(&fb, 0, sizeof(fb));
	shb(&fb, false);
	idb(&fb, "eth0");
	isb(&fb, 0, 1, UINT64_MAX - 1, 5);
	assert_int_equal(walk(&fb, fb.n), 0);
	assert_true(cd_pcapng_if_dropped(&pd.ifs[0]) == UINT64_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_little_endian),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_last_isb_wins),
		cmocka_unit_test(test_no_isb),
		cmocka_unit_test(test_not_pcapng),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_bogus_lengths),
		cmocka_unit_test(test_skipped_blocks),
		cmocka_unit_test(test_oversized_block),
		cmocka_unit_test(test_options_overrun),
		cmocka_unit_test(test_odd_options),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_section_version),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_many_interfaces),
		cmocka_unit_test(test_huge_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
