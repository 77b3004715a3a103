/*
 * The decisions of the probes over IP (dns, handshake, portal), apart from
 * their I/O so that the unit tests can feed them raw outcomes.
 */
#ifndef CD_PROBE_NET_H
#define CD_PROBE_NET_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cd_config;

/* "cloud:<host>:<port>", the subject of every cloud.* finding. */
void	cd_cloud_subject(const struct cd_config *cfg, char *buf, size_t len);

/* dns: a failure that may go away on another try (no answer, SERVFAIL)? */
bool	cd_dns_retryable(int gai_status);
/*
 * List res's addresses into buf, each bogus one with its class
 * ("192.168.1.1 (private)"); returns how many are bogus.
 */
int	cd_dns_describe(const struct addrinfo *res, char *buf, size_t len);

/* handshake: what one connection to one address came to. */
struct cd_hs_outcome {
	bool	connected;
	int	connect_status;	/* libuv error if not connected; UV_ETIMEDOUT = our timer */
	int	read_status;	/* after connecting: 0, UV_EOF, UV_ECONNRESET, ... */
	size_t	nbytes;		/* bytes received */
	bool	timed_out;	/* our timer ended it */
};

enum cd_hs_verdict {
	CD_HS_OK,		/* exactly the 40-byte nonce */
	CD_HS_BLOCKED,		/* connect timed out, or unreachable */
	CD_HS_REJECTED,		/* refused, or reset before any byte */
	CD_HS_NO_HANDSHAKE,	/* connected, but no 40-byte nonce */
};

#define CD_NONCE_LEN	40

enum cd_hs_verdict cd_handshake_verdict(const struct cd_hs_outcome *o);
/* The finding ID ("cloud.ok", ...) and the probe's result word. */
const char *cd_hs_verdict_id(enum cd_hs_verdict v);
const char *cd_hs_verdict_word(enum cd_hs_verdict v);

/* portal: one HTTP answer (status 0: none at all). */
enum cd_portal_verdict {
	CD_PORTAL_ONLINE,	/* expect_status, or a 2xx with an empty body */
	CD_PORTAL_DETECTED,	/* 3xx, 511, or another 2xx with a body */
	CD_PORTAL_NO_ANSWER,	/* no HTTP answer, 5xx, or another error */
};

enum cd_portal_verdict cd_portal_verdict(long status, size_t body_len,
	    int expect_status);

#endif
