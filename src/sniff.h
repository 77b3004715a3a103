/*
 * Passive analysis: the live capture on interfaces.lan, fed through the
 * decoders into the Core tracker, which raises the core.* findings; and
 * the same path over a capture file for --read.
 */
#ifndef CD_SNIFF_H
#define CD_SNIFF_H

#include <stdbool.h>
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
 * The tracker runs on the wall clock, which the packets carry and the
 * devices list shows; a router without a real-time clock has NTP step it
 * at boot.  Each look at the clocks compares the wall clock's advance with
 * the monotonic clock's: a difference over CD_SNIFF_STEP_MS is a step, and
 * the tracker's times move with it (cd_tracker_shift), so its timeouts
 * keep monotonic time.
 */
#define CD_SNIFF_STEP_MS	1000

struct cd_sniff_clock {
	bool		started;
	int64_t		wall, mono;	/* ms, at the last look */
};

/* A look at the clocks (ms): returns the step the tracker moved by, or 0. */
int64_t	cd_sniff_clock_check(struct cd_sniff_clock *c, struct cd_tracker *t,
	    int64_t wall, int64_t mono);
/*
 * A packet's time as the tracker takes it: one stamped before a backward
 * step, read after it, is ahead of the clock by the step and is taken as
 * now (one stamped before a forward step is behind: the tracker takes it
 * as its own now).
 */
int64_t	cd_sniff_clock_stamp(const struct cd_sniff_clock *c, int64_t ts);

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
