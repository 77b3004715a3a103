#include "config.h"

/*
 * The Wi-Fi decisions on the kernel's view, through the fixture-backed
 * struct cd_wifi_source (TEST_SRCDIR/wifi/NAME.nl stands in for nl80211):
 * channels of access points and of a station's access point, bands,
 * Core stations in the devices list with their signal, weak signals,
 * the kernel winning over a file that disagrees, clearing, and what the
 * probe reports when there is nothing to inspect.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "probe.h"
#include "wifi/wifi_fixture.h"

extern const struct cd_probe_ops cd_probe_wifi;

#define NOFILES	"wifi: {hostapd_conf: [], uci_wireless: ''}\n"

#define W	CD_SEV_WARNING
#define E	CD_SEV_ERROR

static struct wfx *
inspect(const char *yaml, const char *kernel)
{
	struct wfx *w = wfx_new(yaml);

	wfx_kernel(w, kernel);
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

static void
test_channels(void **state)
{
	static const struct {
		uint32_t		mhz;
		int			ch;
		enum cd_wifi_band	b;
	} t[] = {
		{ 2412, 1, CD_BAND_2G }, { 2437, 6, CD_BAND_2G },
		{ 2462, 11, CD_BAND_2G }, { 2472, 13, CD_BAND_2G },
		{ 2484, 14, CD_BAND_2G }, { 5180, 36, CD_BAND_5G },
		{ 5825, 165, CD_BAND_5G }, { 4920, 184, CD_BAND_5G },
		{ 5955, 1, CD_BAND_6G }, { 6115, 33, CD_BAND_6G },
		{ 5935, 2, CD_BAND_6G }, { 60480, 2, CD_BAND_60G },
		{ 0, 0, CD_BAND_UNKNOWN }, { 3000, 0, CD_BAND_UNKNOWN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(cd_wifi_freq_to_channel(t[i].mhz), t[i].ch);
		assert_int_equal(cd_wifi_freq_band(t[i].mhz), t[i].b);
	}
}

static void
test_ap_channel13(void **state)
{
	struct wfx *w = inspect(NOFILES, "kernel-ap-ch13.nl");
	const struct cd_finding *f;

	(void)state;
	wfx_expect(w, "wifi.channel_unsupported", "wifi:wlan0", E,
	    CD_SRC_PROBE);
	f = wfx_active(w, "wifi.channel_unsupported", "wifi:wlan0");
	assert_string_equal(f->summary,
	    "wlan0 is on channel 13, above channel 11");
	expect_detail(w, "wifi.channel_unsupported", "wifi:wlan0",
	    "channel 13 (2472 MHz, 2.4 GHz, width 20 MHz), read from the "
	    "kernel (nl80211, wlan0)");
	assert_int_equal(wfx_problems(w), 1);
	assert_string_equal(w->out.result, "error");
	assert_non_null(strstr(w->out.detail, "wlan0: AP, channel 13"));
	wfx_free(w);
}

static void
test_station_channel13(void **state)
{
	struct wfx *w = inspect(NOFILES, "kernel-sta-ch13.nl");
	const struct cd_finding *f;

	(void)state;
	/* A Pi beside the Core: the access point it joined counts. */
	wfx_expect(w, "wifi.channel_unsupported", "wifi:wlan0", E,
	    CD_SRC_PROBE);
	f = wfx_active(w, "wifi.channel_unsupported", "wifi:wlan0");
	assert_non_null(strstr(f->summary, "joined an access point on "
	    "channel 13"));
	wfx_free(w);

	/* Not joined yet: no channel, nothing to say. */
	w = inspect(NOFILES, "kernel-sta-idle.nl");
	assert_int_equal(wfx_problems(w), 0);
	assert_string_equal(w->out.result, "ok");
	assert_non_null(strstr(w->out.detail, "not on a channel"));
	wfx_free(w);
}

static void
test_5ghz_only(void **state)
{
	struct wfx *w = inspect(NOFILES, "kernel-5g-only.nl");

	(void)state;
	wfx_expect(w, "wifi.no_24ghz", "wifi", E, CD_SRC_PROBE);
	expect_detail(w, "wifi.no_24ghz", "wifi", "wlan0: channel 36, 5 GHz");
	/* A station on 5 GHz proves nothing about what is offered. */
	assert_null(strstr(wfx_active(w, "wifi.no_24ghz", "wifi")->detail,
	    "wlan1"));
	assert_int_equal(wfx_problems(w), 1);
	wfx_free(w);
}

static void
test_stations(void **state)
{
	struct wfx *w = inspect(NOFILES, "kernel-ap-ch6-stations.nl");
	const struct cd_device *d;
	const struct cd_finding *f;

	(void)state;
	/* Every station with a Core OUI is a device, with its signal. */
	assert_non_null(d = wfx_device(w, "08:00:28:aa:bb:01"));
	assert_int_equal(d->signal_dbm, -85);
	assert_string_equal(d->identified_by, "oui");
	assert_non_null(d = wfx_device(w, "70:ff:76:00:00:02"));
	assert_int_equal(d->signal_dbm, -61);
	assert_non_null(d = wfx_device(w, "08:00:28:aa:bb:04"));
	assert_int_equal(d->signal_dbm, CD_DEVICE_NO_SIGNAL);
	assert_null(wfx_device(w, "3c:22:fb:00:00:03"));	/* a phone */
	/* The weak one is named; the phone's -90 dBm is none of ours. */
	wfx_expect(w, "wifi.weak_signal", "core:08:00:28:aa:bb:01", W,
	    CD_SRC_PROBE);
	f = wfx_active(w, "wifi.weak_signal", "core:08:00:28:aa:bb:01");
	assert_non_null(strstr(f->summary, "-85 dBm, below -80 dBm"));
	assert_non_null(strstr(f->summary, "08:00:28:aa:bb:01"));
	expect_detail(w, "wifi.weak_signal", "core:08:00:28:aa:bb:01",
	    "on wlan0 (AP, channel 6");
	assert_int_equal(wfx_problems(w), 1);
	assert_non_null(strstr(w->out.detail, "4 stations"));

	/* One Core left, the other got closer: cleared, signal forgotten. */
	wfx_kernel(w, "kernel-ap-ch6-one.nl");
	wfx_run(w);
	assert_null(wfx_active(w, "wifi.weak_signal",
	    "core:08:00:28:aa:bb:01"));
	assert_int_equal(wfx_device(w, "08:00:28:aa:bb:01")->signal_dbm,
	    CD_DEVICE_NO_SIGNAL);
	assert_int_equal(wfx_device(w, "70:ff:76:00:00:02")->signal_dbm, -58);
	assert_int_equal(wfx_problems(w), 0);
	wfx_free(w);
}

/* Spoofed Core OUIs on the AP: capped, and forgotten once gone. */
static void
test_station_devices_bounded(void **state)
{
	struct wfx	*w = inspect(NOFILES, "kernel-ap-70-cores.nl");
	unsigned	 n = 0;

	(void)state;
	for (const struct cd_device *d = w->st.devices; d != NULL; d = d->next)
		n++;
	assert_int_equal(n, CD_WIFI_MAX_DEVICES);
	/* Gone from the list: kept for an hour, then forgotten. */
	wfx_kernel(w, "kernel-ap-no-stations.nl");
	wfx_run(w);
	assert_non_null(wfx_device(w, "08:00:28:ee:00:00"));
	for (int i = 0; i < 60; i++)
		wfx_run(w);
	assert_null(w->st.devices);
	/* A Core seen after the flood left still gets in. */
	wfx_kernel(w, "kernel-ap-ch6-one.nl");
	wfx_run(w);
	assert_non_null(wfx_device(w, "70:ff:76:00:00:02"));
	wfx_free(w);
}

static void
test_min_signal(void **state)
{
	struct wfx *w = inspect("wifi: {hostapd_conf: [], uci_wireless: '', "
	    "min_signal_dbm: -60}\n", "kernel-ap-ch6-stations.nl");

	(void)state;
	assert_int_equal(wfx_active_count(w, "wifi.weak_signal"), 2);
	wfx_free(w);

	/* Other OUIs configured: the TI stations are no longer Cores. */
	w = inspect(NOFILES "sniff: {core_ouis: ['3c:22:fb']}\n",
	    "kernel-ap-ch6-stations.nl");
	wfx_expect(w, "wifi.weak_signal", "core:3c:22:fb:00:00:03", W,
	    CD_SRC_PROBE);
	assert_null(wfx_device(w, "08:00:28:aa:bb:01"));
	wfx_free(w);
}

static void
test_known_core(void **state)
{
	struct wfx		*w = wfx_new(NOFILES);
	struct cd_device	*d;

	(void)state;
	/* The capture identified this Core by its presence packet. */
	d = cd_state_device(&w->st, "02:00:00:00:00:07", WFX_T0);
	d->identified_by = "presence";
	wfx_kernel(w, "kernel-ap-ch6-known.nl");
	wfx_run(w);
	assert_int_equal(d->signal_dbm, -88);
	assert_string_equal(d->identified_by, "presence");
	wfx_expect(w, "wifi.weak_signal", "core:02:00:00:00:00:07", W,
	    CD_SRC_PROBE);
	wfx_free(w);
}

static void
test_kernel_wins(void **state)
{
	struct wfx *w;

	(void)state;
	/* The file says 13, the kernel runs 6: no finding, both said. */
	w = inspect("wifi: {hostapd_conf: [@hostapd-ch13.conf], "
	    "uci_wireless: ''}\n", "kernel-ap-ch6.nl");
	assert_int_equal(wfx_problems(w), 0);
	assert_non_null(strstr(w->out.detail, "channel 6 (2437 MHz"));
	assert_non_null(strstr(w->out.detail, "hostapd-ch13.conf:3 says "
	    "channel 13"));
	wfx_free(w);

	/* The file says 6, the kernel runs 13: the kernel's 13 counts. */
	w = inspect("wifi: {hostapd_conf: [@hostapd-healthy.conf], "
	    "uci_wireless: ''}\n", "kernel-ap-ch13.nl");
	wfx_expect(w, "wifi.channel_unsupported", "wifi:wlan0", E,
	    CD_SRC_PROBE);
	expect_detail(w, "wifi.channel_unsupported", "wifi:wlan0",
	    "read from the kernel (nl80211, wlan0); the configuration says "
	    "channel=6 (" TEST_SRCDIR "/wifi/hostapd-healthy.conf:8)");
	assert_int_equal(wfx_problems(w), 1);
	wfx_free(w);

	/* The file says 2.4 GHz, the kernel runs 5 GHz. */
	w = inspect("wifi: {hostapd_conf: [@hostapd-healthy.conf], "
	    "uci_wireless: ''}\n", "kernel-5g-only.nl");
	wfx_expect(w, "wifi.no_24ghz", "wifi", E, CD_SRC_PROBE);
	wfx_free(w);
}

static void
test_kernel_and_file(void **state)
{
	struct wfx *w;

	(void)state;
	/* hostapd.conf's interface=wlan0 is the kernel's wlan0: one subject. */
	w = inspect("wifi: {hostapd_conf: [@hostapd-eap.conf], "
	    "uci_wireless: ''}\n", "kernel-ap-ch13.nl");
	wfx_expect(w, "wifi.channel_unsupported", "wifi:wlan0", E,
	    CD_SRC_PROBE);
	wfx_expect(w, "wifi.enterprise", "wifi:wlan0", E, CD_SRC_CONFIG);
	assert_int_equal(w->fs.n, 2);
	wfx_free(w);

	/* A UCI network without ifname is matched by its SSID. */
	w = inspect("wifi: {hostapd_conf: [], uci_wireless: "
	    "'@uci-n-only.conf'}\n", "kernel-ap-ch6.nl");
	wfx_expect(w, "wifi.n_only", "wifi:wlan0", E, CD_SRC_CONFIG);
	assert_null(wfx_active(w, "wifi.n_only", "wifi:HomeNet"));
	wfx_free(w);

	/* Matched by SSID and band: the kernel's 2.4 GHz wlan0 is not the
	 * 5 GHz WPA3 network of the same name listed first. */
	w = inspect("wifi: {hostapd_conf: [], uci_wireless: "
	    "'@uci-dual-band.conf'}\n", "kernel-ap-ch6.nl");
	assert_int_equal(wfx_problems(w), 0);
	assert_non_null(strstr(w->out.detail, "HomeNet: configured, "
	    "channel 36"));
	wfx_free(w);

	/* The SSID the kernel reports is the one that counts. */
	w = inspect(NOFILES, "kernel-long-ssid.nl");
	wfx_expect(w, "wifi.ssid_too_long", "wifi:wlan0", W, CD_SRC_PROBE);
	wfx_free(w);
}

static void
test_interface_filter(void **state)
{
	struct wfx *w = inspect(NOFILES "interfaces: {wifi: [wlan1]}\n",
	    "kernel-two-aps.nl");

	(void)state;
	assert_int_equal(wfx_problems(w), 0);
	assert_null(strstr(w->out.detail, "wlan0:"));
	wfx_free(w);

	w = inspect(NOFILES, "kernel-two-aps.nl");
	wfx_expect(w, "wifi.channel_unsupported", "wifi:wlan0", E,
	    CD_SRC_PROBE);
	assert_int_equal(wfx_problems(w), 1);
	wfx_free(w);
}

static void
test_clear_and_keep(void **state)
{
	struct wfx *w = wfx_new("wifi: {hostapd_conf: [@hostapd-sae.conf], "
	    "uci_wireless: ''}\n");

	(void)state;
	wfx_kernel(w, "kernel-ap-ch13.nl");
	wfx_run(w);
	wfx_expect(w, "wifi.channel_unsupported", "wifi:wlan0", E,
	    CD_SRC_PROBE);
	wfx_expect(w, "wifi.wpa3_only", "wifi:wlan0", E, CD_SRC_CONFIG);

	/* nl80211 fails this time: what the kernel said last stays. */
	wfx_kernel(w, "kernel-error.nl");
	wfx_run(w);
	assert_non_null(wfx_active(w, "wifi.channel_unsupported",
	    "wifi:wlan0"));
	assert_non_null(wfx_active(w, "wifi.wpa3_only", "wifi:wlan0"));
	assert_non_null(strstr(w->out.detail, "Connection timed out"));
	assert_string_equal(w->out.result, "error");

	/* Back on channel 6: the channel finding clears. */
	wfx_kernel(w, "kernel-ap-ch6.nl");
	wfx_run(w);
	assert_null(wfx_active(w, "wifi.channel_unsupported", "wifi:wlan0"));
	assert_non_null(wfx_active(w, "wifi.wpa3_only", "wifi:wlan0"));
	wfx_free(w);
}

static void
test_nothing_to_inspect(void **state)
{
	struct wfx *w;

	(void)state;
	w = inspect(NOFILES, "kernel-absent.nl");
	assert_null(w->fs.head);
	assert_string_equal(w->out.result, "none");
	assert_non_null(strstr(w->out.detail, "not in this kernel"));
	wfx_free(w);

	w = inspect(NOFILES, "kernel-empty.nl");
	assert_null(w->fs.head);
	assert_string_equal(w->out.result, "none");
	assert_non_null(strstr(w->out.detail, "0 wireless interfaces"));
	wfx_free(w);

	w = inspect(NOFILES, "kernel-error.nl");
	assert_null(w->fs.head);
	assert_string_equal(w->out.result, "failed");
	wfx_free(w);
}

/* The healthy case as a whole: a Core associated well on channel 6. */
static void
test_healthy(void **state)
{
	struct wfx *w = inspect("wifi: {hostapd_conf: [@hostapd-healthy.conf], "
	    "uci_wireless: '@uci-healthy.conf'}\n", "kernel-ap-ch6-one.nl");

	(void)state;
	assert_int_equal(wfx_problems(w), 0);
	assert_null(w->fs.head);
	assert_string_equal(w->out.result, "ok");
	assert_int_equal(wfx_device(w, "70:ff:76:00:00:02")->signal_dbm, -58);
	wfx_free(w);
}

static void
test_probe_switch(void **state)
{
	struct wfx *w;

	(void)state;
	assert_string_equal(cd_probe_wifi.name, "wifi");
	w = wfx_new(NOFILES);
	assert_true(cd_probe_wifi.enabled(w->cfg));
	wfx_free(w);
	w = wfx_new(NOFILES "probes: {wifi: false}\n");
	assert_false(cd_probe_wifi.enabled(w->cfg));
	wfx_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_ap_channel13),
		cmocka_unit_test(test_station_channel13),
		cmocka_unit_test(test_5ghz_only),
		cmocka_unit_test(test_stations),
		cmocka_unit_test(test_station_devices_bounded),
		cmocka_unit_test(test_min_signal),
		cmocka_unit_test(test_known_core),
		cmocka_unit_test(test_kernel_wins),
		cmocka_unit_test(test_kernel_and_file),
		cmocka_unit_test(test_interface_filter),
		cmocka_unit_test(test_clear_and_keep),
		cmocka_unit_test(test_nothing_to_inspect),
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_probe_switch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
