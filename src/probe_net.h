/*
 * The decisions of the probes over IP (dns, handshake, portal), apart from
 * their I/O so that the unit tests can feed them raw outcomes
 * (net_verdict.c).  Each decide function fills a verdict's finding,
 * result, summary and reach; the probe writes the detail.
 */
#ifndef CD_PROBE_NET_H
#define CD_PROBE_NET_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr_class.h"
#include "probe.h"

struct cd_config;

/* "cloud:<host>:<port>", the subject of every cloud.* finding. */
void	cd_cloud_subject(const struct cd_config *cfg, char *buf, size_t len);

/* dns: a failure that may go away on another try (no answer, SERVFAIL)? */
bool	cd_dns_retryable(int gai_status);
/* What an answer held: for the verdict, decided on IPv4. */
struct cd_dns_count {
	unsigned	v4;		/* IPv4 addresses */
	unsigned	bogus;		/* of them, not on the internet */
	unsigned	other;		/* IPv6 addresses */
	unsigned	internet;	/* of all, ones the internet may have */
};

/*
 * List res's addresses into buf, IPv4 first, each one not on the internet
 * with why ("192.168.1.1 (private)", "198.18.1.1 (this host's own
 * address)"), IPv6 ones marked as information; count them in c.
 */
void	cd_dns_describe(const struct addrinfo *res, const struct cd_local *l,
	    char *buf, size_t len, struct cd_dns_count *c);
/* ok, hijacked (cloud.dns_hijacked) or no_ipv4 (cloud.dns_failed). */
void	cd_dns_decide(const char *host, const struct cd_dns_count *c,
	    struct cd_probe_verdict *v);
/* cloud.dns_failed with result word result. */
void	cd_dns_decide_failed(const char *host, const char *result,
	    struct cd_probe_verdict *v);

/* handshake: what one connection to one address came to. */
struct cd_handshake_outcome {
	bool	connected;
	int	connect_status;	/* libuv's error if not connected;
				   UV_ETIMEDOUT: our timer */
	int	read_status;	/* after connecting: 0, UV_EOF, UV_ECONNRESET, ... */
	size_t	nbytes;		/* bytes received */
	bool	timed_out;	/* our timer ended it */
};

enum cd_handshake_verdict {
	CD_HANDSHAKE_OK,		/* exactly the 40-byte nonce */
	CD_HANDSHAKE_BLOCKED,		/* connect timed out, or unreachable */
	CD_HANDSHAKE_REJECTED,		/* refused, or reset before any byte */
	CD_HANDSHAKE_NO_HANDSHAKE,	/* connected, but no 40-byte nonce */
};

#define CD_NONCE_LEN	40

enum cd_handshake_verdict cd_handshake_verdict(
	    const struct cd_handshake_outcome *o);
/* The finding family, in enum order, NULL-terminated. */
#define CD_HANDSHAKE_NIDS	4
extern const char *const cd_handshake_ids[CD_HANDSHAKE_NIDS + 1];
/* The verdict on one try; internet: its peer may be on the internet. */
void	cd_handshake_decide(const struct cd_handshake_outcome *o,
	    bool internet, struct cd_probe_verdict *v);
/* The finding ID ("cloud.ok", ...) and the probe's result word. */
const char *cd_handshake_verdict_id(enum cd_handshake_verdict v);
const char *cd_handshake_verdict_word(enum cd_handshake_verdict v);

/* portal: one HTTP answer (status 0: none at all). */
enum cd_portal_verdict {
	CD_PORTAL_ONLINE,	/* expect_status, or a 2xx with an empty body */
	CD_PORTAL_DETECTED,	/* 3xx, 511, or another 2xx with a body */
	CD_PORTAL_NO_ANSWER,	/* no HTTP answer, 5xx, or another error */
};

enum cd_portal_verdict cd_portal_verdict(long status, size_t body_len,
	    int expect_status);
/*
 * portal.detected (portal) or none: ok, no_answer, or not_internet when
 * this host or its gateway answered (the router's own page); where the
 * answer came from also decides the reach.
 */
void	cd_portal_decide(long status, size_t body_len, int expect_status,
	    enum cd_where where, struct cd_probe_verdict *v);

#endif
