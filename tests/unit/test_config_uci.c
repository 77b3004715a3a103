#include "config.h"

/*
 * The configuration as UCI (/etc/config/corediagd): the shipped UCI file
 * and the shipped YAML file load to the same values, key by key; so do a
 * UCI and a YAML file that change every section from its defaults; UCI
 * errors name FILE:LINE.
 */

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cd_config.h"

#ifndef TEST_SRCDIR
#error "TEST_SRCDIR must be the absolute path of tests/unit"
#endif

#define ERRLEN	1024

static struct cd_config *
load(const char *path)
{
	struct cd_config	*cfg = NULL;
	char			 err[ERRLEN];

	if (cd_config_load(path, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return cfg;
}

/* A temporary file holding text; the path is in buf. */
static const char *
tmpfile_with(const char *text, const char *suffix, char *buf, size_t len)
{
	FILE	*f;
	int	 fd;

	snprintf(buf, len, "/tmp/cdtest-uci-XXXXXX%s", suffix);
	fd = mkstemps(buf, (int)strlen(suffix));
	assert_true(fd >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(text, f);
	fclose(f);
	return buf;
}

static void
same_list(const struct cd_strlist *a, const struct cd_strlist *b,
    const char *key)
{
	size_t	i;

	if (a->n != b->n)
		fail_msg("%s: %zu elements against %zu", key, a->n, b->n);
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			fail_msg("%s[%zu]: '%s' against '%s'", key, i,
			    a->v[i], b->v[i]);
}

#define SAME_S(f)	do { if (strcmp(a->f, b->f) != 0)		\
	fail_msg(#f ": '%s' against '%s'", a->f, b->f); } while (0)
#define SAME_N(f)	do { if (a->f != b->f)				\
	fail_msg(#f ": %jd against %jd", (intmax_t)a->f,		\
	    (intmax_t)b->f); } while (0)

/* Every key of corediagd.yaml(5), compared. */
static void
same_config(const struct cd_config *a, const struct cd_config *b)
{
	size_t	i;

	SAME_S(interfaces.lan);
	same_list(&a->interfaces.wifi, &b->interfaces.wifi, "interfaces.wifi");
	SAME_S(cloud.host);
	SAME_N(cloud.port);
	SAME_S(cloud.coap_host);
	SAME_N(cloud.coap_port);
	SAME_N(probes.interval_ms);
	SAME_N(probes.timeout_ms);
	SAME_N(probes.retries);
	SAME_N(probes.coap);
	SAME_N(probes.handshake);
	SAME_N(probes.dns);
	SAME_N(probes.dhcp);
	SAME_N(probes.portal);
	SAME_N(probes.wifi);
	SAME_S(portal.url);
	SAME_N(portal.expect_status);
	SAME_N(wifi.max_channel);
	same_list(&a->wifi.hostapd_conf, &b->wifi.hostapd_conf,
	    "wifi.hostapd_conf");
	SAME_S(wifi.uci_wireless);
	SAME_N(wifi.min_signal_dbm);
	SAME_N(sniff.enabled);
	same_list(&a->sniff.core_ouis, &b->sniff.core_ouis, "sniff.core_ouis");
	for (i = 0; i < a->sniff.core_ouis.n; i++)
		assert_memory_equal(a->sniff.ouis[i].b, b->sniff.ouis[i].b, 3);
	SAME_S(sniff.internet_test);
	SAME_S(sniff.internet_test_host);
	SAME_N(sniff.internet_test_port);
	SAME_N(sniff.snaplen);
	SAME_S(status.socket);
	SAME_N(status.mode);
	SAME_S(status.group);
	SAME_N(status.max_clients);
	SAME_N(status.idle_timeout_ms);
	SAME_S(syslog.ident);
	SAME_N(syslog.facility);
	SAME_S(syslog.facility_name);
	SAME_S(user);
}

static void
test_shipped_files_agree(void **state)
{
	struct cd_config	*y, *u;

	(void)state;
	y = load(TEST_SRCDIR "/../../etc/corediagd.yaml");
	u = load(TEST_SRCDIR "/../../openwrt/corediagd/files/corediagd.config");
	same_config(y, u);
	cd_config_free(y);
	cd_config_free(u);
}

/* Every section changed from its defaults, in both forms. */
static const char yaml_changed[] =
    "interfaces:\n  lan: eth1\n  wifi: [wlan0, wlan1]\n"
    "cloud:\n  host: cloud.example\n  port: 6000\n"
    "  coap_host: coap.example\n  coap_port: 6001\n"
    "probes:\n  interval: 10m\n  timeout: 750ms\n  retries: 4\n"
    "  coap: false\n  handshake: false\n  dns: false\n  dhcp: false\n"
    "  portal: false\n  wifi: false\n"
    "portal:\n  url: http://192.0.2.1/gen\n  expect_status: 200\n"
    "wifi:\n  max_channel: 13\n  hostapd_conf: [/a.conf, /b.conf]\n"
    "  uci_wireless: \"\"\n  min_signal_dbm: -70\n"
    "sniff:\n  enabled: false\n  core_ouis: [\"aa:bb:cc\"]\n"
    "  internet_test: \"[2001:db8::1]:53\"\n  snaplen: 1500\n"
    "status:\n  socket: /var/run/corediagd/status.sock\n  mode: \"0600\"\n"
    "  group: \"\"\n  max_clients: 8\n  idle_timeout: 1m\n"
    "syslog:\n  ident: cdd\n  facility: local3\n"
    "user: \"\"\n";

static const char uci_changed[] =
    "package corediagd\n\n"
    "config interfaces\n\toption lan eth1\n"
    "\tlist wifi 'wlan0'\n\tlist wifi \"wlan1\"\n"
    "config cloud 'cloud'\n\toption host 'cloud.example'\n"
    "\toption port '6000'\n\toption coap_host 'coap.example'\n"
    "\toption coap_port 6001\n"
    "config probes 'probes'\n\toption interval '10m'\n"
    "\toption timeout '750ms'\n\toption retries '4'\n\toption coap '0'\n"
    "\toption handshake 'false'\n\toption dns 'off'\n\toption dhcp 'no'\n"
    "\toption portal 'disabled'\n\toption wifi '0'\n"
    "config portal\n\toption url 'http://192.0.2.1/gen'\n"
    "\toption expect_status '200'\n"
    "config wifi\n\toption max_channel '13'\n"
    "\tlist hostapd_conf '/a.conf'\n\toption uci_wireless ''\n"
    "\tlist hostapd_conf '/b.conf'\n\toption min_signal_dbm '-70'\n"
    "# a comment\n"
    "config sniff\n\toption enabled '0'\n\toption core_ouis 'aa:bb:cc'\n"
    "\toption internet_test '[2001:db8::1]:53'\n\toption snaplen '1500'\n"
    "config status\n\toption socket '/var/run/corediagd/status.sock'\n"
    "\toption mode '0600'\n\toption group ''\n\toption max_clients '8'\n"
    "\toption idle_timeout '1m'\n"
    "config syslog\n\toption ident 'cdd'\n\toption facility 'local3'\n"
    "config corediagd 'main'\n\toption user ''\n";

static void
test_changed_files_agree(void **state)
{
	struct cd_config	*y, *u;
	char			 yp[64], up[64];

	(void)state;
	y = load(tmpfile_with(yaml_changed, ".yaml", yp, sizeof(yp)));
	u = load(tmpfile_with(uci_changed, "", up, sizeof(up)));
	unlink(yp);
	unlink(up);
	/* Not the defaults: the UCI file was read, every section of it. */
	assert_string_equal(u->interfaces.lan, "eth1");
	assert_int_equal(u->interfaces.wifi.n, 2);
	assert_int_equal(u->probes.timeout_ms, 750);
	assert_false(u->probes.portal);
	assert_int_equal(u->wifi.hostapd_conf.n, 2);
	assert_string_equal(u->wifi.hostapd_conf.v[1], "/b.conf");
	assert_int_equal(u->sniff.internet_test_port, 53);
	assert_int_equal(u->status.mode, 0600);
	assert_string_equal(u->user, "");
	same_config(y, u);
	cd_config_free(y);
	cd_config_free(u);
}

/* A UCI text that must fail with rc and "PATH" + tail. */
static void
expect_error(const char *text, const char *tail)
{
	struct cd_config	*cfg = (void *)1;
	char			 path[64], err[ERRLEN];
	size_t			 plen;

	tmpfile_with(text, "", path, sizeof(path));
	plen = strlen(path);
	assert_true(cd_config_load(path, &cfg, err, sizeof(err)) < 0);
	unlink(path);
	assert_null(cfg);
	assert_memory_equal(err, path, plen);
	assert_string_equal(err + plen, tail);
}

static void
test_errors_name_the_line(void **state)
{
	(void)state;
	expect_error("config cloud\n\toption port '99999'\n",
	    ":2: cloud.port: 99999 is out of range 1..65535");
	expect_error("# x\n\nconfig cloud\n\toption hots 'a'\n",
	    ":4: unknown option 'cloud.hots'");
	expect_error("config clown\n", ":1: unknown section type 'clown'");
	expect_error("config cloud\nconfig probes\nconfig cloud 'again'\n",
	    ":3: duplicate section 'cloud'");
	expect_error("config cloud\n\toption host a\n\toption host b\n",
	    ":3: duplicate option 'cloud.host'");
	expect_error("config cloud\n\tlist host a\n",
	    ":2: cloud.host takes one value: write 'option host'");
	expect_error("package corediagd\n\toption host a\n",
	    ":2: option before any config line");
	expect_error("config probes\n\toption dns 'maybe'\n",
	    ":2: probes.dns: expected a boolean (true/false), got 'maybe'");
	expect_error("config cloud\n\toption host 'open\n",
	    ":2: unterminated quote");
	expect_error("config cloud\n\toption host a b\n",
	    ":2: expected: option NAME VALUE");
	expect_error("config cloud\n\tlost host a\n",
	    ":2: expected config, option or list");
	/* A list's bad element is named at its own line. */
	expect_error("config sniff\n\tlist core_ouis '08:00:28'\n"
	    "\tlist core_ouis 'nope'\nconfig cloud\n",
	    ":3: sniff.core_ouis: expected an OUI such as \"08:00:28\", got 'nope'");
}

/* The format is told by content, whatever the name. */
static void
test_detection(void **state)
{
	struct cd_config	*cfg;
	char			 path[64];

	(void)state;
	cfg = load(tmpfile_with("# yaml\ncloud:\n  host: y.example\n", ".conf",
	    path, sizeof(path)));
	unlink(path);
	assert_string_equal(cfg->cloud.host, "y.example");
	cd_config_free(cfg);
	cfg = load(tmpfile_with("\n# uci\n\nconfig\tcloud\n\toption host "
	    "u.example\n", ".yaml", path, sizeof(path)));
	unlink(path);
	assert_string_equal(cfg->cloud.host, "u.example");
	cd_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_files_agree),
		cmocka_unit_test(test_changed_files_agree),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_detection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
