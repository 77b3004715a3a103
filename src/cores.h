/*
 * The Cores by name (corediagd.yaml(5), cores:) and what is remembered of
 * each: when it was first seen, last seen, last online, its last completed
 * handshake, its sessions today and its device ID once learned.  The
 * records outlive a Core's stay in the devices list and, through the state
 * file (history.h), a restart.  An expected Core unseen for
 * cores_missing_after raises core.missing.
 */
#ifndef CD_CORES_H
#define CD_CORES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "cd_config.h"
#include "findings.h"
#include "state.h"

#define CD_CORES_MAX_REC	64	/* records kept, the oldest seen go */

struct cd_core_rec {
	char		 mac[18];	/* "" for a named Core never seen */
	char		 device_id[CD_CORE_ID_LEN + 1];
	int64_t		 first_seen;	/* ms since the epoch; 0: never */
	int64_t		 last_seen;
	int64_t		 last_online;	/* its cloud session last seen up */
	int64_t		 last_handshake; /* last session that came up */
	unsigned	 sessions_today;
	int64_t		 day;		/* UTC day of sessions_today */
	bool		 online;	/* at the last tick */
};

struct cd_cores {
	struct cd_core_rec	 rec[CD_CORES_MAX_REC];
	size_t			 n;
	int64_t			 started;	/* missing counts from */
	unsigned		 changes;	/* bumped on a learned fact */
};

void	cd_cores_init(struct cd_cores *cs, int64_t now);
/* The record of mac, added when add is set (the oldest seen goes). */
struct cd_core_rec *cd_cores_rec(struct cd_cores *cs, const char *mac,
	    bool add);
/* The configured entry for a MAC or a device ID (either may be NULL). */
const struct cd_core_conf *cd_cores_conf(const struct cd_config *cfg,
	    const char *mac, const char *device_id);
/* Its name, or NULL. */
const char *cd_cores_name(const struct cd_config *cfg,
	    const struct cd_cores *cs, const char *mac);

/*
 * Learn from the devices list (IDs, times, sessions), restore what a
 * restart forgot, and raise or clear core.missing.
 */
void	cd_cores_tick(struct cd_cores *cs, const struct cd_config *cfg,
	    struct cd_state *st, struct cd_findings *fs, int64_t now);

/*
 * A finding's log line with the Core's name after the subject:
 * "warning core.x core:MAC: Kitchen: summary".  Returns line itself when
 * the subject has no name.
 */
const char *cd_cores_log_line(const struct cd_config *cfg,
	    const struct cd_cores *cs, const char *line, char *buf,
	    size_t len);

/* The report's "cores": every named or remembered Core (corediagd-json(7)). */
struct json_object *cd_cores_json(const struct cd_cores *cs,
	    const struct cd_config *cfg, const struct cd_state *st,
	    const struct cd_findings *fs);

#endif
