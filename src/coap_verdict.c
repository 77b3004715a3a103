/*
 * The coap probe's decision: which finding a ping's outcome means.
 *
 * - A Reset or an empty ACK: something speaks CoAP there; outbound UDP to
 *   the port works: coap.ok.
 * - ICMP administratively prohibited (v4 type 3 code 9/10/13, v6 type 1
 *   code 1/5/6), or network/host unreachable from a router on the way: a
 *   firewall or router refused it: coap.udp_blocked.
 * - Network/host unreachable from our own address: this host's stack
 *   could not reach the next hop (link down, no ARP answer), which is no
 *   firewall: coap.udp_unverified.
 * - ICMP port unreachable FROM THE TARGET ITSELF: the datagram crossed
 *   every firewall and reached the host, where nothing listens.  The path
 *   works, which is the question, so this is coap.ok (its detail says no
 *   CoAP endpoint answered).  The Spark cloud is not known to answer UDP
 *   5683, so this is the best answer a real cloud host may give.
 * - ICMP port unreachable from ANOTHER address: a firewall on the way
 *   rejected it (iptables REJECT and nft reject answer so by default):
 *   coap.udp_blocked.
 * - The local stack refusing to send with EPERM: the host's own firewall
 *   (an OUTPUT drop): coap.udp_blocked.
 * - Silence, other ICMP errors, no route, no IPv4 address (the Core has
 *   no IPv6), or an address of this host or its gateway (a router that
 *   answers every name with itself while offline, not the cloud): nothing
 *   proves the path open or closed: coap.udp_unverified (info).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probe_coap.h"

/* The finding, the result word and the summary. */
static void __attribute__((format(printf, 4, 5)))
say(struct cd_probe_verdict *v, const char *finding, const char *result,
    const char *fmt, ...)
{
	va_list ap;

	v->finding = finding;
	v->result = result;
	va_start(ap, fmt);
	vsnprintf(v->summary, sizeof(v->summary), fmt, ap);
	va_end(ap);
}

/* coap.udp_unverified: "UDP 5683 to HOST not verified: why". */
static void
unverified(struct cd_probe_verdict *v, const struct cd_coap_outcome *o,
    const char *result, const char *why)
{
	say(v, "coap.udp_unverified", result, "UDP %u to %s not verified: %s",
	    o->port, o->host, why);
}

static void __attribute__((format(printf, 2, 3)))
detail(struct cd_probe_verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
}

static void
decide_answer(const struct cd_coap_outcome *o, struct cd_probe_verdict *v)
{
	const char *what = o->answer == CD_COAP_RESET ? "a Reset" :
	    "an empty ACK";

	say(v, "coap.ok", "ok",
	    "CoAP over UDP %u works: %s:%u answered a CoAP ping", o->port,
	    o->host, o->port);
	detail(v,
	    "CoAP ping (empty Confirmable message) to %s port %u answered by "
	    "%s after %llu ms (%u transmission%s): outbound UDP %u passes",
	    o->addr, o->port, what, (unsigned long long)o->ms, o->pings,
	    o->pings == 1 ? "" : "s", o->port);
}

static bool
from_target(const struct cd_coap_outcome *o)
{
	/* The kernel always gives the sender; without one, trust the path. */
	return !o->icmp.has_offender || strcmp(o->icmp.offender, o->addr) == 0;
}

static bool
from_us(const struct cd_coap_outcome *o)
{
	return o->icmp.has_offender && o->local[0] != '\0' &&
	    strcmp(o->icmp.offender, o->local) == 0;
}

static void
decide_no_next_hop(const struct cd_coap_outcome *o,
    struct cd_probe_verdict *v, const char *icmp)
{
	unverified(v, o, "unverified", "this host cannot reach the next hop");
	detail(v,
	    "CoAP ping to %s port %u: %s from this host's own address %s "
	    "after %llu ms: the link or the next router is down (no ARP "
	    "answer), not a firewall", o->addr, o->port, icmp, o->local,
	    (unsigned long long)o->ms);
}

static void
decide_port_unreach(const struct cd_coap_outcome *o,
    struct cd_probe_verdict *v, const char *icmp)
{
	if (from_target(o)) {
		say(v, "coap.ok", "ok",
		    "UDP %u reaches %s: no CoAP endpoint answered, but the "
		    "host itself sent ICMP port unreachable", o->port, o->host);
		detail(v,
		    "CoAP ping to %s port %u: %s from the target itself after "
		    "%llu ms: the datagram got through every firewall; nothing "
		    "listens for CoAP there", o->addr, o->port, icmp,
		    (unsigned long long)o->ms);
		return;
	}
	say(v, "coap.udp_blocked", "blocked",
	    "UDP %u to %s is rejected by a firewall on the way", o->port,
	    o->host);
	detail(v,
	    "CoAP ping to %s port %u: %s from %s, not from the target, after "
	    "%llu ms: a firewall rejected it (the default answer of a REJECT "
	    "rule)", o->addr, o->port, icmp, o->icmp.offender,
	    (unsigned long long)o->ms);
}

static void
decide_icmp(const struct cd_coap_outcome *o, struct cd_probe_verdict *v)
{
	char			icmp[128];
	enum cd_icmp_kind	kind;

	cd_icmp_describe(&o->icmp, icmp, sizeof(icmp));
	kind = cd_icmp_classify(o->icmp.family, o->icmp.type, o->icmp.code);
	if (kind == CD_ICMP_PORT_UNREACH) {
		decide_port_unreach(o, v, icmp);
		return;
	}
	if (kind == CD_ICMP_UNREACH && from_us(o)) {
		decide_no_next_hop(o, v, icmp);
		return;
	}
	if (kind == CD_ICMP_PROHIBITED || kind == CD_ICMP_UNREACH) {
		say(v, "coap.udp_blocked", "blocked",
		    "UDP %u to %s is blocked: %s", o->port, o->host,
		    cd_icmp_kind_name(kind));
		detail(v,
		    "CoAP ping to %s port %u: %s from %s after %llu ms: a "
		    "firewall or router on the way refused the datagram",
		    o->addr, o->port, icmp,
		    o->icmp.has_offender ? o->icmp.offender : "an unknown "
		    "address", (unsigned long long)o->ms);
		return;
	}
	unverified(v, o, "unverified", "an ICMP error that proves nothing");
	detail(v,
	    "CoAP ping to %s port %u: %s from %s after %llu ms; it neither "
	    "proves the datagram arrived nor that a firewall refused it",
	    o->addr, o->port, icmp,
	    o->icmp.has_offender ? o->icmp.offender : "an unknown address",
	    (unsigned long long)o->ms);
}

static void
decide_silent(const struct cd_coap_outcome *o, struct cd_probe_verdict *v)
{
	unverified(v, o, "unverified", "no answer to the CoAP ping");
	detail(v,
	    "%u CoAP ping transmission%s to %s port %u, no Reset, ACK or ICMP "
	    "error in %llu ms: UDP may be dropped silently on the way, or the "
	    "host does not answer CoAP (the Spark cloud is not known to)",
	    o->pings, o->pings == 1 ? "" : "s", o->addr, o->port,
	    (unsigned long long)o->ms);
}

static void
decide_send_failed(const struct cd_coap_outcome *o,
    struct cd_probe_verdict *v)
{
	if (o->errnum == EPERM || o->errnum == EACCES) {
		say(v, "coap.udp_blocked", "blocked",
		    "UDP %u to %s is blocked by this host's own firewall",
		    o->port, o->host);
		detail(v,
		    "sending the CoAP ping to %s port %u failed: %s: a local "
		    "firewall rule (OUTPUT) drops it", o->addr, o->port,
		    strerror(o->errnum));
		return;
	}
	unverified(v, o, "failed", "the ping could not be sent");
	detail(v,
	    "sending the CoAP ping to %s port %u failed: %s", o->addr,
	    o->port, strerror(o->errnum));
}

/* Did anything beyond this host answer?  For internet.down. */
static enum cd_probe_reach
reach_of(const struct cd_coap_outcome *o)
{
	switch (o->answer) {
	case CD_COAP_RESET:
	case CD_COAP_ACK:
		return CD_REACH_ANSWERED;
	case CD_COAP_ICMP:
		return o->icmp.has_offender && !from_us(o) ?
		    CD_REACH_ANSWERED : CD_REACH_NONE;
	default:
		return CD_REACH_NONE;
	}
}

void
cd_coap_decide(const struct cd_coap_outcome *o, struct cd_probe_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->reach = reach_of(o);
	switch (o->answer) {
	case CD_COAP_RESET:
	case CD_COAP_ACK:
		decide_answer(o, v);
		break;
	case CD_COAP_ICMP:
		decide_icmp(o, v);
		break;
	case CD_COAP_SEND_FAILED:
		decide_send_failed(o, v);
		break;
	case CD_COAP_ICMP_UNKNOWN:
		unverified(v, o, "unverified", "an ICMP error of unknown type");
		detail(v,
		    "CoAP ping to %s port %u: libcoap saw an ICMP error after "
		    "%llu ms, but its type and code could not be read",
		    o->addr, o->port, (unsigned long long)o->ms);
		break;
	case CD_COAP_UNRESOLVED:
		unverified(v, o, "failed", "the name does not resolve");
		detail(v,
		    "no CoAP ping sent: %s does not resolve (%s)", o->host,
		    o->why != NULL ? o->why : "no address");
		break;
	case CD_COAP_NOT_INTERNET:
		unverified(v, o, "not_internet", "the name resolves to this "
		    "host, not the cloud");
		detail(v, "no CoAP ping sent: %s resolves to %s (%s), not an "
		    "address on the internet", o->host, o->addr,
		    o->why != NULL ? o->why : "local");
		break;
	default:
		decide_silent(o, v);
		break;
	}
}
