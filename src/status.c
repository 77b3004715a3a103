#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "log.h"
#include "status.h"
#include "util.h"

enum client_state {
	CLIENT_READING,		/* waiting for the command line */
	CLIENT_PENDING,		/* dispatched, the answer comes later */
	CLIENT_REPLYING,	/* answer queued; close once written */
	CLIENT_WATCHING,
	CLIENT_CLOSING,
};

struct cd_status_client {
	uv_pipe_t		 pipe;
	uv_timer_t		 timer;
	struct cd_status	*srv;
	enum client_state	 state;
	int			 open_handles;
	bool			 counted;	/* within max_clients */
	bool			 linger;	/* refused, waits for its line */
	uid_t			 uid;		/* SO_PEERCRED */
	gid_t			 gid;
	size_t			 queued;	/* bytes written, not yet sent */
	char			 name[48];
	size_t			 len;
	char			 buf[CD_STATUS_MAX_LINE + 1];
	struct cd_status_client	*prev, *next;
};

struct cd_status {
	uv_loop_t		*loop;
	uv_pipe_t		 server;
	char			*path;
	struct cd_status_limits	 lim;
	cd_status_dispatch	*dispatch;
	void			*arg;
	struct cd_status_client	*clients;
	unsigned		 nclients;	/* counted ones */
	gid_t			 gid;		/* the socket's group */
	size_t			 queued;	/* over every client */
	uint64_t		 refused_log_ms;	/* last refusal logged */
	unsigned		 refused_quiet;	/* not logged since */
	unsigned		 lingering;	/* refused clients kept open */
	unsigned		 next_id;
};

struct write_req {
	uv_write_t		 req;
	struct cd_status_client	*c;
	size_t			 len;
	char			 data[];
};

static void client_close(struct cd_status_client *c);

const char *
cd_status_client_name(const struct cd_status_client *c)
{
	return c->name;
}

unsigned
cd_status_nclients(const struct cd_status *s)
{
	return s->nclients;
}

static void
client_free_if_done(struct cd_status_client *c)
{
	if (c->open_handles == 0 && c->state == CLIENT_CLOSING)
		free(c);
}

static void
client_handle_closed(uv_handle_t *h)
{
	struct cd_status_client *c = h->data;

	c->open_handles--;
	client_free_if_done(c);
}

static void
client_unlink(struct cd_status_client *c)
{
	struct cd_status *s = c->srv;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	if (c->counted)
		s->nclients--;
	if (c->linger)
		s->lingering--;
	/* Its queued writes are cancelled by the close: free the budget now. */
	s->queued -= c->queued;
	/*
	 * c->next stays: a broadcast that dropped c (make_room) walks on
	 * through it; c is freed by a close callback, after the broadcast.
	 */
}

/*
 * A pending client (its answer not yet given) stays allocated after its
 * handles close: the dispatcher still holds it and frees it by replying.
 */
static void
client_close(struct cd_status_client *c)
{
	bool pending = c->state == CLIENT_PENDING;

	if (c->state == CLIENT_CLOSING || c->srv == NULL)
		return;
	client_unlink(c);
	c->srv = NULL;
	c->state = pending ? CLIENT_PENDING : CLIENT_CLOSING;
	uv_close((uv_handle_t *)&c->pipe, client_handle_closed);
	uv_close((uv_handle_t *)&c->timer, client_handle_closed);
}

static void
write_done(uv_write_t *req, int status)
{
	struct write_req	*w = container_of(req, struct write_req, req);
	struct cd_status_client	*c = w->c;

	c->queued -= w->len;
	if (c->srv != NULL)
		c->srv->queued -= w->len;
	free(w);
	if (c->srv == NULL)
		return;
	if (status < 0 || (c->state == CLIENT_REPLYING && !c->linger))
		client_close(c);
}

/* The client with the most output queued: the slowest reader. */
static struct cd_status_client *
slowest_client(struct cd_status *s)
{
	struct cd_status_client	*c, *worst = NULL;

	for (c = s->clients; c != NULL; c = c->next)
		if (worst == NULL || c->queued > worst->queued)
			worst = c;
	return worst;
}

/*
 * Each client may queue CD_STATUS_MAX_QUEUE bytes, and all of them
 * together CD_STATUS_QUEUE_BUDGET: past that the slowest readers go first,
 * so a few stuck watchers cannot hold the router's memory.
 */
static int
make_room(struct cd_status_client *c, size_t n)
{
	struct cd_status	*s = c->srv;
	struct cd_status_client	*worst;

	if (c->queued + n > CD_STATUS_MAX_QUEUE) {
		log_warnx("status: %s reads too slowly, dropped", c->name);
		client_close(c);
		return -ENOBUFS;
	}
	while (s->queued + n > CD_STATUS_QUEUE_BUDGET &&
	    (worst = slowest_client(s)) != NULL && worst->queued > 0) {
		log_warnx("status: output budget (%u KiB) spent: %s, the "
		    "slowest reader, dropped", CD_STATUS_QUEUE_BUDGET / 1024,
		    worst->name);
		client_close(worst);
		if (worst == c)
			return -ENOBUFS;
	}
	return 0;
}

static int
client_write(struct cd_status_client *c, const char *line)
{
	size_t			 n = strlen(line);
	struct write_req	*w;
	uv_buf_t		 b;
	int			 rc;

	if ((rc = make_room(c, n + 1)) < 0)
		return rc;
	w = cd_calloc(1, sizeof(*w) + n + 2);
	w->c = c;
	w->len = n + 1;
	memcpy(w->data, line, n);
	w->data[n] = '\n';
	b = uv_buf_init(w->data, (unsigned)n + 1);
	if ((rc = uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1,
	    write_done)) < 0) {
		free(w);
		client_close(c);
		return rc;
	}
	c->queued += w->len;
	c->srv->queued += w->len;
	return 0;
}

static void
idle_timeout(uv_timer_t *t)
{
	struct cd_status_client *c = t->data;

	if (c->state == CLIENT_READING) {
		cd_status_reply_error(c, "idle timeout: no command line within %llu ms",
		    (unsigned long long)c->srv->lim.idle_timeout_ms);
		return;
	}
	log_debug("status: %s did not read its answer in time", c->name);
	client_close(c);
}

void
cd_status_reply(struct cd_status_client *c, const char *line)
{
	if (c->srv == NULL) {		/* went away while pending */
		c->state = CLIENT_CLOSING;
		client_free_if_done(c);
		return;
	}
	c->state = CLIENT_REPLYING;
	uv_read_stop((uv_stream_t *)&c->pipe);
	/* A client that does not read its answer is dropped all the same. */
	uv_timer_start(&c->timer, idle_timeout, c->srv->lim.idle_timeout_ms, 0);
	client_write(c, line);
}

void
cd_status_reply_error(struct cd_status_client *c, const char *fmt, ...)
{
	struct json_object	*o;
	char			 msg[512];
	va_list			 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(msg));
	cd_status_reply(c, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void
alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct cd_status_client *c = h->data;
	static char discard[256];

	(void)suggested;
	if (c->state != CLIENT_READING) {	/* a watcher's chatter */
		*b = uv_buf_init(discard, sizeof(discard));
		return;
	}
	*b = uv_buf_init(c->buf + c->len, (unsigned)(sizeof(c->buf) - c->len));
}

const char *
cd_status_parse_line(char *buf, size_t len, char **cmd, char **cmdarg)
{
	char	*nl, *line, *arg, *end;

	if ((nl = memchr(buf, '\n', len)) == NULL)
		return len > CD_STATUS_MAX_LINE ? "command line too long" : NULL;
	*nl = '\0';
	if (memchr(buf, '\0', (size_t)(nl - buf)) != NULL)
		return "command line holds a NUL byte";
	line = buf;
	end = nl;
	while (end > line && (end[-1] == '\r' || end[-1] == ' ' ||
	    end[-1] == '\t'))
		*--end = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	arg = line + strcspn(line, " \t");
	if (*arg != '\0') {
		*arg++ = '\0';
		arg += strspn(arg, " \t");
	}
	*cmd = line;
	*cmdarg = arg;
	return "";
}

static void
client_line(struct cd_status_client *c, char *line, char *arg)
{
	uv_timer_stop(&c->timer);
	uv_read_stop((uv_stream_t *)&c->pipe);
	c->state = CLIENT_PENDING;
	log_debug("status: %s: %s %s", c->name, line, arg);
	if (*line == '\0') {
		cd_status_reply_error(c, "empty command line");
		return;
	}
	c->srv->dispatch(c->srv->arg, c, line, arg);
}

static void
read_cb(uv_stream_t *stream, ssize_t nread, const uv_buf_t *b)
{
	struct cd_status_client	*c = stream->data;
	const char		*why;
	char			*cmd, *arg;

	(void)b;
	if (nread < 0) {
		client_close(c);
		return;
	}
	if (c->state != CLIENT_READING || nread == 0)
		return;
	c->len += (size_t)nread;
	if ((why = cd_status_parse_line(c->buf, c->len, &cmd, &arg)) == NULL)
		return;			/* not a whole line yet */
	if (why[0] == '\0')
		client_line(c, cmd, arg);
	else if (strcmp(why, "command line too long") == 0)
		cd_status_reply_error(c, "command line too long (at most %d bytes)",
		    CD_STATUS_MAX_LINE);
	else
		cd_status_reply_error(c, "%s", why);
}

void
cd_status_watch(struct cd_status_client *c)
{
	if (c->srv == NULL) {
		cd_status_reply(c, "");
		return;
	}
	c->state = CLIENT_WATCHING;
	/* Keep reading, only to notice when the client goes away. */
	uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, read_cb);
}

void
cd_status_broadcast(struct cd_status *s, const char *line)
{
	struct cd_status_client *c, *next;

	for (c = s->clients; c != NULL; c = next) {
		next = c->next;
		if (c->state == CLIENT_WATCHING && c->srv != NULL)
			client_write(c, line);
	}
}

/* Who is at the other end: -errno if the kernel will not say. */
static int
client_cred(struct cd_status_client *c, unsigned id)
{
	struct ucred	cred;
	socklen_t	len = sizeof(cred);
	uv_os_fd_t	fd;

	snprintf(c->name, sizeof(c->name), "client %u", id);
	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -EACCES;
	c->uid = cred.uid;
	c->gid = cred.gid;
	snprintf(c->name, sizeof(c->name), "client %u (pid %ld, uid %ld)", id,
	    (long)cred.pid, (long)cred.uid);
	return 0;
}

/* Root, the daemon's own user, and members of the socket's group. */
static bool
client_authorized(const struct cd_status *s, const struct cd_status_client *c)
{
	gid_t		groups[256];
	socklen_t	len = sizeof(groups);
	uv_os_fd_t	fd;

	if (c->uid == 0 || c->uid == geteuid() || c->gid == s->gid)
		return true;
	if (uv_fileno((const uv_handle_t *)&c->pipe, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (size_t i = 0; i < len / sizeof(groups[0]); i++)
		if (groups[i] == s->gid)
			return true;
	return false;
}

static unsigned
uid_connections(const struct cd_status *s, uid_t uid)
{
	const struct cd_status_client	*c;
	unsigned			 n = 0;

	for (c = s->clients; c != NULL; c = c->next)
		if (c->counted && c->uid == uid)
			n++;
	return n;
}

/* Refusals are logged at most once per CD_STATUS_REFUSAL_LOG_MS. */
static void
refuse(struct cd_status *s, struct cd_status_client *c, const char *why)
{
	uint64_t now = uv_now(s->loop);

	if (s->refused_log_ms == 0 ||
	    now - s->refused_log_ms >= CD_STATUS_REFUSAL_LOG_MS) {
		if (s->refused_quiet > 0)
			log_warnx("status: %s refused: %s (and %u more "
			    "refused since the last such line)", c->name, why,
			    s->refused_quiet);
		else
			log_warnx("status: %s refused: %s", c->name, why);
		s->refused_log_ms = now;
		s->refused_quiet = 0;
	} else
		s->refused_quiet++;
	/*
	 * Closed with its command line unread, the connection would be reset
	 * before the client reads why: a few refused clients stay open,
	 * reading, until they close or CD_STATUS_LINGER_MS pass.
	 */
	if (s->lingering < CD_STATUS_MAX_LINGER) {
		c->linger = true;
		s->lingering++;
	}
	cd_status_reply_error(c, "%s", why);
	if (!c->linger || c->srv == NULL)
		return;
	uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, read_cb);
	uv_timer_start(&c->timer, idle_timeout, CD_STATUS_LINGER_MS, 0);
}

static void
accept_cb(uv_stream_t *server, int status)
{
	struct cd_status	*s = server->data;
	struct cd_status_client	*c;
	char			 why[128];

	if (status < 0) {
		log_warnx("status: accept: %s", uv_strerror(status));
		return;
	}
	c = cd_calloc(1, sizeof(*c));
	c->srv = s;
	uv_pipe_init(s->loop, &c->pipe, 0);
	uv_timer_init(s->loop, &c->timer);
	c->pipe.data = c->timer.data = c;
	c->open_handles = 2;
	if ((c->next = s->clients) != NULL)
		c->next->prev = c;
	s->clients = c;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) < 0) {
		client_close(c);
		return;
	}
	if (client_cred(c, ++s->next_id) < 0 || !client_authorized(s, c)) {
		refuse(s, c, "not authorized: only root and the socket's "
		    "group may use it");
		return;
	}
	if (s->nclients >= s->lim.max_clients) {
		snprintf(why, sizeof(why), "too many clients (at most %u): "
		    "try again later", s->lim.max_clients);
		refuse(s, c, why);
		return;
	}
	if (s->lim.max_per_uid > 0 &&
	    uid_connections(s, c->uid) >= s->lim.max_per_uid) {
		snprintf(why, sizeof(why), "too many connections from uid %ld "
		    "(at most %u)", (long)c->uid, s->lim.max_per_uid);
		refuse(s, c, why);
		return;
	}
	c->counted = true;
	s->nclients++;
	uv_timer_start(&c->timer, idle_timeout, s->lim.idle_timeout_ms, 0);
	uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, read_cb);
}

/* 1 if something accepts connections on path, 0 if not, -errno on doubt. */
static int
socket_is_live(const char *path)
{
	struct sockaddr_un	sun;
	int			fd, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	if (rc == 0 || errno == EAGAIN)
		rc = 1;
	else if (errno == ECONNREFUSED || errno == ENOENT)
		rc = 0;
	else
		rc = -errno;
	close(fd);
	return rc;
}

/*
 * Whoever may write the socket's directory may swap the socket for a
 * symlink between two of our calls: it must be root's or ours alone.
 */
static int
check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(dir, &st) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory (a symlink?): "
		    "the status socket's directory must be a real one", dir);
		return -1;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    ((st.st_mode & 022) && !(st.st_mode & S_ISVTX))) {
		snprintf(err, errlen, "%s belongs to uid %ld with mode %04o: "
		    "the status socket's directory must belong to root (or "
		    "the daemon's user) and be writable by no one else", dir,
		    (long)st.st_uid, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

static int
prepare_path(const char *path, char *err, size_t errlen)
{
	struct stat	st;
	char		dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char		*slash;
	int		live;

	if (strlen(path) >= sizeof(dir)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: cannot create directory: %s",
			    dir, strerror(errno));
			return -errno;
		}
		if (check_dir(dir, err, errlen) < 0)
			return -EPERM;
	}
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket: "
		    "remove it or set status.socket", path);
		return -EEXIST;
	}
	if ((live = socket_is_live(path)) > 0) {
		snprintf(err, errlen, "%s: another corediagd is already "
		    "listening there: stop it first", path);
		return -EADDRINUSE;
	}
	if (live < 0) {
		snprintf(err, errlen, "%s: cannot tell whether the socket is "
		    "in use: %s", path, strerror(-live));
		return live;
	}
	log_notice("status: replacing stale socket %s", path);
	if (unlink(path) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: cannot remove stale socket: %s",
		    path, strerror(errno));
		return -errno;
	}
	return 0;
}

/* The gid group names, or the process's when group is "". */
static int
group_gid(const char *path, const char *group, gid_t *gid, char *err,
    size_t errlen)
{
	struct group *gr;

	if (group == NULL || group[0] == '\0') {
		*gid = getegid();
		return 0;
	}
	if ((gr = getgrnam(group)) == NULL) {
		snprintf(err, errlen, "%s: group '%s' does not exist "
		    "(create it, or set status.group to \"\")", path, group);
		return -ENOENT;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* Neither call follows a symlink put in the socket's place. */
static int
apply_mode(struct cd_status *s, mode_t mode, const char *group, char *err,
    size_t errlen)
{
	struct stat	st;
	gid_t		gid;
	int		rc;

	if ((rc = group_gid(s->path, group, &gid, err, errlen)) < 0)
		return rc;
	if (fchmodat(AT_FDCWD, s->path, mode, AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(err, errlen, "%s: chmod %04o: %s", s->path,
		    (unsigned)mode, strerror(errno));
		return -errno;
	}
	/* chown is outside the unit's system call filter: only if needed. */
	if (fstatat(AT_FDCWD, s->path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_gid == gid) {
		s->gid = gid;
		return 0;
	}
	if (fchownat(AT_FDCWD, s->path, (uid_t)-1, gid,
	    AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(err, errlen, "%s: chown to group %s: %s", s->path,
		    group, strerror(errno));
		return -errno;
	}
	s->gid = gid;
	return 0;
}

int
cd_status_chown(struct cd_status *s, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	(void)gid;	/* the group stays the one the configuration gave */
	if (fchownat(AT_FDCWD, s->path, uid, (gid_t)-1,
	    AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(err, errlen, "%s: chown to uid %ld: %s", s->path,
		    (long)uid, strerror(errno));
		return -errno;
	}
	return 0;
}

static void
server_closed(uv_handle_t *h)
{
	struct cd_status *s = h->data;

	free(s->path);
	free(s);
}

int
cd_status_open(uv_loop_t *loop, const char *path, mode_t mode,
    const char *group, const struct cd_status_limits *lim,
    cd_status_dispatch *dispatch, void *arg, struct cd_status **out,
    char *err, size_t errlen)
{
	struct cd_status	*s;
	mode_t			 old;
	int			 rc;

	if ((rc = prepare_path(path, err, errlen)) < 0)
		return rc;
	s = cd_calloc(1, sizeof(*s));
	s->loop = loop;
	s->path = cd_strdup(path);
	s->lim = *lim;
	s->dispatch = dispatch;
	s->arg = arg;
	uv_pipe_init(loop, &s->server, 0);
	s->server.data = s;
	/* Born with its mode: never a moment with more. */
	old = umask(~mode & 0777);
	rc = uv_pipe_bind(&s->server, path);
	umask(old);
	if (rc < 0 ||
	    (rc = uv_listen((uv_stream_t *)&s->server, 128, accept_cb)) < 0) {
		snprintf(err, errlen, "%s: %s", path, uv_strerror(rc));
		goto fail;
	}
	if ((rc = apply_mode(s, mode, group, err, errlen)) < 0) {
		unlink(path);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	uv_close((uv_handle_t *)&s->server, server_closed);
	return rc;
}

int
cd_status_reconfigure(struct cd_status *s, mode_t mode, const char *group,
    const struct cd_status_limits *lim, char *err, size_t errlen)
{
	s->lim = *lim;
	return apply_mode(s, mode, group, err, errlen);
}

void
cd_status_close(struct cd_status *s)
{
	if (s == NULL)
		return;
	while (s->clients != NULL)
		client_close(s->clients);
	/* After the drop the directory is not ours: the next start replaces it. */
	if (unlink(s->path) < 0 && errno != ENOENT && errno != EACCES)
		log_warn("status: cannot remove %s", s->path);
	uv_close((uv_handle_t *)&s->server, server_closed);
}
