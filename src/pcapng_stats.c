/*
 * pcapng's blocks (draft-ietf-opsawg-pcapng): the Section Header Block
 * sets the byte order for the blocks after it, each Interface Description
 * Block is the next interface of its section, and an Interface Statistics
 * Block carries an interface's counters.  Only those three are read; the
 * others (the packets) are skipped by their length.  Every block's
 * lengths are checked before anything in it is used, and nothing from a
 * block is kept unless the whole block is sound.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "pcapng_stats.h"

#define BT_SHB		0x0A0D0D0AU	/* the same in either byte order */
#define BT_IDB		1U
#define BT_ISB		5U
#define BYTE_ORDER_MAGIC 0x1A2B3C4DU
#define SHB_MIN		28	/* up to the section length, and a trailer */
#define IDB_FIXED	8	/* link type, reserved, snaplen */
#define ISB_FIXED	12	/* interface, timestamp high, low */

#define OPT_END		0
#define OPT_IF_NAME	2
#define OPT_IF_TSRESOL	9
#define OPT_IF_TSOFFSET	14
#define OPT_ISB_IFDROP	5
#define OPT_ISB_OSDROP	7

/* Past this (year 9999) a time is nonsense, and kept far from overflow. */
#define MAX_SECS	253402300799LL

struct walk {
	FILE			*f;
	struct cd_pcapng_drops	*out;
	bool			 be;		/* the section is big-endian */
	uint32_t		 sec_base;	/* ifs[] of its interface 0 */
	uint32_t		 sec_ifs;	/* IDBs seen in the section */
};

struct opt {
	uint16_t	 code;
	uint16_t	 len;
	const uint8_t	*v;
};

static uint32_t
get32(const struct walk *w, const uint8_t *p)
{
	if (w->be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static uint16_t
get16(const struct walk *w, const uint8_t *p)
{
	return w->be ? (uint16_t)(p[0] << 8 | p[1]) :
	    (uint16_t)(p[1] << 8 | p[0]);
}

/* A 64-bit option value: one integer in the section's byte order. */
static uint64_t
get64(const struct walk *w, const uint8_t *p)
{
	if (w->be)
		return (uint64_t)get32(w, p) << 32 | get32(w, p + 4);
	return (uint64_t)get32(w, p + 4) << 32 | get32(w, p);
}

uint64_t
cd_pcapng_if_dropped(const struct cd_pcapng_if *pi)
{
	return pi->ifdrop > UINT64_MAX - pi->osdrop ? UINT64_MAX :
	    pi->ifdrop + pi->osdrop;
}

/*
 * The option at *off of the len bytes at p: 1 and *o, 0 at the end (the
 * area's end or opt_endofopt), -EBADMSG when its value (padded to 4)
 * overruns the area.
 */
static int
next_option(const struct walk *w, const uint8_t *p, size_t len, size_t *off,
    struct opt *o)
{
	size_t padded;

	if (*off >= len)
		return 0;
	if (len - *off < 4)
		return -EBADMSG;
	o->code = get16(w, p + *off);
	o->len = get16(w, p + *off + 2);
	o->v = p + *off + 4;
	*off += 4;
	if (o->code == OPT_END)
		return 0;
	padded = ((size_t)o->len + 3) & ~(size_t)3;
	if (padded > len - *off)
		return -EBADMSG;
	*off += padded;
	return 1;
}

/* if_tsresol: 10^-n or 2^-n seconds; 0 when no uint64_t holds the unit. */
static uint64_t
tsresol(uint8_t r)
{
	uint64_t	per_sec = 1;
	unsigned	n = r & 0x7f;

	if (r & 0x80)
		return n < 64 ? (uint64_t)1 << n : 0;
	if (n > 19)
		return 0;
	while (n-- > 0)
		per_sec *= 10;
	return per_sec;
}

/* A name fit for a subject and a log line: printable ASCII only. */
static void
copy_name(char *dst, const uint8_t *v, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < CD_PCAPNG_NAME_MAX - 1 && v[i] != '\0';
	    i++)
		dst[i] = v[i] >= 0x20 && v[i] < 0x7f ? (char)v[i] : '?';
	dst[i] = '\0';
}

static int
on_shb(struct walk *w, const uint8_t *p, size_t len)
{
	struct opt	o;
	size_t		off = 0;
	int		rc;

	/* A major version other than 1 is a format we cannot read. */
	if (get16(w, p) != 1)
		return -EBADMSG;
	while ((rc = next_option(w, p + 12, len - 12, &off, &o)) > 0)
		;
	if (rc < 0)
		return rc;
	w->out->sections++;
	w->sec_base = w->out->nifs;
	w->sec_ifs = 0;
	return 0;
}

static void
idb_option(const struct walk *w, struct cd_pcapng_if *pi, const struct opt *o)
{
	switch (o->code) {
	case OPT_IF_NAME:
		copy_name(pi->name, o->v, o->len);
		break;
	case OPT_IF_TSRESOL:
		if (o->len == 1)
			pi->ts_per_sec = tsresol(o->v[0]);
		break;
	case OPT_IF_TSOFFSET:
		if (o->len == 8)
			pi->ts_offset = (int64_t)get64(w, o->v);
		break;
	}
}

static int
on_idb(struct walk *w, const uint8_t *p, size_t len)
{
	struct cd_pcapng_if	pi;
	struct opt		o;
	size_t			off = 0;
	int			rc;

	if (len < IDB_FIXED)
		return -EBADMSG;
	memset(&pi, 0, sizeof(pi));
	pi.ts_per_sec = 1000000;	/* the default: microseconds */
	while ((rc = next_option(w, p + IDB_FIXED, len - IDB_FIXED, &off,
	    &o)) > 0)
		idb_option(w, &pi, &o);
	if (rc < 0)
		return rc;
	pi.section = w->out->sections - 1;
	pi.id = w->sec_ifs++;
	/* Once full, every later interface is left out: ids stay a prefix. */
	if (w->out->nifs < CD_PCAPNG_MAX_IFS)
		w->out->ifs[w->out->nifs++] = pi;
	return 0;
}

/* ts in the interface's unit, as ms since the epoch; false if nonsense. */
static bool
ts_ms(const struct cd_pcapng_if *pi, uint64_t ts, int64_t *ms)
{
	uint64_t	sec, frac, fms;
	int64_t		s;

	if (ts == 0 || pi->ts_per_sec == 0)
		return false;
	sec = ts / pi->ts_per_sec;
	frac = ts % pi->ts_per_sec;
	if (pi->ts_per_sec <= UINT64_MAX / 1000)
		fms = frac * 1000 / pi->ts_per_sec;
	else
		fms = frac / (pi->ts_per_sec / 1000);
	if (sec > MAX_SECS || pi->ts_offset > MAX_SECS ||
	    pi->ts_offset < -MAX_SECS)
		return false;
	s = (int64_t)sec + pi->ts_offset;
	if (s < 0 || s > MAX_SECS)
		return false;
	*ms = s * 1000 + (int64_t)(fms > 999 ? 999 : fms);
	return true;
}

static int
on_isb(struct walk *w, const uint8_t *p, size_t len)
{
	struct cd_pcapng_if	*pi;
	struct opt		 o;
	uint64_t		 drop[2] = { 0, 0 };
	bool			 has[2] = { false, false };
	uint32_t		 id;
	size_t			 off = 0;
	int			 rc, i;

	if (len < ISB_FIXED)
		return -EBADMSG;
	while ((rc = next_option(w, p + ISB_FIXED, len - ISB_FIXED, &off,
	    &o)) > 0) {
		i = o.code == OPT_ISB_IFDROP ? 0 :
		    o.code == OPT_ISB_OSDROP ? 1 : -1;
		if (i >= 0 && o.len == 8) {
			drop[i] = get64(w, o.v);
			has[i] = true;
		}
	}
	if (rc < 0)
		return rc;
	/* An ISB for an interface not (yet) described is ignored. */
	id = get32(w, p);
	if (id >= w->sec_ifs || id >= w->out->nifs - w->sec_base)
		return 0;
	pi = &w->out->ifs[w->sec_base + id];
	if (has[0])
		pi->ifdrop = drop[0];
	if (has[1])
		pi->osdrop = drop[1];
	pi->has_drops |= has[0] || has[1];
	pi->ts_valid = ts_ms(pi, (uint64_t)get32(w, p + 4) << 32 |
	    get32(w, p + 8), &pi->ts_ms);
	return 0;
}

/*
 * The next block's type and total length; an SHB's byte-order magic is
 * read too, and sets the byte order of its length and of the blocks
 * after it.  1 at a clean end of file, -EBADMSG for a cut-off header or
 * an unknown magic.
 */
static int
read_header(struct walk *w, uint32_t *type, uint32_t *len)
{
	uint8_t	h[12];
	size_t	n;

	if ((n = fread(h, 1, 8, w->f)) == 0 && !ferror(w->f))
		return 1;
	if (n < 8)
		return -EBADMSG;
	*type = get32(w, h);
	if (*type == BT_SHB) {
		if (fread(h + 8, 1, 4, w->f) != 4)
			return -EBADMSG;
		w->be = h[8] == 0x1A;
		if (get32(w, h + 8) != BYTE_ORDER_MAGIC)
			return -EBADMSG;
	}
	*len = get32(w, h + 4);
	return 0;
}

/* The trailing total length, which must repeat the first. */
static int
read_trailer(struct walk *w, uint32_t len)
{
	uint8_t t[4];

	if (fread(t, 1, 4, w->f) != 4 || get32(w, t) != len)
		return -EBADMSG;
	return 0;
}

static int
parse_body(struct walk *w, uint32_t type, const uint8_t *p, size_t body)
{
	switch (type) {
	case BT_SHB:
		return on_shb(w, p, body);
	case BT_IDB:
		return on_idb(w, p, body);
	case BT_ISB:
		return on_isb(w, p, body);
	}
	return 0;
}

/*
 * A body read into a buffer of its exact size (so a sanitizer sees any
 * read past it), then parsed.
 */
static int
read_body(struct walk *w, uint32_t type, uint32_t len, size_t body)
{
	uint8_t	*p;
	int	 rc = -EBADMSG;

	if (body > CD_PCAPNG_META_MAX)
		return -EBADMSG;
	if ((p = malloc(body > 0 ? body : 1)) == NULL)
		return -ENOMEM;
	if (fread(p, 1, body, w->f) == body)
		rc = 0;
	if (rc == 0 && (rc = read_trailer(w, len)) == 0)
		rc = parse_body(w, type, p, body);
	free(p);
	return rc;
}

/*
 * The rest of a block whose header was read: its body (read for the
 * types we parse, skipped otherwise) and its trailing length.  0, or
 * -EBADMSG (-ENOMEM), which ends the walk.
 */
static int
walk_block(struct walk *w, uint32_t type, uint32_t len)
{
	size_t	body;
	int	rc;

	if (len < 12 || len % 4 != 0 || len > CD_PCAPNG_BLOCK_MAX ||
	    (type == BT_SHB && len < SHB_MIN))
		return -EBADMSG;
	body = len - 12 - (type == BT_SHB ? 4 : 0);	/* less the magic */
	if (type == BT_SHB || type == BT_IDB || type == BT_ISB)
		rc = read_body(w, type, len, body);
	else if (fseeko(w->f, (off_t)body, SEEK_CUR) != 0)
		rc = -EBADMSG;
	else
		rc = read_trailer(w, len);
	if (rc == 0)
		w->out->blocks++;
	return rc;
}

int
cd_pcapng_drops(FILE *f, struct cd_pcapng_drops *out)
{
	struct walk	w;
	uint32_t	type, len;
	int		rc;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.f = f;
	w.out = out;
	rc = read_header(&w, &type, &len);
	if (rc != 0 || type != BT_SHB)
		return ferror(f) ? -EIO : -EINVAL;
	/* Each turn consumes a whole block of at least 12 bytes. */
	do {
		rc = walk_block(&w, type, len);
		if (rc == 0)
			rc = read_header(&w, &type, &len);
	} while (rc == 0);
	out->damaged = rc < 0;
	return 0;
}
