#include "config.h"

/*
 * The Cores by name: the cores: list with its errors at FILE:LINE:COLUMN,
 * what a Core's record learns from the devices list, core.missing, names
 * in log lines, and the history's recall of first_seen and count.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cd_config.h"
#include "cores.h"
#include "history.h"

#define MAC	"08:00:28:00:00:99"
#define ID	"53ff6f0650723534abcd1234"
#define MINUTE	(60 * 1000LL)
#define T0	INT64_C(1795521600000)

static int
load(const char *text, struct cd_config **cfg, char *msg, size_t len)
{
	char	path[] = "/tmp/cd_test_cores.XXXXXX", err[1024];
	size_t	plen = strlen(path);
	int	fd, r;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	*cfg = NULL;
	r = cd_config_load(path, cfg, err, sizeof(err));
	unlink(path);
	snprintf(msg, len, "%s", r != 0 ? err + plen : "");
	return r;
}

static void
expect_error(const char *text, const char *tail)
{
	struct cd_config	*cfg;
	char			 msg[1024];

	assert_int_equal(load(text, &cfg, msg, sizeof(msg)), -EINVAL);
	assert_null(cfg);
	assert_string_equal(msg, tail);
}

static struct cd_config *
load_ok(const char *text)
{
	struct cd_config	*cfg;
	char			 msg[1024];

	if (load(text, &cfg, msg, sizeof(msg)) != 0)
		print_error("%s\n", msg);
	assert_non_null(cfg);
	return cfg;
}

static void
test_cores_list(void **state)
{
	struct cd_config	*cfg;

	(void)state;
	cfg = cd_config_new_default();
	assert_int_equal(cfg->cores.n, 0);
	assert_int_equal(cfg->cores_missing_after_ms, 10 * MINUTE);
	assert_string_equal(cfg->state_dir, "/var/lib/corediagd");
	cd_config_free(cfg);

	cfg = load_ok("cores:\n"
	    "  - mac: 08-00-28-00-00-9A\n    name: Garage\n"
	    "  - id: 53FF6F0650723534ABCD1234\n    name: Kitchen Core\n"
	    "    expected: false\n"
	    "cores_missing_after: 30s\nstate_dir: ''\n");
	assert_int_equal(cfg->cores.n, 2);
	assert_string_equal(cfg->cores.v[0].mac, "08:00:28:00:00:9a");
	assert_string_equal(cfg->cores.v[0].id, "");
	assert_true(cfg->cores.v[0].expected);
	assert_string_equal(cfg->cores.v[1].id, ID);
	assert_string_equal(cfg->cores.v[1].name, "Kitchen Core");
	assert_false(cfg->cores.v[1].expected);
	assert_int_equal(cfg->cores_missing_after_ms, 30000);
	assert_string_equal(cfg->state_dir, "");
	cd_config_free(cfg);

	/* A name is optional: the Core is then shown by its MAC. */
	cfg = load_ok("cores: [{\"mac\":\"" MAC "\"}]\n");
	assert_int_equal(cfg->cores.n, 1);
	assert_string_equal(cfg->cores.v[0].name, "");
	assert_true(cfg->cores.v[0].expected);
	cd_config_free(cfg);

	cfg = load_ok("cores:\n");
	assert_int_equal(cfg->cores.n, 0);
	cd_config_free(cfg);
}

static void
test_cores_errors(void **state)
{
	(void)state;
	expect_error("cores: Garage\n",
	    ":1:8: cores: expected a list of Cores, each a mapping, got 'Garage'");
	expect_error("cores:\n  - Garage\n",
	    ":2:5: cores[0]: expected a mapping, got 'Garage'");
	expect_error("cores:\n  - name: Garage\n",
	    ":2:5: cores[0]: a Core needs a mac or an id");
	expect_error("cores:\n  - mac: 08:00:28\n    name: A\n",
	    ":2:10: cores[0]: expected a MAC such as 08:00:28:aa:bb:cc, "
	    "got '08:00:28'");
	expect_error("cores:\n  - id: 12ab\n    name: A\n",
	    ":2:9: cores[0]: expected a device ID of 24 hex digits, got '12ab'");
	expect_error("cores:\n  - mac: " MAC "\n    name: A\n    expected: maybe\n",
	    ":4:15: cores[0]: expected a boolean (true/false), got 'maybe'");
	expect_error("cores:\n  - mac: " MAC "\n    name: A\n    colour: red\n",
	    ":4:5: cores[0]: unknown key 'colour'");
	expect_error("cores:\n  - mac: " MAC "\n    name: A\n    name: B\n",
	    ":4:5: cores[0]: duplicate key 'name'");
	expect_error("cores:\n  - mac: " MAC "\n    name: [A]\n",
	    ":3:11: cores[0].name: expected a string, got a sequence");
	expect_error("cores:\n  - mac: " MAC "\n    name: A\n"
	    "  - mac: 08:00:28:00:00:98\n    name: A\n",
	    ":5:11: cores[1]: the name 'A' is given twice");
	expect_error("cores:\n  - mac: " MAC "\n    name: A\n"
	    "  - mac: " MAC "\n    name: B\n",
	    ":4:10: cores[1]: the MAC " MAC " is listed twice");
	expect_error("cores_missing_after: 1s\n",
	    ":1:22: cores_missing_after: 1s is out of range 10s..168h");
	expect_error("state_dir: var/lib\n",
	    ":1:12: state_dir: must be an absolute path, got 'var/lib'");
}

static struct cd_device *
device(struct cd_state *st, const char *state, const char *id, int64_t now)
{
	struct cd_device	*d = cd_state_device(st, MAC, now);

	d->state = state;
	d->last_seen = now;
	if (id != NULL && d->device_id == NULL)
		d->device_id = strdup(id);
	return d;
}

struct logbuf {
	char	last[2048];
	int	n;
};

static void
sink(void *arg, int prio, const char *line)
{
	struct logbuf	*lb = arg;

	(void)prio;
	snprintf(lb->last, sizeof(lb->last), "%s", line);
	lb->n++;
}

static void
test_records_and_missing(void **state)
{
	struct cd_config	*cfg;
	struct cd_state		 st = { 0 };
	struct cd_findings	 fs;
	struct cd_cores		 cs;
	struct cd_core_rec	*r;
	struct cd_device	*d;
	struct logbuf		 lb = { .n = 0 };
	char			 buf[2200];
	const struct cd_finding	*f;

	(void)state;
	cfg = load_ok("cores:\n  - id: " ID "\n    name: Garage\n");
	cd_findings_init(&fs, sink, &lb);
	cd_cores_init(&cs, T0);

	/* Unseen for less than cores_missing_after: nothing. */
	cd_cores_tick(&cs, cfg, &st, &fs, T0 + 9 * MINUTE);
	assert_null(cd_finding_find(&fs, "core.missing", "core:" ID));
	cd_cores_tick(&cs, cfg, &st, &fs, T0 + 10 * MINUTE);
	f = cd_finding_find(&fs, "core.missing", "core:" ID);
	assert_non_null(f);
	assert_true(f->active);
	assert_int_equal(f->severity, CD_SEV_WARNING);
	assert_non_null(strstr(f->summary, "Garage, an expected Core, has "
	    "not been seen for 10 min or more"));
	assert_non_null(strstr(f->advice, "500 mA"));
	assert_int_equal(lb.n, 1);
	cd_cores_tick(&cs, cfg, &st, &fs, T0 + 11 * MINUTE);
	assert_int_equal(lb.n, 1);	/* the same summary: not logged again */

	/* It turns up, by its presence: missing clears, the ID is learned. */
	device(&st, "connecting", ID, T0 + 12 * MINUTE);
	cd_cores_tick(&cs, cfg, &st, &fs, T0 + 12 * MINUTE);
	assert_false(cd_finding_find(&fs, "core.missing", "core:" ID)->active);
	r = cd_cores_rec(&cs, MAC, false);
	assert_non_null(r);
	assert_string_equal(r->device_id, ID);
	assert_int_equal(r->first_seen, T0 + 12 * MINUTE);
	assert_string_equal(cd_cores_name(cfg, &cs, MAC), "Garage");

	/* Two sessions come up today. */
	device(&st, "online", NULL, T0 + 13 * MINUTE);
	cd_cores_tick(&cs, cfg, &st, &fs, T0 + 13 * MINUTE);
	cd_cores_tick(&cs, cfg, &st, &fs, T0 + 14 * MINUTE);
	device(&st, "connecting", NULL, T0 + 15 * MINUTE);
	cd_cores_tick(&cs, cfg, &st, &fs, T0 + 15 * MINUTE);
	device(&st, "online", NULL, T0 + 16 * MINUTE);
	cd_cores_tick(&cs, cfg, &st, &fs, T0 + 16 * MINUTE);
	assert_int_equal(r->sessions_today, 2);
	assert_int_equal(r->last_handshake, T0 + 16 * MINUTE);
	assert_int_equal(r->last_online, T0 + 16 * MINUTE);

	/* Log lines carry the name after the subject. */
	assert_string_equal(cd_cores_log_line(cfg, &cs, "error core.no_lease "
	    "core:" MAC ": no lease -- check", buf, sizeof(buf)),
	    "error core.no_lease core:" MAC ": Garage: no lease -- check");
	assert_string_equal(cd_cores_log_line(cfg, &cs, "error cloud.x "
	    "cloud:a:1: down", buf, sizeof(buf)), "error cloud.x cloud:a:1: down");

	/* After a restart the device comes back without its ID: restored. */
	cd_state_free(&st);
	d = device(&st, "dhcp", NULL, T0 + 60 * MINUTE);
	cd_cores_tick(&cs, cfg, &st, &fs, T0 + 60 * MINUTE);
	assert_string_equal(d->device_id, ID);
	assert_int_equal(d->first_seen, T0 + 12 * MINUTE);

	cd_state_free(&st);
	cd_findings_free(&fs);
	cd_config_free(cfg);
}

static void
test_recall(void **state)
{
	struct cd_history	 h = { .npast = 1 };
	struct cd_findings	 fs;
	struct cd_finding_spec	 spec = { .id = "core.missing",
		.subject = "core:" MAC, .summary = "gone",
		.severity = CD_SEV_DEFAULT, .source = CD_SRC_SNIFF };
	const struct cd_finding	*f;

	(void)state;
	snprintf(h.past[0].id, sizeof(h.past[0].id), "core.missing");
	snprintf(h.past[0].subject, sizeof(h.past[0].subject), "core:" MAC);
	h.past[0].first_seen = T0;
	h.past[0].count = 4;
	cd_findings_init(&fs, NULL, NULL);
	fs.recall = cd_history_recall;
	fs.recall_arg = &h;
	cd_finding_raise(&fs, &spec, T0 + MINUTE);
	f = cd_finding_find(&fs, "core.missing", "core:" MAC);
	assert_int_equal(f->first_seen, T0);
	assert_int_equal(f->count, 5);
	/* Raised again, cleared and raised: counted once more each time. */
	cd_finding_clear(&fs, spec.id, spec.subject, T0 + 2 * MINUTE);
	cd_finding_raise(&fs, &spec, T0 + 3 * MINUTE);
	assert_int_equal(f->count, 6);
	assert_int_equal(f->first_seen, T0);
	cd_findings_free(&fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cores_list),
		cmocka_unit_test(test_cores_errors),
		cmocka_unit_test(test_records_and_missing),
		cmocka_unit_test(test_recall),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
