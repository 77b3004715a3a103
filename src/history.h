/*
 * The history: what a restart must not forget (the Cores' records of
 * cores.h, each finding's first_seen and count), kept in one small JSON
 * file, STATE_DIR/state.json (corediagd(8), FILES).  It is written
 * atomically (a temporary file, fsync, rename) on a worker thread, at most
 * every CD_HISTORY_SOON_MS when something was learned and every
 * CD_HISTORY_EVERY_MS otherwise, and once more at shutdown.  A file that is
 * damaged or not ours is logged once, set aside as state.json.bad, and
 * the daemon starts afresh.
 */
#ifndef CD_HISTORY_H
#define CD_HISTORY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "cores.h"
#include "findings.h"

#define CD_HISTORY_MAX_BYTES	(256 * 1024)	/* larger is not ours */
#define CD_HISTORY_MAX_FINDINGS	256
#define CD_HISTORY_SOON_MS	(10 * 1000)
#define CD_HISTORY_EVERY_MS	(5 * 60 * 1000)
#define CD_HISTORY_FORMAT	"corediagd-state"

struct cd_history_past {
	char		 id[64];
	char		 subject[128];
	int64_t		 first_seen;
	unsigned long	 count;
};

struct cd_history {
	char			 path[PATH_MAX];	/* "" = no history */
	struct cd_history_past	 past[CD_HISTORY_MAX_FINDINGS];
	size_t			 npast;
	char			*written;	/* what the file holds */
	unsigned		 changes;	/* cores' at the last write */
	int64_t			 last_write;
	bool			 busy;		/* a write on a worker */
	bool			 warned;	/* a failure was logged */
};

/* Read dir's state file into cs and h; never fails (logs and starts afresh). */
void	cd_history_load(struct cd_history *h, const char *dir,
	    struct cd_cores *cs);
/* The findings' recall hook: first_seen and count from the file. */
void	cd_history_recall(void *arg, struct cd_finding *f);

/* The file's text now; caller frees. */
char	*cd_history_text(const struct cd_history *h,
	    const struct cd_cores *cs, const struct cd_findings *fs);
/* Write it if due, on loop's worker threads. */
void	cd_history_tick(struct cd_history *h, uv_loop_t *loop,
	    const struct cd_cores *cs, const struct cd_findings *fs,
	    int64_t now);
/* Write it now, on this thread (shutdown). */
void	cd_history_flush(struct cd_history *h, const struct cd_cores *cs,
	    const struct cd_findings *fs);
void	cd_history_free(struct cd_history *h);

#endif
