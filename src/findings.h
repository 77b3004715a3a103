/*
 * The findings registry: raise, update, clear.  The one place that turns a
 * finding into a syslog line: once when raised (or when its severity or
 * summary changes), once when cleared, never while it stays the same.
 */
#ifndef CD_FINDINGS_H
#define CD_FINDINGS_H

#include <stdbool.h>
#include <stdint.h>

enum cd_severity {
	CD_SEV_DEFAULT = -1,	/* in a raise: take the catalogue's */
	CD_SEV_INFO = 0,
	CD_SEV_WARNING,
	CD_SEV_ERROR,
};

enum cd_source {
	CD_SRC_PROBE,
	CD_SRC_SNIFF,
	CD_SRC_CONFIG,
};

struct cd_finding {
	char			*id;
	char			*subject;
	char			*summary;
	char			*detail;
	char			*advice;
	enum cd_severity	 severity;
	enum cd_source		 source;
	int64_t			 first_seen;	/* ms since the epoch */
	int64_t			 last_seen;
	unsigned long		 count;
	bool			 active;
	struct cd_finding	*next;
};

/* What a raise says; NULL advice or CD_SEV_DEFAULT take the catalogue's. */
struct cd_finding_spec {
	const char		*id;
	const char		*subject;
	const char		*summary;
	const char		*detail;
	const char		*advice;
	enum cd_severity	 severity;
	enum cd_source		 source;
};

enum cd_finding_event {
	CD_FINDING_RAISED,
	CD_FINDING_CHANGED,	/* severity or summary changed while active */
	CD_FINDING_CLEARED,
};

typedef void cd_log_sink(void *arg, int priority, const char *line);
typedef void cd_finding_watcher(void *arg, enum cd_finding_event ev,
    const struct cd_finding *f);

/*
 * Cleared findings stay listed (active: false), but not for ever: past
 * this many the longest-cleared is forgotten, so Cores that come and go
 * (or forged MACs) cannot grow the registry without bound.
 */
#define CD_FINDINGS_MAX_CLEARED	256

struct cd_findings {
	struct cd_finding	*head;
	struct cd_finding	*tail;
	unsigned		 n;
	unsigned		 ncleared;
	cd_log_sink		*sink;
	void			*sink_arg;
	cd_finding_watcher	*watcher;
	void			*watcher_arg;
};

/* The catalogue of finding IDs (catalogue.c; corediagd(8), FINDINGS). */
struct cd_catalogue_entry {
	const char		*id;
	enum cd_severity	 severity;
	const char		*advice;
};
const struct cd_catalogue_entry *cd_catalogue_find(const char *id);
extern const struct cd_catalogue_entry cd_catalogue[];

void	cd_findings_init(struct cd_findings *fs, cd_log_sink *sink, void *arg);
void	cd_findings_set_watcher(struct cd_findings *fs, cd_finding_watcher *w,
	    void *arg);
void	cd_findings_free(struct cd_findings *fs);

/* 0, or -EINVAL for a spec without id/subject/summary. */
int	cd_finding_raise(struct cd_findings *fs,
	    const struct cd_finding_spec *spec, int64_t now);
/* 1 if an active finding was cleared, 0 if there was none. */
int	cd_finding_clear(struct cd_findings *fs, const char *id,
	    const char *subject, int64_t now);
struct cd_finding *cd_finding_find(const struct cd_findings *fs,
	    const char *id, const char *subject);

/* The worst severity among active findings, or -1 when there is none. */
int	cd_findings_worst(const struct cd_findings *fs);
/* SPEC's exit code for a set of active findings: 0 ok, 1 warning, 2 error. */
int	cd_findings_exit_code(const struct cd_findings *fs);

const char *cd_severity_name(enum cd_severity sev);
int	cd_severity_parse(const char *name);	/* -1 if unknown */
const char *cd_source_name(enum cd_source src);
int	cd_severity_priority(enum cd_severity sev);	/* LOG_ERR... */

#endif
