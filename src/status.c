#include "config.h"

#include <errno.h>
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
	char			*made_dir;	/* the directory we created, or NULL */
	unsigned		 next_id;
};

struct write_req {
	uv_write_t		 req;
	struct cd_status_client	*c;
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
	c->prev = c->next = NULL;
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

	free(w);
	if (c->srv == NULL)
		return;
	if (status < 0 || c->state == CLIENT_REPLYING)
		client_close(c);
}

static int
client_write(struct cd_status_client *c, const char *line)
{
	size_t			 n = strlen(line);
	struct write_req	*w;
	uv_buf_t		 b;
	int			 rc;

	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) >
	    CD_STATUS_MAX_QUEUE) {
		log_warnx("status: %s reads too slowly, dropped", c->name);
		client_close(c);
		return -ENOBUFS;
	}
	w = cd_calloc(1, sizeof(*w) + n + 2);
	w->c = c;
	memcpy(w->data, line, n);
	w->data[n] = '\n';
	b = uv_buf_init(w->data, (unsigned)n + 1);
	if ((rc = uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1,
	    write_done)) < 0) {
		free(w);
		client_close(c);
	}
	return rc;
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

static void
client_line(struct cd_status_client *c, char *line)
{
	char	*arg, *end;

	end = line + strlen(line);
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
	char			*nl;

	(void)b;
	if (nread < 0) {
		client_close(c);
		return;
	}
	if (c->state != CLIENT_READING || nread == 0)
		return;
	c->len += (size_t)nread;
	if ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
		*nl = '\0';
		if (memchr(c->buf, '\0', (size_t)(nl - c->buf)) != NULL) {
			cd_status_reply_error(c, "command line holds a NUL byte");
			return;
		}
		client_line(c, c->buf);
	} else if (c->len > CD_STATUS_MAX_LINE)
		cd_status_reply_error(c, "command line too long (at most %d bytes)",
		    CD_STATUS_MAX_LINE);
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
		if (c->state == CLIENT_WATCHING)
			client_write(c, line);
	}
}

static void
client_name(struct cd_status_client *c, unsigned id)
{
	struct ucred	cred;
	socklen_t	len = sizeof(cred);
	uv_os_fd_t	fd;

	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
		snprintf(c->name, sizeof(c->name), "client %u (pid %ld)", id,
		    (long)cred.pid);
	else
		snprintf(c->name, sizeof(c->name), "client %u", id);
}

static void
accept_cb(uv_stream_t *server, int status)
{
	struct cd_status	*s = server->data;
	struct cd_status_client	*c;

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
	client_name(c, ++s->next_id);
	if (s->nclients >= s->lim.max_clients) {
		log_warnx("status: %s refused: %u clients already",
		    c->name, s->nclients);
		cd_status_reply_error(c, "too many clients (at most %u): try again later",
		    s->lim.max_clients);
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

static int
prepare_path(const char *path, char **made_dir, char *err, size_t errlen)
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
		if (mkdir(dir, 0755) == 0)
			*made_dir = cd_strdup(dir);
		else if (errno != EEXIST) {
			snprintf(err, errlen, "%s: cannot create directory: %s",
			    dir, strerror(errno));
			return -errno;
		}
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

static int
apply_mode(const char *path, mode_t mode, const char *group, char *err,
    size_t errlen)
{
	struct group *gr;

	if (chmod(path, mode) < 0) {
		snprintf(err, errlen, "%s: chmod %04o: %s", path,
		    (unsigned)mode, strerror(errno));
		return -errno;
	}
	if (group == NULL || group[0] == '\0')
		return 0;
	if ((gr = getgrnam(group)) == NULL) {
		snprintf(err, errlen, "%s: group '%s' does not exist "
		    "(create it, or set status.group to \"\")", path, group);
		return -ENOENT;
	}
	if (chown(path, (uid_t)-1, gr->gr_gid) < 0) {
		snprintf(err, errlen, "%s: chown to group %s: %s", path,
		    group, strerror(errno));
		return -errno;
	}
	return 0;
}

int
cd_status_chown(struct cd_status *s, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	/* Keep the group the configuration gave the socket. */
	if (chown(s->path, uid, (gid_t)-1) < 0 ||
	    (s->made_dir != NULL && chown(s->made_dir, uid, gid) < 0)) {
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
	free(s->made_dir);
	free(s);
}

int
cd_status_open(uv_loop_t *loop, const char *path, mode_t mode,
    const char *group, const struct cd_status_limits *lim,
    cd_status_dispatch *dispatch, void *arg, struct cd_status **out,
    char *err, size_t errlen)
{
	struct cd_status	*s;
	char			*made_dir = NULL;
	int			 rc;

	if ((rc = prepare_path(path, &made_dir, err, errlen)) < 0) {
		free(made_dir);
		return rc;
	}
	s = cd_calloc(1, sizeof(*s));
	s->made_dir = made_dir;
	s->loop = loop;
	s->path = cd_strdup(path);
	s->lim = *lim;
	s->dispatch = dispatch;
	s->arg = arg;
	uv_pipe_init(loop, &s->server, 0);
	s->server.data = s;
	if ((rc = uv_pipe_bind(&s->server, path)) < 0 ||
	    (rc = uv_listen((uv_stream_t *)&s->server, 128, accept_cb)) < 0) {
		snprintf(err, errlen, "%s: %s", path, uv_strerror(rc));
		goto fail;
	}
	if ((rc = apply_mode(path, mode, group, err, errlen)) < 0) {
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
	return apply_mode(s->path, mode, group, err, errlen);
}

void
cd_status_close(struct cd_status *s)
{
	if (s == NULL)
		return;
	while (s->clients != NULL)
		client_close(s->clients);
	if (unlink(s->path) < 0 && errno != ENOENT)
		log_warn("status: cannot remove %s", s->path);
	uv_close((uv_handle_t *)&s->server, server_closed);
}
