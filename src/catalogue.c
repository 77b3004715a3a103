/*
 * corediagd(8)'s finding catalogue: each ID's severity and the advice of the
 * Spark troubleshooting guide.  A raise may override either.
 */
#include "config.h"

#include <string.h>

#include "findings.h"

#define E CD_SEV_ERROR
#define W CD_SEV_WARNING
#define I CD_SEV_INFO

const struct cd_catalogue_entry cd_catalogue[] = {
	{ "wifi.channel_unsupported", W,
	  "use channel 11 or lower: the Core's CC3000 only scans channels 1-11" },
	{ "wifi.no_24ghz", E,
	  "offer a 2.4 GHz network (802.11b/g): the Core cannot join 5 GHz" },
	{ "wifi.n_only", E,
	  "allow 802.11b/g clients (turn off 'n only' / require_ht, enable legacy rates)" },
	{ "wifi.enterprise", E,
	  "use WPA2-Personal (PSK): the Core cannot join WPA/WPA2-Enterprise networks" },
	{ "wifi.wpa3_only", E,
	  "use WPA2-Personal (PSK) or WPA2/WPA3 mixed mode: the Core cannot do WPA3 (SAE)" },
	{ "wifi.wpa3_transition", W,
	  "if the Core fails to join, switch to WPA2-Personal (PSK) only" },
	{ "wifi.ssid_too_long", W,
	  "use an SSID of at most 30 bytes and a passphrase of at most 32 characters" },
	{ "wifi.weak_signal", W,
	  "move the Core closer to the access point or away from interference" },
	{ "cloud.dns_failed", E,
	  "check the router's DNS servers; the Core must resolve the cloud's name" },
	{ "cloud.dns_hijacked", W,
	  "the cloud's name resolves to a private address: check the DNS server, parental filter or portal that rewrites it" },
	{ "cloud.tcp_blocked", E,
	  "allow outbound TCP port 5683 in the router's or ISP's firewall" },
	{ "cloud.tcp_rejected", E,
	  "allow outbound TCP port 5683 in the router's or ISP's firewall" },
	{ "cloud.no_handshake", E,
	  "something answers on port 5683 but is not the cloud: check transparent proxies and port forwards" },
	{ "cloud.ok", I, NULL },
	{ "coap.udp_blocked", E,
	  "allow outbound UDP port 5683 in the router's firewall" },
	{ "coap.udp_unverified", I, NULL },
	{ "coap.ok", I, NULL },
	{ "internet.down", E,
	  "first check the internet connection (modem, WAN cable, ISP), then the cloud" },
	{ "portal.detected", E,
	  "the network has a captive portal: the Core cannot log in to it; use a network without one, or register the Core's MAC" },
	{ "dhcp.no_offer", E,
	  "enable a DHCP server on the LAN: the Core cannot use a static address" },
	{ "dhcp.multiple_servers", W,
	  "keep one DHCP server on the LAN; turn off the other (often a second router or an access point)" },
	{ "core.seen", I, NULL },
	{ "core.missing", W,
	  "a Core that never joins the Wi-Fi sends nothing the network can "
	  "see, so check the Core itself: power it from a supply of at least "
	  "500 mA (a phone charger, not an unpowered hub); on a u.FL Core, "
	  "make sure the antenna is attached firmly; read its LED: flashing "
	  "blue means it has no Wi-Fi credentials (hold MODE 3 s for listening "
	  "mode and send them again), flashing green that it has them but "
	  "cannot join (check SSID and passphrase; hold MODE 10 s to clear its "
	  "memory, then set it up again), no light at all that it has no "
	  "power" },
	{ "core.no_lease", E,
	  "check the DHCP server (pool full? MAC filter?): the Core needs a DHCP lease" },
	{ "core.static_ip", W,
	  "the Core cannot use a static address: let it take one from the LAN's DHCP server" },
	{ "core.bad_dns_server", E,
	  "the CC3000 stored a bogus DNS server: re-apply the CC3000 patch (deep update)" },
	{ "core.dns_failed", E,
	  "check the router's DNS: the Core must resolve the cloud's name" },
	{ "core.cloud_blocked", E,
	  "allow outbound TCP port 5683 in the router's firewall" },
	{ "core.cloud_rejected", E,
	  "allow outbound TCP port 5683 in the router's firewall" },
	{ "core.handshake_rejected", E,
	  "the cloud refused the Core: check the server public key on the Core and that the device is claimed" },
	{ "core.key_mismatch", E,
	  "the Core's keys do not match the cloud's: run `particle keys doctor`" },
	{ "core.keepalive_lost", W,
	  "the session dropped after a lost keepalive: check the router's NAT timeout and the upstream link" },
	{ "core.reconnect_loop", W,
	  "the Core keeps reconnecting: look at the other findings for this Core" },
	{ "core.internet_test_blocked", W,
	  "allow the Core's TCP connection to 8.8.8.8 port 53, or it reports 'no internet' wrongly" },
	{ "core.cloud_ok", I, NULL },
	{ "core.dhcp_other_server", W,
	  "keep one DHCP server on the LAN (see dhcp.multiple_servers): the Core took its address from a second one, often a second router or an access point" },
	{ "sniff.drops", W,
	  "the capture dropped packets: findings may be incomplete; lower sniff.snaplen or the load on the router" },
	{ NULL, CD_SEV_INFO, NULL },
};

static const struct cd_catalogue_entry *
find_in(const struct cd_catalogue_entry *e, const char *id)
{
	for (; e->id != NULL; e++)
		if (strcmp(e->id, id) == 0)
			return e;
	return NULL;
}

const struct cd_catalogue_entry *
cd_catalogue_find(const char *id)
{
	return find_in(cd_catalogue, id);
}

/*
 * Under internet.down (internet_grade.c): the findings it explains, the
 * severity each is lowered to, and advice that names the outage instead
 * of a firewall or the router's DNS.  See corediagd(8).
 */
#define OUTAGE "because the internet is down"
#define FIX_IT "restore the internet connection (modem, WAN cable, ISP) first"

const struct cd_catalogue_entry cd_catalogue_outage[] = {
	{ "cloud.dns_failed", W,
	  "the cloud's name does not resolve " OUTAGE ": " FIX_IT },
	{ "cloud.dns_hijacked", I,
	  "an offline router may answer every name with its own address; "
	  "this is likely " OUTAGE ": " FIX_IT },
	{ "cloud.tcp_blocked", W,
	  "the cloud is unreachable " OUTAGE ": " FIX_IT },
	{ "cloud.tcp_rejected", W,
	  "the cloud is unreachable " OUTAGE "; the refusal comes from this "
	  "side: " FIX_IT },
	{ "cloud.no_handshake", W,
	  "what answers instead of the cloud is local, " OUTAGE ": " FIX_IT },
	{ "coap.udp_blocked", I,
	  "the CoAP ping cannot reach the cloud " OUTAGE ": " FIX_IT },
	{ "coap.udp_unverified", I,
	  "the CoAP ping gets no answer " OUTAGE },
	{ "portal.detected", W,
	  "an offline router may answer the web check with its own page; "
	  "this is likely " OUTAGE ": " FIX_IT ", then check again" },
	{ "core.dns_failed", W,
	  "the Core cannot resolve the cloud's name " OUTAGE ": " FIX_IT },
	{ "core.cloud_blocked", W,
	  "the Core cannot reach the cloud " OUTAGE ": " FIX_IT },
	{ "core.cloud_rejected", W,
	  "the Core cannot reach the cloud " OUTAGE "; the refusal comes from "
	  "this side: " FIX_IT },
	{ "core.keepalive_lost", I,
	  "the Core's session dropped " OUTAGE "; it reconnects by itself when "
	  "the internet is back" },
	{ "core.reconnect_loop", I,
	  "the Core keeps retrying " OUTAGE "; it reconnects by itself when the "
	  "internet is back" },
	{ "core.internet_test_blocked", I,
	  "the Core's internet test fails " OUTAGE ": " FIX_IT },
	{ NULL, CD_SEV_INFO, NULL },
};

const struct cd_catalogue_entry *
cd_catalogue_outage_find(const char *id)
{
	return find_in(cd_catalogue_outage, id);
}
