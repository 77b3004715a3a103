/*
 * Under internet.down: every finding the outage explains is lowered and
 * its advice names the outage, never a firewall, a port or the router's
 * DNS; each is announced once, at that severity (corediagd(8)).  The
 * same grader lowers a Core's reconnect loop that its key mismatch
 * explains (cause_grade.c).
 */
#include "config.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>

#include "daemon.h"
#include "internet.h"
#include "util.h"

/* What is not the internet's doing: the LAN, the Wi-Fi, the Core itself. */
static const char *const unexplained[] = {
	"wifi.", "dhcp.", "sniff.drops", "internet.down", "cloud.ok",
	"coap.ok", "core.seen", "core.cloud_ok", "core.no_lease",
	"core.static_ip", "core.bad_dns_server", "core.handshake_rejected",
	"core.key_mismatch", "core.dhcp_other_server",
	"core.missing",		/* a Core off the Wi-Fi: no outage explains it */
	"probe.failed",		/* this host could not run a probe */
	NULL,
};

/* Advice that would send the owner to change the wrong thing. */
static const char *const blame[] = {
	"firewall", "allow outbound", "port 5683", "router's dns",
	"dns server", "proxies", "port forward", NULL,
};

struct fx {
	uv_loop_t		 loop;
	struct cd_daemon	 d;
	int			 n;
	char			 line[64][512];
};

static void
capture(void *arg, int priority, const char *line)
{
	struct fx *fx = arg;

	(void)priority;
	assert_true(fx->n < 64);
	snprintf(fx->line[fx->n++], sizeof(fx->line[0]), "%s", line);
}

static int
setup(void **state)
{
	struct fx		*fx = calloc(1, sizeof(*fx));
	struct cd_config	*cfg = cd_config_new_default();

	assert_non_null(fx);
	assert_int_equal(uv_loop_init(&fx->loop), 0);
	cfg->sniff.enabled = false;
	cd_daemon_init(&fx->d, &fx->loop, cfg, "test.yaml");
	fx->d.findings.sink = capture;
	fx->d.findings.sink_arg = fx;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	cd_prober_close(&fx->d.prober);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	cd_daemon_free(&fx->d);
	assert_int_equal(uv_loop_close(&fx->loop), 0);
	free(fx);
	return 0;
}

static void
raise_for(struct fx *fx, const char *id, const char *subject, int64_t now)
{
	struct cd_finding_spec spec = {
		.id = id, .subject = subject, .summary = "something",
		.severity = CD_SEV_DEFAULT, .source = CD_SRC_PROBE,
	};

	/* As in the daemon: core.* come from the capture, the rest probes. */
	if (strncmp(id, "core.", 5) == 0)
		spec.source = CD_SRC_SNIFF;
	assert_int_equal(cd_finding_raise(&fx->d.findings, &spec, now), 0);
}

static void
raise_id(struct fx *fx, const char *id, int64_t now)
{
	raise_for(fx, id, "x", now);
}

static void
internet_down(struct fx *fx, int64_t now)
{
	struct cd_finding_spec spec = {
		.id = "internet.down", .subject = CD_INTERNET_SUBJECT,
		.summary = "neither the portal check nor the cloud answers",
		.severity = CD_SEV_DEFAULT, .source = CD_SRC_PROBE,
	};

	cd_finding_raise(&fx->d.findings, &spec, now);
	cd_findings_regrade(&fx->d.findings, now);
}

static bool
is_unexplained(const char *id)
{
	for (size_t i = 0; unexplained[i] != NULL; i++) {
		size_t n = strlen(unexplained[i]);

		if (unexplained[i][n - 1] == '.' ?
		    strncmp(id, unexplained[i], n) == 0 :
		    strcmp(id, unexplained[i]) == 0)
			return true;
	}
	return false;
}

static const char *
blames(const char *advice)
{
	char low[512];

	if (advice == NULL)
		return NULL;
	snprintf(low, sizeof(low), "%s", advice);
	for (char *p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (size_t i = 0; blame[i] != NULL; i++)
		if (strstr(low, blame[i]) != NULL)
			return blame[i];
	return NULL;
}

/*
 * Every finding of the catalogue raised while internet.down stands: what
 * the outage explains is in the outage table, lowered, and says why; no
 * such finding's advice blames a firewall, a port or the router's DNS.
 */
static void
test_walk_catalogue(void **state)
{
	struct fx			*fx = *state;
	const struct cd_catalogue_entry	*e;
	const struct cd_finding		*f;
	const char			*b;

	internet_down(fx, 1000);
	for (e = cd_catalogue; e->id != NULL; e++) {
		if (strcmp(e->id, "internet.down") == 0)
			continue;
		raise_id(fx, e->id, 2000);
		f = cd_finding_find(&fx->d.findings, e->id, "x");
		if (is_unexplained(e->id)) {
			assert_null(cd_catalogue_outage_find(e->id));
			continue;
		}
		if (cd_catalogue_outage_find(e->id) == NULL)
			fail_msg("%s: not in the outage table", e->id);
		if ((b = blames(f->advice)) != NULL)
			fail_msg("%s: advice blames '%s': %s", e->id, b,
			    f->advice);
		assert_non_null(strstr(f->advice,
		    "because the internet is down"));
		if (e->severity > CD_SEV_INFO)
			assert_true(f->severity < e->severity);
	}
	/* Each announced once, none at error but internet.down. */
	for (int i = 0; i < fx->n; i++) {
		assert_false(strncmp(fx->line[i], "cleared ", 8) == 0);
		if (strncmp(fx->line[i], "error ", 6) == 0 &&
		    strncmp(fx->line[i], "error internet.down ", 20) != 0) {
			char id[64];

			sscanf(fx->line[i], "error %63s", id);
			if (!is_unexplained(id))
				fail_msg("logged as an error: %s", fx->line[i]);
		}
	}
}

/* A Core's failure under the outage is lowered, and raised back after. */
static void
test_core_regraded(void **state)
{
	struct fx		*fx = *state;
	const struct cd_finding	*f;

	internet_down(fx, 1000);
	raise_id(fx, "core.cloud_blocked", 2000);
	f = cd_finding_find(&fx->d.findings, "core.cloud_blocked", "x");
	assert_int_equal(f->severity, CD_SEV_WARNING);
	assert_int_equal(fx->n, 2);
	assert_string_equal(fx->line[1], "warning core.cloud_blocked x: "
	    "something -- the Core cannot reach the cloud because the internet "
	    "is down: power-cycle the modem and the router, check the WAN "
	    "cable, then call the ISP");
	cd_finding_clear(&fx->d.findings, "internet.down", CD_INTERNET_SUBJECT,
	    3000);
	cd_findings_regrade(&fx->d.findings, 3000);
	assert_int_equal(f->severity, CD_SEV_ERROR);
	assert_int_equal(fx->n, 4);
	assert_true(strncmp(fx->line[3], "error core.cloud_blocked x: "
	    "something -- ", 41) == 0);
	assert_string_equal(fx->line[3] + 41,
	    cd_catalogue_find("core.cloud_blocked")->advice);
}

/*
 * A Core the cloud refuses retries without end: its loop is told at info,
 * naming the cause, not as a power or signal problem; on its own, or once
 * the cause is gone, the loop is a warning with its own advice.
 */
static void
test_loop_explained_by_cause(void **state)
{
	struct fx		*fx = *state;
	const struct cd_finding	*f;

	raise_id(fx, "core.key_mismatch", 1000);
	raise_id(fx, "core.reconnect_loop", 2000);
	f = cd_finding_find(&fx->d.findings, "core.reconnect_loop", "x");
	assert_int_equal(f->severity, CD_SEV_INFO);
	assert_int_equal(fx->n, 2);
	assert_string_equal(fx->line[1], "info core.reconnect_loop x: "
	    "something -- the Core retries because the cloud does not accept "
	    "its keys: fix core.key_mismatch first");
	cd_finding_clear(&fx->d.findings, "core.key_mismatch", "x", 3000);
	cd_findings_regrade(&fx->d.findings, 3000);
	assert_int_equal(f->severity, CD_SEV_WARNING);
	assert_string_equal(f->advice,
	    cd_catalogue_find("core.reconnect_loop")->advice);
	/* Another Core's cause explains nothing here. */
	raise_for(fx, "core.key_mismatch", "y", 4000);
	cd_findings_regrade(&fx->d.findings, 4000);
	assert_int_equal(f->severity, CD_SEV_WARNING);
	/* Its own cloud refusing its handshake does. */
	raise_id(fx, "core.handshake_rejected", 5000);
	cd_findings_regrade(&fx->d.findings, 5000);
	assert_int_equal(f->severity, CD_SEV_INFO);
	assert_non_null(strstr(f->advice, "core.handshake_rejected"));
}

/*
 * While a probe run decides, what the verdict would explain waits; the
 * verdict in, it is announced once, at its final severity.
 */
static void
test_once_at_final_severity(void **state)
{
	struct fx *fx = *state;

	fx->d.cfg->probes.portal = true;
	fx->d.prober.in_flight = 1;	/* as while a run is under way */
	raise_id(fx, "cloud.dns_failed", 1000);
	raise_id(fx, "core.dns_failed", 1500);
	raise_id(fx, "dhcp.no_offer", 1700);
	assert_int_equal(fx->n, 1);
	assert_true(strncmp(fx->line[0], "error dhcp.no_offer ", 20) == 0);
	fx->d.prober.in_flight = 0;
	internet_down(fx, 2000);
	assert_int_equal(fx->n, 4);
	assert_true(strncmp(fx->line[1], "error internet.down ", 20) == 0);
	assert_true(strncmp(fx->line[2], "warning cloud.dns_failed x: "
	    "something -- the cloud's name does not resolve because the "
	    "internet is down", 90) == 0);
	assert_true(strncmp(fx->line[3], "warning core.dns_failed ", 24) == 0);
	/* The next run changes nothing: nothing more is logged. */
	fx->d.prober.in_flight = 1;
	raise_id(fx, "cloud.dns_failed", 3000);
	fx->d.prober.in_flight = 0;
	internet_down(fx, 4000);
	assert_int_equal(fx->n, 4);
}

/* Without a probe that could tell, nothing waits. */
static void
test_no_verdict_no_wait(void **state)
{
	struct fx *fx = *state;

	fx->d.cfg->probes.portal = fx->d.cfg->probes.handshake = false;
	fx->d.cfg->probes.dns = false;
	fx->d.prober.in_flight = 1;
	raise_id(fx, "core.cloud_blocked", 1000);
	fx->d.prober.in_flight = 0;
	assert_int_equal(fx->n, 1);
	assert_true(strncmp(fx->line[0], "error core.cloud_blocked ", 25) == 0);
}

/*
 * A new failure between runs starts a run at once and waits for its
 * verdict; another within CD_INTERNET_RECHECK_MS does not.
 */
static void
test_recheck(void **state)
{
	struct fx		*fx = *state;
	struct cd_config	*cfg = fx->d.cfg;

	cfg->probes.coap = cfg->probes.handshake = cfg->probes.dns = false;
	cfg->probes.dhcp = cfg->probes.wifi = false;
	cfg->probes.portal = true;	/* refused: no answer, nothing leaves */
	cfg->probes.timeout_ms = 150;
	cfg->probes.retries = 0;
	cd_setstr(&cfg->portal.url, "http://127.0.0.1:9/generate_204");
	uv_timer_init(&fx->loop, &fx->d.recheck);
	fx->d.recheck.data = &fx->d;
	fx->d.recheck_on = true;

	raise_id(fx, "core.cloud_blocked", 1000);
	assert_int_equal(fx->n, 0);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	assert_non_null(fx->d.state.probes);	/* the portal check ran */
	assert_string_equal(fx->d.state.probes->name, "portal");
	assert_int_equal(fx->n, 1);
	assert_true(strncmp(fx->line[0], "error core.cloud_blocked ", 25) == 0);
	raise_id(fx, "core.dns_failed", 2000);
	assert_int_equal(fx->n, 2);
	assert_true(strncmp(fx->line[1], "error core.dns_failed ", 22) == 0);
	fx->d.recheck_on = false;
	uv_close((uv_handle_t *)&fx->d.recheck, NULL);
}

/*
 * A Core's failure seen while a run is under way that began before it: the
 * run's verdict may predate the outage behind the failure, so the failure
 * waits past it for a run begun since, even when a re-check ran within
 * the minute (the lab's internet going down while a Core runs).
 */
static void
test_stale_verdict(void **state)
{
	struct fx		*fx = *state;
	struct cd_config	*cfg = fx->d.cfg;

	cfg->probes.coap = cfg->probes.handshake = cfg->probes.dns = false;
	cfg->probes.dhcp = cfg->probes.wifi = false;
	cfg->probes.portal = true;	/* refused: no answer, nothing leaves */
	cfg->probes.timeout_ms = 150;
	cfg->probes.retries = 0;
	cd_setstr(&cfg->portal.url, "http://127.0.0.1:9/generate_204");
	uv_timer_init(&fx->loop, &fx->d.recheck);
	fx->d.recheck.data = &fx->d;
	fx->d.recheck_on = true;

	/* A re-check ran a moment ago: no other for a minute. */
	uv_update_time(&fx->loop);
	fx->d.recheck_last = uv_now(&fx->loop);
	assert_true(fx->d.recheck_last != 0);
	/* A run began at 5000; the Core's internet test fails at 6000. */
	fx->d.prober.in_flight = 1;
	fx->d.prober.batch_started = 5000;
	raise_id(fx, "core.internet_test_blocked", 6000);
	assert_int_equal(fx->n, 0);
	/* That run ends: its verdict speaks from 5000, before the failure. */
	fx->d.prober.in_flight = 0;
	fx->d.prober.verdict_from = 5000;
	cd_findings_regrade(&fx->d.findings, 7000);
	assert_int_equal(fx->n, 0);
	/* The next scheduled run; its verdict is told once. */
	assert_int_equal(cd_prober_run(&fx->d.prober, NULL, NULL, NULL, NULL,
	    0), 0);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	assert_int_equal(fx->n, 1);
	assert_true(strncmp(fx->line[0],
	    "warning core.internet_test_blocked ", 35) == 0);
	fx->d.recheck_on = false;
	uv_close((uv_handle_t *)&fx->d.recheck, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_walk_catalogue, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stale_verdict, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_loop_explained_by_cause,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_core_regraded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_once_at_final_severity,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_verdict_no_wait, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_recheck, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
