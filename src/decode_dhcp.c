/*
 * DHCP (RFC 2131/2132): the BOOTP header and the options corediagd reads
 * to follow a Core's lease and to see which servers answer.  Options are
 * walked as type-length-value with every length checked; with option 52
 * the file and sname fields carry options too (in that order, RFC 2131
 * section 4.1).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "decode.h"

#define BOOTP_LEN	236
#define DHCP_COOKIE	0x63825363
#define DHCP_OPTS	(BOOTP_LEN + 4)
#define SNAME_OFF	44
#define SNAME_LEN	64
#define FILE_OFF	108
#define FILE_LEN	128

#define OPT_PAD		0
#define OPT_SUBNET	1
#define OPT_ROUTER	3
#define OPT_DNS		6
#define OPT_HOSTNAME	12
#define OPT_REQ_IP	50
#define OPT_LEASE	51
#define OPT_OVERLOAD	52
#define OPT_MSG_TYPE	53
#define OPT_SERVER_ID	54
#define OPT_CLIENT_ID	61
#define OPT_PORTAL	114
#define OPT_END		255

/* Text for logs and JSON: stop at a NUL, replace what is not printable. */
static void
copy_text(char *dst, size_t size, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < size - 1 && src[i] != '\0'; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[i] = '\0';
}

/* A list of IPv4 addresses (routers, DNS servers): the first few. */
static uint8_t
copy_addrs(uint8_t dst[][4], const uint8_t *src, size_t n)
{
	size_t i;

	if (n == 0 || n % 4 != 0)
		return 0;
	for (i = 0; i < n / 4 && i < CD_DHCP_MAX_ADDRS; i++)
		memcpy(dst[i], src + i * 4, 4);
	return (uint8_t)i;
}

static bool
copy_addr(uint8_t dst[4], const uint8_t *src, size_t n)
{
	if (n != 4)
		return false;
	memcpy(dst, src, 4);
	return true;
}

/* One option; a wrong length leaves its field unset. */
static void
dhcp_option(uint8_t code, const uint8_t *v, size_t n, struct cd_dhcp *out,
    uint8_t *overload)
{
	switch (code) {
	case OPT_MSG_TYPE:
		if (n == 1)
			out->msg_type = v[0];
		break;
	case OPT_SERVER_ID:
		out->has_server_id = copy_addr(out->server_id, v, n);
		break;
	case OPT_REQ_IP:
		out->has_requested_ip = copy_addr(out->requested_ip, v, n);
		break;
	case OPT_SUBNET:
		out->has_subnet = copy_addr(out->subnet, v, n);
		break;
	case OPT_LEASE:
		if ((out->has_lease = n == 4))
			out->lease_s = cd_get32(v);
		break;
	case OPT_ROUTER:
		out->n_routers = copy_addrs(out->routers, v, n);
		break;
	case OPT_DNS:
		out->n_dns = copy_addrs(out->dns, v, n);
		break;
	case OPT_CLIENT_ID:
		out->client_id_len = (uint8_t)(n < CD_DHCP_CLIENT_ID_MAX ? n :
		    CD_DHCP_CLIENT_ID_MAX);
		memcpy(out->client_id, v, out->client_id_len);
		break;
	case OPT_HOSTNAME:
		copy_text(out->hostname, sizeof(out->hostname), v, n);
		break;
	case OPT_PORTAL:
		copy_text(out->portal_url, sizeof(out->portal_url), v, n);
		break;
	case OPT_OVERLOAD:
		if (n == 1 && overload != NULL)
			*overload = v[0];
		break;
	}
}

/* The options in p[0..len); truncated when one runs past or End is missing. */
static void
dhcp_options(const uint8_t *p, size_t len, struct cd_dhcp *out,
    uint8_t *overload)
{
	size_t i = 0, n;
	uint8_t code;

	while (i < len) {
		code = p[i++];
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return;
		if (i == len || (n = p[i]) > len - i - 1)
			break;
		dhcp_option(code, p + i + 1, n, out, overload);
		i += 1 + n;
	}
	out->truncated = true;
}

int
cd_decode_dhcp(const uint8_t *p, size_t len, struct cd_dhcp *out)
{
	uint8_t overload = 0;

	memset(out, 0, sizeof(*out));
	if (len < DHCP_OPTS)
		return -EBADMSG;
	out->op = p[0];
	out->htype = p[1];
	out->hlen = p[2];
	out->hops = p[3];
	out->xid = cd_get32(p + 4);
	out->secs = cd_get16(p + 8);
	out->flags = cd_get16(p + 10);
	memcpy(out->ciaddr, p + 12, 4);
	memcpy(out->yiaddr, p + 16, 4);
	memcpy(out->siaddr, p + 20, 4);
	memcpy(out->giaddr, p + 24, 4);
	memcpy(out->chaddr, p + 28, 16);
	if (cd_get32(p + BOOTP_LEN) != DHCP_COOKIE)
		return -ENOTSUP;
	dhcp_options(p + DHCP_OPTS, len - DHCP_OPTS, out, &overload);
	if (overload & 1)
		dhcp_options(p + FILE_OFF, FILE_LEN, out, NULL);
	if (overload & 2)
		dhcp_options(p + SNAME_OFF, SNAME_LEN, out, NULL);
	return 0;
}
