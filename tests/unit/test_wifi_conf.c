#include "config.h"

/*
 * The Wi-Fi inspection from the access point's configuration alone: each
 * wifi.* finding from a hostapd.conf and an OpenWrt UCI fixture, the
 * healthy files that raise nothing, and bad files that are logged by
 * FILE:LINE and never crash.  There is no kernel here (nl80211 absent).
 * Fixtures: TEST_SRCDIR/wifi/.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wifi/wifi_fixture.h"

#define HOSTAPD(f)	"wifi: {hostapd_conf: [@" f "], uci_wireless: ''}\n"
#define UCI(f)		"wifi: {hostapd_conf: [], uci_wireless: '@" f "'}\n"

#define W	CD_SEV_WARNING
#define E	CD_SEV_ERROR
#define I	CD_SEV_INFO
#define CONF	CD_SRC_CONFIG

/* Inspect one configuration, no kernel; the caller frees. */
static struct wfx *
inspect(const char *yaml)
{
	struct wfx *w = wfx_new(yaml);

	wfx_run(w);
	return w;
}

static void
expect_detail(const struct wfx *w, const char *id, const char *subject,
    const char *part)
{
	const struct cd_finding *f = wfx_active(w, id, subject);

	assert_non_null(f);
	if (strstr(f->detail, part) == NULL)
		fail_msg("%s %s: detail '%s' lacks '%s'", id, subject,
		    f->detail, part);
}

/* ---- hostapd.conf ------------------------------------------------------ */

static void
test_hostapd_healthy(void **state)
{
	struct wfx *w = inspect(HOSTAPD("hostapd-healthy.conf"));

	(void)state;
	assert_int_equal(wfx_problems(w), 0);
	assert_null(w->fs.head);
	assert_string_equal(w->out.result, "ok");
	assert_non_null(strstr(w->out.detail, "hostapd-healthy.conf"));
	wfx_free(w);
}

static void
test_hostapd_channel13(void **state)
{
	struct wfx *w = inspect(HOSTAPD("hostapd-ch13.conf"));
	const struct cd_finding *f;

	(void)state;
	wfx_expect(w, "wifi.channel_unsupported", "wifi:wlan0", E, CONF);
	expect_detail(w, "wifi.channel_unsupported", "wifi:wlan0",
	    "channel=13 (");
	expect_detail(w, "wifi.channel_unsupported", "wifi:wlan0",
	    "hostapd-ch13.conf:3)");
	f = wfx_active(w, "wifi.channel_unsupported", "wifi:wlan0");
	assert_non_null(strstr(f->summary, "channel 13"));
	assert_non_null(strstr(f->advice, "channel 1, 6 or 11"));
	assert_int_equal(wfx_problems(w), 1);
	assert_string_equal(w->out.result, "error");
	wfx_free(w);
}

static void
test_hostapd_max_channel(void **state)
{
	struct wfx *w;

	(void)state;
	/* Where the Core's firmware scans 1-13, 13 is fine. */
	w = inspect("wifi: {hostapd_conf: [@hostapd-ch13.conf], "
	    "uci_wireless: '', max_channel: 13}\n");
	assert_int_equal(wfx_problems(w), 0);
	wfx_free(w);
}

static void
test_hostapd_5ghz(void **state)
{
	struct wfx *w = inspect(HOSTAPD("hostapd-5ghz.conf"));

	(void)state;
	wfx_expect(w, "wifi.no_24ghz", "wifi", E, CONF);
	expect_detail(w, "wifi.no_24ghz", "wifi", "hw_mode=a");
	expect_detail(w, "wifi.no_24ghz", "wifi", "hostapd-5ghz.conf:2");
	assert_int_equal(wfx_problems(w), 1);
	assert_string_equal(w->out.result, "error");
	wfx_free(w);
}

/*
 * A Core online all the same reaches the cloud through another access
 * point or an extender: this host's 5 GHz-only Wi-Fi is no error then.
 */
static void
test_no_24ghz_core_online(void **state)
{
	struct wfx		*w = wfx_new(HOSTAPD("hostapd-5ghz.conf"));
	struct cd_device	*d;

	(void)state;
	d = cd_state_device(&w->st, "08:00:28:c0:de:01", WFX_T0);
	d->state = "online";
	wfx_run(w);
	wfx_expect(w, "wifi.no_24ghz", "wifi", CD_SEV_INFO, CONF);
	assert_string_equal(wfx_active(w, "wifi.no_24ghz", "wifi")->summary,
	    "this host offers no 2.4 GHz network (1 on other bands): the "
	    "Core joins 2.4 GHz only");
	expect_detail(w, "wifi.no_24ghz", "wifi", "the Core 08:00:28:c0:de:01 "
	    "is online, through another access point");
	assert_int_equal(wfx_problems(w), 0);
	/* Offline again: an error again. */
	d->state = "offline";
	wfx_run(w);
	wfx_expect(w, "wifi.no_24ghz", "wifi", E, CONF);
	wfx_free(w);
}

static void
test_hostapd_n_only(void **state)
{
	struct wfx *w = inspect(HOSTAPD("hostapd-n-only.conf"));

	(void)state;
	wfx_expect(w, "wifi.n_only", "wifi:wlan0", E, CONF);
	expect_detail(w, "wifi.n_only", "wifi:wlan0",
	    "require_ht=1 (" TEST_SRCDIR "/wifi/hostapd-n-only.conf:6)");
	assert_int_equal(wfx_problems(w), 1);
	wfx_free(w);

	/* require_ht does nothing while 802.11n is off. */
	w = inspect(HOSTAPD("hostapd-require-ht-no-n.conf"));
	assert_int_equal(wfx_problems(w), 0);
	wfx_free(w);
}

static void
test_hostapd_no_b_rates(void **state)
{
	struct wfx *w = inspect(HOSTAPD("hostapd-no-b-rates.conf"));

	(void)state;
	wfx_expect(w, "wifi.n_only", "wifi:wlan0", I, CONF);
	expect_detail(w, "wifi.n_only", "wifi:wlan0",
	    "supported_rates=60 90 120");
	assert_int_equal(wfx_problems(w), 0);
	wfx_free(w);
}

static void
test_hostapd_enterprise(void **state)
{
	static const char *const files[] = {
		HOSTAPD("hostapd-eap.conf"),
		HOSTAPD("hostapd-suite-b.conf"),
		HOSTAPD("hostapd-wep-8021x.conf"),
	};
	static const char *const seen[] = {
		"wpa_key_mgmt=WPA-EAP (", "wpa_key_mgmt=WPA-EAP-SUITE-B-192 (",
		"ieee8021x=1 (",
	};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct wfx *w = inspect(files[i]);

		wfx_expect(w, "wifi.enterprise", "wifi:wlan0", E, CONF);
		expect_detail(w, "wifi.enterprise", "wifi:wlan0", seen[i]);
		/* The RADIUS secret is no passphrase of the Core's. */
		assert_int_equal(wfx_problems(w), 1);
		wfx_free(w);
	}
}

static void
test_hostapd_wpa3(void **state)
{
	struct wfx *w = inspect(HOSTAPD("hostapd-sae.conf"));

	(void)state;
	wfx_expect(w, "wifi.wpa3_only", "wifi:wlan0", E, CONF);
	expect_detail(w, "wifi.wpa3_only", "wifi:wlan0",
	    "wpa_key_mgmt=SAE (");
	assert_int_equal(wfx_problems(w), 1);
	wfx_free(w);

	w = inspect(HOSTAPD("hostapd-sae-mixed.conf"));
	wfx_expect(w, "wifi.wpa3_transition", "wifi:wlan0", W, CONF);
	expect_detail(w, "wifi.wpa3_transition", "wifi:wlan0",
	    "wpa_key_mgmt=WPA-PSK SAE (");
	assert_int_equal(wfx_problems(w), 1);
	assert_string_equal(w->out.result, "warning");
	wfx_free(w);
}

static void
test_hostapd_too_long(void **state)
{
	struct wfx *w = inspect(HOSTAPD("hostapd-long-ssid.conf"));
	const struct cd_finding *f;

	(void)state;
	wfx_expect(w, "wifi.ssid_too_long", "wifi:wlan0", W, CONF);
	f = wfx_active(w, "wifi.ssid_too_long", "wifi:wlan0");
	assert_non_null(strstr(f->summary, "32 bytes"));
	expect_detail(w, "wifi.ssid_too_long", "wifi:wlan0",
	    "hostapd-long-ssid.conf:4)");
	wfx_free(w);

	w = inspect(HOSTAPD("hostapd-long-pass.conf"));
	wfx_expect(w, "wifi.ssid_too_long", "wifi:wlan0", W, CONF);
	f = wfx_active(w, "wifi.ssid_too_long", "wifi:wlan0");
	assert_non_null(strstr(f->summary, "passphrase"));
	/* The evidence names the passphrase's length, never the passphrase. */
	expect_detail(w, "wifi.ssid_too_long", "wifi:wlan0",
	    "wpa_passphrase (52 characters)");
	assert_null(strstr(f->detail, "thirty"));
	wfx_free(w);

	/* ssid2 in hex, no interface=: the subject is the SSID. */
	w = inspect(HOSTAPD("hostapd-ssid2-hex.conf"));
	wfx_expect(w, "wifi.ssid_too_long",
	    "wifi:0123456789012345678901234567890", W, CONF);
	wfx_free(w);
}

static void
test_hostapd_multi_bss(void **state)
{
	struct wfx *w = inspect(HOSTAPD("hostapd-multi-bss.conf"));

	(void)state;
	wfx_expect(w, "wifi.wpa3_only", "wifi:wlan0_1", E, CONF);
	expect_detail(w, "wifi.wpa3_only", "wifi:wlan0_1",
	    "hostapd-multi-bss.conf:14)");
	assert_null(wfx_active(w, "wifi.wpa3_only", "wifi:wlan0"));
	assert_int_equal(wfx_problems(w), 1);
	wfx_free(w);
}

static void
test_hostapd_open(void **state)
{
	struct wfx *w = inspect(HOSTAPD("hostapd-open.conf"));

	(void)state;
	assert_int_equal(wfx_problems(w), 0);
	wfx_free(w);
}

/* Run fn with stderr (where the log goes in tests) captured into buf. */
static void
capture_log(struct wfx *w, char *buf, size_t len)
{
	char	 path[] = "/tmp/test_wifi_log_XXXXXX";
	int	 fd, saved;
	ssize_t	 n;

	assert_true((fd = mkstemp(path)) >= 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	wfx_run(w);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
}

static void
expect_log(const char *log, const char *file, int line, const char *what)
{
	char want[512];

	snprintf(want, sizeof(want), "%s:%d: %s", wfx_path(file), line, what);
	if (strstr(log, want) == NULL)
		fail_msg("log lacks '%s':\n%s", want, log);
}

static void
test_hostapd_bad_lines(void **state)
{
	struct wfx	*w = wfx_new(HOSTAPD("hostapd-bad.conf"));
	char		 log[8192];

	(void)state;
	capture_log(w, log, sizeof(log));
	expect_log(log, "hostapd-bad.conf", 3, "channel is not a number");
	expect_log(log, "hostapd-bad.conf", 4, "not a key=value line");
	expect_log(log, "hostapd-bad.conf", 5, "not a key=value line");
	expect_log(log, "hostapd-bad.conf", 6, "ssid2 is neither");
	expect_log(log, "hostapd-bad.conf", 7, "unknown hw_mode");
	/* The good lines still count: channel 6 at the end, WPA2-PSK. */
	assert_int_equal(wfx_problems(w), 0);
	assert_non_null(strstr(w->out.detail, "5 lines skipped"));
	wfx_free(w);
}

static void
test_missing_and_odd_files(void **state)
{
	struct wfx *w;

	(void)state;
	/* Absent files are "read when present": nothing at all to say. */
	w = inspect("wifi: {hostapd_conf: [/nonexistent/hostapd.conf], "
	    "uci_wireless: /nonexistent/wireless}\n");
	assert_null(w->fs.head);
	assert_string_equal(w->out.result, "none");
	assert_non_null(strstr(w->out.detail, "no configuration file"));
	assert_non_null(strstr(w->out.detail, "not in this kernel"));
	wfx_free(w);

	/* A directory or a device is refused, not read: nothing inspected. */
	w = inspect("wifi: {hostapd_conf: [/tmp, /dev/zero], "
	    "uci_wireless: /dev/null}\n");
	assert_null(w->fs.head);
	assert_string_equal(w->out.result, "failed");
	assert_non_null(strstr(w->out.detail, "cannot read /tmp: Is a "
	    "directory"));
	wfx_free(w);
}

/* ---- OpenWrt UCI ------------------------------------------------------- */

static void
test_uci_healthy(void **state)
{
	struct wfx *w = inspect(UCI("uci-healthy.conf"));

	(void)state;
	assert_int_equal(wfx_problems(w), 0);
	assert_null(w->fs.head);
	assert_string_equal(w->out.result, "ok");
	wfx_free(w);
}

static void
test_uci_channel13(void **state)
{
	struct wfx *w = inspect(UCI("uci-ch13.conf"));

	(void)state;
	wfx_expect(w, "wifi.channel_unsupported", "wifi:HomeNet", E, CONF);
	expect_detail(w, "wifi.channel_unsupported", "wifi:HomeNet",
	    "option channel '13' (" TEST_SRCDIR "/wifi/uci-ch13.conf:3)");
	assert_int_equal(wfx_problems(w), 1);
	wfx_free(w);
}

static void
test_uci_no_24ghz(void **state)
{
	struct wfx *w = inspect(UCI("uci-5g-only.conf"));

	(void)state;
	wfx_expect(w, "wifi.no_24ghz", "wifi", E, CONF);
	expect_detail(w, "wifi.no_24ghz", "wifi", "option band '5g'");
	expect_detail(w, "wifi.no_24ghz", "wifi", "uci-5g-only.conf:18)");
	assert_int_equal(wfx_problems(w), 1);
	wfx_free(w);

	w = inspect(UCI("uci-hwmode-11a.conf"));
	wfx_expect(w, "wifi.no_24ghz", "wifi", E, CONF);
	expect_detail(w, "wifi.no_24ghz", "wifi", "option hwmode '11a'");
	wfx_free(w);

	/* band, where given, counts over a stale hwmode. */
	w = inspect(UCI("uci-band-and-hwmode.conf"));
	wfx_expect(w, "wifi.no_24ghz", "wifi", E, CONF);
	expect_detail(w, "wifi.no_24ghz", "wifi", "option band '5g'");
	wfx_free(w);
}

static void
test_uci_n_only(void **state)
{
	struct wfx *w = inspect(UCI("uci-n-only.conf"));

	(void)state;
	wfx_expect(w, "wifi.n_only", "wifi:HomeNet", E, CONF);
	expect_detail(w, "wifi.n_only", "wifi:HomeNet",
	    "option require_mode 'n' (");
	assert_int_equal(wfx_problems(w), 1);
	wfx_free(w);

	w = inspect(UCI("uci-legacy-rates-0.conf"));
	wfx_expect(w, "wifi.n_only", "wifi:HomeNet", I, CONF);
	expect_detail(w, "wifi.n_only", "wifi:HomeNet",
	    "option legacy_rates '0' (");
	assert_int_equal(wfx_problems(w), 0);
	wfx_free(w);
}

static void
test_uci_security(void **state)
{
	static const struct { const char *ssid, *id; } want[] = {
		{ "wpa2", "wifi.enterprise" },
		{ "wpa", "wifi.enterprise" },
		{ "wpa3", "wifi.enterprise" },
		{ "wpa-mixed", "wifi.enterprise" },
		{ "sae", "wifi.wpa3_only" },
		{ "sae-mixed", "wifi.wpa3_transition" },
	};
	struct wfx	*w = inspect(UCI("uci-security.conf"));
	char		 subj[64];

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(subj, sizeof(subj), "wifi:%s", want[i].ssid);
		wfx_expect(w, want[i].id, subj, strcmp(want[i].id,
		    "wifi.wpa3_transition") == 0 ? W : E, CONF);
		expect_detail(w, want[i].id, subj, "option encryption '");
	}
	/* psk, psk2, psk-mixed and open are fine; a client link (mode sta)
	 * and a disabled network are not offered; the RADIUS key is no
	 * passphrase: exactly the six above. */
	assert_int_equal(wfx_problems(w), 6);
	wfx_free(w);
}

static void
test_uci_too_long(void **state)
{
	struct wfx *w = inspect(UCI("uci-long.conf"));

	(void)state;
	wfx_expect(w, "wifi.ssid_too_long",
	    "wifi:The Very Long Network Name Of Us", W, CONF);
	/* A network whose interface is named is called by that name. */
	wfx_expect(w, "wifi.ssid_too_long", "wifi:wlan0-1", W, CONF);
	expect_detail(w, "wifi.ssid_too_long", "wifi:wlan0-1",
	    "option key (52 characters) (");
	assert_int_equal(wfx_problems(w), 2);
	wfx_free(w);
}

static void
test_uci_quoting(void **state)
{
	struct wfx *w = inspect(UCI("uci-quoting.conf"));

	(void)state;
	wfx_expect(w, "wifi.channel_unsupported", "wifi:Bob's \"home\" net",
	    E, CONF);
	assert_int_equal(w->fs.n, 1);
	wfx_free(w);
}

static void
test_uci_bad_lines(void **state)
{
	struct wfx	*w = wfx_new(UCI("uci-bad.conf"));
	char		 log[8192];

	(void)state;
	capture_log(w, log, sizeof(log));
	expect_log(log, "uci-bad.conf", 2, "unterminated quote");
	expect_log(log, "uci-bad.conf", 3, "channel is neither a number");
	expect_log(log, "uci-bad.conf", 4, "unknown band");
	expect_log(log, "uci-bad.conf", 6, "not a config/option/list line");
	expect_log(log, "uci-bad.conf", 7, "too many words");
	expect_log(log, "uci-bad.conf", 8, "wifi-iface names no configured");
	expect_log(log, "uci-bad.conf", 11, "unknown encryption");
	expect_log(log, "uci-bad.conf", 12, "wifi-iface without option device");
	expect_log(log, "uci-bad.conf", 14, "not a config/option/list line");
	assert_int_equal(wfx_problems(w), 0);
	assert_non_null(strstr(w->out.detail, "lines skipped"));
	wfx_free(w);
}

/* Both files at once: findings from each, each naming its own file. */
static void
test_both_files(void **state)
{
	struct wfx *w = inspect("wifi: {hostapd_conf: [@hostapd-n-only.conf, "
	    "@hostapd-sae.conf], uci_wireless: '@uci-ch13.conf'}\n");

	(void)state;
	/* Two hostapd files for wlan0: the first one names it. */
	wfx_expect(w, "wifi.n_only", "wifi:wlan0", E, CONF);
	wfx_expect(w, "wifi.channel_unsupported", "wifi:HomeNet", E, CONF);
	assert_int_equal(wfx_active_count(w, "wifi.no_24ghz"), 0);
	wfx_free(w);
}

/* A network the configuration no longer has is cleared on the next run. */
static void
test_config_clears(void **state)
{
	char		 path[] = "/tmp/test_wifi_conf_XXXXXX", yaml[256];
	const char	*ch13 = "interface=wlan0\nhw_mode=g\nchannel=13\n";
	const char	*ch6 = "interface=wlan0\nhw_mode=g\nchannel=6\n";
	struct wfx	*w;
	int		 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, ch13, strlen(ch13)), (ssize_t)strlen(ch13));
	snprintf(yaml, sizeof(yaml), "wifi: {hostapd_conf: [%s], "
	    "uci_wireless: ''}\n", path);
	w = wfx_new(yaml);
	wfx_run(w);
	wfx_expect(w, "wifi.channel_unsupported", "wifi:wlan0", E, CONF);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, ch6, strlen(ch6), 0), (ssize_t)strlen(ch6));
	wfx_run(w);
	assert_null(wfx_active(w, "wifi.channel_unsupported", "wifi:wlan0"));
	assert_non_null(cd_finding_find(&w->fs, "wifi.channel_unsupported",
	    "wifi:wlan0"));
	assert_string_equal(w->out.result, "ok");
	close(fd);
	unlink(path);
	wfx_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostapd_healthy),
		cmocka_unit_test(test_hostapd_channel13),
		cmocka_unit_test(test_hostapd_max_channel),
		cmocka_unit_test(test_hostapd_5ghz),
		cmocka_unit_test(test_hostapd_n_only),
		cmocka_unit_test(test_hostapd_no_b_rates),
		cmocka_unit_test(test_hostapd_enterprise),
		cmocka_unit_test(test_hostapd_wpa3),
		cmocka_unit_test(test_hostapd_too_long),
		cmocka_unit_test(test_hostapd_multi_bss),
		cmocka_unit_test(test_hostapd_open),
		cmocka_unit_test(test_hostapd_bad_lines),
		cmocka_unit_test(test_missing_and_odd_files),
		cmocka_unit_test(test_uci_healthy),
		cmocka_unit_test(test_uci_channel13),
		cmocka_unit_test(test_uci_no_24ghz),
		cmocka_unit_test(test_no_24ghz_core_online),
		cmocka_unit_test(test_uci_n_only),
		cmocka_unit_test(test_uci_security),
		cmocka_unit_test(test_uci_too_long),
		cmocka_unit_test(test_uci_quoting),
		cmocka_unit_test(test_uci_bad_lines),
		cmocka_unit_test(test_both_files),
		cmocka_unit_test(test_config_clears),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
