/*
 * Where this host sees from (corediagd(8), VANTAGE POINTS): its own MACs
 * and addresses for the tracker, whether it is the LAN's router, an access
 * point or a host on the LAN, what that means for the capture and the
 * probes, and the LAN interface a Raspberry Pi falls back to.
 */
#ifndef CD_VANTAGE_H
#define CD_VANTAGE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "tracker.h"

struct cd_config;
struct cd_daemon;

enum cd_vantage {
	CD_VANTAGE_ROUTER,	/* forwards for the LAN: on the Cores' path */
	CD_VANTAGE_AP,		/* hostapd serves the LAN interface */
	CD_VANTAGE_LAN_HOST,	/* a host beside the Cores */
};

struct cd_host_view {
	struct cd_tracker_host	self;
	char			lan_if[IF_NAMESIZE];
	char			route_if[IF_NAMESIZE];	/* IPv4 default; "" */
	bool			ap;	/* hostapd on lan_if or a port of it */
};

/* Read the host: interfaces, ip_forward, default route, hostapd. */
void	cd_host_view_read(struct cd_host_view *hv, const char *lan_if);
/* The position the view shows; a pure function, for tests. */
enum cd_vantage cd_host_vantage(const struct cd_host_view *hv);
const char *cd_vantage_name(enum cd_vantage v);
/* One sentence: what the capture sees and what the probes test. */
void	cd_vantage_explain(enum cd_vantage v, const char *lan_if, char *buf,
	    size_t len);

/* Read the host, set the report's vantage and the tracker's host. */
void	cd_vantage_refresh(struct cd_daemon *d);

/*
 * interfaces.lan left unset and br-lan absent: the interface of the IPv4
 * default route, as on a Raspberry Pi.  Returns 1 when cfg was changed
 * (and logged), 0 when not.
 */
int	cd_vantage_default_lan(struct cd_config *cfg);
/* The interface of the IPv4 default route (lowest metric) into buf. */
int	cd_default_route_if(char *buf, size_t len);

#endif
