/*
 * Wall-clock steps under the live capture: the clocks are looked at as
 * sniff.c looks at them (cd_sniff_clock_check with a wall and a monotonic
 * time, cd_sniff_clock_stamp on every packet), here with a wall clock the
 * test steps by an hour either way.  A step raises no finding, expires no
 * Core, and a timeout pending across it falls due at its monotonic time.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon.h"
#include "decode.h"
#include "findings.h"
#include "sniff.h"
#include "state.h"
#include "tracker.h"

#define T0	1700000000000LL
#define HOUR	(60 * 60 * 1000LL)
#define MAC	"08:00:28:c0:de:01"
#define SUBJ	"core:" MAC

static const uint8_t CORE[6] = { 0x08, 0x00, 0x28, 0xc0, 0xde, 0x01 };
static const uint8_t GW[6] = { 0x02, 0xcd, 0x1a, 0xb0, 0x00, 0x01 };
static const uint8_t CORE_IP[4] = { 198, 18, 1, 123 };
static const uint8_t CLOUD_IP[4] = { 198, 18, 100, 10 };

/* A router's clocks: wall = mono + off, and the tracker they feed. */
struct live {
	struct cd_findings	 fs;
	struct cd_state		 st;
	struct cd_tracker	*t;
	struct cd_sniff_clock	 clk;
	int64_t			 mono, off;
	uint32_t		 cseq, sseq;
};

static int64_t
wall(const struct live *l)
{
	return l->mono + l->off;
}

/* The one-second tick of sniff.c: look at the clocks, then judge. */
static void
tick(struct live *l)
{
	cd_sniff_clock_check(&l->clk, l->t, wall(l), l->mono);
	cd_tracker_tick(l->t, wall(l));
}

/* Let ms pass, ticking every second (ms a multiple of 1000). */
static void
run(struct live *l, int64_t ms)
{
	for (int64_t i = 0; i < ms; i += 1000) {
		l->mono += 1000;
		tick(l);
	}
}

/*
 * A TCP segment between the Core and the cloud, stamped at ts by the
 * kernel and read now: the look at readiness, then the stamp rule.
 */
static void
seg(struct live *l, int64_t ts, bool from_core, uint8_t flags, size_t len)
{
	uint8_t		 b[14 + 20 + 20 + 400];
	uint8_t		*ip = b + 14, *tcp = ip + 20;
	struct cd_pkt	 pkt;
	uint32_t	*seq = from_core ? &l->cseq : &l->sseq;
	size_t		 n = 14 + 20 + 20 + len;

	assert_true(len <= 400);
	memset(b, 0, sizeof(b));
	memcpy(b, from_core ? GW : CORE, 6);
	memcpy(b + 6, from_core ? CORE : GW, 6);
	b[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((n - 14) >> 8);
	ip[3] = (uint8_t)(n - 14);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, from_core ? CORE_IP : CLOUD_IP, 4);
	memcpy(ip + 16, from_core ? CLOUD_IP : CORE_IP, 4);
	tcp[0] = from_core ? 0x9c : 0x16;	/* 40001 and 5683 */
	tcp[1] = from_core ? 0x41 : 0x33;
	tcp[2] = from_core ? 0x16 : 0x9c;
	tcp[3] = from_core ? 0x33 : 0x41;
	tcp[4] = (uint8_t)(*seq >> 24);
	tcp[5] = (uint8_t)(*seq >> 16);
	tcp[6] = (uint8_t)(*seq >> 8);
	tcp[7] = (uint8_t)*seq;
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	*seq += (uint32_t)len + ((flags & CD_TCP_SYN) != 0);
	cd_sniff_clock_check(&l->clk, l->t, wall(l), l->mono);
	pkt.ts_ms = cd_sniff_clock_stamp(&l->clk, ts);
	assert_int_equal(cd_decode_frame(CD_DLT_EN10MB, b, n, n, &pkt), 0);
	cd_tracker_packet(l->t, &pkt);
}

static const struct cd_finding *
finding(struct live *l, const char *id)
{
	return cd_finding_find(&l->fs, id, SUBJ);
}

static bool
active(struct live *l, const char *id)
{
	const struct cd_finding *f = finding(l, id);

	return f != NULL && f->active;
}

/* The active core.* findings but core.seen: what a step must not raise. */
static unsigned
judged(struct live *l)
{
	unsigned n = 0;

	for (const struct cd_finding *f = l->fs.head; f != NULL; f = f->next)
		if (f->active && strncmp(f->id, "core.", 5) == 0 &&
		    strcmp(f->id, "core.seen") != 0)
			n++;
	return n;
}

static struct cd_device *
device(struct live *l)
{
	for (struct cd_device *d = l->st.devices; d != NULL; d = d->next)
		if (strcmp(d->mac, MAC) == 0)
			return d;
	return NULL;
}

static int
setup(void **state)
{
	struct live		*l = calloc(1, sizeof(*l));
	struct cd_tracker_conf	 tc;

	memset(&tc, 0, sizeof(tc));
	snprintf(tc.cloud_host, sizeof(tc.cloud_host), "cloud.test");
	tc.cloud_port = 5683;
	memcpy(tc.ouis[0].b, CORE, 3);
	tc.nouis = 1;
	cd_findings_init(&l->fs, NULL, NULL);
	l->t = cd_tracker_new(&l->fs, &l->st, &tc);
	l->mono = 5000;		/* since boot */
	l->off = T0 - l->mono;
	l->cseq = 1000;
	l->sseq = 90000;
	tick(l);
	*state = l;
	return 0;
}

static int
teardown(void **state)
{
	struct live *l = *state;

	cd_tracker_free(l->t);
	cd_findings_free(&l->fs);
	cd_state_free(&l->st);
	free(l);
	return 0;
}

/* Slewing, and a tick that comes late, are no step. */
static void
test_no_step(void **state)
{
	struct live *l = *state;

	l->mono += 1000;
	l->off += CD_SNIFF_STEP_MS - 1;
	assert_int_equal(cd_sniff_clock_check(&l->clk, l->t, wall(l),
	    l->mono), 0);
	l->mono += 30000;	/* the loop was busy */
	assert_int_equal(cd_sniff_clock_check(&l->clk, l->t, wall(l),
	    l->mono), 0);
	l->off -= CD_SNIFF_STEP_MS;
	assert_int_equal(cd_sniff_clock_check(&l->clk, l->t, wall(l),
	    l->mono), -CD_SNIFF_STEP_MS);
	/* A packet from before that step is ahead of the clock: now. */
	assert_int_equal(cd_sniff_clock_stamp(&l->clk, wall(l) + 2000),
	    wall(l));
	assert_int_equal(cd_sniff_clock_stamp(&l->clk, wall(l) - 5), wall(l) - 5);
}

/*
 * NTP sets the clock an hour ahead while a Core has a fresh cloud session:
 * the session is not 20 s old (core.cloud_ok), nor the Core 15 min silent
 * (gone from the devices list), until that much monotonic time has passed.
 */
static void
test_forward_step(void **state)
{
	struct live	*l = *state;
	int64_t		 seen = wall(l), hs;

	seg(l, wall(l), true, CD_TCP_SYN, 0);
	seg(l, wall(l), false, CD_TCP_SYN | CD_TCP_ACK, 0);
	seg(l, wall(l), true, CD_TCP_ACK, 0);
	seg(l, wall(l), false, CD_TCP_PSH | CD_TCP_ACK, 40);
	seg(l, wall(l), true, CD_TCP_PSH | CD_TCP_ACK, 256);
	seg(l, wall(l), false, CD_TCP_PSH | CD_TCP_ACK, 384);
	seg(l, wall(l), true, CD_TCP_PSH | CD_TCP_ACK, 18);
	seg(l, wall(l), false, CD_TCP_PSH | CD_TCP_ACK, 18);
	hs = l->mono;
	run(l, 5000);
	assert_true(active(l, "core.seen"));
	assert_int_equal(judged(l), 0);

	/* Read just after the step, a segment stamped just before it. */
	l->off += HOUR;
	seg(l, wall(l) - HOUR - 200, true, CD_TCP_ACK, 0);
	run(l, 1000);
	assert_int_equal(judged(l), 0);
	assert_non_null(device(l));
	assert_int_equal(device(l)->first_seen, seen + HOUR);
	/* That segment counts as read at the step, the clock's now. */
	assert_int_equal(device(l)->last_seen, seen + 5000 + HOUR);
	run(l, CD_TRACKER_ALIVE_MS - (l->mono - hs) - 1000);
	assert_false(active(l, "core.cloud_ok"));
	run(l, 1000);
	assert_true(active(l, "core.cloud_ok"));
	assert_int_equal(finding(l, "core.cloud_ok")->first_seen,
	    seen + HOUR + CD_TRACKER_ALIVE_MS);
	assert_int_equal(judged(l), 1);

	/* Idle for 15 min of monotonic time, not of the stepped clock. */
	run(l, CD_TRACKER_IDLE_MS + 5000 - (l->mono - hs) - 1000);
	assert_non_null(device(l));
	run(l, 1000);
	assert_null(device(l));
	assert_false(active(l, "core.seen"));
}

/*
 * The clock goes back an hour while the Core's SYN waits for an answer:
 * core.cloud_blocked still comes 8 s after the SYN, not an hour later, and
 * a SYN stamped before the step, read after it, does not judge it early.
 */
static void
test_backward_step(void **state)
{
	struct live	*l = *state;
	int64_t		 syn = l->mono;

	seg(l, wall(l), true, CD_TCP_SYN, 0);
	run(l, 3000);
	l->off -= HOUR;
	l->cseq--;		/* a retransmission: the same ISN */
	seg(l, wall(l) + HOUR - 100, true, CD_TCP_SYN, 0);
	assert_int_equal(judged(l), 0);
	assert_int_equal(device(l)->last_seen, wall(l));
	run(l, CD_TRACKER_SYN_TIMEOUT_MS - (l->mono - syn) - 1000);
	assert_false(active(l, "core.cloud_blocked"));
	run(l, 1000);
	assert_true(active(l, "core.cloud_blocked"));
	assert_int_equal(finding(l, "core.cloud_blocked")->first_seen,
	    T0 - HOUR + CD_TRACKER_SYN_TIMEOUT_MS);
	assert_int_equal(judged(l), 1);

	/* Silent since the retransmission: gone 15 min later, not frozen. */
	run(l, CD_TRACKER_IDLE_MS - (l->mono - syn - 3000) - 1000);
	assert_non_null(device(l));
	run(l, 1000);
	assert_null(device(l));
}

/*
 * What the daemon moves itself on a step: its findings (their times and
 * flap holds) and the devices known from the Wi-Fi alone; a Core of the
 * capture is the tracker's to move, above.
 */
static void
test_daemon_step(void **state)
{
	struct cd_daemon		 d;
	struct cd_device		*wifi, *core;
	const struct cd_finding_spec	 spec = { .id = "wifi.weak_signal",
					    .subject = SUBJ, .summary = "weak",
					    .severity = CD_SEV_DEFAULT };

	(void)state;
	memset(&d, 0, sizeof(d));
	cd_findings_init(&d.findings, NULL, NULL);
	wifi = cd_state_device(&d.state, "08:00:28:c0:de:02", T0);
	wifi->wifi_only = true;
	core = cd_state_device(&d.state, MAC, T0);
	cd_finding_raise(&d.findings, &spec, T0 + 1000);
	cd_daemon_clock_stepped(&d, -HOUR);
	assert_int_equal(wifi->first_seen, T0 - HOUR);
	assert_int_equal(wifi->last_seen, T0 - HOUR);
	assert_int_equal(core->first_seen, T0);
	assert_int_equal(cd_finding_find(&d.findings, spec.id,
	    SUBJ)->first_seen, T0 + 1000 - HOUR);
	cd_findings_free(&d.findings);
	cd_state_free(&d.state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_daemon_step),
		cmocka_unit_test_setup_teardown(test_no_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forward_step, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backward_step, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
