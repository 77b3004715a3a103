/*
 * The active probes: a table of probe_ops (one file per probe) and the
 * scheduler that runs them concurrently every probes.interval, on a
 * client's `probe`, or once for --once.  Concurrent requests share a run.
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

/* One probe's run: the probe fills result and detail, then calls done. */
struct cd_probe_run {
	struct cd_prober		*prober;
	const struct cd_probe_ops	*ops;
	int64_t				 started;	/* ms, wall clock */
	uint64_t			 started_mono;	/* ms, uv_now */
	bool				 running;
	void				*priv;		/* the probe's own */
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
};

void	cd_prober_init(struct cd_prober *p, struct cd_daemon *d, uv_loop_t *loop);
/* Run every enabled probe every interval_ms, the first run at once. */
void	cd_prober_schedule(struct cd_prober *p, uint64_t interval_ms);
/*
 * Run every enabled probe now (name NULL) or one; cb(arg) when all are done.
 * If a run is under way the request joins it.  -ENOENT (with err) for an
 * unknown name, -ENOTSUP for a known probe turned off in the configuration.
 */
int	cd_prober_run(struct cd_prober *p, const char *name, cd_prober_cb *cb,
	    void *arg, char *err, size_t errlen);
/* Cancel what runs, answer the waiters, close the timers. */
void	cd_prober_close(struct cd_prober *p);

/* Called by a probe when its run ends: record it in the state. */
void	cd_probe_done(struct cd_probe_run *run, const char *result,
	    const char *detail);
struct cd_daemon *cd_probe_daemon(const struct cd_probe_run *run);

#endif
