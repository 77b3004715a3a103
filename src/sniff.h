/*
 * Passive analysis: the live capture on interfaces.lan, fed through the
 * decoders into the Core tracker, which raises the core.* findings; and
 * the same path over a capture file for --read.
 */
#ifndef CD_SNIFF_H
#define CD_SNIFF_H

#include <stddef.h>

struct cd_daemon;
struct json_object;
struct pcap;

/* How often pcap's counters are read for sniff.drops, and when it clears. */
#define CD_SNIFF_STATS_MS	5000
#define CD_SNIFF_DROPS_CLEAR_MS	(5 * 60 * 1000)
#define CD_SNIFF_REOPEN_MS	10000

/*
 * Open the capture (before privileges are dropped) and poll it on the
 * loop; nothing to do when sniff.enabled is false.  0, or a negative errno
 * with the reason in err ("capture on br-lan: ..."): the daemon does not
 * start without the capture it was told to run.  A capture that fails
 * later (the interface goes away) is logged and reopened every
 * CD_SNIFF_REOPEN_MS.
 */
int	cd_sniff_start(struct cd_daemon *d, char *err, size_t errlen);
/* The live capture's tracker, or NULL. */
struct cd_tracker *cd_sniff_tracker(struct cd_daemon *d);
/* Log pcap's counters and close the capture. */
void	cd_sniff_stop(struct cd_daemon *d);

/*
 * --read's analysis of an open capture (offline.c): the report document
 * with its "capture" summary.  The caller closes p.
 */
struct json_object *cd_offline_report(struct cd_daemon *d, struct pcap *p,
	    const char *name);

#endif
