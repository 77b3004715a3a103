/*
 * Passive analysis: the live capture on interfaces.lan, fed through the
 * decoders into the Core tracker, which raises the core.* findings; and
 * the same path over a capture file for --read.
 */
#ifndef CD_SNIFF_H
#define CD_SNIFF_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct cd_config;
struct cd_daemon;
struct cd_findings;
struct cd_sniff;
struct cd_state;
struct cd_tracker;
struct json_object;
struct pcap;

/* What the capture works with: its loop, where findings and devices go. */
struct cd_sniff_ctx {
	uv_loop_t		*loop;
	struct cd_findings	*findings;
	struct cd_state		*state;
};

/* How often pcap's counters are read for sniff.drops, and when it clears. */
#define CD_SNIFF_STATS_MS	5000
#define CD_SNIFF_DROPS_CLEAR_MS	(5 * 60 * 1000)
#define CD_SNIFF_REOPEN_MS	10000

/*
 * Open the capture (before privileges are dropped) and poll it on the
 * loop; *out is NULL when sniff.enabled is false.  0, or a negative errno
 * with the reason in err ("capture on br-lan: ..."): the daemon does not
 * start without the capture it was told to run.  A capture that fails
 * later (the interface goes away) is logged and reopened every
 * CD_SNIFF_REOPEN_MS.
 */
int	cd_sniff_start(const struct cd_sniff_ctx *ctx,
	    const struct cd_config *cfg, struct cd_sniff **out, char *err,
	    size_t errlen);
/*
 * A reloaded configuration: the tracker's part (cloud.host and port,
 * sniff.core_ouis, sniff.internet_test).  cfg is not kept.
 */
void	cd_sniff_configure(struct cd_sniff *s, const struct cd_config *cfg);
/* Log pcap's counters and close the capture; NULL is fine. */
void	cd_sniff_stop(struct cd_sniff *s);
/* The live capture's interface and counters, or NULL without one. */
const char *cd_sniff_counters(const struct cd_sniff *s, uint64_t *packets,
	    uint64_t *dropped);
/* The live capture's tracker, or NULL. */
struct cd_tracker *cd_sniff_tracker(const struct cd_sniff *s);

/*
 * --read's analysis of an open capture (offline.c): the report document
 * with its "capture" summary.  The caller closes p.
 */
struct json_object *cd_offline_report(struct cd_daemon *d, struct pcap *p,
	    const char *name);

#endif
