/*
 * The pure decisions of the probes over IP (dns, handshake, portal): what
 * their outcomes mean, apart from their I/O (probe_dns.c,
 * probe_handshake.c, probe_portal.c) so that unit tests can feed them raw
 * outcomes.  Each fills the verdict's finding, result, summary and reach;
 * the probe writes the detail it saw.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "addr_class.h"
#include "cd_config.h"
#include "probe_net.h"
#include "util.h"

void
cd_cloud_subject(const struct cd_config *cfg, char *buf, size_t len)
{
	snprintf(buf, len, "cloud:%s:%u", cfg->cloud.host,
	    (unsigned)cfg->cloud.port);
}

bool
cd_dns_retryable(int status)
{
	switch (status) {
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
	case EAI_FAIL:
	case EAI_SERVICE:
	case EAI_FAMILY:
	case EAI_BADFLAGS:
		return false;
	default:
		return true;
	}
}

void
cd_dns_describe(const struct addrinfo *res, const struct cd_local *l,
    char *buf, size_t len, struct cd_dns_count *c)
{
	const struct addrinfo	*ai;
	const char		*what;
	char			 addr[64];
	size_t			 n = 0;

	buf[0] = '\0';
	memset(c, 0, sizeof(*c));
	for (int v4 = 1; v4 >= 0; v4--)
		for (ai = res; ai != NULL && n < len; ai = ai->ai_next) {
			if ((ai->ai_family == AF_INET) != v4)
				continue;
			cd_addr_str(ai->ai_addr, addr, sizeof(addr));
			if (cd_addr_where(ai->ai_addr, l, &what) ==
			    CD_WHERE_INTERNET)
				c->internet++;
			if (v4) {
				c->v4++;
				c->bogus += what != NULL;
			} else
				c->other++;
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " :
			    "", addr);
			if (n < len && (what != NULL || !v4))
				n += (size_t)snprintf(buf + n, len - n,
				    " (%s%s%s)", v4 ? "" : "IPv6, information "
				    "only", what && !v4 ? "; " : "",
				    what ? what : "");
		}
}

void
cd_dns_decide(const char *host, const struct cd_dns_count *c,
    struct cd_probe_verdict *v)
{
	v->finding = NULL;
	v->result = "ok";
	v->reach = c->internet > 0 ? CD_REACH_ANSWERED : CD_REACH_NONE;
	v->summary[0] = '\0';
	if (c->v4 == 0) {
		snprintf(v->summary, sizeof(v->summary), "%s has no IPv4 "
		    "address, and the Core speaks only IPv4", host);
		v->finding = "cloud.dns_failed";
		v->result = "no_ipv4";
	} else if (c->bogus > 0) {
		snprintf(v->summary, sizeof(v->summary), "%s resolves to an "
		    "address no public cloud has", host);
		v->finding = "cloud.dns_hijacked";
		v->result = "hijacked";
	}
}

void
cd_dns_decide_failed(const char *host, const char *result,
    struct cd_probe_verdict *v)
{
	v->finding = "cloud.dns_failed";
	v->result = result;
	v->reach = CD_REACH_NONE;
	snprintf(v->summary, sizeof(v->summary), "%s does not resolve", host);
}

enum cd_handshake_verdict
cd_handshake_verdict(const struct cd_handshake_outcome *o)
{
	if (!o->connected)
		return o->connect_status == UV_ECONNREFUSED ||
		    o->connect_status == UV_ECONNRESET ? CD_HANDSHAKE_REJECTED :
		    CD_HANDSHAKE_BLOCKED;
	if (o->nbytes == CD_NONCE_LEN)
		return CD_HANDSHAKE_OK;
	if (o->nbytes == 0 && o->read_status == UV_ECONNRESET)
		return CD_HANDSHAKE_REJECTED;
	return CD_HANDSHAKE_NO_HANDSHAKE;
}

const char *const cd_handshake_ids[CD_HANDSHAKE_NIDS + 1] = {
	"cloud.ok", "cloud.tcp_blocked", "cloud.tcp_rejected",
	"cloud.no_handshake", NULL,
};

const char *
cd_handshake_verdict_id(enum cd_handshake_verdict v)
{
	return cd_handshake_ids[v];
}

const char *
cd_handshake_verdict_word(enum cd_handshake_verdict v)
{
	return cd_handshake_ids[v] + strlen("cloud.");
}

static const char *
summary_of(enum cd_handshake_verdict v)
{
	switch (v) {
	case CD_HANDSHAKE_OK:
		return "the cloud's TCP handshake works: its 40-byte nonce arrived";
	case CD_HANDSHAKE_BLOCKED:
		return "TCP to the cloud times out or is unreachable (filtered)";
	case CD_HANDSHAKE_REJECTED:
		return "TCP to the cloud is refused or reset";
	default:
		return "something answers on the cloud's port but sends no "
		    "40-byte nonce";
	}
}

void
cd_handshake_decide(const struct cd_handshake_outcome *o, bool internet,
    struct cd_probe_verdict *v)
{
	enum cd_handshake_verdict hv = cd_handshake_verdict(o);

	v->finding = cd_handshake_verdict_id(hv);
	v->result = cd_handshake_verdict_word(hv);
	v->reach = hv != CD_HANDSHAKE_BLOCKED && internet ? CD_REACH_ANSWERED :
	    CD_REACH_NONE;
	snprintf(v->summary, sizeof(v->summary), "%s", summary_of(hv));
}

enum cd_portal_verdict
cd_portal_verdict(long status, size_t body_len, int expect_status)
{
	if (status <= 0)
		return CD_PORTAL_NO_ANSWER;
	if (status == expect_status)
		return CD_PORTAL_ONLINE;
	if (status == 511 || (status >= 300 && status < 400))
		return CD_PORTAL_DETECTED;
	if (status >= 200 && status < 300)
		return body_len >= 2 ? CD_PORTAL_DETECTED : CD_PORTAL_ONLINE;
	return CD_PORTAL_NO_ANSWER;
}

void
cd_portal_decide(long status, size_t body_len, int expect_status,
    enum cd_where where, struct cd_probe_verdict *v)
{
	enum cd_portal_verdict pv;

	pv = cd_portal_verdict(status, body_len, expect_status);
	v->finding = NULL;
	v->summary[0] = '\0';
	/* No HTTP answer, a server error, or not from the internet. */
	v->reach = status <= 0 || status >= 500 || where != CD_WHERE_INTERNET ?
	    CD_REACH_NONE : CD_REACH_ANSWERED;
	/* This host or its gateway: the router's own page, not a portal. */
	if (where == CD_WHERE_HOST && pv != CD_PORTAL_NO_ANSWER) {
		v->result = "not_internet";
		return;
	}
	if (pv == CD_PORTAL_DETECTED) {
		v->finding = "portal.detected";
		v->result = "portal";
		snprintf(v->summary, sizeof(v->summary),
		    "a captive portal intercepts plain HTTP");
		return;
	}
	v->result = pv == CD_PORTAL_ONLINE ? "ok" : "no_answer";
}
