/*
 * The wifi probe: one Wi-Fi inspection (wifi.c) per run, against the
 * kernel over nl80211 and the configured hostapd.conf / UCI files.  The
 * run is synchronous and short: file reads of at most a few kilobytes and
 * netlink dumps bounded by a receive timeout (see wifi_nl80211.c).
 */
#include "config.h"

#include "daemon.h"
#include "probe.h"
#include "util.h"
#include "wifi.h"

static bool
wifi_enabled(const struct cd_config *cfg)
{
	return cfg->probes.wifi;
}

static int
wifi_start(struct cd_probe_run *run)
{
	struct cd_daemon	*d = cd_probe_daemon(run);
	struct cd_wifi_outcome	 out;

	cd_wifi_inspect(d->cfg, &cd_wifi_nl80211, &d->findings, &d->state,
	    cd_now_ms(), &out);
	cd_probe_done(run, out.result, out.detail);
	return 0;
}

static void
wifi_cancel(struct cd_probe_run *run)
{
	(void)run;	/* a run ends before start() returns: nothing to stop */
}

const struct cd_probe_ops cd_probe_wifi = {
	.name = "wifi",
	.enabled = wifi_enabled,
	.start = wifi_start,
	.cancel = wifi_cancel,
};
