/*
 * Prometheus's text exposition format, made from the report document:
 * the same JSON `corediagd-ctl report --json` prints, so the metrics say
 * nothing the report does not (see corediagd-ctl(8) for the families).
 */
#ifndef CD_METRICS_H
#define CD_METRICS_H

#include <json-c/json.h>

/* The exposition text of a report document; malloc'd, NULL on OOM. */
char	*cd_metrics_text(struct json_object *doc);

#endif
