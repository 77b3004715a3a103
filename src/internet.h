/*
 * internet.down: when in the last results neither the portal check nor the
 * cloud (its handshake, or DNS when the handshake is off) got any answer
 * from the internet (an answer from this host, its gateway, its networks
 * or a special-use address does not count: see the probes' reach),
 * the report's headline is "first check the internet".  While it stands,
 * the failures it explains (the catalogue's outage table: the cloud probes'
 * and the Cores' upstream failures) are lowered and their advice names the
 * outage; they return to their catalogue severity and advice when the
 * internet answers again.  internet.c decides, internet_grade.c regrades.
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

/* A new failure it would explain re-runs the probes at most this often. */
#define CD_INTERNET_RECHECK_MS	(60 * 1000)
/* The findings' grader (findings.h); arg is the daemon. */
void	cd_internet_grade(void *arg, const struct cd_finding *f,
	    struct cd_finding_grade *g);

#endif
