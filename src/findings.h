/*
 * The findings registry: raise, update, clear.  The one place that turns a
 * finding into a syslog line and a `watch` event (together: an
 * announcement): once when raised (or when its severity or summary
 * changes), once when cleared, never while it stays the same.
 *
 * Severity is decided once, before the announcement.  A raise gives the
 * severity and advice of the catalogue (or its own); a grader, which the
 * daemon installs, may then lower them (internet.down explains the
 * upstream failures, see internet.h) or ask to wait: while a probe run is
 * deciding whether the internet is down, the findings that verdict would
 * regrade are kept, active, but not announced.  cd_findings_regrade(),
 * called when the verdict is in, asks the grader again about every
 * finding and announces what changed.  So in an outage a finding is logged
 * once, at the severity it keeps.  The alternative, each probe run
 * committing its findings as a batch, would leave the Core tracker's
 * findings (raised at any time, from packets) to be graded twice; the
 * grader serves both.
 *
 * A finding whose state flips more than CD_FINDINGS_FLAPS times within
 * CD_FINDINGS_FLAP_WINDOW_MS is held down: one line says how often it
 * flapped, further flips are not announced, and once it has kept still for
 * CD_FINDINGS_FLAP_WINDOW_MS its state is announced if it differs from the
 * last one announced.  The registry itself (the report, the exit code)
 * always shows the current state.
 */
#ifndef CD_FINDINGS_H
#define CD_FINDINGS_H

#include <stdbool.h>
#include <stdint.h>

#define CD_FINDINGS_FLAPS		4
#define CD_FINDINGS_FLAP_WINDOW_MS	(60 * 1000)

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
	int64_t			 raised_at;	/* when it last became active */
	int64_t			 last_seen;
	unsigned long		 count;
	bool			 active;
	struct cd_finding	*next;
	/* findings.c's own; a grader may read told_active (announced). */
	enum cd_severity	 base_severity;	/* as raised, before grading */
	char			*base_advice;
	bool			 deferred;	/* the grader said: wait */
	bool			 told_active;	/* what was last announced */
	enum cd_severity	 told_severity;
	bool			 told_stale;	/* summary changed since */
	bool			 held;		/* flapping: held down */
	unsigned		 nflips;
	int64_t			 flips[CD_FINDINGS_FLAPS + 1]; /* ring of changes */
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
 * The grader: asked before a finding is announced, and again on
 * cd_findings_regrade().  g comes filled with the severity and advice the
 * finding was raised with; the grader may lower the severity, replace the
 * advice (with a string that outlives the registry) or set defer.
 */
struct cd_finding_grade {
	enum cd_severity	 severity;
	const char		*advice;
	bool			 defer;
};
typedef void cd_finding_grader(void *arg, const struct cd_finding *f,
    struct cd_finding_grade *g);

/*
 * Cleared findings stay listed (active: false), but not for ever: past
 * this many the longest-cleared is forgotten, so Cores that come and go
 * (or forged MACs) cannot grow the registry without bound.
 */
#define CD_FINDINGS_MAX_CLEARED	256

/* A finding raised for the first time since start-up: what a restart forgot. */
typedef void cd_finding_recall(void *arg, struct cd_finding *f);

struct cd_findings {
	struct cd_finding	*head;
	struct cd_finding	*tail;
	unsigned		 n;
	unsigned		 ncleared;
	cd_log_sink		*sink;
	void			*sink_arg;
	cd_finding_watcher	*watcher;
	void			*watcher_arg;
	cd_finding_grader	*grader;
	void			*grader_arg;
	unsigned		 walking;	/* inside cd_findings_foreach */
	cd_finding_recall	*recall;	/* may restore first_seen, count */
	void			*recall_arg;
};

/* The catalogue of finding IDs (catalogue.c; corediagd(8), FINDINGS). */
struct cd_catalogue_entry {
	const char		*id;
	enum cd_severity	 severity;
	const char		*advice;
};
const struct cd_catalogue_entry *cd_catalogue_find(const char *id);
extern const struct cd_catalogue_entry cd_catalogue[];
/* What internet.down explains: the lowered severity, the outage's advice. */
const struct cd_catalogue_entry *cd_catalogue_outage_find(const char *id);
extern const struct cd_catalogue_entry cd_catalogue_outage[];

void	cd_findings_init(struct cd_findings *fs, cd_log_sink *sink, void *arg);
void	cd_findings_set_watcher(struct cd_findings *fs, cd_finding_watcher *w,
	    void *arg);
void	cd_findings_set_grader(struct cd_findings *fs, cd_finding_grader *g,
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

/*
 * A family: the IDs (NULL-terminated) of which a subject has at most one
 * at a time, such as a probe's verdicts.  raise_one raises spec (its id one
 * of the family) and clears the others for spec->subject; clear_family
 * clears them all for subject and returns how many were active.
 */
int	cd_finding_raise_one(struct cd_findings *fs, const char *const *family,
	    const struct cd_finding_spec *spec, int64_t now);
int	cd_finding_clear_family(struct cd_findings *fs,
	    const char *const *family, const char *subject, int64_t now);
/* Is id one of family's? */
bool	cd_family_has(const char *const *family, const char *id);

/*
 * fn(arg, f) for each active finding, in the order raised.  fn may clear
 * f or others: what a clear would forget waits until the walk is over.
 */
typedef void cd_finding_fn(void *arg, struct cd_finding *f);
void	cd_findings_foreach(struct cd_findings *fs, cd_finding_fn *fn,
	    void *arg);

/* Ask the grader again about every finding; announce what changed. */
void	cd_findings_regrade(struct cd_findings *fs, int64_t now);
/* Release the flap holds that have kept still long enough. */
void	cd_findings_tick(struct cd_findings *fs, int64_t now);
/*
 * The wall clock stepped by delta ms: move every time the registry holds
 * with it, so a hold-down keeps its length and the ages shown stay true.
 */
void	cd_findings_shift(struct cd_findings *fs, int64_t delta);

/* The worst severity among active findings, or -1 when there is none. */
int	cd_findings_worst(const struct cd_findings *fs);
/* SPEC's exit code for a set of active findings: 0 ok, 1 warning, 2 error. */
int	cd_findings_exit_code(const struct cd_findings *fs);

const char *cd_severity_name(enum cd_severity sev);
int	cd_severity_parse(const char *name);	/* -1 if unknown */
const char *cd_source_name(enum cd_source src);
int	cd_severity_priority(enum cd_severity sev);	/* LOG_ERR... */

#endif
