/*
 * The tracker on the LAN: a Core's address (ARP, DHCP, its own packets),
 * its DHCP exchange (core.no_lease), the subnet it should be in
 * (core.static_ip) and its DNS queries for the cloud's name
 * (core.dns_failed, core.bad_dns_server).
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "tracker_int.h"

#define BAD_DNS_SERVER	0x4c530000U	/* 76.83.0.0, the CC3000 fault */

static void
ip4str(const uint8_t ip[4], char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
}

static unsigned
prefixlen(uint32_t mask)
{
	unsigned n = 0;

	while (n < 32 && (mask & (0x80000000U >> n)))
		n++;
	return n;
}

/*
 * An address leased by DHCP outside the LAN's subnet came from another
 * DHCP server (a second router, an access point): not a static address.
 */
static bool
other_server_check(struct cd_tracker *t, struct trk_core *c, bool outside,
    const char *ip, const char *net, int64_t now)
{
	char srv[16];

	if (!outside || !c->leased || memcmp(c->lease_ip, c->addr.ip, 4) != 0) {
		trk_clear(t, c, F_OTHER_DHCP, now);
		return false;
	}
	ip4str(c->lease_server, srv);
	trk_clear(t, c, F_STATIC_IP, now);
	trk_raise(t, c, F_OTHER_DHCP, now, "uses %s, leased by the DHCP "
	    "server %s, outside the LAN's subnet %s/%u (learned from %s): "
	    "see dhcp.multiple_servers", ip, srv, net, prefixlen(t->lan_mask),
	    t->lan_from);
	return true;
}

/* core.static_ip: outside the LAN's subnet, or not the address leased. */
static void
static_check(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	char	ip[16], net[16], lease[16];
	uint8_t	nb[4];
	uint32_t a;
	bool	outside;

	if (c->addr.af != AF_INET)
		return;
	a = cd_get32(c->addr.ip);
	ip4str(c->addr.ip, ip);
	nb[0] = t->lan_net >> 24;
	nb[1] = t->lan_net >> 16;
	nb[2] = t->lan_net >> 8;
	nb[3] = t->lan_net;
	ip4str(nb, net);
	outside = t->lan_known && (a & t->lan_mask) != t->lan_net;
	if (other_server_check(t, c, outside, ip, net, now))
		return;
	if (outside) {
		trk_raise(t, c, F_STATIC_IP, now, "uses %s, outside the LAN's "
		    "subnet %s/%u (learned from %s)", ip, net,
		    prefixlen(t->lan_mask), t->lan_from);
		return;
	}
	if (c->leased && memcmp(c->lease_ip, c->addr.ip, 4) != 0) {
		ip4str(c->lease_ip, lease);
		trk_raise(t, c, F_STATIC_IP, now, "uses %s, but its DHCP lease "
		    "is %s", ip, lease);
		return;
	}
	trk_clear(t, c, F_STATIC_IP, now);
}

void
trk_core_ip(struct cd_tracker *t, struct trk_core *c, int af,
    const uint8_t *ip, int64_t now)
{
	uint32_t a;

	if (af == AF_INET) {
		a = cd_get32(ip);
		if (a == 0 || a == 0xffffffffU || (a >> 28) == 14)
			return;
	} else if (af == AF_INET6) {
		/* The Core speaks IPv4; a global IPv6 address only if alone. */
		if (c->addr.af == AF_INET || ip[0] == 0xff ||
		    (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80))
			return;
	} else
		return;
	if (trk_addr_eq(&c->addr, af, ip) || trk_self_ip(t, af, ip))
		return;
	trk_addr_set(&c->addr, af, ip);
	c->dirty = true;
	t->generation++;
	trk_seen_update(t, c, now);
	static_check(t, c, now);
}

void
trk_arp(struct cd_tracker *t, const struct cd_pkt *p)
{
	const struct cd_arp	*a = &p->arp;
	struct trk_core		*c;

	if ((c = trk_core_find(t, a->sha)) == NULL && trk_oui_match(t, a->sha))
		c = trk_identify(t, a->sha, BY_OUI, p->ts_ms);
	if (c == NULL)
		return;
	trk_heard(t, c, p->ts_ms);
	if (trk_arp_is_fresh(a))
		trk_restart(t, c, p->ts_ms, "an ARP probe");
	trk_core_ip(t, c, AF_INET, a->spa, p->ts_ms);
	trk_lease_seen(t, c, a->spa, p->ts_ms);
	trk_touch(t, c, p->ts_ms);
}

/* The LAN's subnet from a DHCP answer, unless the interface told us. */
static void
learn_lan(struct cd_tracker *t, const struct cd_dhcp *d)
{
	uint32_t mask = cd_get32(d->subnet), y = cd_get32(d->yiaddr);
	unsigned plen = prefixlen(mask);
	uint8_t net[4];

	if (y == 0 || plen == 0 || plen >= 32 || mask != ~(0xffffffffU >> plen))
		return;
	if (t->lan_known && strcmp(t->lan_from, "DHCP answers") != 0)
		return;
	if (t->lan_known && t->lan_net == (y & mask) && t->lan_mask == mask)
		return;
	net[0] = y >> 24;
	net[1] = y >> 16;
	net[2] = y >> 8;
	net[3] = y;
	cd_tracker_set_lan(t, net, plen, "DHCP answers");
	for (size_t i = 0; i < t->ncores; i++)
		static_check(t, t->cores[i], t->now);
}

/* until: "" while live, or how the end of a capture reads in the evidence. */
static void
dhcp_judge(struct cd_tracker *t, struct trk_core *c, int64_t now,
    const char *until)
{
	struct trk_dhcp	*x = &c->dhcp;
	char		 srv[16];
	long long	 span = trk_secs(x->last - x->start);

	ip4str(x->server, srv);
	x->judged = true;
	if (x->naks > 0)
		trk_raise(t, c, F_NO_LEASE, now, "%u DISCOVERs, %u REQUESTs "
		    "over %lld s: DHCPNAK from %s, no ACK%s", x->discovers,
		    x->requests, span, srv, until);
	else if (x->offers > 0)
		trk_raise(t, c, F_NO_LEASE, now, "%u DISCOVERs, %u REQUESTs "
		    "over %lld s: offer from %s, no ACK", x->discovers,
		    x->requests, span, srv);
	else
		trk_raise(t, c, F_NO_LEASE, now, "%u DISCOVERs, %u REQUESTs "
		    "over %lld s: no offer", x->discovers, x->requests, span);
}

static void
dhcp_client(struct cd_tracker *t, struct trk_core *c, const struct cd_dhcp *d,
    int64_t now)
{
	struct trk_dhcp *x = &c->dhcp;

	if (x->pending && x->last_type == d->msg_type &&
	    x->last_xid == d->xid && now - x->last < TRK_DUP_MS)
		return;
	/* A renewal's ACK is unicast: unseen off the path, it proves nothing. */
	if (cd_get32(d->ciaddr) != 0 && !c->on_path)
		return;
	/* An exchange left unjudged long ago (off the path): a new one. */
	if (x->pending && !x->judged && now - x->last > TRK_DHCP_STALE_MS)
		x->pending = false;
	if (!x->pending) {
		if (trk_dhcp_is_fresh(d))
			trk_restart(t, c, now, "a fresh DHCP exchange");
		memset(x, 0, sizeof(*x));
		x->pending = true;
		x->start = now;
		trk_deadline(t, now + CD_TRACKER_DHCP_TIMEOUT_MS);
	}
	x->last = now;
	x->last_type = d->msg_type;
	x->last_xid = d->xid;
	trk_dhcp_asked(c, d);
	if (d->msg_type == CD_DHCPDISCOVER)
		x->discovers++;
	else
		x->requests++;
	/* A renewal (ciaddr set) happens while the Core is online. */
	if (cd_get32(d->ciaddr) == 0)
		trk_set_state(c, ST_DHCP);
	/* Still asking after the timeout: its own retries say no lease. */
	if (x->judged || now - x->start >= CD_TRACKER_DHCP_TIMEOUT_MS)
		dhcp_judge(t, c, now, "");
}

/* The Core holds ip by lease: the ACK said so, or the Core uses it. */
static void
leased(struct cd_tracker *t, struct trk_core *c, const uint8_t ip[4],
    int64_t now)
{
	memset(&c->dhcp, 0, sizeof(c->dhcp));
	trk_clear(t, c, F_NO_LEASE, now);
	c->leased = true;
	memcpy(c->lease_ip, ip, 4);
	if (c->state == ST_DHCP)
		trk_set_state(c, ST_DNS);
	trk_core_ip(t, c, AF_INET, ip, now);
	static_check(t, c, now);
}

static void
dhcp_ack(struct cd_tracker *t, struct trk_core *c, const struct cd_dhcp *d,
    int64_t now)
{
	if (cd_get32(d->yiaddr) != 0) {
		memcpy(c->lease_server, d->has_server_id ? d->server_id :
		    d->siaddr, 4);
		c->has_lease_dns = d->n_dns > 0;
		if (d->n_dns > 0)
			memcpy(c->lease_dns, d->dns[0], 4);
		leased(t, c, d->yiaddr, now);
		return;
	}
	memset(&c->dhcp, 0, sizeof(c->dhcp));	/* the answer to an INFORM */
	trk_clear(t, c, F_NO_LEASE, now);
}

/*
 * Its ARP or another packet from the address its REQUEST asked for: the
 * Core got that lease, whether or not the (unicast) ACK crossed the
 * capture.
 */
void
trk_lease_seen(struct cd_tracker *t, struct trk_core *c, const uint8_t ip[4],
    int64_t now)
{
	if (!c->dhcp.pending || !c->dhcp.has_req ||
	    memcmp(ip, c->dhcp.req, 4) != 0)
		return;
	leased(t, c, ip, now);
}

static void
dhcp_server(struct cd_tracker *t, struct trk_core *c, const struct cd_dhcp *d,
    int64_t now)
{
	struct trk_dhcp *x = &c->dhcp;

	switch (d->msg_type) {
	case CD_DHCPOFFER:
	case CD_DHCPNAK:
		if (!x->pending)
			return;
		if (d->msg_type == CD_DHCPOFFER)
			x->offers++;
		else
			x->naks++;
		if (d->has_server_id)
			memcpy(x->server, d->server_id, 4);
		return;
	case CD_DHCPACK:
		dhcp_ack(t, c, d, now);
		return;
	}
}

void
trk_dhcp(struct cd_tracker *t, const struct cd_pkt *p)
{
	struct cd_dhcp	 d;
	struct trk_core	*c;

	if (cd_decode_dhcp(p->payload, p->payload_caplen, &d) != 0 ||
	    d.htype != 1 || d.hlen != 6)
		return;
	if (d.op == 2 && (d.msg_type == CD_DHCPOFFER ||
	    d.msg_type == CD_DHCPACK) && d.has_subnet)
		learn_lan(t, &d);
	if ((c = trk_core_find(t, d.chaddr)) == NULL &&
	    trk_oui_match(t, d.chaddr))
		c = trk_identify(t, d.chaddr, BY_OUI, p->ts_ms);
	if (c == NULL)
		return;
	trk_path_seen(t, c, d.op == 2 ? DIR_TO_CORE : DIR_FROM_CORE, p);
	if (d.op == 1)
		trk_heard(t, c, p->ts_ms);
	if (d.op == 1 && (d.msg_type == CD_DHCPDISCOVER ||
	    d.msg_type == CD_DHCPREQUEST))
		dhcp_client(t, c, &d, p->ts_ms);
	else if (d.op == 2) {
		trk_dhcp_gateway(t, c, &d);
		dhcp_server(t, c, &d, p->ts_ms);
	}
	trk_touch(t, c, p->ts_ms);
}

static bool
is_cloud_name(const struct cd_tracker *t, const char *qname)
{
	const char	*h = t->conf.cloud_host;
	size_t		 n = strlen(h);

	if (n > 0 && h[n - 1] == '.')
		n--;
	return n > 0 && strlen(qname) == n && strncasecmp(qname, h, n) == 0;
}

/* A free slot for a query, or the oldest one's. */
static struct trk_dnsq *
dns_slot(struct trk_core *c)
{
	struct trk_dnsq *oldest = &c->dns[0];

	for (int i = 0; i < TRK_MAX_DNS; i++) {
		if (!c->dns[i].used)
			return &c->dns[i];
		if (c->dns[i].t < oldest->t)
			oldest = &c->dns[i];
	}
	return oldest;
}

/*
 * A query to the CC3000's bogus server: that fault alone, compared with
 * the server DHCP gave the Core; the query's failure is its consequence,
 * not a second finding about the router's DNS.
 */
static void
bad_dns(struct cd_tracker *t, struct trk_core *c, const struct cd_dns *q,
    int64_t now)
{
	char given[64], ip[16];

	if (c->has_lease_dns) {
		ip4str(c->lease_dns, ip);
		snprintf(given, sizeof(given), "%s (DHCP option 6)", ip);
	} else
		snprintf(given, sizeof(given), "unknown (no DHCP lease of it "
		    "seen)");
	c->bad_dns = true;
	trk_raise(t, c, F_BAD_DNS, now, "DNS query for %s sent to 76.83.0.0; "
	    "the server DHCP gave it: %s", q->has_question ? q->qname : "?",
	    given);
}

static void
dns_query(struct cd_tracker *t, struct trk_core *c, const struct cd_pkt *p,
    const struct cd_dns *q)
{
	struct trk_dnsq *s;

	if (p->af == AF_INET && cd_get32(p->dst_ip) == BAD_DNS_SERVER) {
		bad_dns(t, c, q, p->ts_ms);
		return;
	}
	if (c->bad_dns) {
		c->bad_dns = false;
		trk_clear(t, c, F_BAD_DNS, p->ts_ms);
	}
	if (!q->has_question || !is_cloud_name(t, q->qname))
		return;
	for (int i = 0; i < TRK_MAX_DNS; i++)
		if (c->dns[i].used && c->dns[i].id == q->id &&
		    c->dns[i].port == p->sport)
			return;		/* a retransmission */
	s = dns_slot(c);
	s->used = true;
	s->id = q->id;
	s->port = p->sport;
	s->t = p->ts_ms;
	trk_addr_set(&s->server, p->af, p->dst_ip);
	trk_deadline(t, p->ts_ms + CD_TRACKER_DNS_TIMEOUT_MS);
	if (c->state <= ST_DNS || c->state == ST_OFFLINE)
		trk_set_state(c, ST_DNS);
}

static const char *
rcode_name(unsigned rcode)
{
	switch (rcode) {
	case CD_DNS_SERVFAIL:
		return "SERVFAIL";
	case CD_DNS_NXDOMAIN:
		return "NXDOMAIN";
	case CD_DNS_REFUSED:
		return "REFUSED";
	default:
		return "an error";
	}
}

static void
dns_failed(struct cd_tracker *t, struct trk_core *c, const struct trk_dnsq *s,
    int64_t now, const char *what)
{
	char srv[64];

	c->dns_fail++;
	trk_raise(t, c, F_DNS_FAILED, now, "query for %s to %s: %s (%u in a "
	    "row)", t->conf.cloud_host, trk_ipstr(&s->server, srv,
	    sizeof(srv)), what, c->dns_fail);
}

static void
dns_answer(struct cd_tracker *t, struct trk_core *c, const struct cd_pkt *p,
    const struct cd_dns *r)
{
	struct trk_dnsq	*s = NULL;
	bool		 addr = false;

	for (int i = 0; i < TRK_MAX_DNS && s == NULL; i++)
		if (c->dns[i].used && c->dns[i].id == r->id &&
		    c->dns[i].port == p->dport &&
		    trk_addr_eq(&c->dns[i].server, p->af, p->src_ip))
			s = &c->dns[i];
	if (s == NULL || r->tc)		/* not ours, or retried over TCP */
		return;
	for (unsigned i = 0; i < r->n_answers; i++)
		if (r->answers[i].type == CD_DNS_A ||
		    r->answers[i].type == CD_DNS_AAAA)
			addr = true;
	if (r->rcode != CD_DNS_NOERROR)
		dns_failed(t, c, s, p->ts_ms, rcode_name(r->rcode));
	else if (!addr)
		dns_failed(t, c, s, p->ts_ms, "answered without an address");
	else {
		c->dns_fail = 0;
		trk_clear(t, c, F_DNS_FAILED, p->ts_ms);
	}
	s->used = false;
}

void
trk_dns(struct cd_tracker *t, struct trk_core *c, enum trk_dir dir,
    const struct cd_pkt *p)
{
	struct cd_dns q;

	if (cd_decode_dns(p->payload, p->payload_caplen, &q) != 0)
		return;
	if (dir == DIR_FROM_CORE && !q.qr)
		dns_query(t, c, p, &q);
	else if (dir == DIR_TO_CORE && q.qr)
		dns_answer(t, c, p, &q);
}

int64_t
trk_lan_tick(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	int64_t next = TRK_NEVER, due;
	char	what[48];

	/* Off the path an unseen ACK is no evidence: the retries judge. */
	if (c->dhcp.pending && !c->dhcp.judged && trk_dhcp_visible(c)) {
		due = c->dhcp.start + CD_TRACKER_DHCP_TIMEOUT_MS;
		if (due <= now)
			dhcp_judge(t, c, due, "");
		else
			next = due;
	}
	for (int i = 0; i < TRK_MAX_DNS; i++) {
		struct trk_dnsq *s = &c->dns[i];

		if (!s->used)
			continue;
		due = s->t + CD_TRACKER_DNS_TIMEOUT_MS;
		if (due > now) {
			next = due < next ? due : next;
			continue;
		}
		s->used = false;
		if (!trk_dns_visible(t, c, &s->server))
			continue;	/* its answer would not cross the capture */
		snprintf(what, sizeof(what), "unanswered after %d s",
		    CD_TRACKER_DNS_TIMEOUT_MS / 1000);
		dns_failed(t, c, s, due, what);
	}
	return next;
}

/*
 * The capture ended: a DHCPNAK never followed by an ACK is decisive
 * already; an exchange without one waits for its timeout.
 */
void
trk_lan_end(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	char until[80];

	if (!c->dhcp.pending || c->dhcp.judged || c->dhcp.naks == 0)
		return;
	snprintf(until, sizeof(until), " until the capture ended, %lld s "
	    "after the first request", trk_secs(now - c->dhcp.start));
	dhcp_judge(t, c, now, until);
}
