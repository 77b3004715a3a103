#include "config.h"

#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "internet.h"
#include "util.h"

/* The failures internet.down explains, lowered to warnings under it. */
static const char *const explained[] = {
	"cloud.dns_failed",
	"cloud.tcp_blocked",
};

static bool
is_explained(const char *id)
{
	for (size_t i = 0; i < nitems(explained); i++)
		if (strcmp(id, explained[i]) == 0)
			return true;
	return false;
}

int
cd_internet_verdict(enum cd_probe_reach portal, enum cd_probe_reach cloud)
{
	if (portal == CD_REACH_ANSWERED || cloud == CD_REACH_ANSWERED)
		return 0;
	if (portal == CD_REACH_NONE && cloud == CD_REACH_NONE)
		return 1;
	return -1;
}

static bool
internet_down(const struct cd_daemon *d)
{
	const struct cd_finding *f;

	f = cd_finding_find(&d->findings, "internet.down", CD_INTERNET_SUBJECT);
	return f != NULL && f->active;
}

enum cd_severity
cd_internet_severity(const struct cd_daemon *d, const char *id)
{
	if (is_explained(id) && internet_down(d))
		return CD_SEV_WARNING;
	return CD_SEV_DEFAULT;
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

/* Raise the explained failures again with the severity now due. */
static void
regrade(struct cd_daemon *d, int64_t now)
{
	struct cd_finding *f;

	for (f = d->findings.head; f != NULL; f = f->next) {
		struct cd_finding_spec spec = {
			.id = f->id, .subject = f->subject,
			.summary = f->summary, .detail = f->detail,
			.advice = f->advice, .source = f->source,
		};

		if (!f->active || !is_explained(f->id))
			continue;
		spec.severity = cd_internet_severity(d, f->id);
		if (spec.severity == CD_SEV_DEFAULT)
			spec.severity = cd_catalogue_find(f->id)->severity;
		if (spec.severity != f->severity)
			cd_finding_raise(&d->findings, &spec, now);
	}
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
	regrade(d, now);
}
