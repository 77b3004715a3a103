/* The handshake probe: the cloud's TCP 5683 handshake.  A stub until its issue lands: always off. */
#include "config.h"

#include <errno.h>

#include "probe.h"

static bool
cloud_enabled(const struct cd_config *cfg)
{
	(void)cfg;
	return false;
}

static int
cloud_start(struct cd_probe_run *run)
{
	(void)run;
	return -ENOSYS;
}

static void
cloud_cancel(struct cd_probe_run *run)
{
	(void)run;
}

const struct cd_probe_ops cd_probe_cloud = {
	.name = "handshake",
	.enabled = cloud_enabled,
	.start = cloud_start,
	.cancel = cloud_cancel,
};
