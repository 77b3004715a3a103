#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "findings.h"
#include "util.h"

static const char *const sev_names[] = { "info", "warning", "error" };
static const char *const src_names[] = { "probe", "sniff", "config" };

const char *
cd_severity_name(enum cd_severity sev)
{
	if (sev < CD_SEV_INFO || sev > CD_SEV_ERROR)
		return "info";
	return sev_names[sev];
}

int
cd_severity_parse(const char *name)
{
	for (size_t i = 0; i < nitems(sev_names); i++)
		if (strcmp(name, sev_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
cd_source_name(enum cd_source src)
{
	if (src > CD_SRC_CONFIG)
		return "probe";
	return src_names[src];
}

int
cd_severity_priority(enum cd_severity sev)
{
	switch (sev) {
	case CD_SEV_ERROR:
		return LOG_ERR;
	case CD_SEV_WARNING:
		return LOG_WARNING;
	default:
		return LOG_INFO;
	}
}

void
cd_findings_init(struct cd_findings *fs, cd_log_sink *sink, void *arg)
{
	memset(fs, 0, sizeof(*fs));
	fs->sink = sink;
	fs->sink_arg = arg;
}

void
cd_findings_set_watcher(struct cd_findings *fs, cd_finding_watcher *w,
    void *arg)
{
	fs->watcher = w;
	fs->watcher_arg = arg;
}

void
cd_findings_set_grader(struct cd_findings *fs, cd_finding_grader *g,
    void *arg)
{
	fs->grader = g;
	fs->grader_arg = arg;
}

static void
finding_free(struct cd_finding *f)
{
	free(f->id);
	free(f->subject);
	free(f->summary);
	free(f->detail);
	free(f->advice);
	free(f->base_advice);
	free(f);
}

void
cd_findings_free(struct cd_findings *fs)
{
	struct cd_finding *f, *next;

	for (f = fs->head; f != NULL; f = next) {
		next = f->next;
		finding_free(f);
	}
	fs->head = fs->tail = NULL;
	fs->n = 0;
	fs->ncleared = 0;
}

struct cd_finding *
cd_finding_find(const struct cd_findings *fs, const char *id,
    const char *subject)
{
	struct cd_finding *f;

	for (f = fs->head; f != NULL; f = f->next)
		if (strcmp(f->id, id) == 0 && strcmp(f->subject, subject) == 0)
			return f;
	return NULL;
}

/* SPEC: "<severity> <id> <subject>: <summary>[ -- <advice>]". */
static void
finding_log(struct cd_findings *fs, const struct cd_finding *f, int cleared)
{
	char	line[2048];
	int	n;

	if (fs->sink == NULL)
		return;
	n = snprintf(line, sizeof(line), "%s %s %s: %s",
	    cleared ? "cleared" : cd_severity_name(f->severity),
	    f->id, f->subject, f->summary);
	if (!cleared && f->advice != NULL && f->advice[0] != '\0' &&
	    n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, " -- %s", f->advice);
	fs->sink(fs->sink_arg,
	    cleared ? LOG_NOTICE : cd_severity_priority(f->severity), line);
}

/* Tell syslog and the watchers what changed since they were last told. */
static void
announce(struct cd_findings *fs, struct cd_finding *f)
{
	enum cd_finding_event ev;

	if (f->held || (f->active && f->deferred))
		return;
	if (f->active && !f->told_active)
		ev = CD_FINDING_RAISED;
	else if (!f->active && f->told_active)
		ev = CD_FINDING_CLEARED;
	else if (f->active && (f->told_severity != f->severity ||
	    f->told_stale))
		ev = CD_FINDING_CHANGED;
	else
		return;
	f->told_active = f->active;
	f->told_severity = f->severity;
	f->told_stale = false;
	finding_log(fs, f, ev == CD_FINDING_CLEARED);
	if (fs->watcher != NULL)
		fs->watcher(fs->watcher_arg, ev, f);
}

/* The severity and advice to announce: as raised, unless the grader says. */
static void
grade(struct cd_findings *fs, struct cd_finding *f)
{
	struct cd_finding_grade g = {
		.severity = f->base_severity, .advice = f->base_advice,
	};

	if (!f->active) {
		f->deferred = false;
		return;
	}
	if (fs->grader != NULL)
		fs->grader(fs->grader_arg, f, &g);
	f->severity = g.severity;
	cd_setstr(&f->advice, g.advice);
	f->deferred = g.defer;
}

/* Kept still long enough: 1, and the caller announces what it is now. */
static int
hold_release(struct cd_finding *f, int64_t now)
{
	int64_t last;

	if (!f->held || f->nflips == 0)
		return 0;
	last = f->flips[(f->nflips - 1) % nitems(f->flips)];
	if (now - last < CD_FINDINGS_FLAP_WINDOW_MS)
		return 0;
	f->held = false;
	f->nflips = 0;
	return 1;
}

/* Its state changed: count it, and hold it down when it flaps. */
static void
flip(struct cd_findings *fs, struct cd_finding *f, int64_t now)
{
	const size_t	 ring = nitems(f->flips);
	int64_t		 oldest;
	char		 line[512];

	hold_release(f, now);
	f->flips[f->nflips % ring] = now;
	f->nflips++;
	if (f->held || f->nflips < ring)
		return;
	oldest = f->flips[f->nflips % ring];
	if (now - oldest > CD_FINDINGS_FLAP_WINDOW_MS)
		return;
	f->held = true;
	if (fs->sink == NULL)
		return;
	snprintf(line, sizeof(line), "flapping %s %s: raised or cleared %zu "
	    "times within %lld s; held until it keeps still for %d s",
	    f->id, f->subject, ring, (long long)((now - oldest + 999) / 1000),
	    CD_FINDINGS_FLAP_WINDOW_MS / 1000);
	fs->sink(fs->sink_arg, LOG_WARNING, line);
}

static struct cd_finding *
finding_new(struct cd_findings *fs, const struct cd_finding_spec *spec,
    int64_t now)
{
	struct cd_finding *f = cd_calloc(1, sizeof(*f));

	f->id = cd_strdup(spec->id);
	f->subject = cd_strdup(spec->subject);
	f->first_seen = now;
	f->source = spec->source;
	if (fs->tail != NULL)
		fs->tail->next = f;
	else
		fs->head = f;
	fs->tail = f;
	fs->n++;
	return f;
}

int
cd_finding_raise(struct cd_findings *fs, const struct cd_finding_spec *spec,
    int64_t now)
{
	const struct cd_catalogue_entry	*cat;
	struct cd_finding		*f;
	enum cd_severity		 sev;
	const char			*advice;
	bool				 was_active, fresh = false;

	if (spec->id == NULL || spec->subject == NULL || spec->summary == NULL)
		return -EINVAL;
	cat = cd_catalogue_find(spec->id);
	sev = spec->severity;
	if (sev == CD_SEV_DEFAULT)
		sev = cat != NULL ? cat->severity : CD_SEV_WARNING;
	advice = spec->advice;
	if (advice == NULL && cat != NULL)
		advice = cat->advice;

	if ((f = cd_finding_find(fs, spec->id, spec->subject)) == NULL) {
		f = finding_new(fs, spec, now);
		fresh = true;
	}
	was_active = f->active;
	if (!was_active && f->count > 0)
		fs->ncleared--;
	if (cd_setstr(&f->summary, spec->summary) && f->told_active)
		f->told_stale = true;
	cd_setstr(&f->detail, spec->detail);
	cd_setstr(&f->base_advice, advice);
	f->base_severity = sev;
	f->source = spec->source;
	f->last_seen = now;
	f->count++;
	if (fresh && fs->recall != NULL)
		fs->recall(fs->recall_arg, f);
	f->active = true;
	if (!was_active) {
		f->raised_at = now;
		flip(fs, f, now);
	}
	grade(fs, f);
	announce(fs, f);
	return 0;
}

/* The longest-cleared finding that has nothing left to announce. */
static void
forget_oldest_cleared(struct cd_findings *fs)
{
	struct cd_finding *f, *prev = NULL, *old = NULL, *oldprev = NULL;

	for (f = fs->head; f != NULL; prev = f, f = f->next) {
		if (!f->active && !f->told_active &&
		    (old == NULL || f->last_seen < old->last_seen)) {
			old = f;
			oldprev = prev;
		}
	}
	if (old == NULL)
		return;
	if (oldprev != NULL)
		oldprev->next = old->next;
	else
		fs->head = old->next;
	if (fs->tail == old)
		fs->tail = oldprev;
	fs->n--;
	fs->ncleared--;
	finding_free(old);
}

static void
forget_excess(struct cd_findings *fs)
{
	unsigned n;

	while (fs->walking == 0 && fs->ncleared > CD_FINDINGS_MAX_CLEARED) {
		n = fs->n;
		forget_oldest_cleared(fs);
		if (fs->n == n)
			break;
	}
}

int
cd_finding_clear(struct cd_findings *fs, const char *id, const char *subject,
    int64_t now)
{
	struct cd_finding *f;

	if ((f = cd_finding_find(fs, id, subject)) == NULL || !f->active)
		return 0;
	f->active = false;
	f->last_seen = now;
	fs->ncleared++;
	flip(fs, f, now);
	grade(fs, f);
	announce(fs, f);
	forget_excess(fs);
	return 1;
}

bool
cd_family_has(const char *const *family, const char *id)
{
	for (; *family != NULL; family++)
		if (strcmp(*family, id) == 0)
			return true;
	return false;
}

int
cd_finding_clear_family(struct cd_findings *fs, const char *const *family,
    const char *subject, int64_t now)
{
	int n = 0;

	for (; *family != NULL; family++)
		n += cd_finding_clear(fs, *family, subject, now);
	return n;
}

int
cd_finding_raise_one(struct cd_findings *fs, const char *const *family,
    const struct cd_finding_spec *spec, int64_t now)
{
	if (spec->id == NULL || spec->subject == NULL ||
	    !cd_family_has(family, spec->id))
		return -EINVAL;
	for (; *family != NULL; family++)
		if (strcmp(*family, spec->id) != 0)
			cd_finding_clear(fs, *family, spec->subject, now);
	return cd_finding_raise(fs, spec, now);
}

void
cd_findings_foreach(struct cd_findings *fs, cd_finding_fn *fn, void *arg)
{
	struct cd_finding *f;

	fs->walking++;
	for (f = fs->head; f != NULL; f = f->next)
		if (f->active)
			fn(arg, f);
	fs->walking--;
	forget_excess(fs);
}

void
cd_findings_regrade(struct cd_findings *fs, int64_t now)
{
	struct cd_finding *f;

	for (f = fs->head; f != NULL; f = f->next) {
		hold_release(f, now);
		grade(fs, f);
		announce(fs, f);
	}
}

void
cd_findings_tick(struct cd_findings *fs, int64_t now)
{
	struct cd_finding *f;

	for (f = fs->head; f != NULL; f = f->next) {
		if (hold_release(f, now)) {
			grade(fs, f);
			announce(fs, f);
		}
	}
	forget_excess(fs);
}

void
cd_findings_shift(struct cd_findings *fs, int64_t delta)
{
	struct cd_finding *f;

	for (f = fs->head; f != NULL; f = f->next) {
		f->first_seen += delta;
		f->raised_at += delta;
		f->last_seen += delta;
		for (size_t i = 0; i < nitems(f->flips); i++)
			f->flips[i] += delta;
	}
}

int
cd_findings_worst(const struct cd_findings *fs)
{
	const struct cd_finding	*f;
	int			 worst = -1;

	for (f = fs->head; f != NULL; f = f->next)
		if (f->active && (int)f->severity > worst)
			worst = (int)f->severity;
	return worst;
}

int
cd_findings_exit_code(const struct cd_findings *fs)
{
	switch (cd_findings_worst(fs)) {
	case CD_SEV_ERROR:
		return 2;
	case CD_SEV_WARNING:
		return 1;
	default:
		return 0;
	}
}
