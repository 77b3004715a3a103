/*
 * Addresses no public cloud has.  A resolver that answers the cloud's name
 * with one of them (a parental filter, a portal, a broken DNS proxy) sends
 * the Core nowhere: cloud.dns_hijacked.  And where an answer came from:
 * one from this host, its gateway, its own networks or a special-use
 * address is not the internet answering (internet.down).
 */
#ifndef CD_ADDR_CLASS_H
#define CD_ADDR_CLASS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * What kind of bogus address sa is ("private", "loopback", "link-local",
 * "shared (CGNAT)", "documentation", ...: RFC 6890), or NULL for one a
 * public cloud may have.  198.18.0.0/15 is not bogus (addr_class.c says
 * why).  IPv4-mapped IPv6 addresses are judged as IPv4.
 */
const char	*cd_addr_bogus(const struct sockaddr *sa);

/* The numeric address alone ("198.18.100.10", "::1") into buf. */
char		*cd_addr_str(const struct sockaddr *sa, char *buf, size_t len);

/* Address and port ("198.18.100.10:5683", "[::1]:5683") into buf. */
char		*cd_addr_port_str(const struct sockaddr *sa, char *buf,
		    size_t len);

/* This host's own addresses, its networks and its default gateways. */
enum cd_local_kind { CD_LOCAL_SELF, CD_LOCAL_GATEWAY, CD_LOCAL_LAN };

#define CD_LOCAL_MAX	64

struct cd_local_net {
	uint8_t			addr[16];	/* IPv4 as ::ffff:a.b.c.d */
	unsigned		plen;		/* of the 128 bits */
	enum cd_local_kind	kind;
};

struct cd_local {
	struct cd_local_net	nets[CD_LOCAL_MAX];
	size_t			n;
};

/* Read them from the kernel (getifaddrs, /proc/net/route); never fails. */
void	cd_local_load(struct cd_local *l);
/* Add one (tests, and cd_local_load); plen of sa's own family. */
void	cd_local_add(struct cd_local *l, enum cd_local_kind kind,
	    const struct sockaddr *sa, unsigned plen);

enum cd_where {
	CD_WHERE_INTERNET,	/* may be the internet */
	CD_WHERE_HOST,		/* this host or its gateway: the router */
	CD_WHERE_LOCAL,		/* its own networks, or special-use */
};

/*
 * Where an answer from sa came from; *what says why it is not the
 * internet ("this host's own address", "this host's gateway", "on this
 * host's own network", or a class of cd_addr_bogus), else NULL.  l may be
 * NULL (special-use addresses only).
 */
enum cd_where cd_addr_where(const struct sockaddr *sa,
	    const struct cd_local *l, const char **what);

/*
 * Tests only: count sa/plen as the internet although it is special-use or
 * local (unit tests' servers listen on loopback).  The daemon never calls it.
 */
void	cd_addr_count_as_internet(const struct sockaddr *sa, unsigned plen);

#endif
