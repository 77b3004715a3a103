/* The coap probe: CoAP ping over UDP 5683.  A stub until its issue lands: always off. */
#include "config.h"

#include <errno.h>

#include "probe.h"

static bool
coap_enabled(const struct cd_config *cfg)
{
	(void)cfg;
	return false;
}

static int
coap_start(struct cd_probe_run *run)
{
	(void)run;
	return -ENOSYS;
}

static void
coap_cancel(struct cd_probe_run *run)
{
	(void)run;
}

const struct cd_probe_ops cd_probe_coap = {
	.name = "coap",
	.enabled = coap_enabled,
	.start = coap_start,
	.cancel = coap_cancel,
};
