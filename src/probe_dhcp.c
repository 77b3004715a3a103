/* The dhcp probe: the DHCP DISCOVER/OFFER probe.  A stub until its issue lands: always off. */
#include "config.h"

#include <errno.h>

#include "probe.h"

static bool
dhcp_enabled(const struct cd_config *cfg)
{
	(void)cfg;
	return false;
}

static int
dhcp_start(struct cd_probe_run *run)
{
	(void)run;
	return -ENOSYS;
}

static void
dhcp_cancel(struct cd_probe_run *run)
{
	(void)run;
}

const struct cd_probe_ops cd_probe_dhcp = {
	.name = "dhcp",
	.enabled = dhcp_enabled,
	.start = dhcp_start,
	.cancel = dhcp_cancel,
};
