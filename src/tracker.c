/*
 * The Core tracker: which Cores there are, the packet dispatch, the clock
 * and the findings.  The protocol logic is in tracker_lan.c (ARP, DHCP,
 * DNS, addresses) and tracker_tcp.c (the cloud session, the internet test).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "tracker_int.h"
#include "util.h"

#define PRESENCE_GROUP	0xe00001bbU	/* 224.0.1.187 */
#define COAP_PORT	5683

static const struct {
	const char	*id;
	const char	*summary;
} trk_findings[F_COUNT] = {
	[F_SEEN] = { "core.seen", "a Spark Core is on the LAN" },
	[F_NO_LEASE] = { "core.no_lease",
	    "the Core's DHCP exchange did not end in a lease" },
	[F_STATIC_IP] = { "core.static_ip",
	    "the Core uses an address it did not get by DHCP" },
	[F_BAD_DNS] = { "core.bad_dns_server",
	    "the Core queries the bogus DNS server 76.83.0.0" },
	[F_DNS_FAILED] = { "core.dns_failed",
	    "the Core cannot resolve the cloud's name" },
	[F_BLOCKED] = { "core.cloud_blocked",
	    "the Core's connections to the cloud go unanswered" },
	[F_REJECTED] = { "core.cloud_rejected",
	    "the Core's connections to the cloud are refused" },
	[F_HS_REJECTED] = { "core.handshake_rejected",
	    "the cloud closed the handshake after the Core's 256 bytes" },
	[F_KEY_MISMATCH] = { "core.key_mismatch",
	    "the Core closed the handshake after the cloud's 384 bytes" },
	[F_KEEPALIVE] = { "core.keepalive_lost",
	    "the Core's cloud session dropped after an unanswered ping" },
	[F_LOOP] = { "core.reconnect_loop",
	    "the Core keeps reconnecting to the cloud" },
	[F_INETTEST] = { "core.internet_test_blocked",
	    "the Core's internet test connection fails" },
	[F_CLOUD_OK] = { "core.cloud_ok",
	    "the Core is connected to the cloud" },
	[F_OTHER_DHCP] = { "core.dhcp_other_server",
	    "the Core has its address from another DHCP server" },
};

static const char *const state_names[] = {
	[ST_DHCP] = "dhcp", [ST_DNS] = "dns", [ST_CONNECTING] = "connecting",
	[ST_HANDSHAKE] = "handshake", [ST_ONLINE] = "online",
	[ST_OFFLINE] = "offline",
};
static const char *const ident_names[] = {
	[BY_OUI] = "oui", [BY_SESSION] = "cloud_session",
	[BY_PRESENCE] = "presence",
};

void
cd_tracker_conf_from(struct cd_tracker_conf *tc, const struct cd_config *cfg)
{
	const char *h = cfg->sniff.internet_test_host;

	memset(tc, 0, sizeof(*tc));
	snprintf(tc->cloud_host, sizeof(tc->cloud_host), "%s",
	    cfg->cloud.host != NULL ? cfg->cloud.host : "");
	tc->cloud_port = cfg->cloud.port;
	for (size_t i = 0; i < cfg->sniff.core_ouis.n &&
	    tc->nouis < CD_TRACKER_MAX_OUIS; i++)
		tc->ouis[tc->nouis++] = cfg->sniff.ouis[i];
	tc->inettest_port = cfg->sniff.internet_test_port;
	/* The Core's target is an address; a name cannot be matched. */
	if (h != NULL && inet_pton(AF_INET, h, tc->inettest_ip) == 1)
		tc->inettest_af = AF_INET;
	else if (h != NULL && inet_pton(AF_INET6, h, tc->inettest_ip) == 1)
		tc->inettest_af = AF_INET6;
}

struct cd_tracker *
cd_tracker_new(struct cd_findings *fs, struct cd_state *st,
    const struct cd_tracker_conf *tc)
{
	struct cd_tracker *t = cd_calloc(1, sizeof(*t));

	t->fs = fs;
	t->st = st;
	t->conf = *tc;
	t->next_deadline = TRK_NEVER;
	return t;
}

void
cd_tracker_free(struct cd_tracker *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->ncores; i++)
		free(t->cores[i]);
	free(t);
}

void
cd_tracker_configure(struct cd_tracker *t, const struct cd_tracker_conf *tc)
{
	if (memcmp(&t->conf, tc, sizeof(*tc)) == 0)
		return;
	t->conf = *tc;
	t->generation++;
}

void
cd_tracker_set_lan(struct cd_tracker *t, const uint8_t net[4],
    unsigned prefixlen, const char *from)
{
	uint32_t mask = prefixlen == 0 ? 0 :
	    prefixlen >= 32 ? 0xffffffffU : ~(0xffffffffU >> prefixlen);

	t->lan_mask = mask;
	t->lan_net = cd_get32(net) & mask;
	t->lan_known = prefixlen > 0 && prefixlen < 32;
	snprintf(t->lan_from, sizeof(t->lan_from), "%s", from);
}

/* Every packet asks these, most about no Core: kept cheap. */
bool
trk_oui_match(const struct cd_tracker *t, const uint8_t mac[6])
{
	return cd_oui_match(t->conf.ouis, t->conf.nouis, mac);
}

struct trk_core *
trk_core_find(struct cd_tracker *t, const uint8_t mac[6])
{
	for (size_t i = 0; i < t->ncores; i++)
		if (trk_mac_eq(t->cores[i]->mac, mac))
			return t->cores[i];
	return NULL;
}

struct trk_core *
trk_core_by_ip(struct cd_tracker *t, int af, const uint8_t *ip)
{
	for (size_t i = 0; i < t->ncores; i++) {
		const struct trk_addr *a = &t->cores[i]->addr;

		if (a->af == af && a->ip[3] == ip[3] &&
		    trk_addr_eq(a, af, ip))
			return t->cores[i];
	}
	return NULL;
}

/*
 * Anyone can send from a MAC with a Core's prefix: when the table is
 * full, the Core known by its OUI alone that was silent longest makes
 * room, so spoofed MACs cannot lock real Cores out; Cores confirmed by a
 * cloud session or a presence packet are never evicted.
 */
static bool
core_evict(struct cd_tracker *t, int64_t now)
{
	size_t	old = SIZE_MAX;

	for (size_t i = 0; i < t->ncores; i++)
		if (t->cores[i]->by == BY_OUI && (old == SIZE_MAX ||
		    t->cores[i]->last_seen < t->cores[old]->last_seen))
			old = i;
	if (old == SIZE_MAX)
		return false;
	log_debug("tracker: %d Cores tracked; %s, known by its OUI alone, "
	    "makes room", CD_TRACKER_MAX_CORES, t->cores[old]->macstr);
	trk_forget(t, old, now);
	return true;
}

static struct trk_core *
core_new(struct cd_tracker *t, const uint8_t mac[6], int64_t now)
{
	struct trk_core *c;

	if (t->ncores == CD_TRACKER_MAX_CORES && !core_evict(t, now)) {
		if (!t->full_logged)
			log_warnx("tracker: %d confirmed Cores tracked "
			    "already; ignoring new ones", CD_TRACKER_MAX_CORES);
		t->full_logged = true;
		return NULL;
	}
	c = t->cores[t->ncores++] = cd_calloc(1, sizeof(*c));
	memcpy(c->mac, mac, 6);
	cd_fmt_mac(mac, c->macstr);
	snprintf(c->subject, sizeof(c->subject), "core:%s", c->macstr);
	c->first_seen = c->last_seen = now;
	c->state = ST_DHCP;
	t->generation++;
	trk_deadline(t, now + CD_TRACKER_IDLE_MS);
	return c;
}

/* A Core by this MAC, known already or new; upgrades how it is known. */
struct trk_core *
trk_identify(struct cd_tracker *t, const uint8_t mac[6], enum trk_ident by,
    int64_t now)
{
	struct trk_core *c = trk_core_find(t, mac);

	if (mac[0] & 1)		/* multicast or broadcast: not a device */
		return NULL;
	if (trk_self_mac(t, mac))	/* this host, whatever it says */
		return NULL;
	if (c == NULL && (c = core_new(t, mac, now)) == NULL)
		return NULL;
	if (trk_active(t, c, F_SEEN) && c->by >= by)
		return c;
	if (c->by < by)
		c->by = by;
	c->dirty = true;
	trk_seen_update(t, c, now);
	return c;
}

const char *
trk_ipstr(const struct trk_addr *a, char *buf, size_t len)
{
	if (a->af == 0)
		return "-";
	return cd_fmt_ip(a->af, a->ip, buf, len);
}

void
trk_addr_set(struct trk_addr *a, int af, const uint8_t *ip)
{
	a->af = af;
	memset(a->ip, 0, sizeof(a->ip));
	memcpy(a->ip, ip, af == AF_INET ? 4 : 16);
}

bool
trk_addr_eq(const struct trk_addr *a, int af, const uint8_t *ip)
{
	return a->af == af && af != 0 &&
	    memcmp(a->ip, ip, af == AF_INET ? 4 : 16) == 0;
}

long long
trk_secs(int64_t ms)
{
	return (long long)((ms + 500) / 1000);
}

void
trk_deadline(struct cd_tracker *t, int64_t when)
{
	if (when < t->next_deadline)
		t->next_deadline = when;
}

void
trk_set_state(struct trk_core *c, enum trk_state s)
{
	if (c->state != s)
		c->dirty = true;
	c->state = s;
}

/*
 * A vendor prefix alone is a hint (many Texas Instruments radios share
 * the Core's): core.seen says so until a session or a presence confirms.
 */
static const char *
trk_summary(const struct trk_core *c, enum trk_finding f)
{
	if (f == F_SEEN && c->by == BY_OUI)
		return "a device with a Spark Core's vendor prefix is on the LAN";
	return trk_findings[f].summary;
}

void
trk_raise(struct cd_tracker *t, struct trk_core *c, enum trk_finding f,
    int64_t now, const char *fmt, ...)
{
	struct cd_finding_spec	spec;
	char			detail[384];
	va_list			ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	memset(&spec, 0, sizeof(spec));
	spec.id = trk_findings[f].id;
	spec.subject = c->subject;
	spec.summary = trk_summary(c, f);
	spec.detail = detail;
	spec.severity = CD_SEV_DEFAULT;
	spec.source = CD_SRC_SNIFF;
	cd_finding_raise(t->fs, &spec, now);
}

void
trk_clear(struct cd_tracker *t, struct trk_core *c, enum trk_finding f,
    int64_t now)
{
	cd_finding_clear(t->fs, trk_findings[f].id, c->subject, now);
}

bool
trk_active(const struct cd_tracker *t, const struct trk_core *c,
    enum trk_finding f)
{
	const struct cd_finding *x;

	x = cd_finding_find(t->fs, trk_findings[f].id, c->subject);
	return x != NULL && x->active;
}

/*
 * A device known by its vendor prefix alone is announced once it has sent
 * two frames and been known CD_TRACKER_OUI_SETTLE_MS: a spoofed MAC of a
 * flood sends one.  From a LAN host two broadcasts (DHCP's DISCOVER and
 * REQUEST) may be all it ever hears of a real Core.
 */
static bool
oui_settled(const struct trk_core *c, int64_t now)
{
	return c->heard >= 2 && now - c->first_seen >= CD_TRACKER_OUI_SETTLE_MS;
}

/* core.seen carries what is known of the Core; refreshed as it grows. */
void
trk_seen_update(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	static const char *const how[] = {
		[BY_OUI] = "its MAC's vendor prefix (OUI) alone, not yet "
		    "confirmed by a cloud session or a presence announcement "
		    "(other Texas Instruments radios share these prefixes)",
		[BY_SESSION] = "its cloud session (the 40-byte nonce)",
		[BY_PRESENCE] = "its presence announcement",
	};
	char ip[INET6_ADDRSTRLEN];

	if (c->by == BY_OUI && !c->seen_told && !t->ending &&
	    !oui_settled(c, now))
		return;		/* trk_heard or the tick announce it */
	c->seen_told = true;
	trk_raise(t, c, F_SEEN, now, "MAC %s, IP %s, device ID %s, "
	    "identified by %s", c->macstr, trk_ipstr(&c->addr, ip, sizeof(ip)),
	    c->device_id[0] ? c->device_id : "unknown", how[c->by]);
}

static void
core_sync(struct cd_tracker *t, struct trk_core *c)
{
	struct cd_device	*d;
	char			 ip[INET6_ADDRSTRLEN];

	d = cd_state_device(t->st, c->macstr, c->first_seen);
	d->last_seen = c->last_seen;
	if (!c->dirty)
		return;
	d->state = state_names[c->state];
	d->identified_by = ident_names[c->by];
	d->visibility = c->on_path ? "on_path" : "broadcast_only";
	cd_setstr(&d->ip, c->addr.af ? trk_ipstr(&c->addr, ip, sizeof(ip)) :
	    NULL);
	if (c->device_id[0])	/* one learned before a restart stays */
		cd_setstr(&d->device_id, c->device_id);
	c->dirty = false;
}

/* The Core a packet comes from (DIR_FROM_CORE) or goes to. */
static struct trk_core *
core_of(struct cd_tracker *t, const struct cd_pkt *p, enum trk_dir dir)
{
	bool		 has_mac = dir == DIR_FROM_CORE ? p->has_src_mac :
			    p->has_dst_mac;
	const uint8_t	*mac = dir == DIR_FROM_CORE ? p->src_mac : p->dst_mac;
	struct trk_core	*c;

	if (has_mac) {
		if ((c = trk_core_find(t, mac)) != NULL)
			return c;
		if (trk_oui_match(t, mac))
			return trk_identify(t, mac, BY_OUI, p->ts_ms);
		return NULL;
	}
	/* Cooked captures name the sender only, raw IP nobody: by address. */
	if (p->af == 0 || t->ncores == 0)
		return NULL;
	return trk_core_by_ip(t, p->af, dir == DIR_FROM_CORE ? p->src_ip :
	    p->dst_ip);
}

static void
presence(struct cd_tracker *t, const struct cd_pkt *p)
{
	struct trk_core	*c;
	char		 id[25];

	if (!p->has_src_mac || cd_decode_presence(p->payload,
	    p->payload_caplen, id) != 0)
		return;
	if ((c = trk_identify(t, p->src_mac, BY_PRESENCE, p->ts_ms)) == NULL)
		return;
	trk_lease_seen(t, c, p->src_ip, p->ts_ms);
	trk_presence_online(t, c, p->ts_ms);
	if (strcmp(c->device_id, id) != 0) {
		memcpy(c->device_id, id, sizeof(c->device_id));
		c->dirty = true;
		trk_seen_update(t, c, p->ts_ms);
	}
}

static bool
is_presence(const struct cd_pkt *p)
{
	return p->af == AF_INET && p->proto == IPPROTO_UDP &&
	    p->dport == COAP_PORT && cd_get32(p->dst_ip) == PRESENCE_GROUP;
}

static bool
is_dhcp(const struct cd_pkt *p)
{
	return p->proto == IPPROTO_UDP &&
	    (p->sport == 67 || p->sport == 68) &&
	    (p->dport == 67 || p->dport == 68);
}

/*
 * A device heard twice but not yet announced: announce it if settled, or
 * return when it will be (0: nothing to wait for).
 */
static int64_t
oui_due(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	if (c->seen_told || c->heard < 2)
		return 0;
	if (oui_settled(c, now)) {
		trk_seen_update(t, c, now);
		return 0;
	}
	return c->first_seen + CD_TRACKER_OUI_SETTLE_MS;
}

/* A frame from the Core itself: counted, and announced when settled. */
void
trk_heard(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	int64_t due;

	if (c->heard < 2)
		c->heard++;
	if ((due = oui_due(t, c, now)) != 0)
		trk_deadline(t, due);
}

void
trk_touch(struct cd_tracker *t, struct trk_core *c, int64_t now)
{
	c->last_seen = now;
	core_sync(t, c);
}

static void
dispatch_ip(struct cd_tracker *t, const struct cd_pkt *p)
{
	struct trk_core *src, *dst;

	src = core_of(t, p, DIR_FROM_CORE);
	dst = core_of(t, p, DIR_TO_CORE);
	if (src != NULL && p->has_src_mac && memcmp(p->src_mac, src->mac,
	    6) == 0) {
		trk_heard(t, src, p->ts_ms);
		trk_core_ip(t, src, p->af, p->src_ip, p->ts_ms);
		if (p->af == AF_INET)
			trk_lease_seen(t, src, p->src_ip, p->ts_ms);
	}
	if (src != NULL)
		trk_path_seen(t, src, DIR_FROM_CORE, p);
	if (dst != NULL && dst != src)
		trk_path_seen(t, dst, DIR_TO_CORE, p);
	if (p->proto == IPPROTO_UDP && (p->sport == 53 || p->dport == 53)) {
		if (src != NULL && p->dport == 53)
			trk_dns(t, src, DIR_FROM_CORE, p);
		else if (dst != NULL && p->sport == 53)
			trk_dns(t, dst, DIR_TO_CORE, p);
	} else if (p->proto == IPPROTO_TCP) {
		if (src != NULL)
			trk_tcp(t, src, DIR_FROM_CORE, p);
		else if (dst != NULL)
			trk_tcp(t, dst, DIR_TO_CORE, p);
		else
			trk_tcp_unknown(t, p);
	} else if (dst != NULL && (p->proto == IPPROTO_ICMP ||
	    p->proto == IPPROTO_ICMPV6))
		trk_icmp(t, dst, p);
	if (src != NULL)
		trk_touch(t, src, p->ts_ms);
	if (dst != NULL && dst != src)
		trk_touch(t, dst, p->ts_ms);
}

void
cd_tracker_packet(struct cd_tracker *t, const struct cd_pkt *pkt)
{
	const struct cd_pkt	*p = pkt;
	struct cd_pkt		 late;

	/* The clock never goes back, whatever order a file is in. */
	if (pkt->ts_ms < t->now) {
		late = *pkt;
		late.ts_ms = t->now;
		p = &late;
	}
	if (p->ts_ms >= t->next_deadline)
		cd_tracker_tick(t, p->ts_ms);
	t->now = p->ts_ms;
	if (p->is_arp) {
		trk_arp(t, p);
		return;
	}
	if (p->af == 0 || !p->has_l4)
		return;
	if (is_dhcp(p)) {
		trk_dhcp(t, p);
		return;
	}
	if (is_presence(p))
		presence(t, p);
	dispatch_ip(t, p);
}

/* Silent too long: gone.  Its findings go with it (the evidence is old). */
void
trk_forget(struct cd_tracker *t, size_t i, int64_t when)
{
	struct trk_core *c = t->cores[i];

	for (int f = 0; f < F_COUNT; f++)
		trk_clear(t, c, (enum trk_finding)f, when);
	cd_state_device_remove(t->st, c->macstr);
	free(c);
	t->cores[i] = t->cores[--t->ncores];
	t->cores[t->ncores] = NULL;
	t->full_logged = false;
	t->generation++;
}

void
cd_tracker_tick(struct cd_tracker *t, int64_t now)
{
	int64_t next = TRK_NEVER, d, idle;

	if (now < t->now)
		now = t->now;
	t->now = now;
	for (size_t i = 0; i < t->ncores; i++) {
		struct trk_core *c = t->cores[i];

		idle = c->last_seen + CD_TRACKER_IDLE_MS;
		if (idle <= now) {
			trk_forget(t, i--, idle);
			continue;
		}
		if ((d = trk_lan_tick(t, c, now)) < next)
			next = d;
		if ((d = trk_tcp_tick(t, c, now)) < next)
			next = d;
		if (idle < next)
			next = idle;
		if ((d = oui_due(t, c, now)) != 0 && d < next)
			next = d;
		if (c->dirty)
			core_sync(t, c);
	}
	if ((d = trk_cand_tick(t, now)) < next)
		next = d;
	t->next_deadline = next;
}

/*
 * Every time the tracker holds, listed once: a wall-clock step moves them
 * all, so every age and deadline stays what it was.  Unused slots move
 * too; nothing reads them before it writes them.
 */
static void
sess_shift(struct trk_sess *s, int64_t d)
{
	s->first_syn += d;
	s->last_syn += d;
	s->start += d;
	s->last += d;
	s->hs_time += d;
	s->ping_t += d;
	s->last_srx += d;
}

static void
core_shift(struct cd_tracker *t, struct trk_core *c, int64_t d)
{
	struct trk_fail		*fails[] = { &c->blocked, &c->rejected,
				    &c->inet };
	struct cd_device	*dev;

	c->first_seen += d;
	c->last_seen += d;
	c->dhcp.start += d;
	c->dhcp.last += d;
	for (size_t i = 0; i < TRK_MAX_DNS; i++)
		c->dns[i].t += d;
	for (size_t i = 0; i < TRK_MAX_SESS; i++)
		sess_shift(&c->sess[i], d);
	for (size_t i = 0; i < sizeof(fails) / sizeof(fails[0]); i++) {
		fails[i]->first += d;
		fails[i]->last += d;
	}
	for (size_t i = 0; i < CD_TRACKER_LOOP_SESSIONS; i++)
		c->starts[i] += d;
	for (size_t i = 0; i < TRK_MAX_RESTARTS; i++)
		c->restarts[i] += d;
	/* Its devices entry, if made yet, shows the same moments. */
	for (dev = t->st->devices; dev != NULL; dev = dev->next) {
		if (strcmp(dev->mac, c->macstr) != 0)
			continue;
		dev->first_seen = c->first_seen;
		dev->last_seen = c->last_seen;
		break;
	}
}

void
cd_tracker_shift(struct cd_tracker *t, int64_t delta)
{
	if (delta == 0)
		return;
	t->now += delta;
	if (t->next_deadline != TRK_NEVER)
		t->next_deadline += delta;
	for (size_t i = 0; i < t->ncores; i++)
		core_shift(t, t->cores[i], delta);
	for (size_t i = 0; i < TRK_MAX_CAND; i++)
		t->cand[i].t += delta;
}

void
cd_tracker_end(struct cd_tracker *t, int64_t now)
{
	cd_tracker_tick(t, now);
	t->ending = true;
	for (size_t i = 0; i < t->ncores; i++) {
		if (!t->cores[i]->seen_told)
			trk_seen_update(t, t->cores[i], t->now);
		trk_lan_end(t, t->cores[i], t->now);
		trk_tcp_end(t, t->cores[i], t->now);
	}
}

int64_t
cd_tracker_next_deadline(const struct cd_tracker *t)
{
	return t->next_deadline;
}

size_t
cd_tracker_cores(const struct cd_tracker *t, struct cd_tracker_core *out,
    size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < t->ncores && n < max; i++) {
		const struct trk_core *c = t->cores[i];

		memcpy(out[n].mac, c->mac, 6);
		out[n].af = c->addr.af;
		memcpy(out[n].ip, c->addr.ip, sizeof(out[n].ip));
		n++;
	}
	return n;
}

unsigned
cd_tracker_generation(const struct cd_tracker *t)
{
	return t->generation;
}
