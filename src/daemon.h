/* The daemon: its one struct, the status commands, reload and shutdown. */
#ifndef CD_DAEMON_H
#define CD_DAEMON_H

#include <stdbool.h>
#include <uv.h>

#include "cd_config.h"
#include "cores.h"
#include "findings.h"
#include "history.h"
#include "probe.h"
#include "sniff.h"
#include "state.h"
#include "status.h"

struct cd_daemon {
	uv_loop_t		*loop;
	struct cd_config	*cfg;
	const char		*config_path;	/* what -c said, or the default */
	struct cd_findings	 findings;
	struct cd_state		 state;
	struct cd_cores		 cores;		/* names, records, missing */
	struct cd_history	 history;	/* state_dir's file */
	struct cd_prober	 prober;
	struct cd_status	*status;	/* NULL in --once and --read */
	struct cd_sniff		*sniff;		/* the live capture, or NULL */
	struct cd_export	*export;	/* metrics.textfile, syslog.remote */
	uv_signal_t		 sig_hup, sig_term, sig_int;
	bool			 signals_on;
	uv_timer_t		 findings_tick;	/* releases flap holds */
	struct cd_sniff_clock	 findings_clock; /* steps shift the findings */
	uv_timer_t		 recheck;	/* internet re-check (internet.h) */
	bool			 recheck_on, recheck_pending;
	uint64_t		 recheck_last;	/* uv_now of the last one */
	char			 host[256];
	int			 exit_code;
	uint64_t		 probe_asked_ms; /* uv_now of the last `probe` run */
};

/* `probe` from the status socket starts at most one run per this. */
#define CD_PROBE_ASK_GAP_MS	10000

/* Set up the parts every mode shares; takes ownership of cfg. */
void	cd_daemon_init(struct cd_daemon *d, uv_loop_t *loop,
	    struct cd_config *cfg, const char *config_path);
/* The long-running part: status socket, signals, scheduled probes. */
int	cd_daemon_start(struct cd_daemon *d, char *err, size_t errlen);
/* Stop the loop's work; the loop then runs out and main returns. */
void	cd_daemon_stop(struct cd_daemon *d);
void	cd_daemon_free(struct cd_daemon *d);
/* Reload the configuration from config_path; a bad one keeps the old. */
int	cd_daemon_reload(struct cd_daemon *d);

/*
 * The wall clock stepped by step ms: the findings and the Wi-Fi-only
 * devices move with it (the capture moves its own Cores).
 */
void	cd_daemon_clock_stepped(struct cd_daemon *d, int64_t step);

/* The configured or learned name of a "core:MAC" subject, or NULL. */
const char *cd_daemon_core_name(const struct cd_daemon *d,
	    const char *subject);

/* {"version":1,...}: the whole report as SPEC describes it. */
struct json_object *cd_daemon_report(const struct cd_daemon *d);

/* --once: run every probe once, print the report; returns the exit code. */
int	cd_daemon_once(struct cd_daemon *d, bool json);
/* --read: analyse a capture file; returns the exit code. */
int	cd_offline_read(struct cd_daemon *d, const char *file, bool json);
/* The same in two steps, to drop privileges between open and read. */
struct pcap;
struct pcap *cd_offline_open(const char *file);
int	cd_offline_read_pcap(struct cd_daemon *d, struct pcap *p,
	    const char *file, bool json);
/* Print a report document as JSON or as text; returns its exit code. */
int	cd_daemon_print(struct json_object *doc, bool json);

#endif
