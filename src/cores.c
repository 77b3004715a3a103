#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cores.h"
#include "util.h"

#define DAY_MS	(24 * 60 * 60 * 1000LL)

static const char *const missing_family[] = { "core.missing", NULL };

void
cd_cores_init(struct cd_cores *cs, int64_t now)
{
	memset(cs, 0, sizeof(*cs));
	cs->started = now;
}

struct cd_core_rec *
cd_cores_rec(struct cd_cores *cs, const char *mac, bool add)
{
	struct cd_core_rec	*r, *old = NULL;
	size_t			 i;

	for (i = 0; i < cs->n; i++) {
		r = &cs->rec[i];
		if (strcmp(r->mac, mac) == 0)
			return r;
		if (old == NULL || r->last_seen < old->last_seen)
			old = r;
	}
	if (!add)
		return NULL;
	r = cs->n < CD_CORES_MAX_REC ? &cs->rec[cs->n++] : old;
	memset(r, 0, sizeof(*r));
	snprintf(r->mac, sizeof(r->mac), "%s", mac);
	cs->changes++;
	return r;
}

static struct cd_core_rec *
rec_by_id(struct cd_cores *cs, const char *id)
{
	size_t	i;

	for (i = 0; i < cs->n; i++)
		if (id[0] != '\0' && strcmp(cs->rec[i].device_id, id) == 0)
			return &cs->rec[i];
	return NULL;
}

const struct cd_core_conf *
cd_cores_conf(const struct cd_config *cfg, const char *mac,
    const char *device_id)
{
	const struct cd_core_conf	*c;
	size_t				 i;

	for (i = 0; i < cfg->cores.n; i++) {
		c = &cfg->cores.v[i];
		if (mac != NULL && c->mac[0] != '\0' &&
		    strcmp(c->mac, mac) == 0)
			return c;
		if (device_id != NULL && c->id[0] != '\0' &&
		    strcmp(c->id, device_id) == 0)
			return c;
	}
	return NULL;
}

const char *
cd_cores_name(const struct cd_config *cfg, const struct cd_cores *cs,
    const char *mac)
{
	const struct cd_core_conf	*c;
	size_t				 i;
	const char			*id = NULL;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->rec[i].mac, mac) == 0)
			id = cs->rec[i].device_id;
	c = cd_cores_conf(cfg, mac, id);
	return c != NULL && c->name[0] != '\0' ? c->name : NULL;
}

/* What the devices list says of a Core now, into its record. */
static void
learn(struct cd_cores *cs, struct cd_core_rec *r, struct cd_device *d,
    int64_t now)
{
	bool	online = d->state != NULL && strcmp(d->state, "online") == 0;

	if (d->device_id != NULL && strcmp(r->device_id, d->device_id) != 0 &&
	    strlen(d->device_id) == CD_CORE_ID_LEN) {
		snprintf(r->device_id, sizeof(r->device_id), "%s",
		    d->device_id);
		cs->changes++;
	}
	/* A restart forgot both: the device learns them back. */
	if (d->device_id == NULL && r->device_id[0] != '\0')
		d->device_id = cd_strdup(r->device_id);
	if (r->first_seen == 0 || d->first_seen < r->first_seen)
		r->first_seen = d->first_seen;
	else
		d->first_seen = r->first_seen;
	if (d->last_seen > r->last_seen)
		r->last_seen = d->last_seen;
	if (online) {
		r->last_online = now;
		if (!r->online) {
			if (r->day != now / DAY_MS) {
				r->day = now / DAY_MS;
				r->sessions_today = 0;
			}
			r->sessions_today++;
			r->last_handshake = now;
			cs->changes++;
		}
	}
	r->online = online;
}

static void
raise_missing(struct cd_findings *fs, const struct cd_core_conf *c,
    const struct cd_core_rec *r, const char *subject, uint64_t after,
    int64_t now)
{
	struct cd_finding_spec	 spec = {
		.id = "core.missing", .subject = subject,
		.severity = CD_SEV_DEFAULT, .source = CD_SRC_SNIFF,
	};
	char			 summary[160], detail[256], when[40], ago[32];
	long long		 sec = (long long)(after / 1000);

	/* The threshold, not the time since: a summary that changes is logged. */
	if (sec < 120)
		snprintf(ago, sizeof(ago), "%lld s", sec);
	else if (sec < 2 * 3600)
		snprintf(ago, sizeof(ago), "%lld min", sec / 60);
	else
		snprintf(ago, sizeof(ago), "%lld h", sec / 3600);
	if (c->name[0] != '\0')
		snprintf(summary, sizeof(summary), "%s, an expected Core, has "
		    "not been seen for %s or more", c->name, ago);
	else
		snprintf(summary, sizeof(summary), "an expected Core has not "
		    "been seen for %s or more", ago);
	if (r != NULL && r->last_seen != 0)
		snprintf(detail, sizeof(detail), "last seen %s; no packet "
		    "from it since", cd_rfc3339(r->last_seen, when,
		    sizeof(when)));
	else
		snprintf(detail, sizeof(detail), "never seen since corediagd "
		    "started watching");
	spec.summary = summary;
	spec.detail = detail;
	cd_finding_raise_one(fs, missing_family, &spec, now);
}

/* Is a Core with this subject still missing? */
struct missing_walk {
	char	subjects[CD_CORES_MAX][48];
	size_t	n;
	int64_t	now;
	struct cd_findings *fs;
};

static void
clear_stale(void *arg, struct cd_finding *f)
{
	struct missing_walk	*mw = arg;
	size_t			 i;

	if (strcmp(f->id, "core.missing") != 0)
		return;
	for (i = 0; i < mw->n; i++)
		if (strcmp(mw->subjects[i], f->subject) == 0)
			return;
	cd_finding_clear(mw->fs, f->id, f->subject, mw->now);
}

static struct cd_device *
device_of(struct cd_state *st, const struct cd_core_conf *c)
{
	struct cd_device	*d;

	for (d = st->devices; d != NULL; d = d->next)
		if ((c->mac[0] != '\0' && strcmp(d->mac, c->mac) == 0) ||
		    (c->id[0] != '\0' && d->device_id != NULL &&
		    strcmp(d->device_id, c->id) == 0))
			return d;
	return NULL;
}

static void
check_missing(struct cd_cores *cs, const struct cd_config *cfg,
    struct cd_state *st, struct cd_findings *fs, int64_t now)
{
	static struct missing_walk	 mw;
	const struct cd_core_conf	*c;
	const struct cd_core_rec	*r;
	int64_t				 since;
	size_t				 i;

	mw.n = 0;
	mw.now = now;
	mw.fs = fs;
	for (i = 0; i < cfg->cores.n; i++) {
		c = &cfg->cores.v[i];
		if (!c->expected || device_of(st, c) != NULL)
			continue;
		r = c->mac[0] != '\0' ? cd_cores_rec(cs, c->mac, false) :
		    rec_by_id(cs, c->id);
		since = r != NULL && r->last_seen > cs->started ?
		    r->last_seen : cs->started;
		if (now - since < (int64_t)cfg->cores_missing_after_ms)
			continue;
		snprintf(mw.subjects[mw.n], sizeof(mw.subjects[0]), "core:%s",
		    c->mac[0] != '\0' ? c->mac : r != NULL && r->mac[0] ?
		    r->mac : c->id);
		raise_missing(fs, c, r, mw.subjects[mw.n],
		    cfg->cores_missing_after_ms, now);
		mw.n++;
	}
	cd_findings_foreach(fs, clear_stale, &mw);
}

void
cd_cores_tick(struct cd_cores *cs, const struct cd_config *cfg,
    struct cd_state *st, struct cd_findings *fs, int64_t now)
{
	struct cd_device		*d;
	struct cd_core_rec		*r;

	for (d = st->devices; d != NULL; d = d->next)
		learn(cs, cd_cores_rec(cs, d->mac, true), d, now);
	for (r = cs->rec; r < cs->rec + cs->n; r++) {
		for (d = st->devices; d != NULL; d = d->next)
			if (strcmp(d->mac, r->mac) == 0)
				break;
		if (d == NULL)
			r->online = false;
		/* A new day (UTC): today's sessions start from none. */
		if (r->day != now / DAY_MS) {
			r->day = now / DAY_MS;
			r->sessions_today = 0;
		}
	}
	check_missing(cs, cfg, st, fs, now);
}

const char *
cd_cores_log_line(const struct cd_config *cfg, const struct cd_cores *cs,
    const char *line, char *buf, size_t len)
{
	const char	*subj, *colon, *name;
	char		 mac[18];

	/* "<severity> <id> core:<MAC>: <summary>..." */
	if ((subj = strchr(line, ' ')) == NULL ||
	    (subj = strchr(subj + 1, ' ')) == NULL ||
	    strncmp(++subj, "core:", 5) != 0 ||
	    (colon = strstr(subj + 5, ": ")) == NULL ||
	    colon - (subj + 5) != 17)
		return line;
	memcpy(mac, subj + 5, 17);
	mac[17] = '\0';
	if ((name = cd_cores_name(cfg, cs, mac)) == NULL ||
	    strncmp(colon + 2, name, strlen(name)) == 0)
		return line;
	snprintf(buf, len, "%.*s%s: %s", (int)(colon + 2 - line), line, name,
	    colon + 2);
	return buf;
}

static struct json_object *
jtime(int64_t ms)
{
	char	buf[40];

	return ms != 0 ? json_object_new_string(cd_rfc3339(ms, buf,
	    sizeof(buf))) : NULL;
}

/* The device of a Core now, by its MAC or its configured device ID. */
static const struct cd_device *
core_device(const struct cd_state *st, const char *mac,
    const struct cd_core_conf *c)
{
	const struct cd_device	*d;

	for (d = st->devices; d != NULL; d = d->next) {
		if (mac != NULL && strcmp(d->mac, mac) == 0)
			return d;
		if (c != NULL && c->id[0] != '\0' && d->device_id != NULL &&
		    strcmp(d->device_id, c->id) == 0)
			return d;
	}
	return NULL;
}

static struct json_object *
str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_object_new_string(s) : NULL;
}

static struct json_object *
core_json(const struct cd_core_conf *c, const struct cd_core_rec *r,
    const struct cd_state *st, const struct cd_findings *fs)
{
	struct json_object	*o = json_object_new_object();
	const struct cd_device	*d;
	const struct cd_finding	*f;
	const char		*state = "never seen", *mac = NULL, *id = NULL;
	char			 subj[48];

	if (r != NULL && r->mac[0] != '\0')
		mac = r->mac;
	else if (c != NULL && c->mac[0] != '\0')
		mac = c->mac;
	if ((d = core_device(st, mac, c)) != NULL) {
		state = d->state;
		mac = d->mac;
		id = d->device_id;
	} else if (r != NULL && r->first_seen != 0)
		state = "away";
	if (r != NULL && r->device_id[0] != '\0')
		id = r->device_id;
	else if (id == NULL && c != NULL && c->id[0] != '\0')
		id = c->id;
	snprintf(subj, sizeof(subj), "core:%s", mac != NULL ? mac :
	    id != NULL ? id : "");
	f = cd_finding_find(fs, "core.missing", subj);
	if (f != NULL && f->active)
		state = "missing";
	json_object_object_add(o, "name", str_or_null(c ? c->name : NULL));
	json_object_object_add(o, "mac", str_or_null(mac));
	json_object_object_add(o, "device_id", str_or_null(id));
	json_object_object_add(o, "expected",
	    json_object_new_boolean(c != NULL && c->expected));
	json_object_object_add(o, "state", json_object_new_string(state));
	json_object_object_add(o, "first_seen", jtime(r ? r->first_seen :
	    d ? d->first_seen : 0));
	json_object_object_add(o, "last_seen", jtime(r ? r->last_seen :
	    d ? d->last_seen : 0));
	json_object_object_add(o, "last_online", jtime(r ? r->last_online : 0));
	json_object_object_add(o, "last_handshake",
	    jtime(r ? r->last_handshake : 0));
	json_object_object_add(o, "sessions_today",
	    json_object_new_int64(r != NULL ? (int64_t)r->sessions_today : 0));
	return o;
}

struct json_object *
cd_cores_json(const struct cd_cores *cs, const struct cd_config *cfg,
    const struct cd_state *st, const struct cd_findings *fs)
{
	struct json_object		*a = json_object_new_array();
	const struct cd_core_conf	*c;
	const struct cd_core_rec	*r;
	size_t				 i, j;

	for (i = 0; i < cfg->cores.n; i++) {
		c = &cfg->cores.v[i];
		for (r = NULL, j = 0; j < cs->n && r == NULL; j++)
			if ((c->mac[0] && strcmp(cs->rec[j].mac, c->mac) == 0) ||
			    (c->id[0] && strcmp(cs->rec[j].device_id,
			    c->id) == 0))
				r = &cs->rec[j];
		json_object_array_add(a, core_json(c, r, st, fs));
	}
	for (j = 0; j < cs->n; j++) {
		r = &cs->rec[j];
		if (cd_cores_conf(cfg, r->mac, r->device_id) == NULL)
			json_object_array_add(a, core_json(NULL, r, st, fs));
	}
	return a;
}
