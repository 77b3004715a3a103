/*
 * Addresses no public cloud has.  A resolver that answers the cloud's name
 * with one of them (a parental filter, a portal, a broken DNS proxy) sends
 * the Core nowhere: cloud.dns_hijacked.
 */
#ifndef CD_ADDR_CLASS_H
#define CD_ADDR_CLASS_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * What kind of bogus address sa is ("private", "loopback", "link-local",
 * "shared (CGNAT)", "this network", "unique local", "unspecified"), or
 * NULL for one a public cloud may have.  198.18.0.0/15, the test lab's
 * range, is not bogus.  IPv4-mapped IPv6 addresses are judged as IPv4.
 */
const char	*cd_addr_bogus(const struct sockaddr *sa);

/* The numeric address alone ("198.18.100.10", "::1") into buf. */
char		*cd_addr_str(const struct sockaddr *sa, char *buf, size_t len);

/* Address and port ("198.18.100.10:5683", "[::1]:5683") into buf. */
char		*cd_addr_port_str(const struct sockaddr *sa, char *buf,
		    size_t len);

#endif
