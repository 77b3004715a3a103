/*
 * The textfile writer.  A write is a chain of uv_fs requests on libuv's
 * thread pool (open the temporary file, write, fsync, close, rename), so
 * a slow flash never stalls the loop; node_exporter only reads *.prom,
 * and rename(2) makes it see either the old file or the new one.  One
 * chain runs at a time; a change meanwhile asks for one more write.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "metrics_file.h"
#include "util.h"

enum step { S_IDLE, S_OPEN, S_CHMOD, S_WRITE, S_FSYNC, S_CLOSE, S_RENAME };

struct cd_metrics_file {
	uv_loop_t		*loop;
	char			*path, *tmp;
	cd_metrics_text_fn	*fn;
	void			*arg;
	uv_timer_t		 debounce, refresh;
	uv_fs_t			 req;
	enum step		 step;
	uv_file			 fd;
	char			*text;
	size_t			 len;
	int			 open_timers;
	bool			 dirty, closing, failing;
};

static void	on_fs(uv_fs_t *req);

static void
maybe_free(struct cd_metrics_file *m)
{
	if (!m->closing || m->step != S_IDLE || m->open_timers > 0)
		return;
	/* At exit: a stopped daemon must not leave findings that look live. */
	if (unlink(m->path) < 0 && errno != ENOENT)
		log_warn("metrics.textfile: cannot remove %s", m->path);
	free(m->path);
	free(m->tmp);
	free(m);
}

static void
start_write(struct cd_metrics_file *m)
{
	int rc;

	m->dirty = false;
	if ((m->text = m->fn(m->arg)) == NULL)
		return;
	m->len = strlen(m->text);
	m->step = S_OPEN;
	rc = uv_fs_open(m->loop, &m->req, m->tmp,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644, on_fs);
	if (rc < 0) {
		m->req.result = rc;
		on_fs(&m->req);
	}
}

static void
chain_end(struct cd_metrics_file *m, const char *what, ssize_t rc)
{
	if (rc < 0 && !m->failing)
		log_warnx("metrics.textfile: %s %s: %s; the metrics are not "
		    "updated", what, m->tmp, uv_strerror((int)rc));
	else if (rc >= 0 && m->failing)
		log_notice("metrics.textfile: %s written again", m->path);
	m->failing = rc < 0;
	free(m->text);
	m->text = NULL;
	m->step = S_IDLE;
	if (m->closing)
		maybe_free(m);
	else if (m->dirty)
		start_write(m);
}

/* One step of the chain done: start the next. */
static void
on_fs(uv_fs_t *req)
{
	struct cd_metrics_file	*m = req->data;
	ssize_t			 rc = req->result;
	uv_buf_t		 b;

	uv_fs_req_cleanup(req);
	req->data = m;
	switch (m->step) {
	case S_OPEN:
		if (rc < 0)
			return chain_end(m, "open", rc);
		m->fd = (uv_file)rc;
		m->step = S_CHMOD;
		/* node_exporter runs as another user; the unit's umask is 027. */
		rc = uv_fs_fchmod(m->loop, req, m->fd, 0644, on_fs);
		break;
	case S_CHMOD:
		if (rc >= 0) {
			m->step = S_WRITE;
			b = uv_buf_init(m->text, (unsigned)m->len);
			rc = uv_fs_write(m->loop, req, m->fd, &b, 1, 0, on_fs);
			break;
		}
		/* FALLTHROUGH */
	case S_WRITE:
	case S_FSYNC:
		if (rc < 0 || (m->step == S_WRITE && (size_t)rc != m->len)) {
			uv_fs_close(m->loop, req, m->fd, NULL);
			uv_fs_req_cleanup(req);
			m->fd = -1;
			return chain_end(m, "write", rc < 0 ? rc : UV_EIO);
		}
		if (m->step == S_WRITE) {
			m->step = S_FSYNC;
			rc = uv_fs_fsync(m->loop, req, m->fd, on_fs);
		} else {
			m->step = S_CLOSE;
			rc = uv_fs_close(m->loop, req, m->fd, on_fs);
		}
		break;
	case S_CLOSE:
		m->fd = -1;
		if (rc < 0)
			return chain_end(m, "close", rc);
		m->step = S_RENAME;
		rc = uv_fs_rename(m->loop, req, m->tmp, m->path, on_fs);
		break;
	case S_RENAME:
		return chain_end(m, "rename to", rc < 0 ? rc : 0);
	case S_IDLE:
		return;
	}
	if (rc < 0) {
		req->result = rc;
		on_fs(req);
	}
}

static void
write_soon(struct cd_metrics_file *m)
{
	if (m->closing)
		return;
	if (m->step != S_IDLE)
		m->dirty = true;
	else
		start_write(m);
}

static void
on_timer(uv_timer_t *t)
{
	write_soon(t->data);
}

struct cd_metrics_file *
cd_metrics_file_open(uv_loop_t *loop, const char *path,
    cd_metrics_text_fn *fn, void *arg)
{
	struct cd_metrics_file	*m = cd_calloc(1, sizeof(*m));
	size_t			 n = strlen(path) + 5;

	m->loop = loop;
	m->path = cd_strdup(path);
	m->tmp = cd_calloc(1, n);
	snprintf(m->tmp, n, "%s.tmp", path);
	m->fn = fn;
	m->arg = arg;
	m->fd = -1;
	m->req.data = m;
	uv_timer_init(loop, &m->debounce);
	uv_timer_init(loop, &m->refresh);
	m->debounce.data = m->refresh.data = m;
	m->open_timers = 2;
	uv_timer_start(&m->refresh, on_timer, CD_METRICS_REFRESH_MS,
	    CD_METRICS_REFRESH_MS);
	cd_metrics_file_touch(m);
	return m;
}

const char *
cd_metrics_file_path(const struct cd_metrics_file *m)
{
	return m->path;
}

void
cd_metrics_file_touch(struct cd_metrics_file *m)
{
	if (!uv_is_active((uv_handle_t *)&m->debounce))
		uv_timer_start(&m->debounce, on_timer, CD_METRICS_DEBOUNCE_MS, 0);
}

static void
timer_closed(uv_handle_t *h)
{
	struct cd_metrics_file *m = h->data;

	m->open_timers--;
	maybe_free(m);
}

void
cd_metrics_file_close(struct cd_metrics_file *m)
{
	if (m == NULL)
		return;
	m->closing = true;
	uv_close((uv_handle_t *)&m->debounce, timer_closed);
	uv_close((uv_handle_t *)&m->refresh, timer_closed);
}
