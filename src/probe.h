/*
 * The active probes: a table of probe_ops (one file per probe) and the
 * scheduler that runs them concurrently every probes.interval, on a
 * client's `probe`, or once for --once.  Concurrent requests share a run.
 *
 * The scheduler owns what every probe repeats: the budget (probes.timeout
 * x (probes.retries + 1)), the wait for each try (one timeout, never past
 * the budget), the one deadline of a run, cancellation and the result.  A
 * probe only sends a try, reads an answer and states its verdict; at the
 * deadline it is asked to conclude with what it has (expire), or, if it
 * cannot, it is cancelled and its result is `timeout`.  Probes see the
 * daemon only through the functions below: their loop, the configuration
 * of this run and a findings sink.  When a run is over, internet.down is
 * decided from what the portal check and the cloud probes reached
 * (internet.c).
 */
#ifndef CD_PROBE_H
#define CD_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct cd_daemon;
struct cd_config;
struct cd_findings;
struct cd_prober;
struct cd_state;

/* Did a probe get any answer from beyond the router?  For internet.down. */
enum cd_probe_reach {
	CD_REACH_UNKNOWN = 0,	/* not said, not run, or cancelled */
	CD_REACH_NONE,		/* nothing beyond answered: timeout, no route,
				   DNS failed, or only this host, its gateway,
				   its LAN or a special-use address answered */
	CD_REACH_ANSWERED,	/* the internet answered, even with a refusal */
};

/* One probe's run: the probe fills result and detail, then calls done. */
struct cd_probe_run {
	struct cd_prober		*prober;
	const struct cd_probe_ops	*ops;
	uint64_t			 timeout_ms;	/* probes.timeout */
	unsigned			 tries;		/* probes.retries + 1 */
	int64_t				 started;	/* ms, wall clock */
	uint64_t			 started_mono;	/* ms, uv_now */
	uint64_t			 deadline_mono;	/* ms, uv_now: budget spent */
	bool				 running;
	void				*priv;		/* the probe's own */
	/* Set by the probe before cd_probe_done (optional); reset at start. */
	enum cd_probe_reach		 reach;
	uv_timer_t			 deadline;	/* the run's one deadline */
};

struct cd_probe_ops {
	const char	*name;
	/* Is it turned on in this configuration? */
	bool		(*enabled)(const struct cd_config *cfg);
	/* Start; 0, or a negative errno (the run then counts as failed). */
	int		(*start)(struct cd_probe_run *run);
	/* Stop at once; the probe must not call cd_probe_done afterwards. */
	void		(*cancel)(struct cd_probe_run *run);
	/*
	 * The budget is spent: conclude now from what was seen, calling
	 * cd_probe_done.  Optional; without it (or if it does not conclude)
	 * the run is cancelled and its result is `timeout`.
	 */
	void		(*expire)(struct cd_probe_run *run);
	/*
	 * The least budget the probe needs, whatever probes.timeout and
	 * probes.retries give (0: no floor).  The run's deadline is the
	 * larger of the two.
	 */
	uint64_t	 min_budget_ms;
};

/* The NULL-terminated table of every probe this build has. */
extern const struct cd_probe_ops *const cd_probe_table[];

typedef void cd_prober_cb(void *arg);

struct cd_prober_waiter {
	cd_prober_cb		*cb;
	void			*arg;
	struct cd_prober_waiter	*next;
};

struct cd_prober {
	struct cd_daemon	*daemon;	/* for internet.c, never a probe */
	const struct cd_config	*cfg;		/* see cd_prober_reconfigure */
	uv_loop_t		*loop;
	uv_timer_t		 interval;	/* next scheduled run */
	uv_timer_t		 finish;	/* completes empty runs on the loop */
	struct cd_probe_run	*runs;		/* one per table entry */
	size_t			 nruns;
	unsigned		 in_flight;
	/*
	 * When the probes now running began (ms, wall clock), and when those
	 * of the last finished run did: internet.down's verdict speaks for
	 * the world from then on (internet_grade.c).
	 */
	int64_t			 batch_started;
	int64_t			 verdict_from;
	struct cd_prober_waiter	*waiters;
	bool			 closing;
	unsigned		 closing_handles; /* runs is freed when 0 */
};

void	cd_prober_init(struct cd_prober *p, struct cd_daemon *d, uv_loop_t *loop);
/* The same with another table (tests). */
void	cd_prober_init_table(struct cd_prober *p, struct cd_daemon *d,
	    uv_loop_t *loop, const struct cd_probe_ops *const *table);
/* Run every enabled probe every interval_ms, the first run at once. */
void	cd_prober_schedule(struct cd_prober *p, uint64_t interval_ms);
/*
 * Run every enabled probe now (name NULL) or one; cb(arg) when all are done.
 * If a run is under way the request joins it.  -ENOENT (with err) for an
 * unknown name, -ENOTSUP for a known probe turned off in the configuration.
 */
int	cd_prober_run(struct cd_prober *p, const char *name, cd_prober_cb *cb,
	    void *arg, char *err, size_t errlen);
/*
 * A reloaded configuration: the next runs use cfg (a run under way keeps
 * what it copied at its start), and a new probes.interval takes effect.
 */
void	cd_prober_reconfigure(struct cd_prober *p, const struct cd_config *cfg);
/* Cancel what runs, answer the waiters, close the timers.  Idempotent. */
void	cd_prober_close(struct cd_prober *p);
/* The run of the probe called name, or NULL. */
struct cd_probe_run *cd_prober_find(struct cd_prober *p, const char *name);

/*
 * Called by a probe when its run ends: record it in the state.  reach says
 * whether the internet answered (internet.down); CD_REACH_UNKNOWN if the
 * probe cannot tell.
 */
/* The probe could not run: raises probe.failed, then cd_probe_done. */
void	cd_probe_fail(struct cd_probe_run *run, const char *detail);
void	cd_probe_done(struct cd_probe_run *run, enum cd_probe_reach reach,
	    const char *result, const char *detail);

/*
 * What a probe sees of the daemon: its loop, and the configuration (in
 * start: copy what you need, a reload may replace it during the run).
 */
uv_loop_t *cd_probe_loop(const struct cd_probe_run *run);
const struct cd_config *cd_probe_cfg(const struct cd_probe_run *run);
/* The findings sink and the state, for a module a probe drives (wifi.c). */
struct cd_findings *cd_probe_findings(const struct cd_probe_run *run);
struct cd_state *cd_probe_state(const struct cd_probe_run *run);
/* probes.retries + 1. */
unsigned cd_probe_tries(const struct cd_probe_run *run);
/* How long the next wait may last: one probes.timeout, never past the
 * deadline; 0 when the budget is spent. */
uint64_t cd_probe_wait_ms(const struct cd_probe_run *run);
/* ms since the run started. */
uint64_t cd_probe_elapsed_ms(const struct cd_probe_run *run);

/*
 * Raise a finding from a probe: source probe, the catalogue's severity and
 * advice (the findings' grader lowers what internet.down explains before
 * it is logged, see internet.h).  And clear one.
 */
void	cd_probe_raise(struct cd_probe_run *run, const char *id,
	    const char *subject, const char *summary, const char *detail);
void	cd_probe_clear(struct cd_probe_run *run, const char *id,
	    const char *subject);
/*
 * Raise id (NULL: none) for subject and clear every other finding of the
 * family (NULL-terminated, see findings.h), for this subject and any other:
 * the states of a probe exclude each other, and a changed configuration
 * leaves no stale one.
 */
void	cd_probe_raise_family(struct cd_probe_run *run,
	    const char *const *family, const char *id, const char *subject,
	    const char *summary, const char *detail);

/*
 * What a probe made of what it saw: every probe's pure decision (its
 * *_verdict.c) fills one of these, and cd_probe_conclude records it.
 */
struct cd_probe_verdict {
	const char		*finding;	/* of the probe's family; NULL: none */
	const char		*result;	/* the result word */
	enum cd_probe_reach	 reach;		/* did the internet answer? */
	char			 summary[192];
	char			 detail[2048];
};

/* Raise v's finding for subject (clearing the family's others), end the run. */
void	cd_probe_conclude(struct cd_probe_run *run, const char *const *family,
	    const char *subject, const struct cd_probe_verdict *v);

/* A run's whole budget, probes.timeout x (probes.retries + 1). */
uint64_t cd_probe_budget_ms(const struct cd_config *cfg);

#endif
