/*
 * The text report as a monitoring system and an owner read it: the first
 * line in the plugin format, each finding's source, and what findings
 * imply together.
 */
#include "config.h"

#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report.h"

#define T0 1795521600000LL

/* STATUS - text without '|' | label=value[UOM] ... */
#define PLUGIN_LINE "^COREDIAGD (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+ \\| " \
	"([a-z_]+=[0-9]+(ms)?(;[0-9]*){0,4} )*errors=[0-9]+ warnings=[0-9]+$"

struct fx {
	struct cd_findings	fs;
	struct cd_state		st;
};

static void
fx_raise(struct fx *fx, const char *id, const char *subject, enum cd_source src)
{
	struct cd_finding_spec sp = {
		.id = id, .subject = subject, .summary = "a summary | with a bar",
		.severity = CD_SEV_DEFAULT, .source = src,
	};

	assert_int_equal(cd_finding_raise(&fx->fs, &sp, T0), 0);
}

/* The report of fx: its text, the first line, and the exit code. */
static char *
render(struct fx *fx, char *first, size_t len, int *code)
{
	struct cd_text_opts	 o = { .colour = 0 };
	struct json_object	*doc = cd_report_json(&fx->fs, &fx->st, "h", T0);
	char			*t = calloc(1, 65536);
	FILE			*f = fmemopen(t, 65535, "w");

	*code = cd_report_text(f, doc, &o);
	fclose(f);
	snprintf(first, len, "%.*s", (int)strcspn(t, "\n"), t);
	json_object_put(doc);
	return t;
}

static void
assert_plugin_line(const char *line)
{
	regex_t re;

	assert_int_equal(regcomp(&re, PLUGIN_LINE, REG_EXTENDED | REG_NOSUB),
	    0);
	if (regexec(&re, line, 0, NULL, 0) != 0)
		fail_msg("not a plugin line: %s", line);
	regfree(&re);
}

static struct fx *
fx_new(void)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	cd_findings_init(&fx->fs, NULL, NULL);
	return fx;
}

static void
fx_free(struct fx *fx)
{
	cd_findings_free(&fx->fs);
	cd_state_free(&fx->st);
	free(fx);
}

static void
test_plugin_ok(void **state)
{
	struct fx	*fx = fx_new();
	char		 first[512], *t;
	int		 code;

	(void)state;
	cd_state_probe_result(&fx->st, "dns", T0, 12, "ok", NULL);
	cd_state_probe_result(&fx->st, "handshake", T0, 40, "ok", NULL);
	fx_raise(fx, "cloud.ok", "cloud:c:5683", CD_SRC_PROBE);
	t = render(fx, first, sizeof(first), &code);
	assert_int_equal(code, 0);
	assert_plugin_line(first);
	assert_string_equal(first, "COREDIAGD OK - no warning or error | "
	    "dns=12ms handshake=40ms errors=0 warnings=0");
	free(t);
	fx_free(fx);
}

static void
test_plugin_critical(void **state)
{
	struct fx	*fx = fx_new();
	char		 first[512], *t;
	int		 code;

	(void)state;
	cd_state_probe_result(&fx->st, "handshake", T0, 15012, "ok", NULL);
	fx_raise(fx, "coap.udp_blocked", "cloud:c:5683", CD_SRC_PROBE);
	fx_raise(fx, "core.cloud_blocked", "core:08:00:28:aa:bb:cc", CD_SRC_SNIFF);
	fx_raise(fx, "cloud.ok", "cloud:c:5683", CD_SRC_PROBE);
	t = render(fx, first, sizeof(first), &code);
	assert_int_equal(code, 2);
	assert_plugin_line(first);
	/* The worst first, its bar made harmless; the rest counted. */
	assert_string_equal(first, "COREDIAGD CRITICAL - core.cloud_blocked "
	    "core:08:00:28:aa:bb:cc: a summary / with a bar (and 1 more) | "
	    "handshake=15012ms errors=1 warnings=1");
	/* Where each comes from. */
	assert_non_null(strstr(t, "from:     the Core's own traffic"));
	assert_non_null(strstr(t, "from:     a probe from this host"));
	/* The cross inference: the host gets out, so rules for the Core. */
	assert_non_null(strstr(t, "What follows\n"));
	assert_non_null(strstr(t, "This host reaches the cloud on TCP 5683, "
	    "but the Core's connections do not get through"));
	assert_non_null(strstr(t, "the router's rules for the Core's traffic"));
	assert_non_null(strstr(t, "the blocked UDP port does not stop a Core"));
	free(t);
	fx_free(fx);
}

/* Without cloud.ok the Core's block proves nothing about the router. */
static void
test_no_inference_alone(void **state)
{
	struct fx	*fx = fx_new();
	char		 first[512], *t;
	int		 code;

	(void)state;
	fx_raise(fx, "core.cloud_blocked", "core:08:00:28:aa:bb:cc", CD_SRC_SNIFF);
	fx_raise(fx, "wifi.ssid_too_long", "wifi:wlan0", CD_SRC_CONFIG);
	t = render(fx, first, sizeof(first), &code);
	assert_plugin_line(first);
	assert_null(strstr(t, "What follows"));
	assert_non_null(strstr(t, "from:     the Wi-Fi configuration"));
	free(t);
	/* Under an outage the outage is what follows, not the router. */
	fx_raise(fx, "cloud.ok", "cloud:c:5683", CD_SRC_PROBE);
	fx_raise(fx, "internet.down", "internet", CD_SRC_PROBE);
	t = render(fx, first, sizeof(first), &code);
	assert_non_null(strstr(t, "The internet connection is down"));
	assert_null(strstr(t, "rules for the Core's traffic"));
	free(t);
	fx_free(fx);
}

/* Every probe failed to run: UNKNOWN, exit 3, whatever else was found. */
static void
test_plugin_unknown(void **state)
{
	struct fx	*fx = fx_new();
	char		 first[512], *t;
	int		 code;

	(void)state;
	cd_state_probe_result(&fx->st, "dhcp", T0, 1, "failed", "no CAP_NET_RAW");
	fx_raise(fx, "probe.failed", "probe:dhcp", CD_SRC_PROBE);
	t = render(fx, first, sizeof(first), &code);
	assert_int_equal(code, 3);
	assert_plugin_line(first);
	assert_non_null(strstr(first, "COREDIAGD UNKNOWN - no probe could run: "
	    "probe.failed probe:dhcp: "));
	free(t);
	/* One probe that ran is a diagnosis: the warning stands. */
	cd_state_probe_result(&fx->st, "dns", T0, 3, "ok", NULL);
	t = render(fx, first, sizeof(first), &code);
	assert_int_equal(code, 1);
	assert_plugin_line(first);
	free(t);
	fx_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plugin_ok),
		cmocka_unit_test(test_plugin_critical),
		cmocka_unit_test(test_no_inference_alone),
		cmocka_unit_test(test_plugin_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
