#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "internet.h"
#include "log.h"
#include "probe.h"
#include "util.h"

extern const struct cd_probe_ops cd_probe_dns, cd_probe_handshake,
    cd_probe_coap, cd_probe_dhcp, cd_probe_portal, cd_probe_wifi;

/* One entry per probe file (probe_*.c); they all run concurrently. */
const struct cd_probe_ops *const cd_probe_table[] = {
	&cd_probe_dns,
	&cd_probe_handshake,
	&cd_probe_coap,
	&cd_probe_dhcp,
	&cd_probe_portal,
	&cd_probe_wifi,
	NULL,
};

uint64_t
cd_probe_budget_ms(const struct cd_config *cfg)
{
	return cfg->probes.timeout_ms * ((uint64_t)cfg->probes.retries + 1);
}

void
cd_prober_init_table(struct cd_prober *p, struct cd_daemon *d,
    uv_loop_t *loop, const struct cd_probe_ops *const *table)
{
	memset(p, 0, sizeof(*p));
	p->daemon = d;
	p->cfg = d->cfg;
	p->loop = loop;
	while (table[p->nruns] != NULL)
		p->nruns++;
	p->runs = cd_calloc(p->nruns, sizeof(*p->runs));
	for (size_t i = 0; i < p->nruns; i++) {
		p->runs[i].prober = p;
		p->runs[i].ops = table[i];
		uv_timer_init(loop, &p->runs[i].deadline);
		p->runs[i].deadline.data = p;
	}
	uv_timer_init(loop, &p->interval);
	uv_timer_init(loop, &p->finish);
	p->interval.data = p->finish.data = p;
}

void
cd_prober_init(struct cd_prober *p, struct cd_daemon *d, uv_loop_t *loop)
{
	cd_prober_init_table(p, d, loop, cd_probe_table);
}

uv_loop_t *
cd_probe_loop(const struct cd_probe_run *run)
{
	return run->prober->loop;
}

const struct cd_config *
cd_probe_cfg(const struct cd_probe_run *run)
{
	return run->prober->cfg;
}

struct cd_findings *
cd_probe_findings(const struct cd_probe_run *run)
{
	return &run->prober->daemon->findings;
}

struct cd_state *
cd_probe_state(const struct cd_probe_run *run)
{
	return &run->prober->daemon->state;
}

unsigned
cd_probe_tries(const struct cd_probe_run *run)
{
	return run->tries;
}

uint64_t
cd_probe_wait_ms(const struct cd_probe_run *run)
{
	uint64_t now = uv_now(run->prober->loop), left;

	left = run->deadline_mono > now ? run->deadline_mono - now : 0;
	return left < run->timeout_ms ? left : run->timeout_ms;
}

uint64_t
cd_probe_elapsed_ms(const struct cd_probe_run *run)
{
	return uv_now(run->prober->loop) - run->started_mono;
}

void
cd_probe_raise(struct cd_probe_run *run, const char *id, const char *subject,
    const char *summary, const char *detail)
{
	struct cd_daemon	*d = run->prober->daemon;
	struct cd_finding_spec	 spec = {
		.id = id, .subject = subject, .summary = summary,
		.detail = detail, .severity = CD_SEV_DEFAULT,
		.source = CD_SRC_PROBE,
	};

	cd_finding_raise(&d->findings, &spec, cd_now_ms());
}

void
cd_probe_clear(struct cd_probe_run *run, const char *id, const char *subject)
{
	cd_finding_clear(&run->prober->daemon->findings, id, subject,
	    cd_now_ms());
}

struct stale {
	struct cd_findings	*fs;
	const char *const	*family;
	const char		*subject;
	int64_t			 now;
};

/* A finding of the family for another subject: an old configuration's. */
static void
clear_stale(void *arg, struct cd_finding *f)
{
	struct stale *st = arg;

	if (strcmp(f->subject, st->subject) != 0 &&
	    cd_family_has(st->family, f->id))
		cd_finding_clear(st->fs, f->id, f->subject, st->now);
}

void
cd_probe_raise_family(struct cd_probe_run *run, const char *const *family,
    const char *id, const char *subject, const char *summary,
    const char *detail)
{
	struct stale		 st = {
		.fs = &run->prober->daemon->findings, .family = family,
		.subject = subject, .now = cd_now_ms(),
	};
	struct cd_finding_spec	 spec = {
		.id = id, .subject = subject, .summary = summary,
		.detail = detail, .severity = CD_SEV_DEFAULT,
		.source = CD_SRC_PROBE,
	};

	cd_findings_foreach(st.fs, clear_stale, &st);
	if (id == NULL)
		cd_finding_clear_family(st.fs, family, subject, st.now);
	else
		cd_finding_raise_one(st.fs, family, &spec, st.now);
}

void
cd_probe_conclude(struct cd_probe_run *run, const char *const *family,
    const char *subject, const struct cd_probe_verdict *v)
{
	cd_probe_raise_family(run, family, v->finding, subject, v->summary,
	    v->detail);
	cd_probe_done(run, v->reach, v->result, v->detail);
}

static void
waiters_answer(struct cd_prober *p)
{
	struct cd_prober_waiter *w, *next;

	w = p->waiters;
	p->waiters = NULL;
	for (; w != NULL; w = next) {
		next = w->next;
		w->cb(w->arg);
		free(w);
	}
}

/* A run is over: decide internet.down, then answer who waited for it. */
static void
finish_cb(uv_timer_t *t)
{
	struct cd_prober *p = t->data;

	if (p->in_flight != 0)
		return;
	p->verdict_from = p->batch_started;
	cd_internet_evaluate(p->daemon);
	waiters_answer(p);
}

static void
probe_subject(const struct cd_probe_run *run, char *buf, size_t len)
{
	snprintf(buf, len, "probe:%s", run->ops->name);
}

/*
 * The probe could not run at all (no CAP_NET_RAW, no such interface, no
 * library): a finding, since the report lacks its checks.  Cleared when
 * it next runs, whatever its verdict.
 */
void
cd_probe_fail(struct cd_probe_run *run, const char *detail)
{
	char			 subject[64], summary[128];
	struct cd_finding_spec	 spec = {
		.id = "probe.failed", .subject = subject, .summary = summary,
		.detail = detail, .severity = CD_SEV_DEFAULT,
		.source = CD_SRC_PROBE,
	};

	if (!run->running)
		return;
	probe_subject(run, subject, sizeof(subject));
	snprintf(summary, sizeof(summary), "the %s probe could not run",
	    run->ops->name);
	cd_finding_raise(&run->prober->daemon->findings, &spec, cd_now_ms());
	cd_probe_done(run, CD_REACH_UNKNOWN, "failed", detail);
}

void
cd_probe_done(struct cd_probe_run *run, enum cd_probe_reach reach,
    const char *result, const char *detail)
{
	struct cd_prober	*p = run->prober;
	uint64_t		 ms;
	char			 subject[64];

	if (!run->running)
		return;
	if (strcmp(result, "failed") != 0 && strcmp(result, "cancelled") != 0) {
		probe_subject(run, subject, sizeof(subject));
		cd_finding_clear(&p->daemon->findings, "probe.failed", subject,
		    cd_now_ms());
	}
	run->running = false;
	run->priv = NULL;
	run->reach = reach;
	uv_timer_stop(&run->deadline);
	ms = uv_now(p->loop) - run->started_mono;
	cd_state_probe_result(&p->daemon->state, run->ops->name, run->started,
	    (int64_t)ms, result, detail);
	log_debug("probe %s: %s (%llu ms)", run->ops->name, result,
	    (unsigned long long)ms);
	if (--p->in_flight == 0 && !p->closing)
		uv_timer_start(&p->finish, finish_cb, 0, 0);
}

/* The run's one deadline: the probe concludes now, or is stopped. */
static void
deadline_cb(uv_timer_t *t)
{
	struct cd_probe_run	*run = container_of(t, struct cd_probe_run,
				    deadline);
	char			 detail[160];

	if (!run->running)
		return;
	if (run->ops->expire != NULL) {
		run->ops->expire(run);
		if (!run->running)
			return;
	}
	log_warnx("probe %s: no result within its deadline; stopped",
	    run->ops->name);
	run->ops->cancel(run);
	snprintf(detail, sizeof(detail), "no result within %llu ms "
	    "(probes.timeout x (probes.retries + 1)); stopped",
	    (unsigned long long)(run->deadline_mono - run->started_mono));
	cd_probe_done(run, CD_REACH_NONE, "timeout", detail);
}

static void
run_start(struct cd_prober *p, struct cd_probe_run *run)
{
	const struct cd_config	*cfg = p->cfg;
	uint64_t		 budget = cd_probe_budget_ms(cfg);
	int			 rc;

	if (run->running || !run->ops->enabled(cfg))
		return;
	if (budget < run->ops->min_budget_ms)
		budget = run->ops->min_budget_ms;
	uv_update_time(p->loop);
	run->timeout_ms = cfg->probes.timeout_ms;
	run->tries = cfg->probes.retries + 1;
	run->started = cd_now_ms();
	if (p->in_flight == 0)
		p->batch_started = run->started;
	run->started_mono = uv_now(p->loop);
	run->deadline_mono = run->started_mono + budget;
	run->running = true;
	run->reach = CD_REACH_UNKNOWN;
	run->priv = NULL;
	p->in_flight++;
	uv_timer_start(&run->deadline, deadline_cb, budget, 0);
	if ((rc = run->ops->start(run)) < 0) {
		char detail[128];

		snprintf(detail, sizeof(detail), "could not start: %s",
		    strerror(-rc));
		cd_probe_fail(run, detail);
	}
}

struct cd_probe_run *
cd_prober_find(struct cd_prober *p, const char *name)
{
	for (size_t i = 0; i < p->nruns; i++)
		if (strcmp(p->runs[i].ops->name, name) == 0)
			return &p->runs[i];
	return NULL;
}

static int
unknown_probe(struct cd_prober *p, const char *name, char *err, size_t errlen)
{
	size_t n;

	n = (size_t)snprintf(err, errlen, "unknown probe '%s' (known:", name);
	for (size_t i = 0; i < p->nruns && n < errlen; i++)
		n += (size_t)snprintf(err + n, errlen - n, " %s",
		    p->runs[i].ops->name);
	if (n < errlen)
		snprintf(err + n, errlen - n, "%s)", p->nruns ? "" : " none");
	return -ENOENT;
}

int
cd_prober_run(struct cd_prober *p, const char *name, cd_prober_cb *cb,
    void *arg, char *err, size_t errlen)
{
	struct cd_prober_waiter	*w;
	struct cd_probe_run	*one = NULL;

	if (p->closing) {
		snprintf(err, errlen, "shutting down");
		return -ESHUTDOWN;
	}
	if (name != NULL && (one = cd_prober_find(p, name)) == NULL)
		return unknown_probe(p, name, err, errlen);
	if (one != NULL && !one->ops->enabled(p->cfg)) {
		snprintf(err, errlen, "probe '%s' is turned off "
		    "(probes.%s: false)", name, name);
		return -ENOTSUP;
	}
	if (cb != NULL) {
		w = cd_calloc(1, sizeof(*w));
		w->cb = cb;
		w->arg = arg;
		w->next = p->waiters;
		p->waiters = w;
	}
	if (one != NULL)
		run_start(p, one);
	else
		for (size_t i = 0; i < p->nruns; i++)
			run_start(p, &p->runs[i]);
	if (p->in_flight == 0)
		uv_timer_start(&p->finish, finish_cb, 0, 0);
	return 0;
}

static void
interval_cb(uv_timer_t *t)
{
	struct cd_prober	*p = t->data;
	char			 err[256];

	if (cd_prober_run(p, NULL, NULL, NULL, err, sizeof(err)) < 0)
		log_warnx("probes: %s", err);
}

void
cd_prober_schedule(struct cd_prober *p, uint64_t interval_ms)
{
	uv_timer_start(&p->interval, interval_cb, 0, interval_ms);
}

void
cd_prober_reconfigure(struct cd_prober *p, const struct cd_config *cfg)
{
	uint64_t ms = cfg->probes.interval_ms;

	if (uv_is_active((uv_handle_t *)&p->interval) &&
	    ms != p->cfg->probes.interval_ms)
		uv_timer_start(&p->interval, interval_cb, ms, ms);
	p->cfg = cfg;
}

/* The runs hold timers: they are freed when the last one has closed. */
static void
handle_closed(uv_handle_t *h)
{
	struct cd_prober *p = h->data;

	if (--p->closing_handles > 0)
		return;
	free(p->runs);
	p->runs = NULL;
	p->nruns = 0;
}

void
cd_prober_close(struct cd_prober *p)
{
	if (p->closing)
		return;
	p->closing = true;
	for (size_t i = 0; i < p->nruns; i++) {
		struct cd_probe_run *run = &p->runs[i];

		if (run->running) {
			run->ops->cancel(run);
			cd_probe_done(run, CD_REACH_UNKNOWN, "cancelled",
			    "the daemon stopped");
		}
	}
	waiters_answer(p);
	p->closing_handles = (unsigned)p->nruns + 2;
	for (size_t i = 0; i < p->nruns; i++)
		uv_close((uv_handle_t *)&p->runs[i].deadline, handle_closed);
	uv_close((uv_handle_t *)&p->interval, handle_closed);
	uv_close((uv_handle_t *)&p->finish, handle_closed);
}
