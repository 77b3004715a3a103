/*
 * internet.down: when in the last results neither the portal check nor the
 * cloud (its handshake, or DNS when the handshake is off) got any answer
 * from the internet (an answer from this host, its gateway, its networks
 * or a special-use address does not count: see the probes' reach),
 * the report's headline is "first check the internet".  While it stands,
 * the upstream failures it explains (cloud.dns_failed, cloud.tcp_blocked)
 * are kept as warnings instead of errors; they return to their catalogue
 * severity when the internet answers again.
 */
#ifndef CD_INTERNET_H
#define CD_INTERNET_H

#include "findings.h"
#include "probe.h"

struct cd_daemon;

#define CD_INTERNET_SUBJECT	"internet"

/* 1 down, 0 up, -1 cannot tell (a probe off or not run yet). */
int	cd_internet_verdict(enum cd_probe_reach portal,
	    enum cd_probe_reach cloud);
/* Decide from the probes' last results; raise or clear, re-grade. */
void	cd_internet_evaluate(struct cd_daemon *d);
/* The severity a probe raises finding id with: lowered while it is down. */
enum cd_severity cd_internet_severity(const struct cd_daemon *d,
	    const char *id);

#endif
