/*
 * The dhcp probe: one DHCPDISCOVER on interfaces.lan, every OFFER for it
 * collected.  What the offers mean is a pure function, below.
 */
#ifndef CD_PROBE_DHCP_H
#define CD_PROBE_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_msg.h"
#include "probe.h"

/*
 * When to stop listening once an OFFER came: CD_DHCP_SETTLE_MS after the
 * first one, but not before CD_DHCP_PING_WAIT_MS after the DISCOVER.  A
 * server pings an address before offering it to a client it does not
 * know (dnsmasq waits 3 s for an echo, ISC dhcpd 1 s), and each keeps its
 * own cache of what it pinged: one server may answer at once while
 * another answers 3 s later.  Stopping 500 ms after the first offer
 * misses the second server then (seen in the lab: rogue_dhcp failed 2
 * runs in 14 that way).
 */
#define CD_DHCP_SETTLE_MS	500
#define CD_DHCP_PING_WAIT_MS	3500
/*
 * The least the probe listens in all, however short probes.timeout x
 * (probes.retries + 1) is.  A server that pings first serves new clients
 * one after the other: when a device joins as the probe runs (a Core
 * booting), dnsmasq offers to it after 3 s and to the probe after 6 s.
 * Less than that, and a healthy LAN reads dhcp.server_busy (seen in the
 * lab from the router, 2 runs in 11, with a 2 s x 2 budget) or, where the
 * other client's offer is unicast and unseen, dhcp.no_offer.
 */
#define CD_DHCP_MIN_BUDGET_MS	(2 * CD_DHCP_PING_WAIT_MS + 1000)
/*
 * The offers' capture needs room for a few hundred frames, not libpcap's
 * 2 MiB ring: a busy LAN fills whatever ring there is, and on a router
 * the ring is memory the probe holds for its whole run.
 */
#define CD_DHCP_CAPTURE_BUFFER	(256 * 1024)

/* What the probe sent and how long it listened. */
struct cd_dhcp_sent {
	const char	*iface;
	uint8_t		 mac[6];
	uint32_t	 xid;
	unsigned	 sends;		/* DISCOVERs (first and resends) */
	uint64_t	 waited_ms;
	uint64_t	 first_ms;	/* to the first OFFER */
	unsigned	 others;	/* answers to other clients meanwhile */
	struct cd_dhcp_offer other;	/* the first of them */
};

/*
 * dhcp.no_offer (result no_offer), dhcp.server_busy (result busy: no
 * offer, but a server answered other clients meanwhile, so one is there
 * and slow), dhcp.multiple_servers, or none (ok); the detail is the DISCOVER, then each server's offer.  Servers are told
 * apart by sender MAC and server identifier (option 54, else the source
 * address): two routers both calling themselves 192.168.1.1 are two
 * servers.  One server's duplicate offers count once.  Returns how many
 * distinct servers answered.
 */
unsigned cd_dhcp_decide(const struct cd_dhcp_sent *s,
	    const struct cd_dhcp_offer *offers, size_t n,
	    struct cd_probe_verdict *v);

#endif
