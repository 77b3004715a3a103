#include "config.h"

#include <stdlib.h>

#include "report.h"
#include "util.h"

static struct json_object *
json_str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

static struct json_object *
json_time(int64_t ms)
{
	char buf[32];

	if (ms == 0)
		return NULL;
	return json_object_new_string(cd_rfc3339(ms, buf, sizeof(buf)));
}

static void
add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

struct json_object *
cd_report_finding_json(const struct cd_finding *f)
{
	struct json_object *o = json_object_new_object();

	add(o, "id", json_object_new_string(f->id));
	add(o, "severity", json_object_new_string(cd_severity_name(f->severity)));
	add(o, "subject", json_object_new_string(f->subject));
	add(o, "summary", json_object_new_string(f->summary));
	add(o, "detail", json_str_or_null(f->detail));
	add(o, "advice", json_str_or_null(f->advice));
	add(o, "source", json_object_new_string(cd_source_name(f->source)));
	add(o, "first_seen", json_time(f->first_seen));
	add(o, "last_seen", json_time(f->last_seen));
	add(o, "count", json_object_new_int64((int64_t)f->count));
	add(o, "active", json_object_new_boolean(f->active));
	return o;
}

struct json_object *
cd_report_findings_json(const struct cd_findings *fs)
{
	struct json_object	*a = json_object_new_array();
	const struct cd_finding	*f;

	for (f = fs->head; f != NULL; f = f->next)
		json_object_array_add(a, cd_report_finding_json(f));
	return a;
}

static struct json_object *
device_json(const struct cd_device *d)
{
	struct json_object *o = json_object_new_object();

	add(o, "mac", json_object_new_string(d->mac));
	add(o, "ip", json_str_or_null(d->ip));
	add(o, "device_id", json_str_or_null(d->device_id));
	add(o, "identified_by", json_object_new_string(d->identified_by));
	add(o, "first_seen", json_time(d->first_seen));
	add(o, "last_seen", json_time(d->last_seen));
	add(o, "state", json_object_new_string(d->state));
	add(o, "visibility", json_str_or_null(d->visibility));
	add(o, "signal_dbm", d->signal_dbm == CD_DEVICE_NO_SIGNAL ? NULL :
	    json_object_new_int(d->signal_dbm));
	return o;
}

struct json_object *
cd_report_devices_json(const struct cd_state *st)
{
	struct json_object	*a = json_object_new_array();
	const struct cd_device	*d;

	for (d = st->devices; d != NULL; d = d->next)
		json_object_array_add(a, device_json(d));
	return a;
}

struct json_object *
cd_report_probes_json(const struct cd_state *st)
{
	struct json_object		*a = json_object_new_array();
	const struct cd_probe_result	*p;
	struct json_object		*o;

	for (p = st->probes; p != NULL; p = p->next) {
		o = json_object_new_object();
		add(o, "name", json_object_new_string(p->name));
		add(o, "last_run", json_time(p->last_run));
		add(o, "duration_ms", json_object_new_int64(p->duration_ms));
		add(o, "result", json_str_or_null(p->result));
		add(o, "detail", json_str_or_null(p->detail));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *
cd_report_json(const struct cd_findings *fs, const struct cd_state *st,
    const char *host, int64_t now)
{
	struct json_object *o = json_object_new_object();

	add(o, "version", json_object_new_int(CD_REPORT_VERSION));
	add(o, "generated", json_time(now));
	add(o, "host", json_object_new_string(host != NULL ? host : ""));
	/* --read knows no host: its vantage is null. */
	add(o, "vantage", json_str_or_null(st->vantage[0] ? st->vantage :
	    NULL));
	add(o, "vantage_detail", json_str_or_null(st->vantage_detail[0] ?
	    st->vantage_detail : NULL));
	add(o, "findings", cd_report_findings_json(fs));
	add(o, "devices", cd_report_devices_json(st));
	add(o, "probes", cd_report_probes_json(st));
	return o;
}

char *
cd_report_line(struct json_object *doc)
{
	return cd_strdup(json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}
