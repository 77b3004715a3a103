/*
 * Each finding's advice keeps the instruction that fixes it, in the
 * catalogue (what syslog and the report say) and in corediagd(8) FINDINGS.
 * A rewrite that drops the instruction fails here.
 */
#include "config.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "findings.h"
#include "util.h"

#define MAN_PAGE TEST_SRCDIR "/../../man/corediagd.8"
#define MAX_KEYS 5

struct pin {
	const char	*id;
	const char	*keys[MAX_KEYS];	/* in both, case-insensitive */
	const char	*never;			/* not in the catalogue's */
};

static const struct pin pins[] = {
	{ "wifi.channel_unsupported", { "1, 6 or 11", "auto" }, NULL },
	{ "wifi.no_24ghz", { "2.4 GHz", "802.11b/g" }, NULL },
	{ "wifi.n_only", { "legacy 802.11b/g", "require_ht" }, NULL },
	{ "wifi.enterprise", { "WPA2-Personal" }, NULL },
	{ "wifi.wpa3_only", { "WPA2-Personal", "mixed mode" }, NULL },
	{ "wifi.wpa3_transition", { "WPA2-Personal", "flashes green" }, NULL },
	{ "wifi.ssid_too_long", { "30 bytes", "32 characters" }, NULL },
	{ "wifi.weak_signal", { "closer", "u.FL", "antenna" }, NULL },
	{ "cloud.dns_failed", { "DNS servers", "DHCP option 6" }, NULL },
	{ "cloud.dns_hijacked", { "rewrite" }, NULL },
	{ "cloud.tcp_blocked", { "TCP to port 5683", "port forwards",
	    "cloud itself may be down", "status page" }, NULL },
	{ "cloud.tcp_rejected", { "TCP to port 5683", "port forwards",
	    "cloud itself may be down", "REJECT" }, NULL },
	{ "cloud.no_handshake", { "transparent proxy", "port forwards",
	    "cloud itself may be", "status page" }, NULL },
	{ "coap.udp_blocked", { "TCP 5683", "other CoAP devices" },
	    "in the router's firewall" },
	{ "internet.down", { "power-cycle the modem and the router",
	    "WAN cable", "ISP" }, "firewall" },
	{ "portal.detected", { "without one", "MAC" }, NULL },
	{ "dhcp.no_offer", { "DHCP server", "only by DHCP" }, NULL },
	{ "dhcp.server_busy", { "address pool", "known MACs", "lease table" },
	    NULL },
	{ "dhcp.multiple_servers", { "one DHCP server", "access point" }, NULL },
	{ "core.no_lease", { "address pool", "MAC filter" }, NULL },
	{ "core.static_ip", { "LAN's DHCP server" }, NULL },
	{ "core.bad_dns_server", { "deep update", "DFU mode",
	    "spark flash --usb deep_update_2014_06" }, NULL },
	{ "core.dns_failed", { "DNS servers", "DHCP option 6" }, NULL },
	{ "core.cloud_blocked", { "TCP to port 5683", "port forwards" }, NULL },
	{ "core.cloud_rejected", { "REJECT", "access control" }, NULL },
	{ "core.handshake_rejected", { "server public key", "DFU mode",
	    "spark keys server", "spark keys doctor", "keys identify" },
	    "device is claimed" },
	{ "core.key_mismatch", { "flashes orange", "listening mode",
	    "spark keys identify", "DFU mode", "spark keys doctor" }, NULL },
	{ "core.keepalive_lost", { "15 s", "WAN", "cloud" },
	    "check the router's NAT" },
	{ "core.reconnect_loop", { "500 mA", "antenna", "deep update",
	    "signal" }, "look at the other findings" },
	{ "core.internet_test_blocked", { "no internet" }, NULL },
	{ "core.dhcp_other_server", { "one DHCP server" }, NULL },
	{ "sniff.drops", { "snaplen" }, NULL },
	{ "probe.failed", { "CAP_NET_RAW", "interfaces.lan" }, NULL },
	/* Pinned once the catalogue has it: no network check sees it. */
	{ "core.missing", { "500 mA", "antenna", "listening mode" }, NULL },
};

static char *man_text;

static int
ci_has(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/* roff to words: requests dropped, escapes undone, lines joined. */
static char *
man_plain(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	 line[1024], *out;
	size_t	 len = 0, cap = 1 << 16;

	assert_non_null(f);
	out = calloc(1, cap);
	assert_non_null(out);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = line, *sp;

		line[strcspn(line, "\n")] = '\0';
		if (s[0] == '.') {
			if (strcmp(s, ".TP") == 0 || strncmp(s, ".SH", 3) == 0) {
				if (len + 1 < cap)
					out[len++] = '\f';	/* an entry's end */
				continue;
			}
			if ((sp = strchr(s, ' ')) != NULL)
				s = sp + 1;
			else
				continue;
		}
		for (; *s != '\0' && len + 4 < cap; s++) {
			if (s[0] == '\\' && (s[1] == '-' || s[1] == '&')) {
				if (s[1] == '-')
					out[len++] = '-';
				s++;
			} else if (s[0] == '\\' && s[1] == '~') {
				out[len++] = ' ';
				s++;
			} else if (s[0] == '\\' && s[1] == '(') {
				out[len++] = '"';
				s += s[2] != '\0' && s[3] != '\0' ? 3 : 1;
			} else if (s[0] == '\\' && s[1] == 'f') {
				s += s[2] != '\0' ? 2 : 1;
			} else if (s[0] != '"')
				out[len++] = s[0];
		}
		if (len + 1 < cap)
			out[len++] = ' ';
	}
	fclose(f);
	return out;
}

/* The text of id's FINDINGS entry, in a buffer the caller frees. */
static char *
man_entry(const char *id)
{
	char	 head[96], *start, *end;

	/* `.BR id " (error)"` reads "id  (error)". */
	snprintf(head, sizeof(head), "\f%s  (", id);
	if ((start = strstr(man_text, head)) == NULL)
		return NULL;
	end = strchr(start + 1, '\f');
	return strndup(start, end != NULL ? (size_t)(end - start) :
	    strlen(start));
}

static void
test_every_advice_pinned(void **state)
{
	const struct cd_catalogue_entry *e;

	(void)state;
	for (e = cd_catalogue; e->id != NULL; e++) {
		size_t i;

		if (e->severity == CD_SEV_INFO && e->advice == NULL)
			continue;
		for (i = 0; i < nitems(pins); i++)
			if (strcmp(pins[i].id, e->id) == 0)
				break;
		if (i == nitems(pins))
			fail_msg("%s: advice not pinned in test_advice.c",
			    e->id);
		if (e->advice == NULL)
			fail_msg("%s: a %s without advice", e->id,
			    cd_severity_name(e->severity));
	}
}

static void
test_pins_hold(void **state)
{
	(void)state;
	for (size_t i = 0; i < nitems(pins); i++) {
		const struct pin		*p = &pins[i];
		const struct cd_catalogue_entry	*e = cd_catalogue_find(p->id);
		char				*man;

		if (e == NULL && strcmp(p->id, "core.missing") == 0)
			continue;
		if (e == NULL)
			fail_msg("%s: pinned but not in the catalogue", p->id);
		if ((man = man_entry(p->id)) == NULL)
			fail_msg("%s: no entry in corediagd(8) FINDINGS", p->id);
		for (int k = 0; k < MAX_KEYS && p->keys[k] != NULL; k++) {
			if (!ci_has(e->advice, p->keys[k]))
				fail_msg("%s: the advice lost '%s': %s", p->id,
				    p->keys[k], e->advice);
			if (!ci_has(man, p->keys[k]))
				fail_msg("%s: corediagd(8) lost '%s': %s",
				    p->id, p->keys[k], man);
		}
		if (p->never != NULL && ci_has(e->advice, p->never))
			fail_msg("%s: the advice says '%s' again: %s", p->id,
			    p->never, e->advice);
		free(man);
	}
}

static int
setup(void **state)
{
	(void)state;
	man_text = man_plain(MAN_PAGE);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(man_text);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_advice_pinned),
		cmocka_unit_test(test_pins_hold),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
