/*
 * The scheduler's guarantees, with stand-in probes: every probe ends by
 * its run's one deadline (probes.timeout x (probes.retries + 1)): one that
 * can conclude then does (expire), one that cannot is recorded as `timeout`; requests share one run; --once returns as soon
 * as the probes are done; the status socket answers `report` within 100 ms
 * while a probe hangs; internet.down follows the portal check and the cloud.
 */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "internet.h"
#include "probe_fixture.h"
#include "util.h"

/*
 * Slack added to every upper time bound: 0 natively; scripts/cross sets
 * CD_TEST_TIME_SLACK_MS under qemu-user, which runs the loop several
 * times slower.  The lower bounds (nothing ends before its deadline)
 * never move.
 */
static uint64_t
slack(void)
{
	const char *s = getenv("CD_TEST_TIME_SLACK_MS");

	return s != NULL ? strtoull(s, NULL, 10) : 0;
}

/* --- stand-in probes ---------------------------------------------------- */

struct fake {
	const char		*name;
	int			 delay_ms;	/* -1: never ends */
	enum cd_probe_reach	 reach;
	const char		*raise;		/* a finding to raise, or NULL */
	int			 starts, cancels;
};

static struct fake fakes[] = {
	{ "quick", 10, CD_REACH_UNKNOWN, NULL, 0, 0 },
	{ "hang", -1, CD_REACH_UNKNOWN, NULL, 0, 0 },
	{ "portal", 5, CD_REACH_NONE, NULL, 0, 0 },
	{ "handshake", 5, CD_REACH_NONE, "cloud.tcp_blocked", 0, 0 },
	{ "patient", -1, CD_REACH_UNKNOWN, NULL, 0, 0 },
};

struct fake_run {
	uv_timer_t		 timer;
	struct cd_probe_run	*run;
	struct fake		*f;
};

static struct fake *
fake_of(const struct cd_probe_run *run)
{
	for (size_t i = 0; i < nitems(fakes); i++)
		if (strcmp(fakes[i].name, run->ops->name) == 0)
			return &fakes[i];
	fail();
	return NULL;
}

static void
fake_freed(uv_handle_t *h)
{
	free(h->data);
}

static void
fake_fire(uv_timer_t *t)
{
	struct fake_run		*fr = t->data;
	struct cd_probe_run	*run = fr->run;
	enum cd_probe_reach	 reach = fr->f->reach;

	if (fr->f->raise != NULL)
		cd_probe_raise(run, fr->f->raise, "cloud:test:5683",
		    "raised by a stand-in", "stand-in detail");
	uv_close((uv_handle_t *)t, fake_freed);
	cd_probe_done(run, reach, "ok", "stand-in");
}

static bool
fake_enabled(const struct cd_config *cfg)
{
	(void)cfg;
	return true;
}

static int
fake_start(struct cd_probe_run *run)
{
	struct fake_run *fr = calloc(1, sizeof(*fr));

	fr->run = run;
	fr->f = fake_of(run);
	fr->f->starts++;
	uv_timer_init(run->prober->loop, &fr->timer);
	fr->timer.data = fr;
	run->priv = fr;
	if (fr->f->delay_ms >= 0)
		uv_timer_start(&fr->timer, fake_fire, (uint64_t)fr->f->delay_ms,
		    0);
	return 0;
}

static void
fake_cancel(struct cd_probe_run *run)
{
	struct fake_run *fr = run->priv;

	fake_of(run)->cancels++;
	if (fr == NULL)
		return;
	run->priv = NULL;
	uv_close((uv_handle_t *)&fr->timer, fake_freed);
}

/* At the deadline: conclude from what was seen, and how long it waited. */
static void
fake_expire(struct cd_probe_run *run)
{
	struct fake_run	*fr = run->priv;
	char		 detail[64];

	snprintf(detail, sizeof(detail), "waited %llu ms, wait left %llu ms",
	    (unsigned long long)cd_probe_elapsed_ms(run),
	    (unsigned long long)cd_probe_wait_ms(run));
	uv_close((uv_handle_t *)&fr->timer, fake_freed);
	cd_probe_done(run, CD_REACH_NONE, "concluded", detail);
}

#define FAKE_OPS(n) { .name = n, .enabled = fake_enabled, \
	.start = fake_start, .cancel = fake_cancel }
static const struct cd_probe_ops quick_ops = FAKE_OPS("quick");
static const struct cd_probe_ops hang_ops = FAKE_OPS("hang");
static const struct cd_probe_ops portal_ops = FAKE_OPS("portal");
static const struct cd_probe_ops handshake_ops = FAKE_OPS("handshake");

static const struct cd_probe_ops patient_ops = { .name = "patient",
	.enabled = fake_enabled, .start = fake_start, .cancel = fake_cancel,
	.expire = fake_expire };

/* The same, with a floor above the configured 200 ms budget. */
static const struct cd_probe_ops floor_ops = { .name = "patient",
	.enabled = fake_enabled, .start = fake_start, .cancel = fake_cancel,
	.expire = fake_expire, .min_budget_ms = 350 };

static const struct cd_probe_ops *const quick_table[] = { &quick_ops, NULL };
static const struct cd_probe_ops *const floor_table[] = { &floor_ops, NULL };
static const struct cd_probe_ops *const patient_table[] = {
	&patient_ops, NULL,
};
static const struct cd_probe_ops *const hang_table[] = {
	&quick_ops, &hang_ops, NULL,
};
static const struct cd_probe_ops *const inet_table[] = {
	&portal_ops, &handshake_ops, NULL,
};

/* The fixture's daemon with its prober swapped for one over table. */
static struct pfx *
fx_with(const struct cd_probe_ops *const *table)
{
	struct pfx *fx = pfx_new();

	for (size_t i = 0; i < nitems(fakes); i++)
		fakes[i].starts = fakes[i].cancels = 0;
	fx->cfg->probes.timeout_ms = 100;
	fx->cfg->probes.retries = 1;
	cd_prober_close(&fx->d.prober);
	uv_run(&fx->loop, UV_RUN_NOWAIT);
	cd_prober_init_table(&fx->d.prober, &fx->d, &fx->loop, table);
	return fx;
}

/* --- the tests ------------------------------------------------------------ */

static void
test_deadline(void **state)
{
	struct pfx			*fx = fx_with(hang_table);
	const struct cd_probe_result	*r;
	uint64_t			 ms, budget = 200;

	(void)state;
	ms = pfx_run(fx, NULL);
	assert_in_range(ms, budget - 5, budget + 60 + slack());
	r = pfx_result(fx, "hang");
	assert_non_null(r);
	assert_string_equal(r->result, "timeout");
	assert_non_null(strstr(r->detail, "no result within 200 ms"));
	assert_int_equal(fakes[1].cancels, 1);
	assert_string_equal(pfx_result(fx, "quick")->result, "ok");
	assert_in_range(pfx_result(fx, "quick")->duration_ms, 9, 60 + slack());
	pfx_free(fx);
}

/* The patient probe of table concludes at deadline_ms: not a timeout. */
static void
concluded_at(const struct cd_probe_ops *const *table, uint64_t deadline_ms)
{
	struct pfx			*fx = fx_with(table);
	const struct cd_probe_result	*r;
	uint64_t			 ms;

	ms = pfx_run(fx, NULL);
	assert_in_range(ms, deadline_ms - 5, deadline_ms + 60 + slack());
	r = pfx_result(fx, "patient");
	assert_non_null(r);
	assert_string_equal(r->result, "concluded");
	assert_non_null(strstr(r->detail, "wait left 0 ms"));
	assert_int_equal(fakes[4].cancels, 0);
	pfx_free(fx);
}

/* A probe that can conclude does so at the deadline: not a timeout. */
static void
test_expire(void **state)
{
	(void)state;
	concluded_at(patient_table, 200);
}

/* A probe's own floor outlasts a shorter configured budget (dhcp's 8 s). */
static void
test_min_budget(void **state)
{
	(void)state;
	concluded_at(floor_table, 350);
}

/* A reload reaches the prober: the next run uses the new configuration. */
static void
test_reconfigure(void **state)
{
	struct pfx		*fx = fx_with(quick_table);
	struct cd_config	*cfg = cd_config_new_default();
	char			 err[128];

	(void)state;
	assert_non_null(cfg);
	cfg->probes.timeout_ms = 40;
	cfg->probes.retries = 0;
	cd_prober_reconfigure(&fx->d.prober, cfg);
	assert_int_equal(cd_prober_run(&fx->d.prober, "quick", NULL, NULL,
	    err, sizeof(err)), 0);
	assert_int_equal(cd_prober_find(&fx->d.prober, "quick")->timeout_ms,
	    40);
	pfx_run(fx, NULL);
	cd_prober_reconfigure(&fx->d.prober, fx->cfg);
	cd_config_free(cfg);
	pfx_free(fx);
}

static int shared_answers;

static void
count_answer(void *arg)
{
	(void)arg;
	shared_answers++;
}

static void
test_requests_share_a_run(void **state)
{
	struct pfx	*fx = fx_with(quick_table);
	char		 err[128];

	(void)state;
	shared_answers = 0;
	for (int i = 0; i < 2; i++)
		assert_int_equal(cd_prober_run(&fx->d.prober, NULL,
		    count_answer, NULL, err, sizeof(err)), 0);
	assert_int_equal(cd_prober_run(&fx->d.prober, "quick", count_answer,
	    NULL, err, sizeof(err)), 0);
	pfx_run(fx, NULL);
	assert_int_equal(fakes[0].starts, 1);
	assert_int_equal(shared_answers, 3);
	pfx_free(fx);
}

/* --once: the report as soon as the last probe is done, with its code. */
static void
test_once_returns_when_done(void **state)
{
	struct pfx	*fx = fx_with(hang_table);
	uint64_t	 t0 = uv_hrtime(), ms;
	int		 code;

	(void)state;
	fakes[0].raise = "test.warning";
	code = cd_daemon_once(&fx->d, true);
	ms = (uv_hrtime() - t0) / 1000000;
	fakes[0].raise = NULL;
	assert_int_equal(code, 1);
	/* At the deadline, not later (valgrind adds its own ~100 ms). */
	assert_in_range(ms, 200 - 5, 200 + 250 + slack());
	pfx_free(fx);

	fx = fx_with(quick_table);
	t0 = uv_hrtime();
	code = cd_daemon_once(&fx->d, true);
	assert_int_equal(code, 0);
	assert_in_range((uv_hrtime() - t0) / 1000000, 9, 80 + slack());
	pfx_free(fx);
}

/* A client asking `report` again and again while a probe hangs. */
struct client {
	char		path[108];
	double		worst_ms;
	int		answers;
	int		done;
};

static double
now_ms(void)
{
	return (double)uv_hrtime() / 1e6;
}

static int
ask_report(const char *path, double *ms)
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	struct pollfd		pfd;
	char			buf[65536];
	size_t			len = 0;
	ssize_t			n;
	double			t0 = now_ms();
	int			fd, ok = 0;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return 0;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    write(fd, "report\n", 7) != 7)
		goto out;
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (len < sizeof(buf) - 1 && poll(&pfd, 1, 1000) == 1) {
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strchr(buf, '\n') != NULL) {
			ok = strstr(buf, "\"version\":1") != NULL;
			break;
		}
	}
	*ms = now_ms() - t0;
out:
	close(fd);
	return ok;
}

static void *
client_main(void *arg)
{
	struct client	*c = arg;
	double		 ms = 0;

	for (int i = 0; i < 10; i++) {
		if (ask_report(c->path, &ms))
			c->answers++;
		if (ms > c->worst_ms)
			c->worst_ms = ms;
		usleep(15000);
	}
	__atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

struct watch {
	struct pfx	*fx;
	struct client	*c;
	pthread_t	 tid;
	bool		 started;
};

static void
watch_tick(uv_timer_t *t)
{
	struct watch *w = t->data;

	if (!w->started) {
		/* The hanging probe is under way by now. */
		assert_int_equal(fakes[1].starts, 1);
		assert_int_equal(pthread_create(&w->tid, NULL, client_main,
		    w->c), 0);
		w->started = true;
		return;
	}
	if (!__atomic_load_n(&w->c->done, __ATOMIC_SEQ_CST))
		return;
	assert_int_equal(fakes[1].cancels, 0);	/* it still hangs */
	uv_close((uv_handle_t *)t, NULL);
	cd_daemon_stop(&w->fx->d);
}

static void
test_report_while_hanging(void **state)
{
	struct pfx	*fx = fx_with(hang_table);
	struct client	 c = { .worst_ms = 0 };
	struct watch	 w = { .fx = fx, .c = &c };
	char		 dir[] = "/tmp/cdsched.XXXXXX", err[256];
	uv_timer_t	 tick;

	(void)state;
	/* hangs 2.25 s natively: longer than the client */
	fx->cfg->probes.timeout_ms = 1000 + 4 * slack();
	assert_non_null(mkdtemp(dir));
	snprintf(c.path, sizeof(c.path), "%s/status.sock", dir);
	cd_setstr(&fx->cfg->status.socket, c.path);
	cd_setstr(&fx->cfg->status.group, "");
	fx->cfg->probes.interval_ms = 3600000;
	assert_int_equal(cd_daemon_start(&fx->d, err, sizeof(err)), 0);
	uv_timer_init(&fx->loop, &tick);
	tick.data = &w;
	uv_timer_start(&tick, watch_tick, 50, 10);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	pthread_join(w.tid, NULL);
	rmdir(dir);
	assert_int_equal(c.answers, 10);
	assert_true(c.worst_ms < 100.0 + (double)slack());
	assert_int_equal(fakes[1].cancels, 1);	/* stopped with the daemon */
	assert_string_equal(pfx_result(fx, "hang")->result, "cancelled");
	pfx_free(fx);
}

static void
test_internet_verdict(void **state)
{
	(void)state;
	assert_int_equal(cd_internet_verdict(CD_REACH_NONE, CD_REACH_NONE), 1);
	assert_int_equal(cd_internet_verdict(CD_REACH_ANSWERED,
	    CD_REACH_NONE), 0);
	assert_int_equal(cd_internet_verdict(CD_REACH_NONE,
	    CD_REACH_ANSWERED), 0);
	assert_int_equal(cd_internet_verdict(CD_REACH_UNKNOWN,
	    CD_REACH_NONE), -1);
	assert_int_equal(cd_internet_verdict(CD_REACH_NONE,
	    CD_REACH_UNKNOWN), -1);
}

/* One probe run alone is judged with the other's last result. */
static void
test_internet_down_follows_runs(void **state)
{
	struct pfx		*fx = fx_with(inet_table);
	const struct cd_finding	*blocked;

	(void)state;
	fakes[2].reach = fakes[3].reach = CD_REACH_NONE;
	pfx_run(fx, NULL);
	assert_true(pfx_active(fx, "internet.down", CD_INTERNET_SUBJECT));
	blocked = pfx_finding(fx, "cloud.tcp_blocked", "cloud:test:5683");
	assert_int_equal(blocked->severity, CD_SEV_WARNING);
	assert_non_null(strstr(pfx_finding(fx, "internet.down",
	    CD_INTERNET_SUBJECT)->detail, "cloud (handshake): stand-in"));
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 2);

	fakes[2].reach = CD_REACH_ANSWERED;
	pfx_run(fx, "portal");
	assert_false(pfx_active(fx, "internet.down", CD_INTERNET_SUBJECT));
	assert_int_equal(blocked->severity, CD_SEV_ERROR);
	fakes[2].reach = CD_REACH_NONE;
	pfx_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_min_budget),
		cmocka_unit_test(test_reconfigure),
		cmocka_unit_test(test_requests_share_a_run),
		cmocka_unit_test(test_once_returns_when_done),
		cmocka_unit_test(test_report_while_hanging),
		cmocka_unit_test(test_internet_verdict),
		cmocka_unit_test(test_internet_down_follows_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
