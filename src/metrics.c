/*
 * The report as Prometheus metrics.  Findings stay listed after they clear
 * (active: false) until the registry forgets them, so a cleared finding's
 * series reads 0 instead of vanishing: an alert resolves on a value, not
 * on a series that went stale.  Device states are always all listed, so
 * "no Core offline" is a 0 rather than no data.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics.h"
#include "report.h"
#include "util.h"

static const char *const device_states[] = { "dhcp", "dns", "connecting",
    "handshake", "online", "offline" };

static int64_t
jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	return json_object_get_int64(v);
}

/* A label value: '\', '"' and newline escaped. */
static void
label(FILE *out, const char *name, const char *value, int first)
{
	const char *p;

	fprintf(out, "%s%s=\"", first ? "" : ",", name);
	for (p = value != NULL ? value : ""; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', out);
		if (*p == '\n')
			fputs("\\n", out);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void
family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* "2026-11-24T12:00:00Z" to seconds since the epoch; 0 if it is not one. */
static long long
epoch(const char *s)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) ==
	    NULL || *end != 'Z')
		return 0;
	return (long long)timegm(&tm);
}

static void
findings(FILE *out, struct json_object *a)
{
	struct json_object	*f, *v;
	size_t			 i;

	family(out, "corediagd_finding_active", "gauge", "1 while the finding "
	    "is active, 0 once it has cleared (until it is forgotten).");
	for (i = 0; i < json_object_array_length(a); i++) {
		f = json_object_array_get_idx(a, i);
		fputs("corediagd_finding_active{", out);
		label(out, "id", cd_report_str(f, "id"), 1);
		label(out, "subject", cd_report_str(f, "subject"), 0);
		label(out, "severity", cd_report_str(f, "severity"), 0);
		fprintf(out, "} %d\n", json_object_object_get_ex(f, "active",
		    &v) && json_object_get_boolean(v) ? 1 : 0);
	}
}

static void
probes(FILE *out, struct json_object *a)
{
	struct json_object	*p;
	size_t			 i, n = json_object_array_length(a);

	family(out, "corediagd_probe_duration_seconds", "gauge",
	    "How long the probe's last run took.");
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(a, i);
		fputs("corediagd_probe_duration_seconds{", out);
		label(out, "probe", cd_report_str(p, "name"), 1);
		fprintf(out, "} %.3f\n", (double)jint(p, "duration_ms") / 1000);
	}
	family(out, "corediagd_probe_result", "gauge",
	    "1 for the result word of the probe's last run.");
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(a, i);
		if (cd_report_str(p, "result") == NULL)
			continue;
		fputs("corediagd_probe_result{", out);
		label(out, "probe", cd_report_str(p, "name"), 1);
		label(out, "result", cd_report_str(p, "result"), 0);
		fputs("} 1\n", out);
	}
	family(out, "corediagd_probe_last_run_timestamp_seconds", "gauge",
	    "When the probe last ran, in seconds since the epoch.");
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(a, i);
		if (cd_report_str(p, "last_run") == NULL)
			continue;
		fputs("corediagd_probe_last_run_timestamp_seconds{", out);
		label(out, "probe", cd_report_str(p, "name"), 1);
		fprintf(out, "} %lld\n", epoch(cd_report_str(p, "last_run")));
	}
}

static void
devices(FILE *out, struct json_object *a)
{
	const char	*st;
	size_t		 i, j, n;

	family(out, "corediagd_devices", "gauge",
	    "Cores seen, by the state of their way to the cloud.");
	for (j = 0; j < nitems(device_states); j++) {
		for (i = n = 0; i < json_object_array_length(a); i++) {
			st = cd_report_str(json_object_array_get_idx(a, i), "state");
			n += st != NULL && strcmp(st, device_states[j]) == 0;
		}
		fprintf(out, "corediagd_devices{state=\"%s\"} %zu\n",
		    device_states[j], n);
	}
}

static void
counter(FILE *out, const char *name, const char *help, int64_t v)
{
	family(out, name, "counter", help);
	fprintf(out, "%s %lld\n", name, (long long)v);
}

static void
gauge(FILE *out, const char *name, const char *help, long long v)
{
	family(out, name, "gauge", help);
	fprintf(out, "%s %lld\n", name, v);
}

static void
daemon_part(FILE *out, struct json_object *doc)
{
	struct json_object *d, *c, *r;

	if (json_object_object_get_ex(doc, "daemon", &d) && d != NULL) {
		family(out, "corediagd_build_info", "gauge",
		    "A constant 1, labelled with corediagd's version.");
		fputs("corediagd_build_info{", out);
		label(out, "version", cd_report_str(d, "version"), 1);
		fputs("} 1\n", out);
		gauge(out, "corediagd_start_time_seconds", "When the daemon "
		    "started, in seconds since the epoch.",
		    epoch(cd_report_str(d, "started")));
	}
	if (json_object_object_get_ex(doc, "capture", &c) && c != NULL) {
		counter(out, "corediagd_capture_packets_total",
		    "Packets the capture read.", jint(c, "packets"));
		counter(out, "corediagd_capture_dropped_total",
		    "Packets the capture buffer or the interface dropped.",
		    jint(c, "dropped"));
	}
	if (json_object_object_get_ex(doc, "syslog_remote", &r) && r != NULL) {
		counter(out, "corediagd_syslog_remote_sent_total",
		    "Messages sent to syslog.remote.", jint(r, "sent"));
		counter(out, "corediagd_syslog_remote_dropped_total",
		    "Messages for syslog.remote that could not be sent.",
		    jint(r, "dropped"));
		gauge(out, "corediagd_syslog_remote_queued", "Messages waiting "
		    "for the collector.", jint(r, "queued"));
	}
}

char *
cd_metrics_text(struct json_object *doc)
{
	struct json_object	*a;
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*out;

	if ((out = open_memstream(&buf, &len)) == NULL)
		return NULL;
	daemon_part(out, doc);
	if (json_object_object_get_ex(doc, "findings", &a) &&
	    json_object_is_type(a, json_type_array))
		findings(out, a);
	if (json_object_object_get_ex(doc, "probes", &a) &&
	    json_object_is_type(a, json_type_array))
		probes(out, a);
	if (json_object_object_get_ex(doc, "devices", &a) &&
	    json_object_is_type(a, json_type_array))
		devices(out, a);
	if (fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
