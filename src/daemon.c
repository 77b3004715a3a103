#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cause_grade.h"
#include "daemon.h"
#include "export.h"
#include "internet.h"
#include "log.h"
#include "report.h"
#include "sniff.h"
#include "sysd.h"
#include "util.h"
#include "vantage.h"

#define FINDINGS_TICK_MS	5000

static void
findings_to_log(void *arg, int priority, const char *line)
{
	struct cd_daemon	*d = arg;
	char			 buf[2200];

	log_line(priority, cd_cores_log_line(d->cfg, &d->cores, line, buf,
	    sizeof(buf)));
}

static const char *const event_names[] = { "raised", "changed", "cleared" };

const char *
cd_daemon_core_name(const struct cd_daemon *d, const char *subject)
{
	if (strncmp(subject, "core:", 5) != 0)
		return NULL;
	return cd_cores_name(d->cfg, &d->cores, subject + 5);
}

/* A finding object about a named Core gets "core_name". */
static void
add_core_name(const struct cd_daemon *d, struct json_object *f)
{
	struct json_object	*s;
	const char		*name;

	if (json_object_object_get_ex(f, "subject", &s) &&
	    (name = cd_daemon_core_name(d, json_object_get_string(s))) != NULL)
		json_object_object_add(f, "core_name",
		    json_object_new_string(name));
}

/* `watch` clients get {"event":"raised","finding":{...}} per change. */
static void
findings_to_watchers(void *arg, enum cd_finding_event ev,
    const struct cd_finding *f)
{
	struct cd_daemon	*d = arg;
	struct json_object	*o, *fj;

	cd_export_event(d, ev, f);
	if (d->status == NULL)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "event",
	    json_object_new_string(event_names[ev]));
	fj = cd_report_finding_json(f);
	add_core_name(d, fj);
	json_object_object_add(o, "finding", fj);
	cd_status_broadcast(d->status, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* A cause's consequences first, then the internet's verdict over all. */
static void
daemon_grade(void *arg, const struct cd_finding *f, struct cd_finding_grade *g)
{
	struct cd_daemon *d = arg;

	cd_cause_grade(&d->findings, f, g);
	cd_internet_grade(d, f, g);
}

void
cd_daemon_init(struct cd_daemon *d, uv_loop_t *loop, struct cd_config *cfg,
    const char *config_path)
{
	memset(d, 0, sizeof(*d));
	d->loop = loop;
	d->cfg = cfg;
	d->config_path = config_path;
	cd_findings_init(&d->findings, findings_to_log, d);
	cd_findings_set_watcher(&d->findings, findings_to_watchers, d);
	cd_findings_set_grader(&d->findings, daemon_grade, d);
	cd_prober_init(&d->prober, d, loop);
	cd_cores_init(&d->cores, cd_now_ms());
	if (gethostname(d->host, sizeof(d->host) - 1) < 0)
		snprintf(d->host, sizeof(d->host), "localhost");
}

struct json_object *
cd_daemon_report(const struct cd_daemon *d)
{
	struct json_object *doc, *a;

	doc = cd_report_json(&d->findings, &d->state, d->host, cd_now_ms());
	if (json_object_object_get_ex(doc, "findings", &a))
		for (size_t i = 0; i < json_object_array_length(a); i++)
			add_core_name(d, json_object_array_get_idx(a, i));
	json_object_object_add(doc, "cores", cd_cores_json(&d->cores, d->cfg,
	    &d->state, &d->findings));
	cd_export_report(d, doc);
	return doc;
}

static void
reply_json(struct cd_status_client *c, struct json_object *o)
{
	cd_status_reply(c, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

struct probe_request {
	struct cd_daemon	*d;
	struct cd_status_client	*c;
};

/* `probe` answers with the report once the run it started or joined ends. */
static void
probe_answer(void *arg)
{
	struct probe_request *r = arg;

	reply_json(r->c, cd_daemon_report(r->d));
	free(r);
}

static void
probe_command(struct cd_daemon *d, struct cd_status_client *c,
    const char *name)
{
	struct probe_request	*r;
	char			 err[256];
	uint64_t		 now = uv_now(d->loop);

	/*
	 * A local user must not make the probes (DHCP DISCOVERs among them)
	 * run without end: a request joins the run in flight, or starts one
	 * if the last asked for began CD_PROBE_ASK_GAP_MS ago; otherwise it
	 * gets the latest results at once.
	 */
	if (d->prober.in_flight == 0 && d->probe_asked_ms != 0 &&
	    now - d->probe_asked_ms < CD_PROBE_ASK_GAP_MS &&
	    (name[0] == '\0' || cd_prober_find(&d->prober, name) != NULL)) {
		reply_json(c, cd_daemon_report(d));
		return;
	}
	if (d->prober.in_flight == 0)
		d->probe_asked_ms = now;
	r = cd_calloc(1, sizeof(*r));
	r->d = d;
	r->c = c;
	if (cd_prober_run(&d->prober, name[0] ? name : NULL, probe_answer, r,
	    err, sizeof(err)) < 0) {
		free(r);
		cd_status_reply_error(c, "%s", err);
	}
}

static void
dispatch(void *arg, struct cd_status_client *c, const char *cmd,
    const char *cmdarg)
{
	struct cd_daemon *d = arg;

	if (strcmp(cmd, "probe") == 0) {
		probe_command(d, c, cmdarg);
		return;
	}
	if (cmdarg[0] != '\0')
		cd_status_reply_error(c, "command '%s' takes no argument", cmd);
	else if (strcmp(cmd, "report") == 0)
		reply_json(c, cd_daemon_report(d));
	else if (strcmp(cmd, "findings") == 0)
		reply_json(c, cd_report_findings_json(&d->findings));
	else if (strcmp(cmd, "devices") == 0)
		reply_json(c, cd_report_devices_json(&d->state));
	else if (strcmp(cmd, "probes") == 0)
		reply_json(c, cd_report_probes_json(&d->state));
	else if (strcmp(cmd, "watch") == 0)
		cd_status_watch(c);
	else
		cd_status_reply_error(c, "unknown command '%s' (commands: "
		    "report, findings, devices, probes, probe [NAME], watch)",
		    cmd);
}

static void
status_limits(const struct cd_config *cfg, struct cd_status_limits *lim)
{
	lim->max_clients = cfg->status.max_clients;
	lim->idle_timeout_ms = cfg->status.idle_timeout_ms;
	lim->max_per_uid = CD_STATUS_MAX_PER_UID;
}

static void
on_signal(uv_signal_t *h, int signum)
{
	struct cd_daemon *d = h->data;

	if (signum == SIGHUP) {
		cd_daemon_reload(d);
		return;
	}
	log_notice("corediagd: %s received, stopping", strsignal(signum));
	cd_daemon_stop(d);
}

static void
signals_start(struct cd_daemon *d)
{
	uv_signal_init(d->loop, &d->sig_hup);
	uv_signal_init(d->loop, &d->sig_term);
	uv_signal_init(d->loop, &d->sig_int);
	d->sig_hup.data = d->sig_term.data = d->sig_int.data = d;
	uv_signal_start(&d->sig_hup, on_signal, SIGHUP);
	uv_signal_start(&d->sig_term, on_signal, SIGTERM);
	uv_signal_start(&d->sig_int, on_signal, SIGINT);
	d->signals_on = true;
}

void
cd_daemon_clock_stepped(struct cd_daemon *d, int64_t step)
{
	cd_findings_shift(&d->findings, step);
	for (struct cd_device *dev = d->state.devices; dev != NULL;
	    dev = dev->next)
		if (dev->wifi_only) {
			dev->first_seen += step;
			dev->last_seen += step;
		}
}

static void
on_findings_tick(uv_timer_t *t)
{
	struct cd_daemon	*d = t->data;
	int64_t			 now = cd_now_ms(), step;

	step = cd_sniff_clock_check(&d->findings_clock, NULL, now,
	    (int64_t)(uv_hrtime() / 1000000));
	if (step != 0)
		cd_daemon_clock_stepped(d, step);
	cd_findings_tick(&d->findings, now);
	cd_cores_tick(&d->cores, d->cfg, &d->state, &d->findings, now);
	cd_history_tick(&d->history, d->loop, &d->cores, &d->findings, now);
	cd_vantage_refresh(d);		/* interfaces come and go */
}

/* The findings' timers: flap holds, and the internet re-check. */
static void
timers_start(struct cd_daemon *d)
{
	uv_timer_init(d->loop, &d->findings_tick);
	uv_timer_init(d->loop, &d->recheck);
	d->findings_tick.data = d->recheck.data = d;
	uv_timer_start(&d->findings_tick, on_findings_tick,
	    FINDINGS_TICK_MS, FINDINGS_TICK_MS);
	d->recheck_on = true;
}

int
cd_daemon_start(struct cd_daemon *d, char *err, size_t errlen)
{
	struct cd_status_limits	lim;
	struct cd_sniff_ctx	sctx = {
		.loop = d->loop, .findings = &d->findings, .state = &d->state,
	};
	int			rc;

	cd_vantage_default_lan(d->cfg);
	cd_history_load(&d->history, d->cfg->state_dir, &d->cores);
	d->findings.recall = cd_history_recall;
	d->findings.recall_arg = &d->history;
	status_limits(d->cfg, &lim);
	rc = cd_status_open(d->loop, d->cfg->status.socket,
	    d->cfg->status.mode, d->cfg->status.group, &lim, dispatch, d,
	    &d->status, err, errlen);
	if (rc < 0)
		return rc;
	if ((rc = cd_sniff_start(&sctx, d->cfg, &d->sniff, err, errlen)) < 0) {
		cd_status_close(d->status);
		d->status = NULL;
		return rc;
	}
	cd_vantage_refresh(d);
	signals_start(d);
	timers_start(d);
	cd_export_start(d);
	cd_prober_schedule(&d->prober, d->cfg->probes.interval_ms);
	return 0;
}

int
cd_daemon_reload(struct cd_daemon *d)
{
	struct cd_config	*cfg, *old = d->cfg;
	struct cd_status_limits	 lim;
	char			 err[512];

	cd_sd_notify("RELOADING=1");
	if (cd_config_load(d->config_path, &cfg, err, sizeof(err)) < 0) {
		log_warnx("reload: %s; keeping the previous configuration",
		    err);
		cd_sd_notify("READY=1");
		return -EINVAL;
	}
	cd_vantage_default_lan(cfg);
	if (strcmp(cfg->status.socket, old->status.socket) != 0 ||
	    strcmp(cfg->user, old->user) != 0 ||
	    strcmp(cfg->interfaces.lan, old->interfaces.lan) != 0)
		log_warnx("reload: status.socket, user and interfaces.lan "
		    "take effect at the next restart");
	status_limits(cfg, &lim);
	if (d->status != NULL && cd_status_reconfigure(d->status,
	    cfg->status.mode, cfg->status.group, &lim, err, sizeof(err)) < 0)
		log_warnx("reload: %s", err);
	cd_prober_reconfigure(&d->prober, cfg);
	cd_sniff_configure(d->sniff, cfg);
	d->cfg = cfg;
	cd_export_reload(d, old);
	cd_config_free(old);
	cd_vantage_refresh(d);
	log_notice("configuration reloaded from %s", d->config_path);
	cd_sd_notify("READY=1");
	return 0;
}

void
cd_daemon_stop(struct cd_daemon *d)
{
	cd_sd_notify("STOPPING=1");
	cd_prober_close(&d->prober);
	cd_sniff_stop(d->sniff);
	d->sniff = NULL;
	cd_export_stop(d);
	cd_status_close(d->status);
	d->status = NULL;
	if (d->signals_on) {
		uv_close((uv_handle_t *)&d->sig_hup, NULL);
		uv_close((uv_handle_t *)&d->sig_term, NULL);
		uv_close((uv_handle_t *)&d->sig_int, NULL);
		d->signals_on = false;
	}
	if (d->recheck_on) {
		uv_close((uv_handle_t *)&d->findings_tick, NULL);
		uv_close((uv_handle_t *)&d->recheck, NULL);
		d->recheck_on = false;
	}
}

void
cd_daemon_free(struct cd_daemon *d)
{
	cd_history_flush(&d->history, &d->cores, &d->findings);
	cd_history_free(&d->history);
	cd_findings_free(&d->findings);
	cd_state_free(&d->state);
	cd_config_free(d->cfg);
	d->cfg = NULL;
}

int
cd_daemon_print(struct json_object *doc, bool json)
{
	struct cd_text_opts	o = { .colour = 0 };
	int			 code;

	if (json) {
		code = cd_report_doc_code(doc);
		puts(json_object_to_json_string_ext(doc,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		o.colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
		code = cd_report_text(stdout, doc, &o);
	}
	fflush(stdout);
	return code;
}

static void
once_done(void *arg)
{
	struct cd_daemon *d = arg;

	d->exit_code = 0;
	cd_prober_close(&d->prober);
}

int
cd_daemon_once(struct cd_daemon *d, bool json)
{
	struct json_object	*doc, *o;
	char			 err[256], buf[32];
	int64_t			 started = cd_now_ms();
	int			 code;

	cd_vantage_default_lan(d->cfg);
	cd_vantage_refresh(d);
	if (cd_prober_run(&d->prober, NULL, once_done, d, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "corediagd: --once: %s\n", err);
		return 3;
	}
	uv_run(d->loop, UV_RUN_DEFAULT);
	doc = cd_daemon_report(d);
	/* What the running daemon reports of itself, for this one run. */
	o = json_object_new_object();
	json_object_object_add(o, "version",
	    json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "started",
	    json_object_new_string(cd_rfc3339(started, buf, sizeof(buf))));
	json_object_object_add(doc, "daemon", o);
	code = cd_daemon_print(doc, json);
	json_object_put(doc);
	return code;
}
