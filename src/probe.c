#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "probe.h"
#include "util.h"

extern const struct cd_probe_ops cd_probe_dns, cd_probe_cloud,
    cd_probe_coap, cd_probe_dhcp, cd_probe_portal, cd_probe_wifi;

/* One entry per probe file (probe_*.c); they all run concurrently. */
const struct cd_probe_ops *const cd_probe_table[] = {
	&cd_probe_dns,
	&cd_probe_cloud,
	&cd_probe_coap,
	&cd_probe_dhcp,
	&cd_probe_portal,
	&cd_probe_wifi,
	NULL,
};

static size_t
table_len(void)
{
	size_t n = 0;

	while (cd_probe_table[n] != NULL)
		n++;
	return n;
}

void
cd_prober_init(struct cd_prober *p, struct cd_daemon *d, uv_loop_t *loop)
{
	memset(p, 0, sizeof(*p));
	p->daemon = d;
	p->loop = loop;
	p->nruns = table_len();
	p->runs = cd_calloc(p->nruns, sizeof(*p->runs));
	for (size_t i = 0; i < p->nruns; i++) {
		p->runs[i].prober = p;
		p->runs[i].ops = cd_probe_table[i];
	}
	uv_timer_init(loop, &p->interval);
	uv_timer_init(loop, &p->finish);
	p->interval.data = p->finish.data = p;
}

struct cd_daemon *
cd_probe_daemon(const struct cd_probe_run *run)
{
	return run->prober->daemon;
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

static void
finish_cb(uv_timer_t *t)
{
	struct cd_prober *p = t->data;

	if (p->in_flight == 0)
		waiters_answer(p);
}

void
cd_probe_done(struct cd_probe_run *run, const char *result,
    const char *detail)
{
	struct cd_prober	*p = run->prober;
	uint64_t		 ms;

	if (!run->running)
		return;
	run->running = false;
	ms = uv_now(p->loop) - run->started_mono;
	cd_state_probe_result(&p->daemon->state, run->ops->name, run->started,
	    (int64_t)ms, result, detail);
	log_debug("probe %s: %s (%llu ms)", run->ops->name, result,
	    (unsigned long long)ms);
	if (--p->in_flight == 0)
		uv_timer_start(&p->finish, finish_cb, 0, 0);
}

static void
run_start(struct cd_prober *p, struct cd_probe_run *run)
{
	int rc;

	if (run->running || !run->ops->enabled(p->daemon->cfg))
		return;
	uv_update_time(p->loop);
	run->started = cd_now_ms();
	run->started_mono = uv_now(p->loop);
	run->running = true;
	p->in_flight++;
	if ((rc = run->ops->start(run)) < 0) {
		char detail[128];

		snprintf(detail, sizeof(detail), "could not start: %s",
		    strerror(-rc));
		cd_probe_done(run, "failed", detail);
	}
}

static struct cd_probe_run *
run_find(struct cd_prober *p, const char *name)
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
	if (name != NULL && (one = run_find(p, name)) == NULL)
		return unknown_probe(p, name, err, errlen);
	if (one != NULL && !one->ops->enabled(p->daemon->cfg)) {
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
cd_prober_close(struct cd_prober *p)
{
	p->closing = true;
	for (size_t i = 0; i < p->nruns; i++) {
		struct cd_probe_run *run = &p->runs[i];

		if (run->running) {
			run->ops->cancel(run);
			cd_probe_done(run, "cancelled", "the daemon stopped");
		}
	}
	waiters_answer(p);
	uv_close((uv_handle_t *)&p->interval, NULL);
	uv_close((uv_handle_t *)&p->finish, NULL);
	free(p->runs);
	p->runs = NULL;
	p->nruns = 0;
}
