/*
 * The remote syslog sender of syslog.remote: RFC 5424 messages over UDP
 * (one per datagram, RFC 5426) or TCP (octet counting, RFC 6587) on the
 * loop.  It never blocks: messages wait in a bounded queue while the
 * collector is unreachable, the oldest dropped and counted when it is
 * full, and the connection is retried with backoff.
 */
#ifndef CD_SYSLOG_REMOTE_H
#define CD_SYSLOG_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define CD_SYSLOG_QUEUE_MAX	256	/* messages waiting for the collector */
#define CD_SYSLOG_INFLIGHT_MAX	(64 * 1024)	/* bytes handed to the socket */
#define CD_SYSLOG_BACKOFF_MIN_MS	1000
#define CD_SYSLOG_BACKOFF_MAX_MS	60000
#define CD_SYSLOG_CONNECT_MS	5000

struct cd_syslog_remote;

struct cd_syslog_remote_stats {
	uint64_t	sent;		/* handed to the kernel without error */
	uint64_t	dropped;	/* could not be sent, or pushed out */
	unsigned	queued;
	bool		connected;
};

/* Start sending to url (already checked by the configuration). */
int	cd_syslog_remote_open(uv_loop_t *loop, const char *url,
	    struct cd_syslog_remote **out, char *err, size_t errlen);
/* Queue one message (copied); sends at once when connected. */
void	cd_syslog_remote_send(struct cd_syslog_remote *r, const char *msg,
	    size_t len);
void	cd_syslog_remote_stats(const struct cd_syslog_remote *r,
	    struct cd_syslog_remote_stats *st);
const char *cd_syslog_remote_url(const struct cd_syslog_remote *r);
/* Drop what is queued and close; memory goes once libuv lets it. */
void	cd_syslog_remote_close(struct cd_syslog_remote *r);

#endif
