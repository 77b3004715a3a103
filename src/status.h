/*
 * The status socket: transport only.  A client writes one command line and
 * reads one JSON line back; `watch` clients then get one line per change.
 * What a command means is the dispatcher's business (daemon.c).
 */
#ifndef CD_STATUS_H
#define CD_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#define CD_STATUS_MAX_LINE	1024		/* bytes in a command line */
#define CD_STATUS_MAX_QUEUE	(256 * 1024)	/* unread bytes per client */
#define CD_STATUS_QUEUE_BUDGET	(4 * 1024 * 1024) /* over all clients */
#define CD_STATUS_MAX_PER_UID	64		/* connections of one uid */
#define CD_STATUS_REFUSAL_LOG_MS 10000		/* one refusal line per */
#define CD_STATUS_MAX_LINGER	64		/* refused, still open */
#define CD_STATUS_LINGER_MS	1000

struct cd_status;
struct cd_status_client;

/* cmd is the first word of the line, arg the rest ("" when none). */
typedef void cd_status_dispatch(void *arg, struct cd_status_client *c,
	    const char *cmd, const char *cmdarg);

struct cd_status_limits {
	unsigned	max_clients;
	uint64_t	idle_timeout_ms;
	unsigned	max_per_uid;	/* 0: no cap per uid */
};

/*
 * Listen on path.  A stale socket file (nobody accepts on it) is replaced;
 * a live one is not: -EADDRINUSE with the reason in err.  Mode and group
 * ("" keeps the process's) are applied to the socket file, which is
 * created with that mode; no call follows a symlink, and the directory
 * must be a real one owned by root or the daemon's user, not writable by
 * others (unless sticky).  Only root, the daemon's user and the socket's
 * group are answered.
 */
int	cd_status_open(uv_loop_t *loop, const char *path, mode_t mode,
	    const char *group, const struct cd_status_limits *lim,
	    cd_status_dispatch *dispatch, void *arg, struct cd_status **out,
	    char *err, size_t errlen);
/* Apply a reloaded configuration's mode, group and limits. */
int	cd_status_reconfigure(struct cd_status *s, mode_t mode,
	    const char *group, const struct cd_status_limits *lim,
	    char *err, size_t errlen);
/*
 * Give the socket file to the user the daemon is about to become, so that
 * a reload can still change its mode.  Its directory stays root's: that
 * user cannot then remove the socket at exit, and the next start replaces
 * the stale socket.
 */
int	cd_status_chown(struct cd_status *s, uid_t uid, gid_t gid, char *err,
	    size_t errlen);
/* Stop listening, drop every client, remove the socket file. */
void	cd_status_close(struct cd_status *s);
unsigned cd_status_nclients(const struct cd_status *s);

/* Answer a client with one line (a newline is added) and close it. */
void	cd_status_reply(struct cd_status_client *c, const char *line);
/* Answer {"error":"..."} and close. */
void	cd_status_reply_error(struct cd_status_client *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Make c a watcher: it gets every cd_status_broadcast() line until it closes. */
void	cd_status_watch(struct cd_status_client *c);
void	cd_status_broadcast(struct cd_status *s, const char *line);
/*
 * The command line in buf[0..len): NULL while no newline came (and len is
 * within CD_STATUS_MAX_LINE), "" with *cmd and *cmdarg pointing into buf
 * (blanks trimmed), or the reason it is refused.  Pure: fuzzed.
 */
const char *cd_status_parse_line(char *buf, size_t len, char **cmd,
	    char **cmdarg);
/* A short name for logs: "client 7". */
const char *cd_status_client_name(const struct cd_status_client *c);

#endif
