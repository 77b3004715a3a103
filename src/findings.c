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

static void
finding_free(struct cd_finding *f)
{
	free(f->id);
	free(f->subject);
	free(f->summary);
	free(f->detail);
	free(f->advice);
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

static void
finding_notify(struct cd_findings *fs, enum cd_finding_event ev,
    const struct cd_finding *f)
{
	finding_log(fs, f, ev == CD_FINDING_CLEARED);
	if (fs->watcher != NULL)
		fs->watcher(fs->watcher_arg, ev, f);
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
	int				 was_active, changed;

	if (spec->id == NULL || spec->subject == NULL || spec->summary == NULL)
		return -EINVAL;
	cat = cd_catalogue_find(spec->id);
	sev = spec->severity;
	if (sev == CD_SEV_DEFAULT)
		sev = cat != NULL ? cat->severity : CD_SEV_WARNING;
	advice = spec->advice;
	if (advice == NULL && cat != NULL)
		advice = cat->advice;

	if ((f = cd_finding_find(fs, spec->id, spec->subject)) == NULL)
		f = finding_new(fs, spec, now);
	was_active = f->active;
	if (!was_active && f->count > 0)
		fs->ncleared--;
	changed = f->severity != sev;
	changed |= cd_setstr(&f->summary, spec->summary);
	cd_setstr(&f->detail, spec->detail);
	cd_setstr(&f->advice, advice);
	f->severity = sev;
	f->source = spec->source;
	f->last_seen = now;
	f->count++;
	f->active = true;
	if (!was_active)
		finding_notify(fs, CD_FINDING_RAISED, f);
	else if (changed)
		finding_notify(fs, CD_FINDING_CHANGED, f);
	return 0;
}

static void
forget_oldest_cleared(struct cd_findings *fs)
{
	struct cd_finding *f, *prev = NULL, *old = NULL, *oldprev = NULL;

	for (f = fs->head; f != NULL; prev = f, f = f->next) {
		if (!f->active && (old == NULL || f->last_seen < old->last_seen)) {
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
	finding_notify(fs, CD_FINDING_CLEARED, f);
	if (fs->ncleared > CD_FINDINGS_MAX_CLEARED)
		forget_oldest_cleared(fs);
	return 1;
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
