/*
 * Passive analysis: the live capture on interfaces.lan, fed through the
 * decoders into the Core tracker, which raises the core.* findings.
 */
#ifndef CD_SNIFF_H
#define CD_SNIFF_H

#include <stddef.h>

struct cd_daemon;

/*
 * Open the capture (before privileges are dropped) and poll it on the
 * loop; nothing to do when sniff.enabled is false.  0, or a negative errno
 * with the reason in err.
 */
int	cd_sniff_start(struct cd_daemon *d, char *err, size_t errlen);
/* Log pcap's counters and close the capture. */
void	cd_sniff_stop(struct cd_daemon *d);

#endif
