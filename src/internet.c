#include "config.h"

#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "internet.h"
#include "util.h"

int
cd_internet_verdict(enum cd_probe_reach portal, enum cd_probe_reach cloud)
{
	if (portal == CD_REACH_ANSWERED || cloud == CD_REACH_ANSWERED)
		return 0;
	if (portal == CD_REACH_NONE && cloud == CD_REACH_NONE)
		return 1;
	return -1;
}

static enum cd_probe_reach
reach_of(struct cd_daemon *d, const char *name)
{
	struct cd_probe_run *run = cd_prober_find(&d->prober, name);

	if (run == NULL || !run->ops->enabled(d->cfg))
		return CD_REACH_UNKNOWN;
	return run->reach;
}

/* The handshake speaks for the cloud; DNS alone when it is off. */
static const char *
cloud_probe(struct cd_daemon *d)
{
	return reach_of(d, "handshake") != CD_REACH_UNKNOWN ? "handshake" :
	    "dns";
}

static const char *
result_detail(const struct cd_daemon *d, const char *name)
{
	const struct cd_probe_result *r;

	for (r = d->state.probes; r != NULL; r = r->next)
		if (strcmp(r->name, name) == 0 && r->detail != NULL)
			return r->detail;
	return "no answer";
}

static void
raise_down(struct cd_daemon *d, const char *cloud, int64_t now)
{
	char			detail[1024];
	struct cd_finding_spec	spec = {
		.id = "internet.down", .subject = CD_INTERNET_SUBJECT,
		.summary = "neither the portal check nor the cloud answers "
		    "from the internet",
		.detail = detail, .severity = CD_SEV_DEFAULT,
		.source = CD_SRC_PROBE,
	};

	snprintf(detail, sizeof(detail), "portal check: %s; cloud (%s): %s",
	    result_detail(d, "portal"), cloud, result_detail(d, cloud));
	cd_finding_raise(&d->findings, &spec, now);
}

void
cd_internet_evaluate(struct cd_daemon *d)
{
	const char	*cloud = cloud_probe(d);
	int64_t		 now = cd_now_ms();

	if (cd_internet_verdict(reach_of(d, "portal"), reach_of(d, cloud)) == 1)
		raise_down(d, cloud, now);
	else
		cd_finding_clear(&d->findings, "internet.down",
		    CD_INTERNET_SUBJECT, now);
	cd_findings_regrade(&d->findings, now);
}
