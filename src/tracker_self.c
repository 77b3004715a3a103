/*
 * The host the capture runs on is never a Core.  Its own probes read the
 * cloud's nonce, query the cloud's name and send DHCP on the LAN like a
 * Core does; none of it may make this host a Core, so its MACs and
 * addresses (every interface, refreshed as interfaces change) are kept
 * here and refused wherever a Core would be made or given an address.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "tracker_int.h"

bool
trk_self_mac(const struct cd_tracker *t, const uint8_t mac[6])
{
	for (size_t i = 0; i < t->self.nmacs; i++)
		if (trk_mac_eq(t->self.macs[i], mac))
			return true;
	return false;
}

bool
trk_self_ip(const struct cd_tracker *t, int af, const uint8_t *ip)
{
	size_t len = af == AF_INET ? 4 : 16;

	for (size_t i = 0; i < t->self.naddrs; i++)
		if (t->self.addrs[i].af == af &&
		    memcmp(t->self.addrs[i].ip, ip, len) == 0)
			return true;
	return false;
}

static void
forget_self_cands(struct cd_tracker *t)
{
	for (int i = 0; i < TRK_MAX_CAND; i++) {
		struct trk_cand *k = &t->cand[i];

		if (k->used && (trk_self_mac(t, k->mac) ||
		    trk_self_ip(t, k->cli.af, k->cli.ip)))
			k->used = false;
	}
}

void
cd_tracker_set_host(struct cd_tracker *t, const struct cd_tracker_host *h)
{
	struct trk_core *c;

	t->self = *h;
	if (t->self.nmacs > CD_TRACKER_MAX_SELF)
		t->self.nmacs = CD_TRACKER_MAX_SELF;
	if (t->self.naddrs > CD_TRACKER_MAX_SELF)
		t->self.naddrs = CD_TRACKER_MAX_SELF;
	/* Taken for a Core before its interface was known: not one. */
	for (size_t i = 0; i < t->ncores; i++) {
		c = t->cores[i];
		if (!trk_self_mac(t, c->mac) &&
		    !trk_self_ip(t, c->addr.af, c->addr.ip))
			continue;
		log_info("tracker: %s is this host, not a Core", c->macstr);
		trk_forget(t, i--, t->now);
	}
	forget_self_cands(t);
}
