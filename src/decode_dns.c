/*
 * DNS messages (RFC 1035 section 4): the header, the first question and
 * the answers a resolver gives for a host (A, AAAA, CNAME).  Names follow
 * compression pointers only backwards, to before the part of the name
 * that holds the pointer, so a hostile message cannot loop.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "decode.h"

#define DNS_HLEN	12
#define DNS_NAME_WIRE	255	/* RFC 1035 2.3.4 */
#define DNS_MAX_HOPS	64
#define DNS_CLASS_IN	1

/* Append one label to the presentation name; false when too long. */
static bool
name_label(char *buf, size_t *n, const uint8_t *label, size_t len)
{
	size_t i;

	if (buf == NULL)
		return true;
	if (*n + len + 2 > CD_DNS_NAME_MAX)
		return false;
	if (*n > 0)
		buf[(*n)++] = '.';
	for (i = 0; i < len; i++) {
		/* A dot or a control byte inside a label cannot be shown. */
		buf[(*n)++] = label[i] > 0x20 && label[i] < 0x7f &&
		    label[i] != '.' ? (char)label[i] : '?';
	}
	return true;
}

/*
 * The name at *off into buf (or only checked, buf NULL); *off moves past
 * it as it sits in the message.  0 or -EBADMSG.
 */
static int
dns_name(const uint8_t *m, size_t len, size_t *off, char *buf)
{
	size_t pos = *off, start = *off, end = 0, wire = 0, n = 0;
	unsigned hops = 0;
	uint8_t c;

	for (;;) {
		if (pos >= len)
			return -EBADMSG;
		c = m[pos];
		if ((c & 0xc0) == 0xc0) {
			if (len - pos < 2 || ++hops > DNS_MAX_HOPS)
				return -EBADMSG;
			if (end == 0)
				end = pos + 2;
			/* Strictly before where this part began: no loop. */
			pos = (size_t)(c & 0x3f) << 8 | m[pos + 1];
			if (pos >= start)
				return -EBADMSG;
			start = pos;
			continue;
		}
		if ((c & 0xc0) != 0)	/* the obsolete label types */
			return -EBADMSG;
		pos++;
		if ((wire += (size_t)c + 1) > DNS_NAME_WIRE)
			return -EBADMSG;
		if (c == 0)
			break;
		if (c > len - pos || !name_label(buf, &n, m + pos, c))
			return -EBADMSG;
		pos += c;
	}
	if (buf != NULL) {
		if (n == 0)
			buf[n++] = '.';
		buf[n] = '\0';
	}
	*off = end != 0 ? end : pos;
	return 0;
}

/* The first question; the others are skipped. */
static int
dns_questions(const uint8_t *m, size_t len, size_t *off, struct cd_dns *out)
{
	unsigned i;

	for (i = 0; i < out->qdcount; i++) {
		if (dns_name(m, len, off, i == 0 ? out->qname : NULL) < 0 ||
		    len - *off < 4)
			return -EBADMSG;
		if (i == 0) {
			out->qtype = cd_get16(m + *off);
			out->qclass = cd_get16(m + *off + 2);
			out->has_question = true;
		}
		*off += 4;
	}
	return 0;
}

/* Keep one answer if it is an A, AAAA or CNAME of class IN. */
static int
dns_answer(const uint8_t *m, size_t off, const uint8_t *rr, struct cd_dns *out)
{
	struct cd_dns_rr *a = &out->answers[out->n_answers];
	uint16_t type = cd_get16(rr), rdlen = cd_get16(rr + 8);
	size_t end = off + rdlen;

	/* mDNS sets the top bit of the class (cache flush). */
	if ((cd_get16(rr + 2) & 0x7fff) != DNS_CLASS_IN)
		return 0;
	if ((type == CD_DNS_A && rdlen == 4) ||
	    (type == CD_DNS_AAAA && rdlen == 16))
		memcpy(a->addr, m + off, rdlen);
	else if (type == CD_DNS_CNAME) {
		if (dns_name(m, end, &off, a->cname) < 0 || off != end)
			return -EBADMSG;
	} else
		return 0;
	a->type = type;
	a->ttl = cd_get32(rr + 4);
	out->n_answers++;
	return 0;
}

static void
dns_answers(const uint8_t *m, size_t len, size_t off, struct cd_dns *out)
{
	const uint8_t *rr;
	unsigned i;

	for (i = 0; i < out->ancount; i++) {
		if (out->n_answers == CD_DNS_MAX_ANSWERS)
			return;
		if (dns_name(m, len, &off, NULL) < 0 || len - off < 10)
			goto damaged;
		rr = m + off;
		off += 10;
		if (cd_get16(rr + 8) > len - off ||
		    dns_answer(m, off, rr, out) < 0)
			goto damaged;
		off += cd_get16(rr + 8);
	}
	return;
damaged:
	out->truncated = true;
}

int
cd_decode_dns(const uint8_t *p, size_t len, struct cd_dns *out)
{
	size_t off = DNS_HLEN;

	out->has_question = false;
	out->qname[0] = '\0';
	out->n_answers = 0;
	out->truncated = false;
	if (len < DNS_HLEN)
		return -EBADMSG;
	out->id = cd_get16(p);
	out->qr = (p[2] & 0x80) != 0;
	out->opcode = (p[2] >> 3) & 0x0f;
	out->tc = (p[2] & 0x02) != 0;
	out->rcode = p[3] & 0x0f;
	out->qdcount = cd_get16(p + 4);
	out->ancount = cd_get16(p + 6);
	out->nscount = cd_get16(p + 8);
	out->arcount = cd_get16(p + 10);
	out->qtype = out->qclass = 0;
	if (dns_questions(p, len, &off, out) < 0)
		return -EBADMSG;
	dns_answers(p, len, off, out);
	return 0;
}
