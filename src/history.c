#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "history.h"
#include "log.h"
#include "util.h"

#define STATE_VERSION	1

/* ---- reading ---------------------------------------------------------- */

static int64_t
jint(struct json_object *o, const char *key)
{
	struct json_object	*v;
	int64_t			 n;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	/* Times and counts: a negative one is not ours to believe. */
	n = json_object_get_int64(v);
	return n > 0 ? n : 0;
}

static const char *
jstr(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static void
load_core(struct cd_cores *cs, struct json_object *o)
{
	struct cd_core_rec	*r;
	const char		*mac = jstr(o, "mac"), *id = jstr(o, "device_id");

	if (strlen(mac) != 17 || (r = cd_cores_rec(cs, mac, true)) == NULL)
		return;
	if (strlen(id) == CD_CORE_ID_LEN)
		snprintf(r->device_id, sizeof(r->device_id), "%s", id);
	r->first_seen = jint(o, "first_seen");
	r->last_seen = jint(o, "last_seen");
	r->last_online = jint(o, "last_online");
	r->last_handshake = jint(o, "last_handshake");
	r->sessions_today = (unsigned)jint(o, "sessions_today");
	r->day = jint(o, "day");
}

static void
load_finding(struct cd_history *h, struct json_object *o)
{
	struct cd_history_past	*p;
	const char		*id = jstr(o, "id"), *subj = jstr(o, "subject");

	if (h->npast == CD_HISTORY_MAX_FINDINGS || id[0] == '\0' ||
	    subj[0] == '\0' || strlen(id) >= sizeof(p->id) ||
	    strlen(subj) >= sizeof(p->subject))
		return;
	p = &h->past[h->npast++];
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->subject, sizeof(p->subject), "%s", subj);
	p->first_seen = jint(o, "first_seen");
	p->count = (unsigned long)jint(o, "count");
}

/* Why doc is not a state file of ours, or NULL. */
static const char *
foreign(struct json_object *doc)
{
	struct json_object	*a;

	if (!json_object_is_type(doc, json_type_object))
		return "not a JSON object";
	if (strcmp(jstr(doc, "format"), CD_HISTORY_FORMAT) != 0)
		return "not corediagd's state (no \"format\":\""
		    CD_HISTORY_FORMAT "\")";
	if (jint(doc, "version") != STATE_VERSION)
		return "a version this corediagd does not read";
	if ((json_object_object_get_ex(doc, "cores", &a) &&
	    !json_object_is_type(a, json_type_array)) ||
	    (json_object_object_get_ex(doc, "findings", &a) &&
	    !json_object_is_type(a, json_type_array)))
		return "malformed";
	return NULL;
}

/* The whole file, at most CD_HISTORY_MAX_BYTES; -ENOENT when there is none. */
static int
slurp(const char *path, char **out, size_t *lenp)
{
	char	*buf;
	ssize_t	 nr;
	size_t	 len = 0;
	int	 fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	buf = cd_calloc(1, CD_HISTORY_MAX_BYTES + 2);
	while (len <= CD_HISTORY_MAX_BYTES) {
		nr = read(fd, buf + len, CD_HISTORY_MAX_BYTES + 1 - len);
		if (nr == -1 && errno == EINTR)
			continue;
		if (nr <= 0)
			break;
		len += (size_t)nr;
	}
	r = nr < 0 ? -errno : 0;
	close(fd);
	if (r != 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*lenp = len;
	return 0;
}

/* One line says why, and the file goes aside so the next write is clean. */
static void
set_aside(const char *path, const char *why)
{
	char	bad[PATH_MAX + 8];

	snprintf(bad, sizeof(bad), "%s.bad", path);
	if (rename(path, bad) == 0)
		log_warnx("state file %s: %s; moved aside to %s, starting "
		    "without history", path, why, bad);
	else
		log_warnx("state file %s: %s; cannot move it aside (%s), "
		    "starting without history", path, why, strerror(errno));
}

void
cd_history_load(struct cd_history *h, const char *dir, struct cd_cores *cs)
{
	struct json_object	*doc, *a;
	const char		*why;
	char			*buf = NULL;
	size_t			 len = 0, i;
	int			 r;

	memset(h, 0, sizeof(*h));
	if (dir == NULL || dir[0] == '\0')
		return;
	snprintf(h->path, sizeof(h->path), "%s/state.json", dir);
	if ((r = slurp(h->path, &buf, &len)) != 0) {
		if (r != -ENOENT)
			log_warnx("state file %s: %s; starting without "
			    "history", h->path, strerror(-r));
		return;
	}
	if (len > CD_HISTORY_MAX_BYTES) {
		free(buf);
		set_aside(h->path, "larger than a state file can be");
		return;
	}
	doc = json_tokener_parse(buf);
	free(buf);
	if (doc == NULL) {
		set_aside(h->path, "damaged (not complete JSON)");
		return;
	}
	if ((why = foreign(doc)) != NULL) {
		json_object_put(doc);
		set_aside(h->path, why);
		return;
	}
	if (json_object_object_get_ex(doc, "cores", &a))
		for (i = 0; i < json_object_array_length(a); i++)
			load_core(cs, json_object_array_get_idx(a, i));
	if (json_object_object_get_ex(doc, "findings", &a))
		for (i = 0; i < json_object_array_length(a); i++)
			load_finding(h, json_object_array_get_idx(a, i));
	json_object_put(doc);
	cs->changes = 0;
	log_info("state file %s: %zu Cores, %zu findings remembered",
	    h->path, cs->n, h->npast);
}

void
cd_history_recall(void *arg, struct cd_finding *f)
{
	struct cd_history	*h = arg;
	size_t			 i;

	for (i = 0; i < h->npast; i++) {
		if (strcmp(h->past[i].id, f->id) != 0 ||
		    strcmp(h->past[i].subject, f->subject) != 0)
			continue;
		if (h->past[i].first_seen != 0 &&
		    h->past[i].first_seen < f->first_seen)
			f->first_seen = h->past[i].first_seen;
		f->count += h->past[i].count;
		return;
	}
}

/* ---- writing ---------------------------------------------------------- */

static struct json_object *
finding_obj(const char *id, const char *subject, int64_t first_seen,
    unsigned long count)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "subject", json_object_new_string(subject));
	json_object_object_add(o, "first_seen",
	    json_object_new_int64(first_seen));
	json_object_object_add(o, "count",
	    json_object_new_int64((int64_t)count));
	return o;
}

static struct json_object *
findings_arr(const struct cd_history *h, const struct cd_findings *fs)
{
	struct json_object	*a = json_object_new_array();
	const struct cd_finding	*f;
	size_t			 i, n = 0;

	for (f = fs->head; f != NULL && n < CD_HISTORY_MAX_FINDINGS;
	    f = f->next, n++)
		json_object_array_add(a, finding_obj(f->id, f->subject,
		    f->first_seen, f->count));
	/* What was remembered and has not come back yet. */
	for (i = 0; i < h->npast && n < CD_HISTORY_MAX_FINDINGS; i++) {
		if (cd_finding_find(fs, h->past[i].id, h->past[i].subject))
			continue;
		json_object_array_add(a, finding_obj(h->past[i].id,
		    h->past[i].subject, h->past[i].first_seen,
		    h->past[i].count));
		n++;
	}
	return a;
}

static struct json_object *
cores_arr(const struct cd_cores *cs)
{
	struct json_object		*a = json_object_new_array(), *o;
	const struct cd_core_rec	*r;

	for (r = cs->rec; r < cs->rec + cs->n; r++) {
		o = json_object_new_object();
		json_object_object_add(o, "mac", json_object_new_string(r->mac));
		json_object_object_add(o, "device_id", r->device_id[0] ?
		    json_object_new_string(r->device_id) : NULL);
		json_object_object_add(o, "first_seen",
		    json_object_new_int64(r->first_seen));
		json_object_object_add(o, "last_seen",
		    json_object_new_int64(r->last_seen));
		json_object_object_add(o, "last_online",
		    json_object_new_int64(r->last_online));
		json_object_object_add(o, "last_handshake",
		    json_object_new_int64(r->last_handshake));
		json_object_object_add(o, "sessions_today",
		    json_object_new_int64(r->sessions_today));
		json_object_object_add(o, "day", json_object_new_int64(r->day));
		json_object_array_add(a, o);
	}
	return a;
}

char *
cd_history_text(const struct cd_history *h, const struct cd_cores *cs,
    const struct cd_findings *fs)
{
	struct json_object	*doc = json_object_new_object();
	char			*s;

	json_object_object_add(doc, "format",
	    json_object_new_string(CD_HISTORY_FORMAT));
	json_object_object_add(doc, "version",
	    json_object_new_int(STATE_VERSION));
	json_object_object_add(doc, "cores", cores_arr(cs));
	json_object_object_add(doc, "findings", findings_arr(h, fs));
	s = cd_strdup(json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(doc);
	return s;
}

/* PATH.tmp, fsync, rename: a crash leaves the old file or the new one. */
static int
write_atomic(const char *path, const char *text)
{
	char	tmp[PATH_MAX + 8];
	size_t	len = strlen(text), off = 0;
	ssize_t	nw;
	int	fd, r = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		return -errno;
	while (off < len) {
		if ((nw = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		off += (size_t)nw;
	}
	if (r == 0 && fsync(fd) == -1)
		r = -errno;
	if (close(fd) == -1 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) == -1)
		r = -errno;
	if (r != 0)
		unlink(tmp);
	return r;
}

struct hwrite {
	uv_work_t		 work;
	struct cd_history	*h;
	char			*text;
	int			 rc;
};

static void
hwrite_work(uv_work_t *w)
{
	struct hwrite	*hw = w->data;

	hw->rc = write_atomic(hw->h->path, hw->text);
}

static void
written(struct cd_history *h, char *text, int rc)
{
	if (rc != 0) {
		if (!h->warned)
			log_warnx("state file %s: cannot write: %s", h->path,
			    strerror(-rc));
		h->warned = true;
		free(text);
		return;
	}
	h->warned = false;
	free(h->written);
	h->written = text;
}

static void
hwrite_after(uv_work_t *w, int status)
{
	struct hwrite	*hw = w->data;

	hw->h->busy = false;
	written(hw->h, hw->text, status == 0 ? hw->rc : -ECANCELED);
	free(hw);
}

void
cd_history_tick(struct cd_history *h, uv_loop_t *loop,
    const struct cd_cores *cs, const struct cd_findings *fs, int64_t now)
{
	struct hwrite	*hw;
	char		*text;
	int64_t		 wait;
	unsigned	 sig;

	if (h->path[0] == '\0' || h->busy)
		return;
	/* A new Core, ID, session or finding is worth a write soon. */
	sig = cs->changes + fs->n;
	wait = sig != h->changes ? CD_HISTORY_SOON_MS : CD_HISTORY_EVERY_MS;
	if (now - h->last_write < wait)
		return;
	text = cd_history_text(h, cs, fs);
	if (h->written != NULL && strcmp(text, h->written) == 0) {
		free(text);
		return;
	}
	h->last_write = now;
	h->changes = sig;
	hw = cd_calloc(1, sizeof(*hw));
	hw->h = h;
	hw->text = text;
	hw->work.data = hw;
	h->busy = true;
	if (uv_queue_work(loop, &hw->work, hwrite_work, hwrite_after) != 0) {
		h->busy = false;
		written(h, text, -EAGAIN);
		free(hw);
	}
}

void
cd_history_flush(struct cd_history *h, const struct cd_cores *cs,
    const struct cd_findings *fs)
{
	char	*text;

	if (h->path[0] == '\0' || h->busy)
		return;
	text = cd_history_text(h, cs, fs);
	if (h->written != NULL && strcmp(text, h->written) == 0) {
		free(text);
		return;
	}
	written(h, text, write_atomic(h->path, text));
}

void
cd_history_free(struct cd_history *h)
{
	free(h->written);
	h->written = NULL;
}
