/*
 * The daemon's exports: glue between the findings watcher and the two
 * outputs a fleet collects (metrics.textfile, syslog.remote), and the
 * report's sections they read back.  Both are optional and neither can
 * stop the daemon: a bad target is logged and the rest runs on.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "export.h"
#include "log.h"
#include "metrics.h"
#include "metrics_file.h"
#include "sniff.h"
#include "syslog5424.h"
#include "syslog_remote.h"
#include "util.h"

struct cd_export {
	struct cd_metrics_file	*metrics;
	struct cd_syslog_remote	*remote;
	int64_t			 started;
};

static char *
metrics_text(void *arg)
{
	struct cd_daemon	*d = arg;
	struct json_object	*doc = cd_daemon_report(d);
	char			*text = cd_metrics_text(doc);

	json_object_put(doc);
	return text;
}

static void
metrics_open(struct cd_daemon *d)
{
	if (d->cfg->metrics.textfile[0] != '\0')
		d->export->metrics = cd_metrics_file_open(d->loop,
		    d->cfg->metrics.textfile, metrics_text, d);
}

static void
remote_open(struct cd_daemon *d)
{
	char err[256];

	if (d->cfg->syslog.remote[0] == '\0')
		return;
	if (cd_syslog_remote_open(d->loop, d->cfg->syslog.remote,
	    &d->export->remote, err, sizeof(err)) < 0)
		log_warnx("syslog.remote: %s", err);
}

void
cd_export_start(struct cd_daemon *d)
{
	d->export = cd_calloc(1, sizeof(*d->export));
	d->export->started = cd_now_ms();
	metrics_open(d);
	remote_open(d);
}

void
cd_export_reload(struct cd_daemon *d, const struct cd_config *old)
{
	struct cd_export *e = d->export;

	if (e == NULL)
		return;
	if (strcmp(d->cfg->metrics.textfile, old->metrics.textfile) != 0) {
		cd_metrics_file_close(e->metrics);
		e->metrics = NULL;
		metrics_open(d);
	}
	if (strcmp(d->cfg->syslog.remote, old->syslog.remote) != 0) {
		cd_syslog_remote_close(e->remote);
		e->remote = NULL;
		remote_open(d);
	}
}

void
cd_export_stop(struct cd_daemon *d)
{
	if (d->export == NULL)
		return;
	cd_metrics_file_close(d->export->metrics);
	cd_syslog_remote_close(d->export->remote);
	free(d->export);
	d->export = NULL;
}

void
cd_export_event(struct cd_daemon *d, enum cd_finding_event ev,
    const struct cd_finding *f)
{
	struct cd_syslog_origin	 o;
	char			*msg;
	size_t			 len;

	if (d->export == NULL)
		return;
	if (d->export->metrics != NULL)
		cd_metrics_file_touch(d->export->metrics);
	if (d->export->remote == NULL)
		return;
	o.facility = d->cfg->syslog.facility;
	o.host = d->host;
	o.app = d->cfg->syslog.ident;
	o.pid = (long)getpid();
	o.name = cd_daemon_core_name(d, f->subject);
	len = cd_syslog5424_format(&o, ev, f, cd_now_ms(), &msg);
	cd_syslog_remote_send(d->export->remote, msg, len);
	free(msg);
}

static void
add_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

void
cd_export_report(const struct cd_daemon *d, struct json_object *doc)
{
	struct cd_syslog_remote_stats	 st;
	struct json_object		*o;
	uint64_t			 packets, dropped;
	const char			*ifname;
	char				 buf[32];

	if (d->export == NULL)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "version",
	    json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "started", json_object_new_string(
	    cd_rfc3339(d->export->started, buf, sizeof(buf))));
	json_object_object_add(doc, "daemon", o);
	if ((ifname = cd_sniff_counters(d->sniff, &packets, &dropped)) != NULL) {
		o = json_object_new_object();
		json_object_object_add(o, "interface",
		    json_object_new_string(ifname));
		add_int(o, "packets", (int64_t)packets);
		add_int(o, "dropped", (int64_t)dropped);
		json_object_object_add(doc, "capture", o);
	}
	if (d->export->remote == NULL)
		return;
	cd_syslog_remote_stats(d->export->remote, &st);
	o = json_object_new_object();
	json_object_object_add(o, "target", json_object_new_string(
	    cd_syslog_remote_url(d->export->remote)));
	json_object_object_add(o, "connected",
	    json_object_new_boolean(st.connected));
	add_int(o, "sent", (int64_t)st.sent);
	add_int(o, "dropped", (int64_t)st.dropped);
	add_int(o, "queued", st.queued);
	json_object_object_add(doc, "syslog_remote", o);
}
