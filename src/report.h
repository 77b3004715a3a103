/*
 * The report: findings, devices and probes as corediagd-json(7), and the human
 * text that corediagd-ctl, --once and --read print from that same JSON.
 */
#ifndef CD_REPORT_H
#define CD_REPORT_H

#include <stdio.h>
#include <json-c/json.h>

#include "findings.h"
#include "state.h"

#define CD_REPORT_VERSION 1

struct json_object *cd_report_finding_json(const struct cd_finding *f);
struct json_object *cd_report_findings_json(const struct cd_findings *fs);
struct json_object *cd_report_devices_json(const struct cd_state *st);
struct json_object *cd_report_probes_json(const struct cd_state *st);
/* {"version":1,"generated":...,"host":...,"findings":...,"devices":...,"probes":...} */
struct json_object *cd_report_json(const struct cd_findings *fs,
	    const struct cd_state *st, const char *host, int64_t now);
/* The document on one line, without a newline; caller frees. */
char	*cd_report_line(struct json_object *doc);

/* report_text.c: formatting a received document for people. */
struct cd_text_opts {
	int			 colour;
	/* The report's cores array, to name a Core beside its subject. */
	struct json_object	*cores;
};
/* The string value of o's key (numbers as text), or NULL. */
const char *cd_report_str(struct json_object *o, const char *key);
/* SPEC's exit code from a findings array: 0, 1 or 2 (3 if malformed). */
int	cd_report_exit_code(struct json_object *findings);
/* The human report; returns the exit code of its findings. */
int	cd_report_text(FILE *out, struct json_object *doc,
	    const struct cd_text_opts *o);
void	cd_report_text_findings(FILE *out, struct json_object *findings,
	    const struct cd_text_opts *o);
void	cd_report_text_devices(FILE *out, struct json_object *devices,
	    const struct cd_text_opts *o);
void	cd_report_text_probes(FILE *out, struct json_object *probes,
	    const struct cd_text_opts *o);
/* report_forum.c: the post of corediagd-ctl report --forum; exit code. */
struct cd_config;
/* The Cores by name, and what to check when the network is not the cause. */
void	cd_report_text_cores(FILE *out, struct json_object *doc);
int	cd_report_forum(FILE *out, struct json_object *doc,
	    const struct cd_config *cfg);
/* The exit code of a whole report: 3 when every probe in it failed to run. */
int	cd_report_doc_code(struct json_object *doc);
/* report_infer.c: where a finding comes from, what findings imply. */
const char *cd_report_source(struct json_object *finding);
int	cd_report_infer(FILE *out, struct json_object *findings);
/* One line for a `watch` event. */
void	cd_report_text_event(FILE *out, struct json_object *ev,
	    const struct cd_text_opts *o);

#endif
