/*
 * The Core tracker: decoded packets in, core.* findings and the devices
 * list out.  It recognises Spark Cores (by MAC OUI, by the presence
 * packet, or by a TCP cloud session in which the host answers the cloud's
 * 40-byte nonce with its 256 bytes), follows each through DHCP, DNS and
 * its cloud session, and raises and clears the core.* findings with the
 * evidence.  What it concludes from an answer it did not see depends on
 * whether the capture is on the Core's path (corediagd(8), VANTAGE
 * POINTS).
 *
 * Time is what the caller says: the packets' own timestamps (the capture's
 * clock for --read) and cd_tracker_tick() for the timeouts; the live
 * capture reports wall-clock steps with cd_tracker_shift().  The live
 * capture and --read feed the same calls, so a file gives the findings the
 * live daemon would have given.
 *
 * Memory is bounded: a fixed-size record per Core, at most
 * CD_TRACKER_MAX_CORES of them, a fixed number of TCP sessions, DNS
 * queries and candidate sessions each.  A Core silent for
 * CD_TRACKER_IDLE_MS expires: its findings are cleared and it leaves the
 * devices list.
 */
#ifndef CD_TRACKER_H
#define CD_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd_config.h"
#include "decode.h"
#include "findings.h"
#include "state.h"

#define CD_TRACKER_MAX_CORES	64
#define CD_TRACKER_MAX_OUIS	16
#define CD_TRACKER_IDLE_MS	(15 * 60 * 1000)
/*
 * A device known by its vendor prefix alone is announced (core.seen) once
 * it has sent two frames and been known this long: one frame from a MAC
 * proves little, and a flood of spoofed Core-prefixed MACs, one frame
 * each, must not flood the log.  A capture that ends sooner announces it
 * then.
 */
#define CD_TRACKER_OUI_SETTLE_MS	2000

/* The timeouts the tracker judges by (documented in corediagd.8). */
#define CD_TRACKER_DNS_TIMEOUT_MS	5000	/* query unanswered */
#define CD_TRACKER_DHCP_TIMEOUT_MS	10000	/* DISCOVER/REQUEST without ACK */
#define CD_TRACKER_SYN_TIMEOUT_MS	8000	/* the Core's connect timeout */
#define CD_TRACKER_PING_TIMEOUT_MS	10000	/* the Core's ping timeout */
#define CD_TRACKER_PING_MIN_MS		1000	/* unanswered this long, then closed */
/*
 * The Core pings after 15 s without receiving anything; its other 18-byte
 * messages (empty acknowledgements, "chunk missed") come sooner.  A second
 * less, for the capture seeing the cloud's last message before the Core.
 */
#define CD_TRACKER_PING_IDLE_MS		14000
/* Restarts within the loop window that are a flash cycle, not a loop. */
#define CD_TRACKER_FLASH_RESTARTS	3
/* SYNs unanswered that are decisive when a capture ends before 8 s. */
#define CD_TRACKER_END_SYNS		3
#define CD_TRACKER_ALIVE_MS		20000	/* handshake done, still up: ok */
#define CD_TRACKER_LOOP_WINDOW_MS	(10 * 60 * 1000)
#define CD_TRACKER_LOOP_SESSIONS	3

/* What the tracker takes from the configuration (copied: reloads free it). */
struct cd_tracker_conf {
	char		cloud_host[256];
	uint16_t	cloud_port;
	struct cd_oui	ouis[CD_TRACKER_MAX_OUIS];
	size_t		nouis;
	int		inettest_af;	/* 0 when not an address literal */
	uint8_t		inettest_ip[16];
	uint16_t	inettest_port;
};

struct cd_tracker;

/*
 * The host the capture runs on (tracker_self.c): its own MACs and
 * addresses on every interface are never a Core, and whether it forwards
 * decides what a frame addressed to it means (see corediagd(8), VANTAGE
 * POINTS).  --read knows no host: nothing is set.
 */
#define CD_TRACKER_MAX_SELF	32
struct cd_tracker_host {
	bool		forwarding;	/* net.ipv4.ip_forward */
	size_t		nmacs, naddrs;
	uint8_t		macs[CD_TRACKER_MAX_SELF][6];
	struct {
		int	af;
		uint8_t	ip[16];
	}		addrs[CD_TRACKER_MAX_SELF];
};

/* A Core's addresses, for the capture filter. */
struct cd_tracker_core {
	uint8_t		mac[6];
	int		af;		/* 0: no address known */
	uint8_t		ip[16];
};

void	cd_tracker_conf_from(struct cd_tracker_conf *tc,
	    const struct cd_config *cfg);

struct cd_tracker *cd_tracker_new(struct cd_findings *fs,
	    struct cd_state *st, const struct cd_tracker_conf *tc);
void	cd_tracker_free(struct cd_tracker *t);
/* A reloaded configuration: cloud host/port, OUIs, internet test. */
void	cd_tracker_configure(struct cd_tracker *t,
	    const struct cd_tracker_conf *tc);

/* The LAN's IPv4 subnet, from the interface (live capture). */
void	cd_tracker_set_lan(struct cd_tracker *t, const uint8_t net[4],
	    unsigned prefixlen, const char *from);

/*
 * This host's MACs and addresses: a Core tracked under one of them is
 * forgotten, and none is taken for a Core again.
 */
void	cd_tracker_set_host(struct cd_tracker *t,
	    const struct cd_tracker_host *h);

/* One decoded packet; pkt->ts_ms is the clock. */
void	cd_tracker_packet(struct cd_tracker *t, const struct cd_pkt *pkt);
/* Judge every timeout due at or before now (ms since the epoch). */
void	cd_tracker_tick(struct cd_tracker *t, int64_t now);
/*
 * The wall clock stepped by delta ms (NTP setting a router's clock at
 * boot): every time held moves with it, so no timeout fires early or
 * stalls, and first and last seen stay right in the new time.
 */
void	cd_tracker_shift(struct cd_tracker *t, int64_t delta);
/*
 * The capture ended at now (--read): judge the exchanges still pending
 * whose evidence is decisive already (a DHCPNAK never followed by an ACK,
 * CD_TRACKER_END_SYNS unanswered SYNs), saying that the capture ended.
 */
void	cd_tracker_end(struct cd_tracker *t, int64_t now);
/* When the next timeout falls due, or INT64_MAX. */
int64_t	cd_tracker_next_deadline(const struct cd_tracker *t);

/*
 * The Cores tracked now, into out (at most max); returns how many.  The
 * generation changes whenever that set or an address in it changes.
 */
size_t	cd_tracker_cores(const struct cd_tracker *t,
	    struct cd_tracker_core *out, size_t max);
unsigned cd_tracker_generation(const struct cd_tracker *t);

#endif
