/*
 * The human report.  It formats only what the daemon sent (the JSON
 * document), so the client, --once and --read print the same thing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report.h"
#include "util.h"

#define TABLE_COLS 8

static const char *sev_titles[] = { "Info", "Warnings", "Errors" };
static const char *sev_colours[] = { "\033[36m", "\033[33m", "\033[31m" };

static const char *
jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

const char *
cd_report_str(struct json_object *o, const char *key)
{
	return jstr(o, key);
}

static const char *
dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

static int
jactive(struct json_object *f)
{
	struct json_object *v;

	if (!json_object_object_get_ex(f, "active", &v))
		return 1;
	return json_object_get_boolean(v);
}

static void
heading(FILE *out, const struct cd_text_opts *o, const char *colour,
    const char *title, size_t n)
{
	if (o->colour)
		fprintf(out, "\033[1m%s%s (%zu)\033[0m\n", colour, title, n);
	else
		fprintf(out, "%s (%zu)\n", title, n);
}

int
cd_report_exit_code(struct json_object *findings)
{
	size_t	i, n;
	int	worst = -1, sev;

	if (!json_object_is_type(findings, json_type_array))
		return 3;
	n = json_object_array_length(findings);
	for (i = 0; i < n; i++) {
		struct json_object *f = json_object_array_get_idx(findings, i);
		const char *s = jstr(f, "severity");

		if (!jactive(f) || s == NULL)
			continue;
		if ((sev = cd_severity_parse(s)) > worst)
			worst = sev;
	}
	return worst == CD_SEV_ERROR ? 2 : worst == CD_SEV_WARNING ? 1 : 0;
}

/* The name the configuration gives the Core of subject "core:MAC", or NULL. */
static const char *
core_name(struct json_object *cores, const char *subject)
{
	size_t i, n;

	if (cores == NULL || subject == NULL ||
	    strncmp(subject, "core:", 5) != 0)
		return NULL;
	n = json_object_array_length(cores);
	for (i = 0; i < n; i++) {
		struct json_object	*c = json_object_array_get_idx(cores, i);
		const char		*mac = jstr(c, "mac");
		const char		*id = jstr(c, "device_id");

		if ((mac != NULL && strcasecmp(mac, subject + 5) == 0) ||
		    (id != NULL && strcasecmp(id, subject + 5) == 0))
			return jstr(c, "name");
	}
	return NULL;
}

static void
finding_text(FILE *out, struct json_object *f, const struct cd_text_opts *o)
{
	const char *detail = jstr(f, "detail"), *advice = jstr(f, "advice");
	const char *name = core_name(o->cores, jstr(f, "subject"));
	const char *source = cd_report_source(f);

	fprintf(out, "  %s  %s%s%s%s\n      %s\n", dash(jstr(f, "id")),
	    dash(jstr(f, "subject")), name != NULL ? " (" : "",
	    name != NULL ? name : "", name != NULL ? ")" : "",
	    dash(jstr(f, "summary")));
	if (source != NULL)
		fprintf(out, "      from:     %s\n", source);
	if (detail != NULL && detail[0] != '\0')
		fprintf(out, "      evidence: %s\n", detail);
	if (advice != NULL && advice[0] != '\0')
		fprintf(out, "      advice:   %s\n", advice);
}

/* Print the findings of one severity (sev >= 0) or the cleared ones (-1). */
static void
findings_group(FILE *out, struct json_object *findings, int sev,
    const struct cd_text_opts *o)
{
	size_t	i, n = json_object_array_length(findings), count = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			struct json_object *f;
			const char *s;

			f = json_object_array_get_idx(findings, i);
			s = jstr(f, "severity");
			if (sev >= 0 && (!jactive(f) || s == NULL ||
			    cd_severity_parse(s) != sev))
				continue;
			if (sev < 0 && jactive(f))
				continue;
			if (pass == 0)
				count++;
			else
				finding_text(out, f, o);
		}
		if (pass == 0 && count == 0)
			return;
		if (pass == 0)
			heading(out, o, sev >= 0 ? sev_colours[sev] : "",
			    sev >= 0 ? sev_titles[sev] : "Cleared", count);
	}
}

void
cd_report_text_findings(FILE *out, struct json_object *findings,
    const struct cd_text_opts *o)
{
	if (!json_object_is_type(findings, json_type_array) ||
	    json_object_array_length(findings) == 0) {
		fprintf(out, "Findings: none\n");
		return;
	}
	for (int sev = CD_SEV_ERROR; sev >= CD_SEV_INFO; sev--)
		findings_group(out, findings, sev, o);
	findings_group(out, findings, -1, o);
}

static void
cell(FILE *out, const char *v, size_t width, int last)
{
	if (last)
		fprintf(out, "  %s\n", v);
	else
		fprintf(out, "  %-*s", (int)width, v);
}

/* An aligned table: header row, then one row per array element. */
static void
table(FILE *out, const char *title, struct json_object *rows,
    const char *const *keys, const char *const *heads, int ncol,
    const struct cd_text_opts *o)
{
	size_t	 w[TABLE_COLS], i, n;

	n = json_object_is_type(rows, json_type_array) ?
	    json_object_array_length(rows) : 0;
	heading(out, o, "", title, n);
	if (n == 0)
		return;
	for (int c = 0; c < ncol; c++)
		w[c] = strlen(heads[c]);
	for (i = 0; i < n; i++)
		for (int c = 0; c < ncol; c++) {
			const char *v = jstr(json_object_array_get_idx(rows, i),
			    keys[c]);
			if (strlen(dash(v)) > w[c])
				w[c] = strlen(dash(v));
		}
	for (int c = 0; c < ncol; c++)
		cell(out, heads[c], w[c], c + 1 == ncol);
	for (i = 0; i < n; i++)
		for (int c = 0; c < ncol; c++) {
			struct json_object *r = json_object_array_get_idx(rows, i);

			cell(out, dash(jstr(r, keys[c])), w[c], c + 1 == ncol);
		}
}

void
cd_report_text_devices(FILE *out, struct json_object *devices,
    const struct cd_text_opts *o)
{
	static const char *const keys[] = { "mac", "ip", "device_id",
	    "identified_by", "state", "visibility", "signal_dbm",
	    "last_seen" };
	static const char *const heads[] = { "MAC", "IP", "DEVICE ID",
	    "BY", "STATE", "VISIBILITY", "SIGNAL", "LAST SEEN" };

	table(out, "Devices", devices, keys, heads, (int)nitems(keys), o);
}

void
cd_report_text_probes(FILE *out, struct json_object *probes,
    const struct cd_text_opts *o)
{
	static const char *const keys[] = { "name", "result", "duration_ms",
	    "last_run", "detail" };
	static const char *const heads[] = { "PROBE", "RESULT", "MS",
	    "LAST RUN", "DETAIL" };

	table(out, "Probes", probes, keys, heads, (int)nitems(keys), o);
}

/* Is finding f active, with this id (and subject, unless NULL)? */
static int
is_active(struct json_object *f, const char *id, const char *subject)
{
	const char *fid = jstr(f, "id"), *fsub = jstr(f, "subject");

	return jactive(f) && fid != NULL && strcmp(fid, id) == 0 &&
	    (subject == NULL || (fsub != NULL && strcmp(fsub, subject) == 0));
}

static int
probe_failed(struct json_object *findings, const char *name)
{
	char	subject[96];
	size_t	n = json_object_array_length(findings);

	snprintf(subject, sizeof(subject), "probe:%s", name);
	for (size_t i = 0; i < n; i++)
		if (is_active(json_object_array_get_idx(findings, i),
		    "probe.failed", subject))
			return 1;
	return 0;
}

int
cd_report_doc_code(struct json_object *doc)
{
	struct json_object	*findings = NULL, *probes = NULL;
	size_t			 n;

	json_object_object_get_ex(doc, "findings", &findings);
	if (!json_object_is_type(findings, json_type_array))
		return 3;
	if (json_object_object_get_ex(doc, "probes", &probes) &&
	    json_object_is_type(probes, json_type_array) &&
	    (n = json_object_array_length(probes)) > 0) {
		size_t failed = 0;

		for (size_t i = 0; i < n; i++) {
			const char *name = jstr(json_object_array_get_idx(
			    probes, i), "name");

			if (name != NULL && probe_failed(findings, name))
				failed++;
		}
		if (failed == n)
			return 3;
	}
	return cd_report_exit_code(findings);
}

/* The worst active finding: the first of the highest severity. */
static struct json_object *
worst_finding(struct json_object *findings, size_t *nproblems)
{
	struct json_object	*worst = NULL;
	int			 wsev = CD_SEV_INFO;
	size_t			 n = json_object_array_length(findings);

	*nproblems = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object	*f = json_object_array_get_idx(findings, i);
		const char		*s = jstr(f, "severity");
		int			 sev;

		if (!jactive(f) || s == NULL ||
		    (sev = cd_severity_parse(s)) <= CD_SEV_INFO)
			continue;
		(*nproblems)++;
		if (sev > wsev) {
			wsev = sev;
			worst = f;
		}
	}
	return worst;
}

/* Text before the perfdata must not hold the separator. */
static void
plugin_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++)
		fputc(*s == '|' ? '/' : *s == '\n' ? ' ' : *s, out);
}

static void
perfdata(FILE *out, struct json_object *doc, struct json_object *findings)
{
	struct json_object	*probes = NULL;
	size_t			 n, count[3] = { 0, 0, 0 };

	if (json_object_object_get_ex(doc, "probes", &probes) &&
	    json_object_is_type(probes, json_type_array)) {
		n = json_object_array_length(probes);
		for (size_t i = 0; i < n; i++) {
			struct json_object *p = json_object_array_get_idx(probes,
			    i);
			const char *name = jstr(p, "name");
			const char *ms = jstr(p, "duration_ms");

			if (name != NULL && ms != NULL)
				fprintf(out, "%s=%sms ", name, ms);
		}
	}
	n = json_object_array_length(findings);
	for (size_t i = 0; i < n; i++) {
		struct json_object	*f = json_object_array_get_idx(findings, i);
		const char		*s = jstr(f, "severity");
		int			 sev;

		if (jactive(f) && s != NULL && (sev = cd_severity_parse(s)) >= 0)
			count[sev]++;
	}
	fprintf(out, "errors=%zu warnings=%zu", count[CD_SEV_ERROR],
	    count[CD_SEV_WARNING]);
}

/*
 * The first line, a monitoring plugin's: STATUS - the worst finding |
 * perfdata.  Icinga, Nagios and Zabbix read it as it is.
 */
static void
plugin_line(FILE *out, struct json_object *doc, struct json_object *findings,
    int code)
{
	static const char *const status[] = { "OK", "WARNING", "CRITICAL",
	    "UNKNOWN" };
	struct json_object	*worst;
	size_t			 nproblems = 0;

	fprintf(out, "COREDIAGD %s - ", status[code]);
	if (!json_object_is_type(findings, json_type_array)) {
		fprintf(out, "no findings in the report | errors=0 warnings=0\n");
		return;
	}
	worst = worst_finding(findings, &nproblems);
	if (code == 3)
		fprintf(out, "no probe could run: ");
	if (worst == NULL)
		fprintf(out, "no warning or error");
	else {
		plugin_text(out, dash(jstr(worst, "id")));
		fputc(' ', out);
		plugin_text(out, dash(jstr(worst, "subject")));
		fprintf(out, ": ");
		plugin_text(out, dash(jstr(worst, "summary")));
		if (nproblems > 1)
			fprintf(out, " (and %zu more)", nproblems - 1);
	}
	fprintf(out, " | ");
	perfdata(out, doc, findings);
	fputc('\n', out);
}

int
cd_report_text(FILE *out, struct json_object *doc,
    const struct cd_text_opts *o)
{
	struct json_object	*findings = NULL, *v;
	struct cd_text_opts	 opts;
	int			 code;

	json_object_object_get_ex(doc, "findings", &findings);
	code = cd_report_doc_code(doc);
	plugin_line(out, doc, findings, code);
	fprintf(out, "corediagd report for %s at %s\n\n",
	    dash(jstr(doc, "host")), dash(jstr(doc, "generated")));
	if (jstr(doc, "vantage") != NULL)
		fprintf(out, "Vantage: %s %s\n\n", jstr(doc, "vantage"),
		    dash(jstr(doc, "vantage_detail")));
	opts = *o;
	if (!json_object_object_get_ex(doc, "cores", &opts.cores))
		opts.cores = NULL;
	cd_report_text_findings(out, findings, &opts);
	fputc('\n', out);
	if (cd_report_infer(out, findings) > 0)
		fputc('\n', out);
	if (json_object_object_get_ex(doc, "devices", &v))
		cd_report_text_devices(out, v, o);
	fputc('\n', out);
	if (json_object_object_get_ex(doc, "cores", &v) &&
	    json_object_array_length(v) > 0) {
		cd_report_text_cores(out, doc);
		fputc('\n', out);
	}
	if (json_object_object_get_ex(doc, "probes", &v))
		cd_report_text_probes(out, v, o);
	if (json_object_object_get_ex(doc, "capture", &v)) {
		/* A file (--read), or the live capture's interface. */
		fprintf(out, "\nCapture: %s: %s packets",
		    dash(jstr(v, "file") ? jstr(v, "file") : jstr(v, "interface")),
		    dash(jstr(v, "packets")));
		if (jstr(v, "damaged") != NULL)
			fprintf(out, ", %s damaged", jstr(v, "damaged"));
		/* Only pcapng files record drops; unknown is not zero. */
		if (jstr(v, "dropped") != NULL)
			fprintf(out, ", %s dropped", jstr(v, "dropped"));
		fputc('\n', out);
	}
	if (json_object_object_get_ex(doc, "syslog_remote", &v))
		fprintf(out, "\nRemote syslog: %s (%s): %s sent, %s dropped, "
		    "%s queued\n", dash(jstr(v, "target")),
		    strcmp(dash(jstr(v, "connected")), "true") == 0 ?
		    "connected" : "not connected",
		    dash(jstr(v, "sent")), dash(jstr(v, "dropped")),
		    dash(jstr(v, "queued")));
	return code;
}

void
cd_report_text_event(FILE *out, struct json_object *ev,
    const struct cd_text_opts *o)
{
	struct json_object	*f = NULL;
	const char		*event = dash(jstr(ev, "event"));
	const char		*sev;
	int			 s;

	json_object_object_get_ex(ev, "finding", &f);
	sev = dash(jstr(f, "severity"));
	s = cd_severity_parse(sev);
	if (o->colour && s >= 0)
		fprintf(out, "%s", sev_colours[s]);
	fprintf(out, "%s %s", dash(jstr(f, "last_seen")), event);
	if (strcmp(event, "cleared") != 0)
		fprintf(out, " %s", sev);
	fprintf(out, " %s %s:", dash(jstr(f, "id")), dash(jstr(f, "subject")));
	fprintf(out, " %s%s\n", dash(jstr(f, "summary")),
	    o->colour && s >= 0 ? "\033[0m" : "");
}
