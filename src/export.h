/*
 * What the daemon exports for a fleet of routers: metrics.textfile for
 * Prometheus and syslog.remote for a central syslog (docs/fleet.md), and
 * their part of the report ("daemon", "capture", "syslog_remote").
 */
#ifndef CD_EXPORT_H
#define CD_EXPORT_H

#include <json-c/json.h>

#include "findings.h"

struct cd_daemon;
struct cd_config;

/* Start what the configuration asks for; failures are logged, not fatal. */
void	cd_export_start(struct cd_daemon *d);
/* Follow a reload: d->cfg is the new configuration, old the previous. */
void	cd_export_reload(struct cd_daemon *d, const struct cd_config *old);
void	cd_export_stop(struct cd_daemon *d);
/* A finding was raised, changed or cleared. */
void	cd_export_event(struct cd_daemon *d, enum cd_finding_event ev,
	    const struct cd_finding *f);
/* Add the daemon's own section, the capture's counters and remote syslog's. */
void	cd_export_report(const struct cd_daemon *d, struct json_object *doc);

#endif
