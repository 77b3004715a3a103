/*
 * What the Wi-Fi unit tests share: a configuration written as YAML and
 * loaded the way the daemon loads it, a kernel read from a fixture file
 * instead of nl80211 (the fixture-backed struct cd_wifi_source), and one
 * inspection run against both.
 *
 * Kernel fixtures (TEST_SRCDIR/wifi/NAME.nl), one item a line:
 *	iface NAME MODE FREQ_MHZ [WIDTH [SSID]]	MODE: ap, station, monitor
 *	sta MAC SIGNAL_DBM|-			a station of the last iface
 *	error ERRNO_NAME TEXT			the read fails (after filling)
 *	absent					no nl80211 (-ENOENT)
 */
#ifndef CD_TEST_WIFI_FIXTURE_H
#define CD_TEST_WIFI_FIXTURE_H

#include <limits.h>
#include <stdint.h>

#include "cd_config.h"
#include "findings.h"
#include "state.h"
#include "wifi.h"

/* 2026-11-24T12:00:00Z */
#define WFX_T0	1795521600000LL

struct wfx {
	struct cd_config	*cfg;
	struct cd_findings	 fs;
	struct cd_state		 st;
	struct cd_wifi_source	 src;
	char			 kernel[PATH_MAX];	/* "" = absent */
	struct cd_wifi_outcome	 out;
	int64_t			 now;
};

/* TEST_SRCDIR/wifi/NAME */
const char *wfx_path(const char *name);

/*
 * A fresh inspection context.  yaml is the configuration's body (may be
 * "") in which every "@NAME" is replaced by the fixture's absolute path;
 * wifi.hostapd_conf and wifi.uci_wireless default to nothing at all.
 */
struct wfx *wfx_new(const char *yaml);
void	wfx_kernel(struct wfx *w, const char *fixture);	/* NULL = absent */
/* One inspection, a minute after the previous one. */
void	wfx_run(struct wfx *w);
/* The active finding (id, subject), or NULL. */
const struct cd_finding *wfx_active(const struct wfx *w, const char *id,
	    const char *subject);
/* How many active wifi.* findings are warnings or errors. */
unsigned wfx_problems(const struct wfx *w);
unsigned wfx_active_count(const struct wfx *w, const char *id);
const struct cd_device *wfx_device(const struct wfx *w, const char *mac);
void	wfx_free(struct wfx *w);

/* Assert that (id, subject) is active with this severity and source. */
void	wfx_expect(const struct wfx *w, const char *id, const char *subject,
	    enum cd_severity sev, enum cd_source src);

#endif
