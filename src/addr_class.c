#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
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

/* SPEC's list for cloud.dns_hijacked. */
static const struct prefix4 bogus4[] = {
	{ 0x00000000, 8, "this network" },
	{ 0x0a000000, 8, "private" },
	{ 0x64400000, 10, "shared (CGNAT)" },
	{ 0x7f000000, 8, "loopback" },
	{ 0xa9fe0000, 16, "link-local" },
	{ 0xac100000, 12, "private" },
	{ 0xc0a80000, 16, "private" },
};

static const struct prefix6 bogus6[] = {
	{ { [15] = 0 }, 128, "unspecified" },
	{ { [15] = 1 }, 128, "loopback" },
	{ { 0xfc }, 7, "unique local" },
	{ { 0xfe, 0x80 }, 10, "link-local" },
};

static const char *
bogus_v4(uint32_t a)
{
	for (size_t i = 0; i < nitems(bogus4); i++) {
		uint32_t mask = 0xffffffffu << (32 - bogus4[i].len);

		if ((a & mask) == bogus4[i].net)
			return bogus4[i].what;
	}
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
