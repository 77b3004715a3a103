/*
 * RFC 5424 messages for remote syslog.  The header fields allow only
 * printable US-ASCII without spaces, so host and ident are cleaned; the
 * finding's words go into structured data, where a PARAM-VALUE may hold
 * any UTF-8 once '"', '\' and ']' are escaped, and into the free-form
 * message as the local syslog line reads.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "syslog5424.h"
#include "util.h"

static const char *const event_ids[] = { "raised", "changed", "cleared" };

static int
port_ok(const char *p)
{
	long	 v;
	char	*end;

	if (*p < '0' || *p > '9')
		return 0;
	v = strtol(p, &end, 10);
	return *end == '\0' && v >= 1 && v <= 65535;
}

int
cd_syslog_url_parse(const char *s, struct cd_syslog_url *u, char *err,
    size_t errlen)
{
	const char	*h, *colon, *end;
	size_t		 hl;

	memset(u, 0, sizeof(*u));
	if (strncmp(s, "udp://", 6) == 0)
		u->tcp = 0;
	else if (strncmp(s, "tcp://", 6) == 0)
		u->tcp = 1;
	else {
		snprintf(err, errlen, "expected udp://HOST:PORT or "
		    "tcp://HOST:PORT, got '%.80s'", s);
		return -EINVAL;
	}
	h = s + 6;
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL || end[1] != ':')
			goto bad;
		h++;
		colon = end + 1;
	} else {
		if ((colon = strrchr(h, ':')) == NULL ||
		    memchr(h, ':', (size_t)(colon - h)) != NULL)
			goto bad;
		end = colon;
	}
	hl = (size_t)(end - h);
	if (hl == 0 || hl >= sizeof(u->host) || strcspn(h, " \t/") < hl ||
	    !port_ok(colon + 1))
		goto bad;
	memcpy(u->host, h, hl);
	snprintf(u->port, sizeof(u->port), "%s", colon + 1);
	return 0;
bad:
	snprintf(err, errlen, "expected %s://HOST:PORT (a port from 1 to "
	    "65535; an IPv6 address in brackets), got '%.80s'",
	    u->tcp ? "tcp" : "udp", s);
	return -EINVAL;
}

/* The length of the UTF-8 sequence that starts with c (1 if malformed). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

size_t
cd_syslog_sd_escape(char *dst, const char *src, size_t max)
{
	size_t	i = 0, o = 0, n;

	while (src[i] != '\0') {
		n = utf8_len((unsigned char)src[i]);
		if (i + n > max || strnlen(src + i, n) < n)
			break;
		if (src[i] == '"' || src[i] == '\\' || src[i] == ']')
			dst[o++] = '\\';
		memcpy(dst + o, src + i, n);
		o += n;
		i += n;
	}
	dst[o] = '\0';
	return o;
}

/* A header field: printable US-ASCII, no spaces, at most max; "-" if none. */
static void
header_field(char *dst, size_t dstlen, const char *src, size_t max)
{
	size_t i;

	for (i = 0; src != NULL && src[i] != '\0' && i < max &&
	    i + 1 < dstlen; i++)
		dst[i] = src[i] > ' ' && src[i] < 127 ? src[i] : '_';
	if (i == 0 && dstlen > 1)
		dst[i++] = '-';
	dst[i] = '\0';
}

static void
timestamp(int64_t ms, char *buf, size_t len)
{
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;
	size_t		n;

	if (gmtime_r(&t, &tm) == NULL ||
	    (n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
		n = (size_t)snprintf(buf, len, "1970-01-01T00:00:00");
	snprintf(buf + n, len - n, ".%03dZ", (int)(ms % 1000));
}

/* Append the escaped PARAM to buf at *off (buf has room for it). */
static void
sd_param(char *buf, size_t *off, const char *name, const char *value,
    size_t max)
{
	*off += (size_t)sprintf(buf + *off, " %s=\"", name);
	*off += cd_syslog_sd_escape(buf + *off, value != NULL ? value : "",
	    max);
	buf[(*off)++] = '"';
	buf[*off] = '\0';
}

size_t
cd_syslog5424_format(const struct cd_syslog_origin *o,
    enum cd_finding_event ev, const struct cd_finding *f, int64_t now_ms,
    char **out)
{
	/* Each value escaped doubles at worst; the header is under 400. */
	size_t	 cap = 512 + 2 * (CD_SYSLOG_MAX_EVIDENCE + 4 * 512) + 1024;
	char	*buf = cd_calloc(1, cap);
	char	 host[256], app[49], ts[40];
	size_t	 off;
	int	 pri, n;
	bool	 cleared = ev == CD_FINDING_CLEARED;

	pri = (o->facility & LOG_FACMASK) |
	    (cleared ? LOG_NOTICE : cd_severity_priority(f->severity));
	header_field(host, sizeof(host), o->host, 255);
	header_field(app, sizeof(app), o->app, 48);
	timestamp(now_ms, ts, sizeof(ts));
	off = (size_t)snprintf(buf, cap, "<%d>1 %s %s %s %ld %s [%s", pri, ts,
	    host, app, o->pid, event_ids[ev], CD_SYSLOG_SDID);
	sd_param(buf, &off, "event", event_ids[ev], 16);
	sd_param(buf, &off, "id", f->id, 512);
	sd_param(buf, &off, "subject", f->subject, 512);
	if (o->name != NULL)
		sd_param(buf, &off, "name", o->name, 64);
	sd_param(buf, &off, "severity", cd_severity_name(f->severity), 16);
	sd_param(buf, &off, "summary", f->summary, 512);
	sd_param(buf, &off, "evidence", f->detail, CD_SYSLOG_MAX_EVIDENCE);
	buf[off++] = ']';
	buf[off] = '\0';
	/* The message as the local syslog line has it. */
	n = snprintf(buf + off, cap - off, " %s %s %s: %s%s%s",
	    cleared ? "cleared" : cd_severity_name(f->severity), f->id,
	    f->subject, o->name != NULL ? o->name : "",
	    o->name != NULL ? ": " : "", f->summary);
	off = n < 0 || (size_t)n >= cap - off ? cap - 1 : off + (size_t)n;
	if (!cleared && f->advice != NULL && f->advice[0] != '\0' &&
	    off < cap - 1) {
		n = snprintf(buf + off, cap - off, " -- %s", f->advice);
		off = n < 0 || (size_t)n >= cap - off ? cap - 1 :
		    off + (size_t)n;
	}
	if (off > CD_SYSLOG_MAX_MSG)
		off = CD_SYSLOG_MAX_MSG;	/* only the free-form part */
	buf[off] = '\0';
	*out = buf;
	return off;
}
