#include "config.h"

/*
 * The configuration loader: every default of corediagd.yaml(5), every error
 * class with its exact FILE:LINE:COLUMN, each value type, and inputs that
 * must never crash it.  Fixtures live in TEST_SRCDIR/config/.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "cd_config.h"

#ifndef TEST_SRCDIR
#error "TEST_SRCDIR must be the absolute path of tests/unit"
#endif

#define ERRLEN	1024

/* ---- helpers ---------------------------------------------------------- */

static const char *
fixture(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/config/%s", TEST_SRCDIR, name);
	return buf;
}

/* Load a fixture that must fail with rc and exactly "PATH" + tail. */
static void
expect_fixture_error(const char *name, int rc, const char *tail)
{
	struct cd_config	*cfg = (void *)1;
	char			 path[PATH_MAX], err[ERRLEN];
	size_t			 plen;

	fixture(name, path, sizeof(path));
	plen = strlen(path);
	assert_int_equal(cd_config_load(path, &cfg, err, sizeof(err)), rc);
	assert_null(cfg);
	assert_memory_equal(err, path, plen);
	assert_string_equal(err + plen, tail);
}

static struct cd_config *
load_fixture(const char *name)
{
	struct cd_config	*cfg = NULL;
	char			 path[PATH_MAX], err[ERRLEN];
	int			 r;

	fixture(name, path, sizeof(path));
	r = cd_config_load(path, &cfg, err, sizeof(err));
	if (r != 0)
		print_error("%s\n", err);
	assert_int_equal(r, 0);
	assert_non_null(cfg);
	assert_string_equal(cfg->path, path);
	return cfg;
}

/*
 * Load text from a temporary file.  Returns the loader's result; on failure
 * msg gets the error without its leading path (":LINE:COL: message").
 */
static int
load_text(const char *text, struct cd_config **cfg, char *msg, size_t len)
{
	char	path[] = "/tmp/cd_test_config.XXXXXX", err[ERRLEN];
	size_t	plen = strlen(path);
	int	fd, r;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	r = cd_config_load(path, cfg, err, sizeof(err));
	unlink(path);
	if (r != 0) {
		assert_null(*cfg);
		assert_memory_equal(err, path, plen);
		assert_null(strchr(err, '\n'));
		snprintf(msg, len, "%s", err + plen);
	}
	return r;
}

static void
expect_text_error(const char *text, const char *tail)
{
	struct cd_config	*cfg = NULL;
	char			 msg[ERRLEN];

	assert_int_equal(load_text(text, &cfg, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, tail);
}

static struct cd_config *
load_text_ok(const char *text)
{
	struct cd_config	*cfg = NULL;
	char			 msg[ERRLEN];
	int			 r;

	if ((r = load_text(text, &cfg, msg, sizeof(msg))) != 0)
		print_error("%s\n", msg);
	assert_int_equal(r, 0);
	assert_non_null(cfg);
	return cfg;
}

static void
assert_strlist_equal(const struct cd_strlist *a, const struct cd_strlist *b)
{
	size_t	i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++)
		assert_string_equal(a->v[i], b->v[i]);
}

/* Every field, path aside. */
static void
assert_config_equal(const struct cd_config *a, const struct cd_config *b)
{
	assert_string_equal(a->interfaces.lan, b->interfaces.lan);
	assert_strlist_equal(&a->interfaces.wifi, &b->interfaces.wifi);
	assert_string_equal(a->cloud.host, b->cloud.host);
	assert_int_equal(a->cloud.port, b->cloud.port);
	assert_string_equal(a->cloud.coap_host, b->cloud.coap_host);
	assert_int_equal(a->cloud.coap_port, b->cloud.coap_port);
	assert_int_equal(a->probes.interval_ms, b->probes.interval_ms);
	assert_int_equal(a->probes.timeout_ms, b->probes.timeout_ms);
	assert_int_equal(a->probes.retries, b->probes.retries);
	assert_int_equal(a->probes.coap, b->probes.coap);
	assert_int_equal(a->probes.handshake, b->probes.handshake);
	assert_int_equal(a->probes.dns, b->probes.dns);
	assert_int_equal(a->probes.dhcp, b->probes.dhcp);
	assert_int_equal(a->probes.portal, b->probes.portal);
	assert_int_equal(a->probes.wifi, b->probes.wifi);
	assert_string_equal(a->portal.url, b->portal.url);
	assert_int_equal(a->portal.expect_status, b->portal.expect_status);
	assert_int_equal(a->wifi.max_channel, b->wifi.max_channel);
	assert_strlist_equal(&a->wifi.hostapd_conf, &b->wifi.hostapd_conf);
	assert_string_equal(a->wifi.uci_wireless, b->wifi.uci_wireless);
	assert_int_equal(a->wifi.min_signal_dbm, b->wifi.min_signal_dbm);
	assert_int_equal(a->sniff.enabled, b->sniff.enabled);
	assert_strlist_equal(&a->sniff.core_ouis, &b->sniff.core_ouis);
	if (a->sniff.core_ouis.n > 0)
		assert_memory_equal(a->sniff.ouis, b->sniff.ouis,
		    a->sniff.core_ouis.n * sizeof(struct cd_oui));
	assert_string_equal(a->sniff.internet_test, b->sniff.internet_test);
	assert_string_equal(a->sniff.internet_test_host,
	    b->sniff.internet_test_host);
	assert_int_equal(a->sniff.internet_test_port,
	    b->sniff.internet_test_port);
	assert_int_equal(a->sniff.snaplen, b->sniff.snaplen);
	assert_string_equal(a->status.socket, b->status.socket);
	assert_int_equal(a->status.mode, b->status.mode);
	assert_string_equal(a->status.group, b->status.group);
	assert_int_equal(a->status.max_clients, b->status.max_clients);
	assert_int_equal(a->status.idle_timeout_ms, b->status.idle_timeout_ms);
	assert_string_equal(a->syslog.ident, b->syslog.ident);
	assert_int_equal(a->syslog.facility, b->syslog.facility);
	assert_string_equal(a->syslog.facility_name, b->syslog.facility_name);
	assert_string_equal(a->user, b->user);
}

static void
assert_fixture_is_default(const char *name)
{
	struct cd_config	*def, *cfg;

	assert_non_null(def = cd_config_new_default());
	cfg = load_fixture(name);
	assert_config_equal(cfg, def);
	cd_config_free(cfg);
	cd_config_free(def);
}

/* ---- defaults --------------------------------------------------------- */

/* Each value as corediagd.yaml(5) writes it. */
static void
test_defaults(void **state)
{
	struct cd_config	*c;

	(void)state;
	assert_non_null(c = cd_config_new_default());
	assert_null(c->path);
	assert_string_equal(c->interfaces.lan, "br-lan");
	assert_int_equal(c->interfaces.wifi.n, 0);
	assert_string_equal(c->cloud.host, "device.spark.io");
	assert_int_equal(c->cloud.port, 5683);
	assert_string_equal(c->cloud.coap_host, "");
	assert_int_equal(c->cloud.coap_port, 5683);
	assert_int_equal(c->probes.interval_ms, 5 * 60 * 1000);
	assert_int_equal(c->probes.timeout_ms, 5 * 1000);
	assert_int_equal(c->probes.retries, 2);
	assert_true(c->probes.coap);
	assert_true(c->probes.handshake);
	assert_true(c->probes.dns);
	assert_true(c->probes.dhcp);
	assert_true(c->probes.portal);
	assert_true(c->probes.wifi);
	assert_string_equal(c->portal.url,
	    "http://connectivitycheck.gstatic.com/generate_204");
	assert_int_equal(c->portal.expect_status, 204);
	assert_int_equal(c->wifi.max_channel, 11);
	assert_int_equal(c->wifi.hostapd_conf.n, 1);
	assert_string_equal(c->wifi.hostapd_conf.v[0],
	    "/etc/hostapd/hostapd.conf");
	assert_string_equal(c->wifi.uci_wireless, "/etc/config/wireless");
	assert_int_equal(c->wifi.min_signal_dbm, -80);
	assert_true(c->sniff.enabled);
	assert_int_equal(c->sniff.core_ouis.n, 2);
	assert_string_equal(c->sniff.core_ouis.v[0], "08:00:28");
	assert_string_equal(c->sniff.core_ouis.v[1], "70:ff:76");
	assert_memory_equal(c->sniff.ouis[0].b, "\x08\x00\x28", 3);
	assert_memory_equal(c->sniff.ouis[1].b, "\x70\xff\x76", 3);
	assert_string_equal(c->sniff.internet_test, "8.8.8.8:53");
	assert_string_equal(c->sniff.internet_test_host, "8.8.8.8");
	assert_int_equal(c->sniff.internet_test_port, 53);
	assert_int_equal(c->sniff.snaplen, 512);
	assert_string_equal(c->status.socket, CD_STATUS_DEFAULT_SOCKET);
	assert_int_equal(c->status.mode, 0660);
	assert_string_equal(c->status.group, "corediag");
	assert_int_equal(c->status.max_clients, 256);
	assert_int_equal(c->status.idle_timeout_ms, 10 * 1000);
	assert_string_equal(c->syslog.ident, "corediagd");
	assert_int_equal(c->syslog.facility, LOG_DAEMON);
	assert_string_equal(c->syslog.facility_name, "daemon");
	assert_string_equal(c->user, "corediag");
	cd_config_free(c);
	cd_config_free(NULL);
}

/* The shipped file documents the defaults: loading it changes nothing. */
static void
test_shipped_file(void **state)
{
	struct cd_config	*def, *cfg = NULL;
	char			 err[ERRLEN];
	int			 r;

	(void)state;
	assert_non_null(def = cd_config_new_default());
	r = cd_config_load(TEST_SRCDIR "/../../etc/corediagd.yaml", &cfg,
	    err, sizeof(err));
	if (r != 0)
		print_error("%s\n", err);
	assert_int_equal(r, 0);
	assert_config_equal(cfg, def);
	cd_config_free(cfg);
	cd_config_free(def);
}

static void
test_empty_files(void **state)
{
	(void)state;
	assert_fixture_is_default("empty.yaml");
	assert_fixture_is_default("comments.yaml");
	assert_fixture_is_default("empty_sections.yaml");
}

/* ---- a file setting every key ----------------------------------------- */

static void
test_full_file(void **state)
{
	struct cd_config	*c;

	(void)state;
	c = load_fixture("full.yaml");
	assert_string_equal(c->interfaces.lan, "eth1");
	assert_int_equal(c->interfaces.wifi.n, 2);
	assert_string_equal(c->interfaces.wifi.v[0], "wlan0");
	assert_string_equal(c->interfaces.wifi.v[1], "wlan1");
	assert_string_equal(c->cloud.host, "cloud.lab.test");
	assert_int_equal(c->cloud.port, 5684);
	assert_string_equal(c->cloud.coap_host, "coap.lab.test");
	assert_int_equal(c->cloud.coap_port, 5685);
	assert_int_equal(c->probes.interval_ms, 90 * 1000);
	assert_int_equal(c->probes.timeout_ms, 1500);
	assert_int_equal(c->probes.retries, 5);
	assert_false(c->probes.coap);
	assert_false(c->probes.handshake);
	assert_false(c->probes.dns);
	assert_false(c->probes.dhcp);
	assert_false(c->probes.portal);
	assert_false(c->probes.wifi);
	assert_string_equal(c->portal.url,
	    "http://198.18.0.1:8080/generate_204");
	assert_int_equal(c->portal.expect_status, 200);
	assert_int_equal(c->wifi.max_channel, 13);
	assert_int_equal(c->wifi.hostapd_conf.n, 1);
	assert_string_equal(c->wifi.hostapd_conf.v[0],
	    "/etc/hostapd/wlan0.conf");
	assert_string_equal(c->wifi.uci_wireless, "");
	assert_int_equal(c->wifi.min_signal_dbm, -70);
	assert_false(c->sniff.enabled);
	assert_int_equal(c->sniff.core_ouis.n, 3);
	assert_string_equal(c->sniff.core_ouis.v[0], "AA-BB-cc");
	assert_memory_equal(c->sniff.ouis[0].b, "\xaa\xbb\xcc", 3);
	assert_memory_equal(c->sniff.ouis[1].b, "\x00\x11\x22", 3);
	assert_memory_equal(c->sniff.ouis[2].b, "\xfe\xdc\xba", 3);
	assert_string_equal(c->sniff.internet_test, "[2001:db8::1]:8053");
	assert_string_equal(c->sniff.internet_test_host, "2001:db8::1");
	assert_int_equal(c->sniff.internet_test_port, 8053);
	assert_int_equal(c->sniff.snaplen, 65535);
	assert_string_equal(c->status.socket, "/tmp/corediagd-test.sock");
	assert_int_equal(c->status.mode, 0640);
	assert_string_equal(c->status.group, "wheel");
	assert_int_equal(c->status.max_clients, 8);
	assert_int_equal(c->status.idle_timeout_ms, 2 * 60 * 1000);
	assert_string_equal(c->syslog.ident, "corediagd-lab");
	assert_int_equal(c->syslog.facility, LOG_LOCAL3);
	assert_string_equal(c->syslog.facility_name, "local3");
	assert_string_equal(c->user, "");
	cd_config_free(c);
}

/* ---- error classes, each at its exact position ------------------------ */

static void
test_unknown_key(void **state)
{
	(void)state;
	expect_fixture_error("unknown_key.yaml", -EINVAL,
	    ":7:3: unknown key 'cloud.hots' (did you mean 'cloud.host'?)");
	expect_fixture_error("unknown_section.yaml", -EINVAL,
	    ":1:1: unknown key 'clod' (did you mean 'cloud'?)");
	expect_fixture_error("unknown_far.yaml", -EINVAL,
	    ":3:3: unknown key 'probes.frobnicate'");
	expect_text_error("probes:\n  dsn: true\n",
	    ":2:3: unknown key 'probes.dsn' (did you mean 'probes.dns'?)");
	expect_text_error("usr: nobody\n",
	    ":1:1: unknown key 'usr' (did you mean 'user'?)");
	expect_text_error("status:\n  max_client: 3\n",
	    ":2:3: unknown key 'status.max_client' "
	    "(did you mean 'status.max_clients'?)");
}

static void
test_wrong_type(void **state)
{
	(void)state;
	expect_fixture_error("bad_bool.yaml", -EINVAL,
	    ":3:9: probes.coap: expected a boolean (true/false), got 'maybe'");
	expect_fixture_error("mapping_for_scalar.yaml", -EINVAL,
	    ":3:5: cloud.host: expected a string, got a mapping");
	expect_fixture_error("scalar_for_mapping.yaml", -EINVAL,
	    ":1:8: cloud: expected a mapping, got 'device.spark.io'");
	expect_fixture_error("sequence_for_scalar.yaml", -EINVAL,
	    ":2:12: probes.timeout: expected a duration (500ms, 5s, 10m, 1h), "
	    "got a sequence");
	expect_text_error("cloud:\n  port: http\n",
	    ":2:9: cloud.port: expected a port number, got 'http'");
	expect_text_error("probes:\n  retries: two\n",
	    ":2:12: probes.retries: expected an integer, got 'two'");
	expect_text_error("probes:\n  retries:\n",
	    ":2:11: probes.retries: expected an integer, got an empty value");
	expect_text_error("interfaces:\n  wifi: wlan0\n",
	    ":2:9: interfaces.wifi: expected a list of strings, got 'wlan0'");
	expect_text_error("interfaces:\n  wifi: [wlan0, [wlan1]]\n",
	    ":2:17: interfaces.wifi: expected a string in the list, "
	    "got a sequence");
	expect_text_error("wifi:\n  hostapd_conf: {a: b}\n",
	    ":2:17: wifi.hostapd_conf: expected a string or a list of "
	    "strings, got a mapping");
	expect_text_error("? [a, b]\n: c\n",
	    ":1:3: a key must be a string, got a sequence");
	expect_text_error("cloud: [a]\n",
	    ":1:8: cloud: expected a mapping, got a sequence");
}

static void
test_out_of_range(void **state)
{
	(void)state;
	expect_fixture_error("out_of_range.yaml", -EINVAL,
	    ":2:12: probes.retries: 42 is out of range 0..10");
	expect_text_error("probes:\n  retries: -1\n",
	    ":2:12: probes.retries: -1 is out of range 0..10");
	expect_text_error("probes:\n  retries: 99999999999999999999\n",
	    ":2:12: probes.retries: 99999999999999999999 is out of range "
	    "0..10");
	expect_text_error("portal:\n  expect_status: 600\n",
	    ":2:18: portal.expect_status: 600 is out of range 100..599");
	expect_text_error("wifi:\n  max_channel: 15\n",
	    ":2:16: wifi.max_channel: 15 is out of range 1..14");
	expect_text_error("wifi:\n  min_signal_dbm: -121\n",
	    ":2:19: wifi.min_signal_dbm: -121 is out of range -120..0");
	expect_text_error("wifi:\n  min_signal_dbm: 1\n",
	    ":2:19: wifi.min_signal_dbm: 1 is out of range -120..0");
	expect_text_error("sniff:\n  snaplen: 67\n",
	    ":2:12: sniff.snaplen: 67 is out of range 68..65535");
	expect_text_error("status:\n  max_clients: 0\n",
	    ":2:16: status.max_clients: 0 is out of range 1..65535");
	expect_text_error("status:\n  max_clients: 65536\n",
	    ":2:16: status.max_clients: 65536 is out of range 1..65535");
	expect_text_error("cloud:\n  port: 0\n",
	    ":2:9: cloud.port: 0 is out of range 1..65535");
	expect_text_error("cloud:\n  coap_port: 65536\n",
	    ":2:14: cloud.coap_port: 65536 is out of range 1..65535");
	expect_text_error("probes:\n  interval: 9s\n",
	    ":2:13: probes.interval: 9s is out of range 10s..24h");
	expect_text_error("probes:\n  interval: 25h\n",
	    ":2:13: probes.interval: 25h is out of range 10s..24h");
	expect_text_error("probes:\n  timeout: 99ms\n",
	    ":2:12: probes.timeout: 99ms is out of range 100ms..5m");
	expect_text_error("probes:\n  timeout: 301s\n",
	    ":2:12: probes.timeout: 301s is out of range 100ms..5m");
	expect_text_error("status:\n  idle_timeout: 0s\n",
	    ":2:17: status.idle_timeout: 0s is out of range 100ms..24h");
}

static void
test_range_limits(void **state)
{
	struct cd_config	*c;

	(void)state;
	c = load_text_ok("probes:\n  interval: 10s\n  timeout: 100ms\n"
	    "  retries: 0\nwifi:\n  max_channel: 14\n  min_signal_dbm: -120\n"
	    "sniff:\n  snaplen: 68\nstatus:\n  max_clients: 1\n");
	assert_int_equal(c->probes.interval_ms, 10000);
	assert_int_equal(c->probes.timeout_ms, 100);
	assert_int_equal(c->probes.retries, 0);
	assert_int_equal(c->wifi.max_channel, 14);
	assert_int_equal(c->wifi.min_signal_dbm, -120);
	assert_int_equal(c->sniff.snaplen, 68);
	assert_int_equal(c->status.max_clients, 1);
	cd_config_free(c);
	c = load_text_ok("probes:\n  interval: 24h\n  timeout: 5m\n"
	    "  retries: 10\nstatus:\n  max_clients: 65535\n"
	    "cloud:\n  port: 1\n  coap_port: 65535\n");
	assert_int_equal(c->probes.interval_ms, 24 * 3600 * 1000);
	assert_int_equal(c->probes.timeout_ms, 5 * 60 * 1000);
	assert_int_equal(c->probes.retries, 10);
	assert_int_equal(c->status.max_clients, 65535);
	assert_int_equal(c->cloud.port, 1);
	assert_int_equal(c->cloud.coap_port, 65535);
	cd_config_free(c);
}

static void
test_duplicate_key(void **state)
{
	(void)state;
	expect_fixture_error("duplicate.yaml", -EINVAL,
	    ":5:3: duplicate key 'cloud.port'");
	expect_text_error("cloud: {host: a, host: b}\n",
	    ":1:18: duplicate key 'cloud.host'");
	expect_text_error("cloud:\n  host: a\nprobes:\n  dns: true\n"
	    "cloud:\n  port: 1\n", ":5:1: duplicate key 'cloud'");
	expect_text_error("user: a\n\"user\": b\n",
	    ":2:1: duplicate key 'user'");
}

static void
test_yaml_syntax(void **state)
{
	(void)state;
	expect_fixture_error("syntax.yaml", -EINVAL,
	    ":3:2: did not find expected key");
	expect_fixture_error("two_documents.yaml", -EINVAL,
	    ":3:1: only one YAML document is allowed");
	expect_text_error("cloud:\n  host: \"device.spark.io\n",
	    ":3:1: found unexpected end of stream");
	expect_text_error("cloud:\n  port: [1\n",
	    ":3:1: did not find expected ',' or ']'");
	expect_text_error("\tcloud:\n",
	    ":1:1: found character that cannot start any token");
	expect_text_error("cloud:\n  host: *nowhere\n",
	    ":2:9: found undefined alias");
	/* A reader error has only a byte offset: its position is computed. */
	expect_text_error("cloud:\n  host: d\xc3\xa9v\xff\n",
	    ":2:12: invalid leading UTF-8 octet");
}

static void
test_top_level(void **state)
{
	(void)state;
	expect_fixture_error("top_sequence.yaml", -EINVAL,
	    ":2:1: the top level must be a mapping of sections, "
	    "got a sequence");
	expect_fixture_error("top_scalar.yaml", -EINVAL,
	    ":1:1: the top level must be a mapping of sections, "
	    "got 'just a string'");
	assert_fixture_is_default("empty.yaml");
}

static void
test_cannot_open(void **state)
{
	struct cd_config	*cfg = (void *)1;
	char			 err[ERRLEN], path[PATH_MAX];

	(void)state;
	fixture("no-such-file.yaml", path, sizeof(path));
	assert_int_equal(cd_config_load(path, &cfg, err, sizeof(err)),
	    -ENOENT);
	assert_null(cfg);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_string_equal(err + strlen(path),
	    ": cannot open: No such file or directory");
	fixture("", path, sizeof(path));
	assert_int_equal(cd_config_load(path, &cfg, err, sizeof(err)),
	    -EISDIR);
	assert_string_equal(err + strlen(path), ": not a regular file: "
	    "Is a directory");
}

/* ---- value types ------------------------------------------------------ */

static void
test_durations(void **state)
{
	uint64_t	ms;

	(void)state;
	assert_int_equal(cd_config_parse_duration("500ms", &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(cd_config_parse_duration("5s", &ms), 0);
	assert_int_equal(ms, 5000);
	assert_int_equal(cd_config_parse_duration("10m", &ms), 0);
	assert_int_equal(ms, 600000);
	assert_int_equal(cd_config_parse_duration("1h", &ms), 0);
	assert_int_equal(ms, 3600000);
	assert_int_equal(cd_config_parse_duration("0s", &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(cd_config_parse_duration("18446744073709551615ms",
	    &ms), 0);
	assert_true(ms == UINT64_MAX);
	ms = 42;
	assert_int_equal(cd_config_parse_duration("300", &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration("5x", &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration("5sec", &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration("5S", &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration("5 s", &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration(" 5s", &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration("1.5s", &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration("-5s", &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration("s", &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration("", &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration(NULL, &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration("18446744073709551616ms",
	    &ms), -EINVAL);
	assert_int_equal(cd_config_parse_duration("5124095576030432h", &ms),
	    -EINVAL);
	assert_int_equal(ms, 42);
}

static void
test_duration_errors(void **state)
{
	(void)state;
	expect_fixture_error("no_unit.yaml", -EINVAL,
	    ":2:13: probes.interval: duration needs a unit (ms, s, m, h), "
	    "got '300'");
	expect_text_error("probes:\n  timeout: 5sec\n",
	    ":2:12: probes.timeout: unknown unit in duration '5sec' "
	    "(use ms, s, m, h)");
	expect_text_error("probes:\n  timeout: fast\n",
	    ":2:12: probes.timeout: expected a duration (500ms, 5s, 10m, 1h), "
	    "got 'fast'");
	expect_text_error("probes:\n  interval: 99999999999999999999h\n",
	    ":2:13: probes.interval: duration '99999999999999999999h' is too "
	    "large");
	expect_text_error("probes:\n  interval: 9999999999999999h\n",
	    ":2:13: probes.interval: duration '9999999999999999h' is too "
	    "large");
}

static void
test_booleans(void **state)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes",
	    "Yes", "on", "ON", "\"true\"" };
	static const char *const no[] = { "false", "False", "no", "NO",
	    "off", "Off", "'no'" };
	struct cd_config	*c;
	char			 text[128];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(text, sizeof(text), "probes:\n  dns: %s\n", yes[i]);
		c = load_text_ok(text);
		assert_true(c->probes.dns);
		cd_config_free(c);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		snprintf(text, sizeof(text), "probes:\n  dns: %s\n", no[i]);
		c = load_text_ok(text);
		assert_false(c->probes.dns);
		cd_config_free(c);
	}
	expect_text_error("probes:\n  dns: 1\n",
	    ":2:8: probes.dns: expected a boolean (true/false), got '1'");
	expect_text_error("probes:\n  dns: y\n",
	    ":2:8: probes.dns: expected a boolean (true/false), got 'y'");
}

static void
test_ouis(void **state)
{
	struct cd_config	*c;

	(void)state;
	c = load_text_ok("sniff:\n  core_ouis: [\"0a:1B:2c\", 0A-1b-2C, "
	    "\"ff:ff:ff\", \"00-00-00\"]\n");
	assert_int_equal(c->sniff.core_ouis.n, 4);
	assert_string_equal(c->sniff.core_ouis.v[1], "0A-1b-2C");
	assert_memory_equal(c->sniff.ouis[0].b, "\x0a\x1b\x2c", 3);
	assert_memory_equal(c->sniff.ouis[1].b, "\x0a\x1b\x2c", 3);
	assert_memory_equal(c->sniff.ouis[2].b, "\xff\xff\xff", 3);
	assert_memory_equal(c->sniff.ouis[3].b, "\x00\x00\x00", 3);
	cd_config_free(c);
	c = load_text_ok("sniff:\n  core_ouis: []\n");
	assert_int_equal(c->sniff.core_ouis.n, 0);
	cd_config_free(c);
	expect_fixture_error("bad_oui.yaml", -EINVAL,
	    ":4:7: sniff.core_ouis: expected an OUI such as \"08:00:28\", "
	    "got '08:00:2'");
	expect_text_error("sniff:\n  core_ouis: [\"08:00:28:01\"]\n",
	    ":2:15: sniff.core_ouis: expected an OUI such as \"08:00:28\", "
	    "got '08:00:28:01'");
	expect_text_error("sniff:\n  core_ouis: [\"080028\"]\n",
	    ":2:15: sniff.core_ouis: expected an OUI such as \"08:00:28\", "
	    "got '080028'");
	expect_text_error("sniff:\n  core_ouis: [\"8:0:28\"]\n",
	    ":2:15: sniff.core_ouis: expected an OUI such as \"08:00:28\", "
	    "got '8:0:28'");
	expect_text_error("sniff:\n  core_ouis: [\"0g:00:28\"]\n",
	    ":2:15: sniff.core_ouis: expected an OUI such as \"08:00:28\", "
	    "got '0g:00:28'");
	expect_text_error("sniff:\n  core_ouis: [\"08.00.28\"]\n",
	    ":2:15: sniff.core_ouis: expected an OUI such as \"08:00:28\", "
	    "got '08.00.28'");
	expect_text_error("sniff:\n  core_ouis: [\"\"]\n",
	    ":2:15: sniff.core_ouis: expected an OUI such as \"08:00:28\", "
	    "got ''");
	expect_text_error("sniff:\n  core_ouis: \"08:00:28\"\n",
	    ":2:14: sniff.core_ouis: expected a list of OUIs such as "
	    "\"08:00:28\", got '08:00:28'");
}

static void
test_internet_test(void **state)
{
	static const struct {
		const char	*text, *host;
		unsigned	 port;
	} good[] = {
		{ "\"8.8.8.8:53\"", "8.8.8.8", 53 },
		{ "198.18.0.53:5353", "198.18.0.53", 5353 },
		{ "dns.lab.test:53", "dns.lab.test", 53 },
		{ "localhost:65535", "localhost", 65535 },
		{ "\"[2001:db8::53]:53\"", "2001:db8::53", 53 },
		{ "\"[::1]:1\"", "::1", 1 },
	};
	static const char *const bad[] = {
		"8.8.8.8", "\"8.8.8.8:0\"", "\"8.8.8.8:65536\"", "\"::1:53\"",
		"\"[::1]53\"", "\"[::1]:\"", "\"[zz::1]:53\"", "\":53\"",
		"\"host:\"", "\"999.1.1.1:53\"", "\"a b:53\"", "\"[]:53\"",
		"\"host:53x\"", "\"host:-53\"", "\"-host:53\"",
	};
	struct cd_config	*c;
	char			 text[128], want[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "sniff:\n  internet_test: %s\n",
		    good[i].text);
		c = load_text_ok(text);
		assert_string_equal(c->sniff.internet_test_host, good[i].host);
		assert_int_equal(c->sniff.internet_test_port, good[i].port);
		cd_config_free(c);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "sniff:\n  internet_test: %s\n",
		    bad[i]);
		snprintf(want, sizeof(want), ":2:18: sniff.internet_test: "
		    "expected HOST:PORT or [IPV6]:PORT with a port in "
		    "1..65535, got '%.*s'", (int)strlen(bad[i]) -
		    (bad[i][0] == '"' ? 2 : 0), bad[i] + (bad[i][0] == '"'));
		expect_text_error(text, want);
	}
}

static void
test_modes(void **state)
{
	static const struct {
		const char	*text;
		unsigned	 mode;
	} good[] = {
		{ "\"0660\"", 0660 }, { "0640", 0640 }, { "600", 0600 },
		{ "\"0o600\"", 0600 }, { "0", 0 }, { "\"07777\"", 07777 },
		{ "00660", 0660 },
	};
	struct cd_config	*c;
	char			 text[128];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "status:\n  mode: %s\n",
		    good[i].text);
		c = load_text_ok(text);
		assert_int_equal(c->status.mode, good[i].mode);
		cd_config_free(c);
	}
	expect_text_error("status:\n  mode: \"0680\"\n",
	    ":2:9: status.mode: expected an octal mode such as \"0660\", "
	    "got '0680'");
	expect_text_error("status:\n  mode: rw-rw----\n",
	    ":2:9: status.mode: expected an octal mode such as \"0660\", "
	    "got 'rw-rw----'");
	expect_text_error("status:\n  mode: \"\"\n",
	    ":2:9: status.mode: expected an octal mode such as \"0660\", "
	    "got ''");
	expect_text_error("status:\n  mode: 017777\n",
	    ":2:9: status.mode: mode 017777 is out of range 0..07777");
}

static void
test_facilities(void **state)
{
	static const struct {
		const char	*name;
		int		 facility;
	} good[] = {
		{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "LOCAL7", LOG_LOCAL7 },
	};
	struct cd_config	*c;
	char			 text[128], lower[16];
	size_t			 i, j;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "syslog:\n  facility: %s\n",
		    good[i].name);
		c = load_text_ok(text);
		assert_int_equal(c->syslog.facility, good[i].facility);
		for (j = 0; good[i].name[j] != '\0'; j++)
			lower[j] = (char)(good[i].name[j] | 0x20);
		lower[j] = '\0';
		assert_string_equal(c->syslog.facility_name, lower);
		cd_config_free(c);
	}
	expect_text_error("syslog:\n  facility: local8\n",
	    ":2:13: syslog.facility: expected a syslog facility (daemon, "
	    "user, local0..local7), got 'local8'");
	expect_text_error("syslog:\n  facility: 3\n",
	    ":2:13: syslog.facility: expected a syslog facility (daemon, "
	    "user, local0..local7), got '3'");
}

static void
test_string_constraints(void **state)
{
	(void)state;
	expect_text_error("interfaces:\n  lan: \"\"\n",
	    ":2:8: interfaces.lan: must not be empty");
	expect_text_error("interfaces:\n  lan:\n",
	    ":2:7: interfaces.lan: must not be empty");
	expect_text_error("interfaces:\n  lan: abcdefghijklmnop\n",
	    ":2:8: interfaces.lan: interface name 'abcdefghijklmnop' is "
	    "longer than 15 bytes");
	expect_text_error("interfaces:\n  lan: br/lan\n",
	    ":2:8: interfaces.lan: 'br/lan' is not a valid interface name");
	expect_text_error("interfaces:\n  wifi: [wlan0, \"\"]\n",
	    ":2:17: interfaces.wifi: must not be empty");
	expect_text_error("cloud:\n  host: \"\"\n",
	    ":2:9: cloud.host: must not be empty");
	expect_fixture_error("https.yaml", -EINVAL,
	    ":2:8: portal.url: must be a plain http:// URL, not https: the "
	    "portal check must see what a captive portal answers, which TLS "
	    "hides; got 'https://connectivitycheck.gstatic.com/generate_204'");
	expect_text_error("portal:\n  url: ftp://example.test/\n",
	    ":2:8: portal.url: must start with http://, got "
	    "'ftp://example.test/'");
	expect_text_error("portal:\n  url: http://\n",
	    ":2:8: portal.url: no host in URL 'http://'");
	expect_text_error("portal:\n  url: \"http://a b/\"\n",
	    ":2:8: portal.url: space in URL 'http://a b/'");
	expect_text_error("status:\n  socket: run/status.sock\n",
	    ":2:11: status.socket: must be an absolute path, got "
	    "'run/status.sock'");
	expect_text_error("status:\n  socket: /run/corediagd/aaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaa.sock\n",
	    ":2:11: status.socket: socket path is longer than 107 bytes");
	expect_text_error("wifi:\n  hostapd_conf: [hostapd.conf]\n",
	    ":2:18: wifi.hostapd_conf: must be an absolute path, got "
	    "'hostapd.conf'");
	expect_text_error("wifi:\n  uci_wireless: wireless\n",
	    ":2:17: wifi.uci_wireless: must be an absolute path, got "
	    "'wireless'");
	expect_text_error("syslog:\n  ident: \"\"\n",
	    ":2:10: syslog.ident: must not be empty");
	expect_text_error("cloud:\n  host: \"a\\0b\"\n",
	    ":2:9: cloud.host: contains a NUL byte");
}

static void
test_string_values(void **state)
{
	struct cd_config	*c;

	(void)state;
	c = load_text_ok("interfaces:\n  lan: abcdefghijklmno\n  wifi:\n"
	    "cloud:\n  host: 198.18.0.10\n  coap_host: 198.18.0.11\n"
	    "wifi:\n  hostapd_conf: [/a.conf, /b.conf]\nstatus:\n  group:\n"
	    "user:\n");
	assert_string_equal(c->interfaces.lan, "abcdefghijklmno");
	assert_int_equal(c->interfaces.wifi.n, 0);
	assert_string_equal(c->cloud.host, "198.18.0.10");
	assert_string_equal(c->cloud.coap_host, "198.18.0.11");
	assert_int_equal(c->wifi.hostapd_conf.n, 2);
	assert_string_equal(c->wifi.hostapd_conf.v[1], "/b.conf");
	assert_string_equal(c->status.group, "");
	assert_string_equal(c->user, "");
	cd_config_free(c);
	/* Anchors and aliases are YAML, and work. */
	c = load_text_ok("probes:\n  interval: &t 30s\n  timeout: *t\n");
	assert_int_equal(c->probes.interval_ms, 30000);
	assert_int_equal(c->probes.timeout_ms, 30000);
	cd_config_free(c);
	/* An empty list replaces a default list. */
	c = load_text_ok("wifi:\n  hostapd_conf: []\n");
	assert_int_equal(c->wifi.hostapd_conf.n, 0);
	cd_config_free(c);
}

/* ---- robustness -------------------------------------------------------- */

static void
test_error_buffer(void **state)
{
	struct cd_config	*cfg = (void *)1;
	char			 path[PATH_MAX], err[8];

	(void)state;
	fixture("unknown_key.yaml", path, sizeof(path));
	/* A short buffer is cut and terminated; none at all is fine too. */
	memset(err, 'x', sizeof(err));
	assert_int_equal(cd_config_load(path, &cfg, err, sizeof(err)),
	    -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_int_equal(cd_config_load(path, &cfg, NULL, 0), -EINVAL);
	assert_null(cfg);
	/* Without out, loading is a check only. */
	fixture("full.yaml", path, sizeof(path));
	assert_int_equal(cd_config_load(path, NULL, NULL, 0), 0);
}

static void
test_odd_keys(void **state)
{
	struct cd_config	*cfg = NULL;
	char			 text[512], msg[ERRLEN];

	(void)state;
	/* Control characters never reach the one-line message. */
	expect_text_error("\"a\\nb\": 1\n", ":1:1: unknown key 'a?b'");
	memset(text, 0, sizeof(text));
	memcpy(text, "cloud:\n  ", 9);
	memset(text + 9, 'k', 300);
	strcat(text, ": 1\n");
	/* A long key is cut short in the message. */
	assert_int_equal(load_text(text, &cfg, msg, sizeof(msg)), -EINVAL);
	assert_memory_equal(msg, ":2:3: unknown key 'cloud.kkkk", 28);
	assert_string_equal(msg + strlen(msg) - 6, "kk...'");
	assert_true(strlen(msg) < 128);
	expect_text_error("cloud:\n  host.x: 1\n",
	    ":2:3: unknown key 'cloud.host.x' (did you mean 'cloud.host'?)");
	/* Dotted keys would dodge the duplicate check: sections nest. */
	expect_text_error("cloud.host: x\n",
	    ":1:1: unknown key 'cloud.host': write 'host:' nested under "
	    "'cloud:'");
	expect_text_error("cloud:\n  port: 1\ncloud.port: 2\n",
	    ":3:1: unknown key 'cloud.port': write 'port:' nested under "
	    "'cloud:'");
	expect_text_error("cloud.hots: x\n",
	    ":1:1: unknown key 'cloud.hots' (did you mean 'cloud.host'?)");
}

static void
test_too_large(void **state)
{
	struct cd_config	*cfg = NULL;
	char			 path[] = "/tmp/cd_test_config.XXXXXX", err[ERRLEN];
	char			 line[1024];
	int			 fd, i;

	(void)state;
	memset(line, '#', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	assert_true((fd = mkstemp(path)) >= 0);
	for (i = 0; i < 1025; i++)
		assert_int_equal(write(fd, line, sizeof(line)), sizeof(line));
	close(fd);
	assert_int_equal(cd_config_load(path, &cfg, err, sizeof(err)), -EFBIG);
	unlink(path);
	assert_null(cfg);
	assert_non_null(strstr(err, ": larger than 1048576 bytes"));
}

/*
 * Every prefix of the full file, and the file with each byte replaced by
 * characters that matter to YAML: the loader returns, never crashes or
 * leaks (the sanitizers and valgrind watch), and always says why.
 */
static void
test_mangled_inputs(void **state)
{
	static const char	 subst[] = ":-[{\"&*\t\n\xff";
	struct cd_config	*cfg;
	char			 path[PATH_MAX], tmp[] = "/tmp/cd_test_config.XXXXXX";
	char			 err[ERRLEN], *orig, *buf;
	long			 len;
	size_t			 i, j;
	FILE			*f;
	int			 fd, r;

	(void)state;
	assert_non_null(f = fopen(fixture("full.yaml", path, sizeof(path)),
	    "r"));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	assert_non_null(orig = malloc((size_t)len));
	assert_non_null(buf = malloc((size_t)len));
	assert_int_equal(fread(orig, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	assert_true((fd = mkstemp(tmp)) >= 0);
	for (i = 0; i < (size_t)len; i++) {
		for (j = 0; j <= sizeof(subst) - 1; j++) {
			memcpy(buf, orig, (size_t)len);
			if (j < sizeof(subst) - 1)
				buf[i] = subst[j];
			assert_int_equal(ftruncate(fd, 0), 0);
			assert_int_equal(pwrite(fd, buf,
			    j < sizeof(subst) - 1 ? (size_t)len : i, 0),
			    j < sizeof(subst) - 1 ? len : (long)i);
			cfg = NULL;
			err[0] = '\0';
			r = cd_config_load(tmp, &cfg, err, sizeof(err));
			assert_true(r == 0 || r == -EINVAL);
			assert_true(r == 0 ? cfg != NULL : err[0] != '\0');
			cd_config_free(cfg);
		}
	}
	close(fd);
	unlink(tmp);
	free(orig);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_shipped_file),
		cmocka_unit_test(test_empty_files),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_range_limits),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_yaml_syntax),
		cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_cannot_open),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_duration_errors),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_ouis),
		cmocka_unit_test(test_internet_test),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_facilities),
		cmocka_unit_test(test_string_constraints),
		cmocka_unit_test(test_string_values),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_odd_keys),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_mangled_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
