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
	{ "wifi.channel_unsupported", E,
	  "move the access point to channel 1, 6 or 11 (not \"auto\", which may "
	  "pick 12-13): the Core's CC3000 never scans channels 12-14, so it "
	  "cannot see this network" },
	{ "wifi.no_24ghz", E,
	  "turn on the 2.4 GHz radio with an 802.11b/g network: the Core cannot "
	  "see 5 GHz" },
	{ "wifi.n_only", E,
	  "set the 2.4 GHz mode to allow legacy 802.11b/g clients (turn off "
	  "'n only' / require_ht): the Core's CC3000 speaks only 802.11b/g" },
	{ "wifi.enterprise", E,
	  "give the Core a WPA2-Personal (PSK) network, for example a guest "
	  "network: it cannot do 802.1X/EAP" },
	{ "wifi.wpa3_only", E,
	  "switch to WPA2-Personal (PSK), or WPA2/WPA3 mixed mode: the Core "
	  "cannot do WPA3 (SAE)" },
	{ "wifi.wpa3_transition", W,
	  "if the Core fails to join (it flashes green and never turns cyan), "
	  "switch to WPA2-Personal (PSK) only" },
	{ "wifi.ssid_too_long", W,
	  "shorten the SSID to at most 30 bytes and the passphrase to at most "
	  "32 characters, then send the credentials to the Core again" },
	{ "wifi.weak_signal", W,
	  "move the Core closer to the access point or away from metal and "
	  "interference; on a u.FL Core check that the antenna is attached and "
	  "firmly seated" },
	{ "cloud.dns_failed", E,
	  "check the DNS servers the router hands out (its WAN settings, DHCP "
	  "option 6): the Core must resolve the cloud's name; if others "
	  "resolve, the cloud's name itself may be failing" },
	{ "cloud.dns_hijacked", W,
	  "the cloud's name resolves to a private address: turn off the DNS "
	  "rewrite, parental filter or portal that answers for it, or exempt "
	  "the Core from it" },
	{ "cloud.tcp_blocked", E,
	  "allow outgoing TCP to port 5683 in the router's firewall (and ask "
	  "the ISP if it filters); port forwards play no part in outgoing "
	  "connections. If nothing here blocks it, the cloud itself may be "
	  "down: check its status page" },
	{ "cloud.tcp_rejected", E,
	  "something refuses TCP port 5683: allow outgoing TCP to port 5683 in "
	  "the router's firewall (a REJECT rule); port forwards play no part "
	  "in outgoing connections. If nothing here refuses it, the cloud "
	  "itself may be down: check its status page" },
	{ "cloud.no_handshake", E,
	  "something answers on port 5683 but it is not the cloud: turn off "
	  "any transparent proxy or DNS rewrite for the cloud's name (port "
	  "forwards play no part in outgoing connections); if nothing here "
	  "intercepts it, the cloud itself may be failing: check its status "
	  "page" },
	{ "cloud.ok", I, NULL },
	{ "coap.udp_blocked", W,
	  "the Spark Core talks to its cloud over TCP 5683, so this does not "
	  "stop it; allow outgoing UDP to port 5683 only for other CoAP "
	  "devices that need it" },
	{ "coap.udp_unverified", I, NULL },
	{ "coap.ok", I, NULL },
	{ "internet.down", E,
	  "power-cycle the modem and the router (modem first, wait until it is "
	  "online, then the router), check the WAN cable, then call the ISP; "
	  "the Core reconnects by itself when the internet is back" },
	{ "portal.detected", E,
	  "the Core cannot log in to a captive portal (landing page): put it on "
	  "a network without one, or have the portal let the Core's MAC "
	  "through" },
	{ "dhcp.no_offer", E,
	  "turn on a DHCP server for the LAN (usually the router's): the Core "
	  "takes its address only by DHCP" },
	{ "dhcp.server_busy", W,
	  "the LAN's DHCP server answers other devices but gave no address "
	  "to a new one in time: its address pool may be full (too many "
	  "devices, or long leases), it may be swamped by requests, or it may "
	  "admit only known MACs; look at its lease table and log, enlarge "
	  "the pool or shorten the lease time" },
	{ "dhcp.multiple_servers", W,
	  "keep one DHCP server on the LAN and turn off the other (often a "
	  "second router or an access point: set it to bridge or access point "
	  "mode)" },
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
	  "check the DHCP server: a full address pool, a MAC filter or an "
	  "access control list can refuse the Core; allow its MAC" },
	{ "core.static_ip", W,
	  "let the Core take its address from the LAN's DHCP server: its stock "
	  "firmware does not do static addresses" },
	{ "core.bad_dns_server", E,
	  "the Core's CC3000 stored a bogus DNS server (an old CC3000 firmware "
	  "fault): apply the deep update over USB: put the Core in DFU mode "
	  "(hold MODE, tap RST, release MODE when it flashes yellow) and run "
	  "`spark flash --usb deep_update_2014_06` (Spark CLI)" },
	{ "core.dns_failed", E,
	  "check the DNS servers the router hands the Core (DHCP option 6) and "
	  "that they answer for the cloud's name" },
	{ "core.cloud_blocked", E,
	  "allow outgoing TCP to port 5683 for the Core in the router's "
	  "firewall, access control and parental controls; port forwards play "
	  "no part in outgoing connections" },
	{ "core.cloud_rejected", E,
	  "a firewall refuses the Core's TCP to port 5683: allow it (look for a "
	  "REJECT rule or an access control list naming the Core)" },
	{ "core.handshake_rejected", E,
	  "the cloud does not accept the Core's key (claiming plays no part "
	  "here): put the Core in DFU mode and re-install the cloud's server "
	  "public key (`spark keys server`), then run `spark keys doctor "
	  "CORE_ID` (the ID from `spark keys identify` in listening mode)" },
	{ "core.key_mismatch", E,
	  "the Core's keys do not match the cloud's (after joining the Wi-Fi "
	  "its LED flashes orange, red and yellow): put it in listening mode "
	  "(hold MODE until it flashes blue) and run "
	  "`spark keys identify` for its ID, then put it in DFU mode and run "
	  "`spark keys doctor CORE_ID`" },
	{ "core.keepalive_lost", W,
	  "the Core pings every 15 s, so no NAT timeout is to blame: check the "
	  "WAN link (modem, ISP) for drops, then the cloud's status page" },
	{ "core.reconnect_loop", W,
	  "give the Core a power supply of at least 500 mA (a 5 V/1 A charger), "
	  "check its signal and antenna, and apply the CC3000 deep update; the "
	  "other findings for this Core may name a network cause" },
	{ "core.internet_test_blocked", W,
	  "allow the Core's TCP connection to 8.8.8.8 port 53, or it reports "
	  "'no internet' wrongly" },
	{ "core.cloud_ok", I, NULL },
	{ "core.dhcp_other_server", W,
	  "keep one DHCP server on the LAN (see dhcp.multiple_servers): the "
	  "Core took its address from a second one, often a second router or "
	  "an access point" },
	{ "sniff.drops", W,
	  "the capture dropped packets: findings may be incomplete; lower "
	  "sniff.snaplen or the load on the router" },
	{ "probe.failed", W,
	  "the probe could not run, so its checks are missing: run corediagd "
	  "as root or with CAP_NET_RAW, and check that interfaces.lan names an "
	  "existing interface" },
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
#define FIX_IT "power-cycle the modem and the router, check the WAN cable, " \
	"then call the ISP"

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
