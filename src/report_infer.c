/*
 * Where each finding comes from, and what two findings together say that
 * neither says alone.  The probes test this host's own path to the cloud;
 * the capture sees the Core's.  On the router those differ (its own
 * traffic leaves through its output rules, the Core's is forwarded), on a
 * LAN host they share the router but not the rules that name the Core:
 * so the inferences below speak of "rules for the Core's traffic", which
 * is true from either place.  See corediagd(8).
 */
#include "config.h"

#include <string.h>

#include "report.h"
#include "util.h"

/* Is a finding with this ID active? */
static int
has(struct json_object *findings, const char *id)
{
	size_t	n;

	if (!json_object_is_type(findings, json_type_array))
		return 0;
	n = json_object_array_length(findings);
	for (size_t i = 0; i < n; i++) {
		struct json_object	*f, *v;
		const char		*fid;

		f = json_object_array_get_idx(findings, i);
		if (json_object_object_get_ex(f, "active", &v) &&
		    !json_object_get_boolean(v))
			continue;
		if ((fid = cd_report_str(f, "id")) == NULL)
			continue;
		if (strcmp(fid, id) == 0)
			return 1;
	}
	return 0;
}

const char *
cd_report_source(struct json_object *f)
{
	const char *src = cd_report_str(f, "source");
	const char *id = cd_report_str(f, "id");

	if (src == NULL || id == NULL)
		return NULL;
	if (strcmp(src, "config") == 0)
		return "the Wi-Fi configuration";
	if (strcmp(id, "core.missing") == 0)
		return "the Cores the configuration expects, and the capture";
	if (strcmp(src, "sniff") == 0)
		return strncmp(id, "core.", 5) == 0 ?
		    "the Core's own traffic" : "the capture";
	if (strncmp(id, "wifi.", 5) == 0)
		return "this host's Wi-Fi interface (the kernel)";
	if (strncmp(id, "probe.", 6) == 0)
		return "this host";
	return "a probe from this host";
}

struct rule {
	const char	*when[3];	/* all active */
	const char	*unless;	/* not active */
	const char	*says;
};

static const struct rule rules[] = {
	{ { "internet.down" }, NULL,
	  "The internet connection is down: the cloud and Core findings "
	  "follow from that. Restore it first, then read this report again." },
	{ { "cloud.ok", "core.cloud_blocked" }, "internet.down",
	  "This host reaches the cloud on TCP 5683, but the Core's "
	  "connections do not get through: the internet and the cloud work, "
	  "and the router's rules for the Core's traffic (forwarding, access "
	  "control, parental controls) block it." },
	{ { "cloud.ok", "core.cloud_rejected" }, "internet.down",
	  "This host reaches the cloud on TCP 5683, but the Core's "
	  "connections are refused: the internet and the cloud work, and a "
	  "rule for the Core's traffic on the router refuses it." },
	{ { "cloud.tcp_blocked", "core.cloud_ok" }, NULL,
	  "The Core reaches the cloud though this host's probe does not: the "
	  "block is on this host's own path (its firewall's output rules or "
	  "its route), not the Core's." },
	{ { "cloud.tcp_rejected", "core.cloud_ok" }, NULL,
	  "The Core reaches the cloud though this host's probe is refused: "
	  "the refusal is on this host's own path, not the Core's." },
	{ { "cloud.ok", "core.dns_failed" }, "internet.down",
	  "This host resolves and reaches the cloud, but the Core's DNS "
	  "queries fail: look at the DNS server the Core was given by DHCP." },
	{ { "core.key_mismatch" }, NULL,
	  "The Core's connection reached the cloud and the handshake began: "
	  "the network works; the Core's keys are what fails." },
	{ { "core.handshake_rejected" }, NULL,
	  "The Core's connection reached the cloud and the handshake began: "
	  "the network works; the cloud refuses the Core's key." },
	{ { "cloud.ok", "coap.udp_blocked" }, NULL,
	  "This host reaches the cloud over TCP 5683, the Spark Core's own "
	  "protocol: the blocked UDP port does not stop a Core." },
	{ { "portal.detected" }, "internet.down",
	  "A captive portal stands between this network and the internet: "
	  "the Core cannot log in to it, so it cannot reach its cloud here." },
};

/* The inferences that hold, one paragraph each; how many were printed. */
int
cd_report_infer(FILE *out, struct json_object *findings)
{
	int	n = 0;

	for (size_t i = 0; i < nitems(rules); i++) {
		const struct rule	*r = &rules[i];
		int			 all = 1;

		for (size_t k = 0; k < nitems(r->when) && r->when[k]; k++)
			all = all && has(findings, r->when[k]);
		if (!all || (r->unless != NULL && has(findings, r->unless)))
			continue;
		if (n++ == 0)
			fprintf(out, "What follows\n");
		fprintf(out, "  %s\n", r->says);
	}
	return n;
}
