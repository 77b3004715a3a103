/*
 * The grader the daemon gives its findings (findings.h): while
 * internet.down stands, what it explains is lowered and says so; while
 * the verdict is being decided, those findings wait for it, so each is
 * announced once, at the severity it keeps.  internet.c decides.
 */
#include "config.h"

#include "daemon.h"
#include "internet.h"
#include "log.h"
#include "util.h"

static bool
internet_down(const struct cd_daemon *d)
{
	const struct cd_finding *f;

	f = cd_finding_find(&d->findings, "internet.down", CD_INTERNET_SUBJECT);
	return f != NULL && f->active;
}

static bool
probe_on(struct cd_daemon *d, const char *name)
{
	struct cd_probe_run *run = cd_prober_find(&d->prober, name);

	return run != NULL && run->ops->enabled(d->cfg);
}

/* Can a probe run tell whether the internet is down? */
static bool
decidable(struct cd_daemon *d)
{
	return probe_on(d, "portal") || probe_on(d, "handshake") ||
	    probe_on(d, "dns");
}

static void
recheck_done(void *arg)
{
	(void)arg;
}

static void
on_recheck(uv_timer_t *t)
{
	struct cd_daemon	*d = t->data;
	char			 err[256];

	d->recheck_pending = false;
	if (cd_prober_run(&d->prober, NULL, recheck_done, d, err,
	    sizeof(err)) < 0) {
		log_debug("internet re-check: %s", err);
		cd_findings_regrade(&d->findings, cd_now_ms());
	}
}

/*
 * A new failure the verdict would explain, while the last verdict said
 * the internet was up: it may have gone down since.  Run the probes now
 * (at most every CD_INTERNET_RECHECK_MS) and let the finding wait.
 */
static bool
recheck(struct cd_daemon *d)
{
	uint64_t now;

	if (!d->recheck_on)
		return false;
	if (d->recheck_pending)
		return true;
	now = uv_now(d->loop);
	if (d->recheck_last != 0 && now - d->recheck_last <
	    CD_INTERNET_RECHECK_MS)
		return false;
	d->recheck_last = now;
	d->recheck_pending = true;
	uv_timer_start(&d->recheck, on_recheck, 0, 0);
	return true;
}

void
cd_internet_grade(void *arg, const struct cd_finding *f,
    struct cd_finding_grade *g)
{
	struct cd_daemon		*d = arg;
	const struct cd_catalogue_entry	*o;

	if ((o = cd_catalogue_outage_find(f->id)) == NULL)
		return;
	if (internet_down(d)) {
		if (o->severity < g->severity)
			g->severity = o->severity;
		g->advice = o->advice;
		return;
	}
	if (!decidable(d))
		return;
	if (d->prober.in_flight > 0 || d->recheck_pending) {
		g->defer = true;
		return;
	}
	if (f->told_active)
		return;
	/*
	 * Seen in the Cores' traffic after the probes of the last verdict
	 * began: that verdict may predate the outage behind it (a probe's own
	 * findings are part of its run's verdict).  It waits for a run begun
	 * since (a re-check now, or the next scheduled run when one ran
	 * within the last CD_INTERNET_RECHECK_MS).  Outside the daemon
	 * (--once, --read) nothing re-checks: the verdict at hand stands.
	 */
	if (d->recheck_on && f->source != CD_SRC_PROBE &&
	    f->raised_at >= d->prober.verdict_from) {
		recheck(d);
		g->defer = true;
	} else if (!d->recheck_on)
		g->defer = false;
}
