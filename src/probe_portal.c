/* The portal probe: the captive-portal check.  A stub until its issue lands: always off. */
#include "config.h"

#include <errno.h>

#include "probe.h"

static bool
portal_enabled(const struct cd_config *cfg)
{
	(void)cfg;
	return false;
}

static int
portal_start(struct cd_probe_run *run)
{
	(void)run;
	return -ENOSYS;
}

static void
portal_cancel(struct cd_probe_run *run)
{
	(void)run;
}

const struct cd_probe_ops cd_probe_portal = {
	.name = "portal",
	.enabled = portal_enabled,
	.start = portal_start,
	.cancel = portal_cancel,
};
