/*
 * The dhcp probe's decision: no offer is dhcp.no_offer (the Core cannot
 * get an address), or dhcp.server_busy when a server answered other
 * clients meanwhile (it is there, but slow, full or filtering); offers from more than one server are
 * dhcp.multiple_servers (the Core may take its lease, gateway and DNS
 * from the wrong one).  The detail lists every server with its offer, and
 * a captive-portal URL (option 114, RFC 8910) where a server announces one.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "probe_dhcp.h"

#define MAX_SERVERS	16

static bool
same_server(const struct cd_dhcp_offer *a, const struct cd_dhcp_offer *b)
{
	const uint8_t *ida = a->has_server_id ? a->server_id : a->src_ip;
	const uint8_t *idb = b->has_server_id ? b->server_id : b->src_ip;

	return memcmp(a->src_mac, b->src_mac, 6) == 0 &&
	    memcmp(ida, idb, 4) == 0;
}

/* The first offer of each server, in the order they came. */
static size_t
distinct(const struct cd_dhcp_offer *offers, size_t n,
    const struct cd_dhcp_offer **out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < k && !same_server(out[j], &offers[i]); j++)
			;
		if (j == k && k < MAX_SERVERS)
			out[k++] = &offers[i];
	}
	return k;
}

static size_t append(char *, size_t, size_t, const char *, ...)
    __attribute__((format(printf, 4, 5)));

/* snprintf at buf + at; returns where the next one goes. */
static size_t
append(char *buf, size_t len, size_t at, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (at >= len)
		return at;
	va_start(ap, fmt);
	n = vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
	return n < 0 ? at : at + (size_t)n;
}

static const char *
server_name(const struct cd_dhcp_offer *o, char *buf, size_t len)
{
	return cd_fmt_ip(AF_INET, o->has_server_id ? o->server_id : o->src_ip,
	    buf, len);
}

/* "server 198.18.1.1 (MAC .., from ..) offered .., lease 3600 s" */
static size_t
describe_offer(char *buf, size_t len, size_t at,
    const struct cd_dhcp_offer *o)
{
	char id[64], src[64], yi[64], mac[18];

	at = append(buf, len, at, "server %s (MAC %s, from %s) offered %s",
	    server_name(o, id, sizeof(id)), cd_fmt_mac(o->src_mac, mac),
	    cd_fmt_ip(AF_INET, o->src_ip, src, sizeof(src)),
	    cd_fmt_ip(AF_INET, o->yiaddr, yi, sizeof(yi)));
	if (o->has_lease)
		at = append(buf, len, at, ", lease %lu s",
		    (unsigned long)o->lease_s);
	if (o->portal_url[0] != '\0')
		at = append(buf, len, at, ", captive portal announced "
		    "(option 114): %s", o->portal_url);
	return at;
}

static size_t
describe_sent(char *buf, size_t len, const struct cd_dhcp_sent *s)
{
	char mac[18];

	return append(buf, len, 0, "DHCPDISCOVER (xid 0x%08lx, client MAC %s, "
	    "broadcast flag) sent %u time%s on %s", (unsigned long)s->xid,
	    cd_fmt_mac(s->mac, mac), s->sends, s->sends == 1 ? "" : "s",
	    s->iface);
}

static void
summarize(const struct cd_dhcp_sent *s, const struct cd_dhcp_offer **srv,
    size_t k, struct cd_probe_verdict *v)
{
	char	id[64];
	size_t	at;

	if (k == 1) {
		snprintf(v->summary, sizeof(v->summary), "one DHCP server "
		    "answers on %s (%s)", s->iface,
		    server_name(srv[0], id, sizeof(id)));
		return;
	}
	at = append(v->summary, sizeof(v->summary), 0, "%zu DHCP servers "
	    "answer on %s:", k, s->iface);
	for (size_t i = 0; i < k; i++)
		at = append(v->summary, sizeof(v->summary), at, "%s %s",
		    i ? "," : "", server_name(srv[i], id, sizeof(id)));
}

unsigned
cd_dhcp_decide(const struct cd_dhcp_sent *s,
    const struct cd_dhcp_offer *offers, size_t n, struct cd_probe_verdict *v)
{
	const struct cd_dhcp_offer	*srv[MAX_SERVERS];
	size_t				 k, at;

	memset(v, 0, sizeof(*v));
	at = describe_sent(v->detail, sizeof(v->detail), s);
	if ((k = distinct(offers, n, srv)) == 0 && s->others > 0) {
		char id[64];

		v->result = "busy";
		v->finding = "dhcp.server_busy";
		snprintf(v->summary, sizeof(v->summary), "the DHCP server on "
		    "%s (%s) answered other clients, not this DISCOVER",
		    s->iface, server_name(&s->other, id, sizeof(id)));
		at = append(v->detail, sizeof(v->detail), at, "; no DHCPOFFER "
		    "for it in %llu ms, while %u answer%s to other clients "
		    "came, the first: ", (unsigned long long)s->waited_ms,
		    s->others, s->others == 1 ? "" : "s");
		describe_offer(v->detail, sizeof(v->detail), at, &s->other);
		return 0;
	}
	if (k == 0) {
		v->result = "no_offer";
		v->finding = "dhcp.no_offer";
		snprintf(v->summary, sizeof(v->summary), "no DHCP server "
		    "answered on %s", s->iface);
		append(v->detail, sizeof(v->detail), at, "; no DHCPOFFER in "
		    "%llu ms", (unsigned long long)s->waited_ms);
		return 0;
	}
	v->finding = k > 1 ? "dhcp.multiple_servers" : NULL;
	v->result = k > 1 ? "multiple_servers" : "ok";
	summarize(s, srv, k, v);
	at = append(v->detail, sizeof(v->detail), at, "; %zu server%s "
	    "answered, the first after %llu ms: ", k, k == 1 ? "" : "s",
	    (unsigned long long)s->first_ms);
	for (size_t i = 0; i < k; i++) {
		if (i > 0)
			at = append(v->detail, sizeof(v->detail), at, "; ");
		at = describe_offer(v->detail, sizeof(v->detail), at, srv[i]);
	}
	return (unsigned)k;
}
