/*
 * The drop counters a pcapng file records in its Interface Statistics
 * Blocks, which libpcap's offline reader skips: --read raises sniff.drops
 * from them.  A walk of the file's blocks, every length checked.
 */
#ifndef CD_PCAPNG_STATS_H
#define CD_PCAPNG_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CD_PCAPNG_MAX_IFS	64	/* interfaces followed; later ones ignored */
#define CD_PCAPNG_NAME_MAX	64
#define CD_PCAPNG_META_MAX	65536	/* largest SHB, IDB or ISB read */
#define CD_PCAPNG_BLOCK_MAX	(1U << 30)	/* a longer block is damage */

/* One interface (an IDB) and the drop counters its ISBs recorded last. */
struct cd_pcapng_if {
	char		name[CD_PCAPNG_NAME_MAX];	/* if_name, "" if none */
	uint32_t	section;	/* which section (SHB), from 0 */
	uint32_t	id;		/* the interface's index in its section */
	uint64_t	ifdrop;		/* isb_ifdrop: by the interface/capture */
	uint64_t	osdrop;		/* isb_osdrop: by the OS */
	int64_t		ts_ms;		/* the last ISB's time, if ts_valid */
	bool		has_drops;	/* an ISB carried ifdrop or osdrop */
	bool		ts_valid;
	uint64_t	ts_per_sec;	/* if_tsresol; 0 if unusable */
	int64_t		ts_offset;	/* if_tsoffset, seconds */
};

struct cd_pcapng_drops {
	struct cd_pcapng_if	ifs[CD_PCAPNG_MAX_IFS];
	unsigned		nifs;
	unsigned		sections;
	unsigned long		blocks;		/* blocks walked whole */
	bool			damaged;	/* the walk stopped at a bad block */
};

/*
 * Walk the pcapng file f from its current position (its start) to its
 * end.  0 when f starts with a Section Header Block: out holds each
 * interface and what its last ISB recorded (a counter a later ISB leaves
 * out keeps its earlier value: they are cumulative); a block that breaks
 * the format (bad length, options overrunning it, a cut-off end) stops
 * the walk there with damaged set, keeping what came before (so does a
 * read error or a failed allocation past the first header).  -EINVAL
 * when f is not pcapng (classic pcap, anything else), -EIO when it cannot
 * be read at all.  Reads each block once, never past its length.
 */
int	cd_pcapng_drops(FILE *f, struct cd_pcapng_drops *out);

/* ifdrop + osdrop, saturating. */
uint64_t cd_pcapng_if_dropped(const struct cd_pcapng_if *pi);

#endif
