/*
 * Remote syslog's wire format: a finding event as one RFC 5424 message
 * with structured data, and the "udp://HOST:PORT" / "tcp://HOST:PORT"
 * targets of syslog.remote.  Pure functions: no I/O.
 */
#ifndef CD_SYSLOG5424_H
#define CD_SYSLOG5424_H

#include <stddef.h>
#include <stdint.h>

#include "findings.h"

/* 32473: the enterprise number RFC 5612 reserves for examples. */
#define CD_SYSLOG_SDID		"corediagd@32473"
#define CD_SYSLOG_MAX_MSG	8192	/* rsyslog's default maxMessageSize */
#define CD_SYSLOG_MAX_EVIDENCE	2048	/* bytes of detail before escaping */

struct cd_syslog_url {
	int	tcp;		/* 1: tcp://, 0: udp:// */
	char	host[256];	/* without the brackets of an IPv6 literal */
	char	port[6];
};

/* 0, or -EINVAL with the reason in err. */
int	cd_syslog_url_parse(const char *s, struct cd_syslog_url *u,
	    char *err, size_t errlen);

/*
 * Escape src as an SD PARAM-VALUE ('"', '\' and ']' get a backslash),
 * copying at most max bytes of src (never splitting a UTF-8 sequence).
 * Returns the length written; dst holds at least 2 * max + 1 bytes.
 */
size_t	cd_syslog_sd_escape(char *dst, const char *src, size_t max);

struct cd_syslog_origin {
	int		 facility;	/* LOG_DAEMON, LOG_LOCAL0... */
	const char	*host;
	const char	*app;
	long		 pid;
	const char	*name;		/* the subject Core's name, or NULL */
};

/*
 * "<PRI>1 TIMESTAMP HOST APP PID EVENT [corediagd@32473 ...] LINE", at
 * most CD_SYSLOG_MAX_MSG bytes, without framing.  Returns its length;
 * *out is malloc'd.
 */
size_t	cd_syslog5424_format(const struct cd_syslog_origin *o,
	    enum cd_finding_event ev, const struct cd_finding *f, int64_t now_ms,
	    char **out);

#endif
