/*
 * A pcap handle feeding the Core tracker: the per-packet path shared by
 * the live capture (sniff.c) and --read (offline.c), the capture filter,
 * and the live handle's set-up.
 */
#ifndef CD_CAPTURE_H
#define CD_CAPTURE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>

#include "tracker.h"

struct cd_capture {
	pcap_t			*p;
	int			 dlt;
	struct cd_tracker	*trk;
	unsigned long		 packets;	/* records read */
	unsigned long		 damaged;	/* records or headers broken */
	unsigned long		 unsupported;	/* link or protocol not ours */
	int64_t			 first_ms, last_ms;	/* packet times */
	unsigned		 filter_gen;	/* tracker generation applied */
	bool			 filter_set;
	int64_t			 filter_ms;	/* monotonic, last refresh */
	unsigned long		 filter_refreshes;
};

/* A record's time in ms since the epoch, clamped to 1970..9999. */
int64_t	cd_capture_ts_ms(const struct pcap_pkthdr *h);
/* Decode one record and hand it to the tracker; counts it. */
void	cd_capture_packet(struct cd_capture *cap, const struct pcap_pkthdr *h,
	    const u_char *data);
/* pcap_handler for pcap_dispatch(); user is the struct cd_capture. */
void	cd_capture_handler(u_char *user, const struct pcap_pkthdr *h,
	    const u_char *data);

/*
 * The capture filter for link type dlt: ARP, DHCP, DNS, TCP and UDP
 * cloud.port, ICMP errors, the internet test, the OUIs' MACs, and the
 * Cores given.  Returns a malloc'd string.
 */
char	*cd_capture_filter(const struct cd_tracker_conf *tc, int dlt,
	    const struct cd_tracker_core *cores, size_t ncores);
/*
 * Compile and set the filter for the tracker's Cores now; falls back to
 * the filter without them, then to none, logging why.  0 or -EINVAL;
 * -EAGAIN, nothing done, within CD_CAPTURE_FILTER_MIN_MS of the last
 * refresh once a filter is set.
 */
#define CD_CAPTURE_FILTER_MIN_MS	1000
int	cd_capture_refresh_filter(struct cd_capture *cap,
	    const struct cd_tracker_conf *tc);

/*
 * Open ifname for live capture: immediate mode, promiscuous, snaplen,
 * non-blocking, a kernel buffer of bufsize bytes (0: libpcap's 2 MiB).
 * NULL with pcap's reason in err.
 */
pcap_t	*cd_capture_open_live(const char *ifname, int snaplen, int bufsize,
	    char *err, size_t errlen);

/*
 * Read what is ready: pcap_dispatch until nothing is left, at most rounds
 * times, so that a flood cannot hold the loop.  0, or pcap's negative
 * error (pcap_geterr says why).
 */
#define CD_CAPTURE_ROUNDS	64
int	cd_capture_dispatch(pcap_t *p, pcap_handler cb, u_char *user);

/* Ethernet, Linux cooked v1/v2, raw IP: what the decoders read. */
bool	cd_capture_dlt_supported(int dlt);
/* "EN10MB", "LINUX_SLL"...: pcap's name of a link type. */
const char *cd_capture_dlt_name(int dlt);

#endif
