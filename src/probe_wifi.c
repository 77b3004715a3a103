/* The wifi probe: the Wi-Fi inspection.  A stub until its issue lands: always off. */
#include "config.h"

#include <errno.h>

#include "probe.h"

static bool
wifi_enabled(const struct cd_config *cfg)
{
	(void)cfg;
	return false;
}

static int
wifi_start(struct cd_probe_run *run)
{
	(void)run;
	return -ENOSYS;
}

static void
wifi_cancel(struct cd_probe_run *run)
{
	(void)run;
}

const struct cd_probe_ops cd_probe_wifi = {
	.name = "wifi",
	.enabled = wifi_enabled,
	.start = wifi_start,
	.cancel = wifi_cancel,
};
