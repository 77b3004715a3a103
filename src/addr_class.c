#include "config.h"

#include <sys/types.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr_class.h"
#include "util.h"

struct prefix4 {
	uint32_t	 net;
	unsigned	 len;
	const char	*what;
};

struct prefix6 {
	uint8_t		 net[16];
	unsigned	 len;
	const char	*what;
};

/*
 * Special-use addresses (RFC 6890) no public cloud has.  Two are left
 * out on purpose: 198.18.0.0/15 (benchmarking) is what fake-IP proxies
 * (Clash, sing-box, Surge) answer names with before they carry the
 * connection to the real host, so behind one it is the internet; the
 * test lab uses it as its internet for the same reason.  And 2001:db8::/32
 * (documentation) is listed, but IPv6 answers are information only.
 */
static const struct prefix4 bogus4[] = {
	{ 0x00000000, 8, "this network" },
	{ 0x0a000000, 8, "private" },
	{ 0x64400000, 10, "shared (CGNAT)" },
	{ 0x7f000000, 8, "loopback" },
	{ 0xa9fe0000, 16, "link-local" },
	{ 0xac100000, 12, "private" },
	{ 0xc0000000, 24, "IETF protocol assignments" },
	{ 0xc0000200, 24, "documentation" },
	{ 0xc0a80000, 16, "private" },
	{ 0xc6336400, 24, "documentation" },
	{ 0xcb007100, 24, "documentation" },
	{ 0xe0000000, 4, "multicast" },
	{ 0xf0000000, 4, "reserved" },
};

static const struct prefix6 bogus6[] = {
	{ { [15] = 0 }, 128, "unspecified" },
	{ { [15] = 1 }, 128, "loopback" },
	{ { 0x01 }, 64, "discard" },
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, "documentation" },
	{ { 0xfc }, 7, "unique local" },
	{ { 0xfe, 0x80 }, 10, "link-local" },
	{ { 0xff }, 8, "multicast" },
};

static bool
prefix4_match(uint32_t a, uint32_t net, unsigned len)
{
	uint32_t mask = len == 0 ? 0 : 0xffffffffu << (32 - len);

	return (a & mask) == (net & mask);
}

static const char *
bogus_v4(uint32_t a)
{
	for (size_t i = 0; i < nitems(bogus4); i++)
		if (prefix4_match(a, bogus4[i].net, bogus4[i].len))
			return bogus4[i].what;
	return NULL;
}

static int
prefix6_match(const uint8_t *a, const struct prefix6 *p)
{
	unsigned full = p->len / 8, rest = p->len % 8;
	uint8_t mask;

	if (memcmp(a, p->net, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (p->net[full] & mask);
}

static const char *
bogus_v6(const struct in6_addr *in6)
{
	const uint8_t *a = in6->s6_addr;

	if (IN6_IS_ADDR_V4MAPPED(in6))
		return bogus_v4((uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 |
		    (uint32_t)a[14] << 8 | a[15]);
	for (size_t i = 0; i < nitems(bogus6); i++)
		if (prefix6_match(a, &bogus6[i]))
			return bogus6[i].what;
	return NULL;
}

const char *
cd_addr_bogus(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return bogus_v4(ntohl(((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6)
		return bogus_v6(&((const struct sockaddr_in6 *)(const void *)
		    sa)->sin6_addr);
	return "not IP";
}

char *
cd_addr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a = NULL;

	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (a == NULL || inet_ntop(sa->sa_family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

char *
cd_addr_port_str(const struct sockaddr *sa, char *buf, size_t len)
{
	char		addr[INET6_ADDRSTRLEN];
	unsigned	port = 0;

	cd_addr_str(sa, addr, sizeof(addr));
	if (sa->sa_family == AF_INET)
		port = ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
	else if (sa->sa_family == AF_INET6)
		port = ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	snprintf(buf, len, sa->sa_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
	    addr, port);
	return buf;
}

/* The address of sa as 16 bytes (IPv4 as mapped); false if not IP. */
static bool
addr16(const struct sockaddr *sa, uint8_t out[16])
{
	const struct sockaddr_in	*sin = (const void *)sa;
	const struct sockaddr_in6	*sin6 = (const void *)sa;

	if (sa->sa_family == AF_INET) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &sin->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &sin6->sin6_addr, 16);
		return true;
	}
	return false;
}

static bool
match16(const uint8_t *a, const uint8_t *net, unsigned plen)
{
	struct prefix6 p = { .len = plen };

	memcpy(p.net, net, 16);
	return prefix6_match(a, &p) != 0;
}

void
cd_local_add(struct cd_local *l, enum cd_local_kind kind,
    const struct sockaddr *sa, unsigned plen)
{
	struct cd_local_net *n;

	if (l->n == CD_LOCAL_MAX)
		return;
	n = &l->nets[l->n];
	if (!addr16(sa, n->addr))
		return;
	n->plen = sa->sa_family == AF_INET ? 96 + (plen > 32 ? 32 : plen) :
	    (plen > 128 ? 128 : plen);
	n->kind = kind;
	l->n++;
}

static unsigned
mask_len(const struct sockaddr *m)
{
	uint8_t		b[16];
	unsigned	n = 0, i = m->sa_family == AF_INET ? 12 : 0;

	if (!addr16(m, b))
		return 0;
	for (; i < 16 && b[i] == 0xff; i++)
		n += 8;
	for (uint8_t x = i < 16 ? b[i] : 0; x & 0x80; x = (uint8_t)(x << 1))
		n++;
	return n;
}

/* Default gateways from /proc/net/route (hex, network order). */
static void
load_gateways(struct cd_local *l)
{
	char			line[256], ifname[IFNAMSIZ + 1];
	unsigned		dst, gw, flags;
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	FILE			*f;

	if ((f = fopen("/proc/net/route", "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%16s %x %x %x", ifname, &dst, &gw,
		    &flags) == 4 && dst == 0 && gw != 0) {
			sin.sin_addr.s_addr = gw;
			cd_local_add(l, CD_LOCAL_GATEWAY,
			    (struct sockaddr *)&sin, 32);
		}
	fclose(f);
}

void
cd_local_load(struct cd_local *l)
{
	struct ifaddrs *ifa, *i;

	memset(l, 0, sizeof(*l));
	if (getifaddrs(&ifa) == 0) {
		for (i = ifa; i != NULL; i = i->ifa_next) {
			if (i->ifa_addr == NULL ||
			    (i->ifa_addr->sa_family != AF_INET &&
			    i->ifa_addr->sa_family != AF_INET6))
				continue;
			/* All of 127/8 is this host, not only 127.0.0.1. */
			if (i->ifa_netmask != NULL &&
			    (i->ifa_flags & IFF_LOOPBACK))
				cd_local_add(l, CD_LOCAL_SELF, i->ifa_addr,
				    mask_len(i->ifa_netmask));
			else
				cd_local_add(l, CD_LOCAL_SELF, i->ifa_addr, 128);
			if (i->ifa_netmask != NULL &&
			    !(i->ifa_flags & IFF_LOOPBACK))
				cd_local_add(l, CD_LOCAL_LAN, i->ifa_addr,
				    mask_len(i->ifa_netmask));
		}
		freeifaddrs(ifa);
	}
	load_gateways(l);
}

static const char *const local_what[] = {
	[CD_LOCAL_SELF] = "this host's own address",
	[CD_LOCAL_GATEWAY] = "this host's gateway",
	[CD_LOCAL_LAN] = "on this host's own network",
};

/* Tests only: their servers listen on loopback, which stands for the
 * internet there.  The daemon never sets it. */
static struct cd_local_net exempt[4];
static size_t nexempt;

void
cd_addr_count_as_internet(const struct sockaddr *sa, unsigned plen)
{
	struct cd_local l = { .n = 0 };

	cd_local_add(&l, CD_LOCAL_SELF, sa, plen);
	if (l.n == 1 && nexempt < nitems(exempt))
		exempt[nexempt++] = l.nets[0];
}

enum cd_where
cd_addr_where(const struct sockaddr *sa, const struct cd_local *l,
    const char **what)
{
	const char	*bogus;
	uint8_t		 a[16];

	*what = NULL;
	if (!addr16(sa, a)) {
		*what = "not IP";
		return CD_WHERE_LOCAL;
	}
	for (size_t i = 0; i < nexempt; i++)
		if (match16(a, exempt[i].addr, exempt[i].plen))
			return CD_WHERE_INTERNET;
	/* This host and its gateway first: the router answering for all. */
	for (int k = CD_LOCAL_SELF; k <= CD_LOCAL_LAN; k++)
		for (size_t i = 0; l != NULL && i < l->n; i++)
			if (l->nets[i].kind == (enum cd_local_kind)k &&
			    match16(a, l->nets[i].addr, l->nets[i].plen)) {
				*what = local_what[k];
				return k == CD_LOCAL_LAN ? CD_WHERE_LOCAL :
				    CD_WHERE_HOST;
			}
	if ((bogus = cd_addr_bogus(sa)) != NULL) {
		*what = bogus;
		return CD_WHERE_LOCAL;
	}
	return CD_WHERE_INTERNET;
}
