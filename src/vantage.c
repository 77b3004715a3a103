/*
 * Where this host sees from.  A router forwards for the LAN, so the Cores'
 * unicast crosses its LAN interface and its own probes leave through it
 * without meeting its forwarding rules.  An access point (hostapd serving
 * the LAN interface or one of its bridge ports) carries the frames of the
 * Cores joined to it.  Any other host on the LAN sees broadcasts,
 * multicast and its own traffic; its probes go through the router the way
 * the Cores' connections do.  The tracker judges each Core on evidence
 * (tracker_vantage.c); this is the host's side of it, re-read every few
 * seconds because interfaces come and go.
 */
#include "config.h"

#include <dirent.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "sniff.h"
#include "util.h"
#include "vantage.h"

static void
add_mac(struct cd_tracker_host *h, const struct sockaddr_ll *ll)
{
	static const uint8_t zero[6];

	if (ll->sll_halen != 6 || memcmp(ll->sll_addr, zero, 6) == 0 ||
	    h->nmacs == CD_TRACKER_MAX_SELF)
		return;
	for (size_t i = 0; i < h->nmacs; i++)
		if (memcmp(h->macs[i], ll->sll_addr, 6) == 0)
			return;
	memcpy(h->macs[h->nmacs++], ll->sll_addr, 6);
}

static void
add_addr(struct cd_tracker_host *h, const struct sockaddr *sa)
{
	const void *ip;
	size_t len;

	if (h->naddrs == CD_TRACKER_MAX_SELF)
		return;
	if (sa->sa_family == AF_INET) {
		ip = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		len = 4;
	} else {
		ip = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		len = 16;
	}
	memset(h->addrs[h->naddrs].ip, 0, sizeof(h->addrs[0].ip));
	memcpy(h->addrs[h->naddrs].ip, ip, len);
	h->addrs[h->naddrs++].af = sa->sa_family;
}

/* Every interface's MAC and address: the host's own, never a Core's. */
static void
read_self(struct cd_tracker_host *h)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) < 0) {
		log_warn("vantage: getifaddrs");
		return;
	}
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_PACKET)
			add_mac(h, (const struct sockaddr_ll *)(void *)i->ifa_addr);
		else if (i->ifa_addr->sa_family == AF_INET ||
		    i->ifa_addr->sa_family == AF_INET6)
			add_addr(h, i->ifa_addr);
	}
	freeifaddrs(ifa);
}

static bool
read_forwarding(void)
{
	FILE	*f = fopen("/proc/sys/net/ipv4/ip_forward", "re");
	int	 c;

	if (f == NULL)
		return false;
	c = fgetc(f);
	fclose(f);
	return c == '1';
}

int
cd_default_route_if(char *buf, size_t len)
{
	FILE		*f = fopen("/proc/net/route", "re");
	char		 line[256], ifn[IF_NAMESIZE + 1];
	unsigned long	 dst, flags, metric, mask, best = (unsigned long)-1;

	buf[0] = '\0';
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%16s %lx %*x %lx %*d %*d %lu %lx", ifn, &dst,
		    &flags, &metric, &mask) != 5)
			continue;	/* the header */
		if (dst != 0 || mask != 0 || !(flags & 1) || metric >= best)
			continue;
		best = metric;
		snprintf(buf, len, "%s", ifn);
	}
	fclose(f);
	return buf[0] != '\0' ? 0 : -1;
}

static bool
hostapd_serves(const char *ifn)
{
	char		path[96];
	struct stat	st;

	snprintf(path, sizeof(path), "/run/hostapd/%s", ifn);
	if (stat(path, &st) == 0)
		return true;
	snprintf(path, sizeof(path), "/var/run/hostapd/%s", ifn);
	return stat(path, &st) == 0;
}

/* hostapd on the LAN interface, or on a port of the LAN bridge. */
static bool
read_ap(const char *lan_if)
{
	char		 path[96];
	DIR		*dir;
	struct dirent	*e;
	bool		 ap = hostapd_serves(lan_if);

	snprintf(path, sizeof(path), "/sys/class/net/%s/brif", lan_if);
	if (ap || (dir = opendir(path)) == NULL)
		return ap;
	while (!ap && (e = readdir(dir)) != NULL)
		if (e->d_name[0] != '.')
			ap = hostapd_serves(e->d_name);
	closedir(dir);
	return ap;
}

void
cd_host_view_read(struct cd_host_view *hv, const char *lan_if)
{
	memset(hv, 0, sizeof(*hv));
	snprintf(hv->lan_if, sizeof(hv->lan_if), "%s", lan_if);
	read_self(&hv->self);
	hv->self.forwarding = read_forwarding();
	cd_default_route_if(hv->route_if, sizeof(hv->route_if));
	hv->ap = read_ap(lan_if);
}

/*
 * A router forwards and reaches the world through another interface than
 * the LAN's (or through none, on an isolated LAN).  A Pi forwarding for
 * its own Wi-Fi network is one too: it is its Cores' gateway.
 */
enum cd_vantage
cd_host_vantage(const struct cd_host_view *hv)
{
	if (hv->self.forwarding && strcmp(hv->route_if, hv->lan_if) != 0)
		return CD_VANTAGE_ROUTER;
	if (hv->ap)
		return CD_VANTAGE_AP;
	return CD_VANTAGE_LAN_HOST;
}

const char *
cd_vantage_name(enum cd_vantage v)
{
	static const char *const names[] = {
		[CD_VANTAGE_ROUTER] = "router",
		[CD_VANTAGE_AP] = "access_point",
		[CD_VANTAGE_LAN_HOST] = "lan_host",
	};

	return names[v];
}

void
cd_vantage_explain(enum cd_vantage v, const char *lan_if, char *buf,
    size_t len)
{
	static const char *const what[] = {
		[CD_VANTAGE_ROUTER] = "the capture sees the Cores' traffic "
		    "through this router; the probes leave through the router "
		    "itself, so they test the upstream but not its forwarding "
		    "rules (only the Cores' own traffic shows those)",
		[CD_VANTAGE_AP] = "the capture sees the traffic of the Cores "
		    "joined to this access point; the probes take the Cores' "
		    "path through the router, so they test its forwarding "
		    "rules too",
		[CD_VANTAGE_LAN_HOST] = "the capture sees broadcasts, "
		    "multicast and this host's own traffic, not the Cores' "
		    "unicast; the probes take the Cores' path through the "
		    "router, so they test its forwarding rules too",
	};

	snprintf(buf, len, "on %s: %s", lan_if, what[v]);
}

void
cd_vantage_refresh(struct cd_daemon *d)
{
	struct cd_host_view	 hv;
	struct cd_tracker	*t = cd_sniff_tracker(d->sniff);
	const char		*name;

	cd_host_view_read(&hv, d->cfg->interfaces.lan);
	name = cd_vantage_name(cd_host_vantage(&hv));
	if (strcmp(d->state.vantage, name) != 0) {
		snprintf(d->state.vantage, sizeof(d->state.vantage), "%s",
		    name);
		cd_vantage_explain(cd_host_vantage(&hv), hv.lan_if,
		    d->state.vantage_detail, sizeof(d->state.vantage_detail));
		log_notice("vantage: %s %s", name, d->state.vantage_detail);
	}
	if (t != NULL)
		cd_tracker_set_host(t, &hv.self);
}

int
cd_vantage_default_lan(struct cd_config *cfg)
{
	char ifn[IF_NAMESIZE];

	if (cfg->interfaces.lan_given || if_nametoindex(cfg->interfaces.lan) != 0)
		return 0;
	if (cd_default_route_if(ifn, sizeof(ifn)) < 0)
		return 0;
	log_notice("interfaces.lan is not set and %s does not exist: using "
	    "%s, the interface of the IPv4 default route",
	    cfg->interfaces.lan, ifn);
	cd_setstr(&cfg->interfaces.lan, ifn);
	return 1;
}
