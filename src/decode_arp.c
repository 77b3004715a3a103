/*
 * ARP for IPv4 over Ethernet (RFC 826): who claims which address.  Other
 * hardware or protocol types are not ours.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "decode.h"

#define ARP_HLEN	8
#define ARP_ETH_IPV4	28

int
cd_decode_arp(const uint8_t *p, size_t len, struct cd_arp *out)
{
	if (len < ARP_HLEN)
		return -EBADMSG;
	if (cd_get16(p) != 1 || cd_get16(p + 2) != CD_ETH_IPV4 ||
	    p[4] != 6 || p[5] != 4)
		return -ENOTSUP;
	if (len < ARP_ETH_IPV4)
		return -EBADMSG;
	out->op = cd_get16(p + 6);
	memcpy(out->sha, p + 8, 6);
	memcpy(out->spa, p + 14, 4);
	memcpy(out->tha, p + 18, 6);
	memcpy(out->tpa, p + 24, 4);
	return 0;
}
