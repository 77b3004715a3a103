/* The findings registry: dedup, clear, and SPEC's exact syslog lines. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>

#include "findings.h"

struct sink {
	int	n;
	int	prio[32];
	char	line[32][512];
};

static void
capture(void *arg, int priority, const char *line)
{
	struct sink *s = arg;

	assert_true(s->n < 32);
	s->prio[s->n] = priority;
	snprintf(s->line[s->n], sizeof(s->line[0]), "%s", line);
	s->n++;
}

static const struct cd_finding_spec blocked = {
	.id = "cloud.tcp_blocked",
	.subject = "cloud:device.spark.io:5683",
	.summary = "TCP to device.spark.io:5683 timed out",
	.detail = "3 SYNs to 198.18.0.10:5683 over 15 s, no answer",
	.severity = CD_SEV_DEFAULT,
	.source = CD_SRC_PROBE,
};

static void
test_raise_logs_once(void **state)
{
	struct cd_findings	fs;
	struct sink		s = { 0 };
	struct cd_finding	*f;

	(void)state;
	cd_findings_init(&fs, capture, &s);
	assert_int_equal(cd_finding_raise(&fs, &blocked, 1000), 0);
	assert_int_equal(cd_finding_raise(&fs, &blocked, 2000), 0);
	assert_int_equal(cd_finding_raise(&fs, &blocked, 3000), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.prio[0], LOG_ERR);
	assert_string_equal(s.line[0], "error cloud.tcp_blocked "
	    "cloud:device.spark.io:5683: TCP to device.spark.io:5683 timed out"
	    " -- allow outgoing TCP to port 5683 in the router's firewall (and "
	    "ask the ISP if it filters); port forwards play no part in "
	    "outgoing connections. If nothing here blocks it, the cloud itself "
	    "may be down: check its status page");
	f = cd_finding_find(&fs, "cloud.tcp_blocked",
	    "cloud:device.spark.io:5683");
	assert_non_null(f);
	assert_int_equal(f->count, 3);
	assert_int_equal(f->first_seen, 1000);
	assert_int_equal(f->last_seen, 3000);
	assert_true(f->active);
	assert_int_equal(fs.n, 1);
	cd_findings_free(&fs);
}

static void
test_update_detail_is_silent(void **state)
{
	struct cd_findings	fs;
	struct sink		s = { 0 };
	struct cd_finding_spec	sp = blocked;

	(void)state;
	cd_findings_init(&fs, capture, &s);
	cd_finding_raise(&fs, &sp, 1000);
	sp.detail = "5 SYNs over 30 s";
	cd_finding_raise(&fs, &sp, 2000);
	assert_int_equal(s.n, 1);
	assert_string_equal(fs.head->detail, "5 SYNs over 30 s");
	cd_findings_free(&fs);
}

static void
test_clear_logs_notice(void **state)
{
	struct cd_findings	fs;
	struct sink		s = { 0 };

	(void)state;
	cd_findings_init(&fs, capture, &s);
	cd_finding_raise(&fs, &blocked, 1000);
	assert_int_equal(cd_finding_clear(&fs, blocked.id, blocked.subject,
	    5000), 1);
	assert_int_equal(cd_finding_clear(&fs, blocked.id, blocked.subject,
	    6000), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.prio[1], LOG_NOTICE);
	assert_string_equal(s.line[1], "cleared cloud.tcp_blocked "
	    "cloud:device.spark.io:5683: TCP to device.spark.io:5683 timed out");
	assert_false(fs.head->active);
	assert_int_equal(fs.head->last_seen, 5000);
	/* Cleared findings stay listed. */
	assert_int_equal(fs.n, 1);
	assert_int_equal(cd_findings_exit_code(&fs), 0);
	/* Raised again: logged again, counted on. */
	cd_finding_raise(&fs, &blocked, 7000);
	assert_int_equal(s.n, 3);
	assert_int_equal(fs.head->count, 2);
	assert_int_equal(fs.head->first_seen, 1000);
	cd_findings_free(&fs);
}

static void
test_clear_unknown(void **state)
{
	struct cd_findings	fs;
	struct sink		s = { 0 };

	(void)state;
	cd_findings_init(&fs, capture, &s);
	assert_int_equal(cd_finding_clear(&fs, "cloud.ok", "x", 1), 0);
	assert_int_equal(s.n, 0);
	cd_findings_free(&fs);
}

static void
test_severity_change_logs(void **state)
{
	struct cd_findings	fs;
	struct sink		s = { 0 };
	struct cd_finding_spec	sp = blocked;

	(void)state;
	cd_findings_init(&fs, capture, &s);
	cd_finding_raise(&fs, &sp, 1000);
	sp.severity = CD_SEV_WARNING;
	cd_finding_raise(&fs, &sp, 2000);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.prio[1], LOG_WARNING);
	assert_true(strncmp(s.line[1], "warning cloud.tcp_blocked ", 26) == 0);
	cd_findings_free(&fs);
}

static void
test_info_without_advice(void **state)
{
	struct cd_findings	fs;
	struct sink		s = { 0 };
	struct cd_finding_spec	ok = {
		.id = "cloud.ok", .subject = "cloud:device.spark.io:5683",
		.summary = "the 40-byte nonce arrived",
		.severity = CD_SEV_DEFAULT, .source = CD_SRC_PROBE,
	};

	(void)state;
	cd_findings_init(&fs, capture, &s);
	cd_finding_raise(&fs, &ok, 1000);
	assert_int_equal(s.prio[0], LOG_INFO);
	assert_string_equal(s.line[0], "info cloud.ok "
	    "cloud:device.spark.io:5683: the 40-byte nonce arrived");
	assert_int_equal(cd_findings_exit_code(&fs), 0);
	cd_findings_free(&fs);
}

static void
test_exit_codes(void **state)
{
	struct cd_findings	fs;
	struct cd_finding_spec	w = {
		.id = "wifi.weak_signal", .subject = "core:08:00:28:aa:bb:cc",
		.summary = "signal -80 dBm", .severity = CD_SEV_DEFAULT,
		.source = CD_SRC_CONFIG,
	};

	(void)state;
	cd_findings_init(&fs, NULL, NULL);
	assert_int_equal(cd_findings_exit_code(&fs), 0);
	cd_finding_raise(&fs, &w, 1);
	assert_int_equal(cd_findings_exit_code(&fs), 1);
	cd_finding_raise(&fs, &blocked, 2);
	assert_int_equal(cd_findings_exit_code(&fs), 2);
	cd_finding_clear(&fs, blocked.id, blocked.subject, 3);
	assert_int_equal(cd_findings_exit_code(&fs), 1);
	cd_findings_free(&fs);
}

static void
test_bad_spec(void **state)
{
	struct cd_findings	fs;
	struct cd_finding_spec	bad = { .id = "cloud.ok" };

	(void)state;
	cd_findings_init(&fs, NULL, NULL);
	assert_int_equal(cd_finding_raise(&fs, &bad, 1), -EINVAL);
	assert_int_equal(fs.n, 0);
	cd_findings_free(&fs);
}

/* Cleared findings are kept, but only so many: the oldest go first. */
static void
test_cleared_are_bounded(void **state)
{
	struct cd_findings	fs;
	struct cd_finding_spec	sp = blocked;
	char			subject[64];

	(void)state;
	cd_findings_init(&fs, NULL, NULL);
	for (int i = 0; i < CD_FINDINGS_MAX_CLEARED + 10; i++) {
		snprintf(subject, sizeof(subject), "core:02:00:00:00:%02x:%02x",
		    i / 256, i % 256);
		sp.subject = subject;
		cd_finding_raise(&fs, &sp, 1000 + i);
		cd_finding_clear(&fs, sp.id, subject, 2000 + i);
	}
	sp.subject = "cloud:still-active";
	cd_finding_raise(&fs, &sp, 5000);
	assert_int_equal(fs.n, CD_FINDINGS_MAX_CLEARED + 1);
	assert_int_equal(fs.ncleared, CD_FINDINGS_MAX_CLEARED);
	assert_null(cd_finding_find(&fs, sp.id, "core:02:00:00:00:00:00"));
	assert_non_null(cd_finding_find(&fs, sp.id, "core:02:00:00:00:00:0a"));
	assert_non_null(cd_finding_find(&fs, sp.id, "cloud:still-active"));
	/* A cleared one raised again is active, no longer counted cleared. */
	cd_finding_raise(&fs, &sp, 6000);
	sp.subject = "core:02:00:00:00:00:0a";
	cd_finding_raise(&fs, &sp, 6000);
	assert_int_equal(fs.ncleared, CD_FINDINGS_MAX_CLEARED - 1);
	cd_findings_free(&fs);
}

/* Every ID of corediagd(8)'s FINDINGS is known, with its severity. */
static void
test_catalogue_matches_spec(void **state)
{
	static const struct { const char *id; int sev; } spec[] = {
		{ "wifi.channel_unsupported", CD_SEV_ERROR },
		{ "wifi.no_24ghz", CD_SEV_ERROR },
		{ "wifi.n_only", CD_SEV_ERROR },
		{ "wifi.enterprise", CD_SEV_ERROR },
		{ "wifi.wpa3_only", CD_SEV_ERROR },
		{ "wifi.wpa3_transition", CD_SEV_WARNING },
		{ "wifi.ssid_too_long", CD_SEV_WARNING },
		{ "wifi.weak_signal", CD_SEV_WARNING },
		{ "cloud.dns_failed", CD_SEV_ERROR },
		{ "cloud.dns_hijacked", CD_SEV_WARNING },
		{ "cloud.tcp_blocked", CD_SEV_ERROR },
		{ "cloud.tcp_rejected", CD_SEV_ERROR },
		{ "cloud.no_handshake", CD_SEV_ERROR },
		{ "cloud.ok", CD_SEV_INFO },
		{ "coap.udp_blocked", CD_SEV_WARNING },
		{ "coap.udp_unverified", CD_SEV_INFO },
		{ "coap.ok", CD_SEV_INFO },
		{ "internet.down", CD_SEV_ERROR },
		{ "portal.detected", CD_SEV_ERROR },
		{ "dhcp.no_offer", CD_SEV_ERROR },
		{ "dhcp.multiple_servers", CD_SEV_WARNING },
		{ "core.seen", CD_SEV_INFO },
		{ "core.no_lease", CD_SEV_ERROR },
		{ "core.static_ip", CD_SEV_WARNING },
		{ "core.bad_dns_server", CD_SEV_ERROR },
		{ "core.dns_failed", CD_SEV_ERROR },
		{ "core.cloud_blocked", CD_SEV_ERROR },
		{ "core.cloud_rejected", CD_SEV_ERROR },
		{ "core.handshake_rejected", CD_SEV_ERROR },
		{ "core.key_mismatch", CD_SEV_ERROR },
		{ "core.keepalive_lost", CD_SEV_WARNING },
		{ "core.reconnect_loop", CD_SEV_WARNING },
		{ "core.internet_test_blocked", CD_SEV_WARNING },
		{ "core.cloud_ok", CD_SEV_INFO },
		{ "sniff.drops", CD_SEV_WARNING },
		{ "probe.failed", CD_SEV_WARNING },
	};
	const struct cd_catalogue_entry *e;

	(void)state;
	for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		e = cd_catalogue_find(spec[i].id);
		assert_non_null(e);
		assert_int_equal(e->severity, spec[i].sev);
		if (e->severity != CD_SEV_INFO)
			assert_non_null(e->advice);
	}
}

static const char *const hs_family[] = {
	"cloud.ok", "cloud.tcp_blocked", "cloud.tcp_rejected",
	"cloud.no_handshake", NULL,
};

/* One verdict of a family at a time: raising one clears the others. */
static void
test_raise_one(void **state)
{
	struct cd_findings	fs;
	struct sink		s = { 0 };
	struct cd_finding_spec	ok = blocked;

	(void)state;
	cd_findings_init(&fs, capture, &s);
	ok.id = "cloud.ok";
	ok.summary = "the nonce arrived";
	assert_int_equal(cd_finding_raise_one(&fs, hs_family, &blocked, 1), 0);
	assert_int_equal(cd_finding_raise_one(&fs, hs_family, &blocked, 2), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(cd_finding_raise_one(&fs, hs_family, &ok, 3), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.line[1], "cleared cloud.tcp_blocked "
	    "cloud:device.spark.io:5683: TCP to device.spark.io:5683 timed out");
	assert_true(strncmp(s.line[2], "info cloud.ok ", 14) == 0);
	assert_false(cd_finding_find(&fs, blocked.id, blocked.subject)->active);
	/* Another subject's findings are left alone. */
	ok.subject = "cloud:other:5683";
	cd_finding_raise_one(&fs, hs_family, &ok, 4);
	assert_true(cd_finding_find(&fs, "cloud.ok", blocked.subject)->active);
	/* An ID outside the family is refused. */
	ok.subject = blocked.subject;
	ok.id = "coap.ok";
	assert_int_equal(cd_finding_raise_one(&fs, hs_family, &ok, 5), -EINVAL);
	assert_int_equal(cd_finding_clear_family(&fs, hs_family,
	    blocked.subject, 6), 1);
	assert_int_equal(cd_finding_clear_family(&fs, hs_family,
	    "cloud:other:5683", 6), 1);
	assert_int_equal(cd_findings_worst(&fs), -1);
	cd_findings_free(&fs);
}

static void
clear_each(void *arg, struct cd_finding *f)
{
	struct cd_findings *fs = arg;

	assert_true(f->active);
	cd_finding_clear(fs, f->id, f->subject, 10000);
}

/* A walk sees active findings only and may clear while it walks. */
static void
test_foreach_clears(void **state)
{
	struct cd_findings	fs;
	struct cd_finding_spec	sp = blocked;
	char			subject[64];

	(void)state;
	cd_findings_init(&fs, NULL, NULL);
	for (int i = 0; i < CD_FINDINGS_MAX_CLEARED + 5; i++) {
		snprintf(subject, sizeof(subject), "core:%d", i);
		sp.subject = subject;
		cd_finding_raise(&fs, &sp, 1000 + i);
	}
	cd_finding_clear(&fs, sp.id, "core:0", 2000);
	cd_findings_foreach(&fs, clear_each, &fs);
	assert_int_equal(cd_findings_worst(&fs), -1);
	assert_int_equal(fs.ncleared, CD_FINDINGS_MAX_CLEARED);
	cd_findings_free(&fs);
}

struct grading {
	bool	defer;
	bool	lower;
	int	asked;
};

static void
grader(void *arg, const struct cd_finding *f, struct cd_finding_grade *g)
{
	struct grading *gr = arg;

	(void)f;
	gr->asked++;
	g->defer = gr->defer;
	if (gr->lower) {
		g->severity = CD_SEV_WARNING;
		g->advice = "because of something else";
	}
}

/* A deferred finding is announced once, at the grade it has then. */
static void
test_grader_defers(void **state)
{
	struct cd_findings	fs;
	struct sink		s = { 0 };
	struct grading		gr = { .defer = true };
	struct cd_finding	*f;

	(void)state;
	cd_findings_init(&fs, capture, &s);
	cd_findings_set_grader(&fs, grader, &gr);
	cd_finding_raise(&fs, &blocked, 1000);
	cd_finding_raise(&fs, &blocked, 2000);
	assert_int_equal(s.n, 0);
	f = cd_finding_find(&fs, blocked.id, blocked.subject);
	assert_true(f->active);		/* the report shows it */
	gr.defer = false;
	gr.lower = true;
	cd_findings_regrade(&fs, 3000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.prio[0], LOG_WARNING);
	assert_string_equal(s.line[0], "warning cloud.tcp_blocked "
	    "cloud:device.spark.io:5683: TCP to device.spark.io:5683 timed out"
	    " -- because of something else");
	cd_findings_regrade(&fs, 4000);
	assert_int_equal(s.n, 1);
	/* The grader's reason gone: back to the catalogue, announced. */
	gr.lower = false;
	cd_findings_regrade(&fs, 5000);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.prio[1], LOG_ERR);
	assert_non_null(strstr(s.line[1], "-- allow outgoing TCP to port 5683"));
	assert_string_equal(f->advice,
	    cd_catalogue_find("cloud.tcp_blocked")->advice);
	/* Raised and cleared while deferred: never announced at all. */
	gr.defer = true;
	cd_finding_clear(&fs, blocked.id, blocked.subject, 6000);
	assert_int_equal(s.n, 3);
	cd_finding_raise(&fs, &blocked, 7000);
	cd_finding_clear(&fs, blocked.id, blocked.subject, 8000);
	cd_findings_regrade(&fs, 9000);
	assert_int_equal(s.n, 3);
	cd_findings_free(&fs);
}

/*
 * More than CD_FINDINGS_FLAPS changes within a minute: one line says so,
 * the rest is quiet until it keeps still, then its state is announced.
 */
static void
test_flap_hold_down(void **state)
{
	struct cd_findings	fs;
	struct sink		s = { 0 };
	int64_t			t = 1000;

	(void)state;
	cd_findings_init(&fs, capture, &s);
	for (int i = 0; i < 2; i++) {
		cd_finding_raise(&fs, &blocked, t += 5000);
		cd_finding_clear(&fs, blocked.id, blocked.subject, t += 5000);
	}
	assert_int_equal(s.n, 4);
	cd_finding_raise(&fs, &blocked, t += 5000);	/* the fifth change */
	assert_int_equal(s.n, 5);
	assert_int_equal(s.prio[4], LOG_WARNING);
	assert_string_equal(s.line[4], "flapping cloud.tcp_blocked "
	    "cloud:device.spark.io:5683: raised or cleared 5 times within "
	    "20 s; held until it keeps still for 60 s");
	for (int i = 0; i < 10; i++) {
		cd_finding_clear(&fs, blocked.id, blocked.subject, t += 1000);
		cd_finding_raise(&fs, &blocked, t += 1000);
	}
	assert_int_equal(s.n, 5);
	/* The registry still tells the truth. */
	assert_true(cd_finding_find(&fs, blocked.id, blocked.subject)->active);
	cd_findings_tick(&fs, t + 59000);
	assert_int_equal(s.n, 5);
	/* Still for a minute: what differs from the last line is announced. */
	cd_findings_tick(&fs, t + 60000);
	assert_int_equal(s.n, 6);
	assert_true(strncmp(s.line[5], "error cloud.tcp_blocked ", 24) == 0);
	/* Settled: changes are announced again, one line each. */
	t += 120000;
	cd_finding_clear(&fs, blocked.id, blocked.subject, t);
	assert_int_equal(s.n, 7);
	assert_true(strncmp(s.line[6], "cleared cloud.tcp_blocked ", 26) == 0);
	/* Flapping back to where it was last announced: nothing to say. */
	for (int i = 0; i < 3; i++) {
		cd_finding_raise(&fs, &blocked, t += 1000);
		cd_finding_clear(&fs, blocked.id, blocked.subject, t += 1000);
	}
	cd_finding_raise(&fs, &blocked, t += 1000);
	assert_int_equal(s.n, 11);	/* 4 changes, then the flapping line */
	assert_true(strncmp(s.line[9], "error ", 6) == 0);
	assert_true(strncmp(s.line[10], "flapping ", 9) == 0);
	cd_findings_tick(&fs, t + 60000);
	assert_int_equal(s.n, 11);
	cd_findings_free(&fs);
}

/*
 * The wall clock steps back an hour (NTP at boot) during a hold: shifted
 * with it, the hold still ends after a minute's quiet, and the ages shown
 * keep their length.  Without the shift it would last an hour more.
 */
static void
test_flap_hold_survives_clock_step(void **state)
{
	const int64_t		 hour = 3600 * 1000;
	struct cd_findings	 fs;
	struct sink		 s = { 0 };
	struct cd_finding	*f;
	int64_t			 t = 10 * hour;

	(void)state;
	cd_findings_init(&fs, capture, &s);
	for (int i = 0; i < 2; i++) {
		cd_finding_raise(&fs, &blocked, t += 1000);
		cd_finding_clear(&fs, blocked.id, blocked.subject, t += 1000);
	}
	cd_finding_raise(&fs, &blocked, t += 1000);
	assert_int_equal(s.n, 5);			/* held */
	f = cd_finding_find(&fs, blocked.id, blocked.subject);
	assert_int_equal(f->first_seen, 10 * hour + 1000);
	cd_findings_shift(&fs, -hour);
	t -= hour;
	assert_int_equal(f->first_seen, 9 * hour + 1000);
	cd_findings_tick(&fs, t + 59000);
	assert_int_equal(s.n, 5);
	cd_findings_tick(&fs, t + 60000);
	assert_int_equal(s.n, 6);			/* released */
	/* Forward: the hold does not end early. */
	for (int i = 0; i < 3; i++) {
		cd_finding_clear(&fs, blocked.id, blocked.subject, t += 1000);
		cd_finding_raise(&fs, &blocked, t += 1000);
	}
	assert_true(strncmp(s.line[s.n - 1], "flapping ", 9) == 0);
	cd_findings_shift(&fs, hour);
	t += hour;
	cd_findings_tick(&fs, t + 1000);
	assert_true(strncmp(s.line[s.n - 1], "flapping ", 9) == 0);
	cd_findings_free(&fs);
}

/* A hold ended by a new change: announced once, graded first. */
static void
test_flap_release_graded(void **state)
{
	struct cd_findings	fs;
	struct sink		s = { 0 };
	struct grading		gr = { 0 };
	int64_t			t = 1000;

	(void)state;
	cd_findings_init(&fs, capture, &s);
	cd_findings_set_grader(&fs, grader, &gr);
	for (int i = 0; i < 3; i++) {
		cd_finding_raise(&fs, &blocked, t += 1000);
		cd_finding_clear(&fs, blocked.id, blocked.subject, t += 1000);
	}
	assert_int_equal(s.n, 5);	/* 4 lines, then the flapping one */
	gr.lower = true;
	cd_finding_raise(&fs, &blocked, t += 61000);
	assert_int_equal(s.n, 6);
	assert_true(strncmp(s.line[5], "warning cloud.tcp_blocked ", 26) == 0);
	cd_findings_free(&fs);
}

/* Changes a few minutes apart are not flapping. */
static void
test_slow_changes_not_held(void **state)
{
	struct cd_findings	fs;
	struct sink		s = { 0 };
	int64_t			t = 1000;

	(void)state;
	cd_findings_init(&fs, capture, &s);
	for (int i = 0; i < 8; i++) {
		cd_finding_raise(&fs, &blocked, t += 20000);
		cd_finding_clear(&fs, blocked.id, blocked.subject, t += 20000);
	}
	assert_int_equal(s.n, 16);
	cd_findings_free(&fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raise_logs_once),
		cmocka_unit_test(test_update_detail_is_silent),
		cmocka_unit_test(test_clear_logs_notice),
		cmocka_unit_test(test_clear_unknown),
		cmocka_unit_test(test_severity_change_logs),
		cmocka_unit_test(test_info_without_advice),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_bad_spec),
		cmocka_unit_test(test_cleared_are_bounded),
		cmocka_unit_test(test_catalogue_matches_spec),
		cmocka_unit_test(test_raise_one),
		cmocka_unit_test(test_foreach_clears),
		cmocka_unit_test(test_grader_defers),
		cmocka_unit_test(test_flap_hold_down),
		cmocka_unit_test(test_flap_hold_survives_clock_step),
		cmocka_unit_test(test_slow_changes_not_held),
		cmocka_unit_test(test_flap_release_graded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
