/*
 * What the capture can see of each Core, and evidence that counts from
 * anywhere (corediagd(8), VANTAGE POINTS).
 *
 * On the Core's path (the router, an access point it joined, a mirror
 * port) the capture sees its unicast: its DHCP ACK, DNS answers, SYN-ACKs.
 * A LAN host on a switch sees broadcasts, multicast and its own traffic
 * only, so there the absence of an answer proves nothing.  A Core counts
 * as on the path once the capture has shown it: a unicast frame between
 * the Core and another host crosses it, or this host forwards and the
 * Core routes through it (its frames to an address not ours come to our
 * MAC, or its DHCP answer names one of our addresses as its router).
 *
 * A presence announcement, seen from anywhere, says the Core finished its
 * handshake: it is online, and what that contradicts no longer holds.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "tracker_int.h"

static void
on_path(struct cd_tracker *t, struct trk_core *c, const char *why)
{
	(void)t;
	c->on_path = true;
	c->dirty = true;
	log_debug("tracker: %s: on its path (%s)", c->macstr, why);
}

/* An address a unicast frame of the Core may name as its other end. */

/* One host's address: not 0, a broadcast (the subnet's too), multicast. */
static bool
unicast_to(const struct cd_tracker *t, const uint8_t ip[4])
{
	uint32_t a = cd_get32(ip);

	return a != 0 && a != 0xffffffffU && (a >> 28) != 14 &&
	    !(t->lan_known && (a | t->lan_mask) == 0xffffffffU);
}

/* The other end of a Core's unicast: one host, and not this one. */
static bool
unicast_peer(const struct cd_tracker *t, const uint8_t ip[4])
{
	return unicast_to(t, ip) && !trk_self_ip(t, AF_INET, ip);
}

void
trk_path_seen(struct cd_tracker *t, struct trk_core *c, enum trk_dir dir,
    const struct cd_pkt *p)
{
	bool		 from = dir == DIR_FROM_CORE;
	bool		 has_mac = from ? p->has_dst_mac : p->has_src_mac;
	const uint8_t	*mac = from ? p->dst_mac : p->src_mac;
	/* --read knows no host: whoever wrote the file got it for others. */
	bool		 routes = t->self.forwarding || t->self.nmacs == 0;

	/* Only a frame for one host says where it went; a broadcast, not. */
	if (c->on_path || p->af != AF_INET ||
	    (p->has_dst_mac && (p->dst_mac[0] & 1)) ||
	    !unicast_peer(t, from ? p->dst_ip : p->src_ip) ||
	    (!from && !unicast_to(t, p->dst_ip)))
		return;
	if (has_mac) {
		if (mac[0] & 1)
			return;
		if (!trk_self_mac(t, mac))
			on_path(t, c, "its unicast with another host crosses "
			    "the capture");
		else if (routes)
			on_path(t, c, "it routes through this host");
		return;
	}
	/* A cooked capture names the sender only; the packet type the rest. */
	if (p->pkttype == CD_PKTTYPE_OTHERHOST)
		on_path(t, c, "its unicast with another host crosses the "
		    "capture");
	else if (p->pkttype != CD_PKTTYPE_BROADCAST &&
	    p->pkttype != CD_PKTTYPE_MULTICAST && routes)
		on_path(t, c, "it routes through this host");
}

/* Option 3 of the Core's DHCP answer is this host, which forwards. */
void
trk_dhcp_gateway(struct cd_tracker *t, struct trk_core *c,
    const struct cd_dhcp *d)
{
	if (c->on_path || !t->self.forwarding)
		return;
	for (unsigned i = 0; i < d->n_routers && i < CD_DHCP_MAX_ADDRS; i++)
		if (trk_self_ip(t, AF_INET, d->routers[i])) {
			on_path(t, c, "its DHCP gateway is this host");
			return;
		}
}

/*
 * Would the failure of the Core's exchange show?  Its REQUEST after an
 * OFFER is broadcast, so DISCOVERs alone mean no offer from anywhere; the
 * ACK is unicast, seen on the path or where the OFFER or NAK was.
 */
bool
trk_dhcp_visible(const struct trk_core *c)
{
	return c->on_path || c->dhcp.requests == 0 || c->dhcp.offers > 0 ||
	    c->dhcp.naks > 0;
}

/* Would the answer to a query sent to server cross the capture? */
bool
trk_dns_visible(const struct cd_tracker *t, const struct trk_core *c,
    const struct trk_addr *server)
{
	return c->on_path || trk_self_ip(t, server->af, server->ip);
}

/* The address a DISCOVER or REQUEST asks for, to know its lease by. */
void
trk_dhcp_asked(struct trk_core *c, const struct cd_dhcp *d)
{
	if (d->has_requested_ip && cd_get32(d->requested_ip) != 0) {
		memcpy(c->dhcp.req, d->requested_ip, 4);
		c->dhcp.has_req = true;
	} else if (cd_get32(d->ciaddr) != 0) {
		memcpy(c->dhcp.req, d->ciaddr, 4);
		c->dhcp.has_req = true;
	}
}

/* The presence announcement: the handshake is done, the Core online. */
void
trk_presence_online(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	static const enum trk_finding contradicted[] = {
		F_NO_LEASE, F_DNS_FAILED, F_BLOCKED, F_REJECTED,
		F_HS_REJECTED, F_KEY_MISMATCH,
	};

	if (c->dhcp.pending)
		memset(&c->dhcp, 0, sizeof(c->dhcp));
	for (int i = 0; i < TRK_MAX_DNS; i++)
		c->dns[i].used = false;
	c->dns_fail = 0;
	memset(&c->blocked, 0, sizeof(c->blocked));
	memset(&c->rejected, 0, sizeof(c->rejected));
	for (size_t i = 0; i < sizeof(contradicted) / sizeof(*contradicted);
	    i++)
		trk_clear(t, c, contradicted[i], now);
	trk_set_state(c, ST_ONLINE);
}
