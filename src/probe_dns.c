/* The dns probe: DNS for cloud.host.  A stub until its issue lands: always off. */
#include "config.h"

#include <errno.h>

#include "probe.h"

static bool
dns_enabled(const struct cd_config *cfg)
{
	(void)cfg;
	return false;
}

static int
dns_start(struct cd_probe_run *run)
{
	(void)run;
	return -ENOSYS;
}

static void
dns_cancel(struct cd_probe_run *run)
{
	(void)run;
}

const struct cd_probe_ops cd_probe_dns = {
	.name = "dns",
	.enabled = dns_enabled,
	.start = dns_start,
	.cancel = dns_cancel,
};
