/* The report: SPEC's JSON shape, and the human text the client prints. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report.h"

/* 2026-11-24T12:00:00Z */
#define T0 1795521600000LL

struct fixture {
	struct cd_findings	fs;
	struct cd_state		st;
};

static int
setup(void **state)
{
	struct fixture		*fx = calloc(1, sizeof(*fx));
	struct cd_finding_spec	 sp = {
		.id = "cloud.tcp_blocked", .subject = "cloud:device.spark.io:5683",
		.summary = "TCP to device.spark.io:5683 timed out",
		.detail = "3 SYNs over 15 s", .severity = CD_SEV_DEFAULT,
		.source = CD_SRC_PROBE,
	};
	struct cd_device	*d;

	cd_findings_init(&fx->fs, NULL, NULL);
	cd_finding_raise(&fx->fs, &sp, T0);
	sp.id = "wifi.ssid_too_long";
	sp.subject = "wifi:wlan0";
	sp.summary = "the SSID is 33 bytes long";
	sp.detail = NULL;
	sp.source = CD_SRC_CONFIG;
	cd_finding_raise(&fx->fs, &sp, T0);
	sp.id = "coap.ok";
	sp.subject = "cloud:device.spark.io:5683";
	sp.summary = "a CoAP Reset came back";
	cd_finding_raise(&fx->fs, &sp, T0);
	cd_finding_clear(&fx->fs, "coap.ok", sp.subject, T0 + 1000);
	d = cd_state_device(&fx->st, "08:00:28:aa:bb:cc", T0);
	d->ip = strdup("198.18.1.10");
	d->state = "online";
	d->signal_dbm = -61;
	cd_state_probe_result(&fx->st, "handshake", T0, 15012, "blocked",
	    "no SYN-ACK from 198.18.0.10:5683");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	cd_findings_free(&fx->fs);
	cd_state_free(&fx->st);
	free(fx);
	return 0;
}

static struct json_object *
get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static void
test_json_shape(void **state)
{
	struct fixture		*fx = *state;
	struct json_object	*doc, *f, *d, *p;

	doc = cd_report_json(&fx->fs, &fx->st, "router", T0);
	assert_int_equal(json_object_get_int(get(doc, "version")), 1);
	assert_string_equal(json_object_get_string(get(doc, "generated")),
	    "2026-11-24T12:00:00Z");
	assert_string_equal(json_object_get_string(get(doc, "host")), "router");
	assert_int_equal(json_object_array_length(get(doc, "findings")), 3);
	f = json_object_array_get_idx(get(doc, "findings"), 0);
	assert_string_equal(json_object_get_string(get(f, "id")),
	    "cloud.tcp_blocked");
	assert_string_equal(json_object_get_string(get(f, "severity")), "error");
	assert_string_equal(json_object_get_string(get(f, "source")), "probe");
	assert_string_equal(json_object_get_string(get(f, "first_seen")),
	    "2026-11-24T12:00:00Z");
	assert_int_equal(json_object_get_int(get(f, "count")), 1);
	assert_true(json_object_get_boolean(get(f, "active")));
	assert_non_null(get(f, "advice"));
	(void)get(f, "summary");
	(void)get(f, "detail");
	(void)get(f, "last_seen");
	f = json_object_array_get_idx(get(doc, "findings"), 1);
	assert_null(get(f, "detail"));		/* JSON null, key present */
	f = json_object_array_get_idx(get(doc, "findings"), 2);
	assert_false(json_object_get_boolean(get(f, "active")));
	d = json_object_array_get_idx(get(doc, "devices"), 0);
	assert_string_equal(json_object_get_string(get(d, "mac")),
	    "08:00:28:aa:bb:cc");
	assert_null(get(d, "device_id"));
	assert_string_equal(json_object_get_string(get(d, "identified_by")),
	    "oui");
	assert_string_equal(json_object_get_string(get(d, "state")), "online");
	assert_int_equal(json_object_get_int(get(d, "signal_dbm")), -61);
	(void)get(d, "first_seen");
	(void)get(d, "last_seen");
	(void)get(d, "ip");
	p = json_object_array_get_idx(get(doc, "probes"), 0);
	assert_string_equal(json_object_get_string(get(p, "name")), "handshake");
	assert_int_equal(json_object_get_int(get(p, "duration_ms")), 15012);
	assert_string_equal(json_object_get_string(get(p, "result")), "blocked");
	(void)get(p, "last_run");
	(void)get(p, "detail");
	assert_int_equal(cd_report_exit_code(get(doc, "findings")), 2);
	json_object_put(doc);
}

static char *
render(struct json_object *doc, int colour, int *code)
{
	struct cd_text_opts	o = { .colour = colour };
	char			*t = calloc(1, 65536);
	FILE			*f = fmemopen(t, 65535, "w");

	*code = cd_report_text(f, doc, &o);
	fclose(f);
	return t;
}

static void
test_text_groups(void **state)
{
	struct fixture		*fx = *state;
	struct json_object	*doc;
	char			*t, *err, *warn, *info, *clr, *dev, *prb;
	int			 code;

	doc = cd_report_json(&fx->fs, &fx->st, "router", T0);
	t = render(doc, 0, &code);
	assert_int_equal(code, 2);
	assert_null(strchr(t, '\033'));
	assert_non_null(strstr(t, "CRITICAL"));
	err = strstr(t, "Errors (1)");
	warn = strstr(t, "Warnings (1)");
	info = strstr(t, "Info (");
	clr = strstr(t, "Cleared (1)");
	dev = strstr(t, "Devices (1)");
	prb = strstr(t, "Probes (1)");
	assert_non_null(err);
	assert_non_null(warn);
	assert_null(info);		/* the only info finding is cleared */
	assert_non_null(clr);
	assert_true(err < warn && warn < clr && clr < dev && dev < prb);
	assert_non_null(strstr(t, "advice:   allow outgoing TCP to port 5683"));
	assert_non_null(strstr(t, "evidence: 3 SYNs over 15 s"));
	/* Aligned: each header cell as wide as its widest value. */
	assert_non_null(strstr(t, "  MAC                IP           DEVICE ID"));
	assert_non_null(strstr(t, "  08:00:28:aa:bb:cc  198.18.1.10  -"));
	free(t);
	t = render(doc, 1, &code);
	assert_non_null(strstr(t, "\033[31m"));
	free(t);
	json_object_put(doc);
}

static void
test_text_empty(void **state)
{
	struct cd_findings	fs;
	struct cd_state		st = { 0 };
	struct json_object	*doc;
	char			*t;
	int			 code;

	(void)state;
	cd_findings_init(&fs, NULL, NULL);
	doc = cd_report_json(&fs, &st, "h", T0);
	t = render(doc, 0, &code);
	assert_int_equal(code, 0);
	assert_non_null(strstr(t, "COREDIAGD OK - "));
	assert_non_null(strstr(t, "Findings: none"));
	assert_non_null(strstr(t, "Devices (0)"));
	free(t);
	json_object_put(doc);
}

static void
test_exit_code_from_json(void **state)
{
	struct json_object *a;

	(void)state;
	a = json_tokener_parse("[{\"severity\":\"warning\",\"active\":true},"
	    "{\"severity\":\"error\",\"active\":false}]");
	assert_int_equal(cd_report_exit_code(a), 1);
	json_object_put(a);
	a = json_tokener_parse("[]");
	assert_int_equal(cd_report_exit_code(a), 0);
	json_object_put(a);
	a = json_tokener_parse("{\"x\":1}");
	assert_int_equal(cd_report_exit_code(a), 3);
	json_object_put(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_groups, setup, teardown),
		cmocka_unit_test(test_text_empty),
		cmocka_unit_test(test_exit_code_from_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
