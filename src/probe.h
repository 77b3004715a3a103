/*
 * The active probes: a table of probe_ops (one file per probe) and the
 * scheduler that runs them concurrently every probes.interval, on a
 * client's `probe`, or once for --once.  Concurrent requests share a run.
 * No probe outlives its hard deadline: probes.timeout x (probes.retries
 * + 1) plus a small margin, after which the scheduler cancels it and
 * records `timeout`.  When a run is over, internet.down is decided from
 * what the portal check and the cloud probes reached (internet.c).
 */
#ifndef CD_PROBE_H
#define CD_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct cd_daemon;
struct cd_config;
struct cd_prober;

/* Margin past a probe's budget before the scheduler stops it. */
#define CD_PROBE_DEADLINE_MARGIN_MS	250

/* Did a probe get any answer from beyond the router?  For internet.down. */
enum cd_probe_reach {
	CD_REACH_UNKNOWN = 0,	/* not said, not run, or cancelled */
	CD_REACH_NONE,		/* nothing answered: timeout, no route, DNS failed */
	CD_REACH_ANSWERED,	/* something answered, even with a refusal */
};

/* One probe's run: the probe fills result and detail, then calls done. */
struct cd_probe_run {
	struct cd_prober		*prober;
	const struct cd_probe_ops	*ops;
	int64_t				 started;	/* ms, wall clock */
	uint64_t			 started_mono;	/* ms, uv_now */
	bool				 running;
	void				*priv;		/* the probe's own */
	/* Set by the probe before cd_probe_done (optional); reset at start. */
	enum cd_probe_reach		 reach;
	uv_timer_t			 deadline;	/* the hard deadline */
};

struct cd_probe_ops {
	const char	*name;
	/* Is it turned on in this configuration? */
	bool		(*enabled)(const struct cd_config *cfg);
	/* Start; 0, or a negative errno (the run then counts as failed). */
	int		(*start)(struct cd_probe_run *run);
	/* Stop at once; the probe must not call cd_probe_done afterwards. */
	void		(*cancel)(struct cd_probe_run *run);
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
	struct cd_daemon	*daemon;
	uv_loop_t		*loop;
	uv_timer_t		 interval;	/* next scheduled run */
	uv_timer_t		 finish;	/* completes empty runs on the loop */
	struct cd_probe_run	*runs;		/* one per table entry */
	size_t			 nruns;
	unsigned		 in_flight;
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
/* Cancel what runs, answer the waiters, close the timers.  Idempotent. */
void	cd_prober_close(struct cd_prober *p);
/* The run of the probe called name, or NULL. */
struct cd_probe_run *cd_prober_find(struct cd_prober *p, const char *name);

/* Called by a probe when its run ends: record it in the state. */
void	cd_probe_done(struct cd_probe_run *run, const char *result,
	    const char *detail);
struct cd_daemon *cd_probe_daemon(const struct cd_probe_run *run);

/*
 * Raise a finding from a probe: source probe, the catalogue's severity and
 * advice (an upstream failure is lowered to a warning while internet.down
 * stands, see internet.h).  And clear one.
 */
void	cd_probe_raise(struct cd_probe_run *run, const char *id,
	    const char *subject, const char *summary, const char *detail);
void	cd_probe_clear(struct cd_probe_run *run, const char *id,
	    const char *subject);
/* For a family (findings.h): raise id and clear the others; id NULL clears all. */
void	cd_probe_raise_one(struct cd_probe_run *run, const char *const *family,
	    const char *id, const char *subject, const char *summary,
	    const char *detail);

/*
 * A probe's whole budget, probes.timeout x (probes.retries + 1): a probe
 * that retries should end within it; the scheduler stops it at this plus
 * CD_PROBE_DEADLINE_MARGIN_MS.
 */
uint64_t cd_probe_budget_ms(const struct cd_config *cfg);

#endif
