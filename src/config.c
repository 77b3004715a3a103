#include "config.h"

/*
 * The configuration file.  One schema table, in the manner of tmux's
 * options_table, names every key with its type, constraints, default and
 * help; the defaults, the YAML loader and cd_config_free() all walk it, so a
 * new key is one new row.  Each type has a setter that takes the value as
 * text (one string, or the strings of a list): the defaults go through the
 * same setters as the file, so they are checked by the same rules.
 */


#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include <yaml.h>

#include "cd_config.h"
#include "config_schema.h"
#include "config_uci.h"


static const char *const def_none[] = { NULL };
static const char *const def_hostapd[] = { "/etc/hostapd/hostapd.conf", NULL };
static const char *const def_ouis[] = { "08:00:28", "70:ff:76", NULL };

/* In the order of corediagd.yaml(5); etc/corediagd.yaml follows it too. */
static const struct ckey keys[] = {
	{ "interfaces.lan", T_STRING, FLD(interfaces.lan), .flags = F_IFNAME,
	  .def = "br-lan",
	  .help = "interface sniffed, and where the DHCP probe runs" },
	{ "interfaces.wifi", T_STRLIST, FLD(interfaces.wifi), .flags = F_IFNAME,
	  .defl = def_none,
	  .help = "Wi-Fi interfaces to inspect; empty = all found by nl80211" },

	{ "cloud.host", T_STRING, FLD(cloud.host), .flags = F_NONEMPTY,
	  .def = "device.spark.io", .help = "the device cloud" },
	{ "cloud.port", T_PORT, FLD(cloud.port), .def = "5683",
	  .help = "TCP handshake probe and passive session tracking" },
	{ "cloud.coap_host", T_STRING, FLD(cloud.coap_host), .def = "",
	  .help = "UDP CoAP ping target; empty = cloud.host" },
	{ "cloud.coap_port", T_PORT, FLD(cloud.coap_port), .def = "5683",
	  .help = "UDP CoAP ping port" },

	{ "probes.interval", T_DURATION, FLD(probes.interval_ms),
	  .min = 10 * MS_S, .max = 24 * MS_H, .def = "5m",
	  .help = "how often the active probes repeat" },
	{ "probes.timeout", T_DURATION, FLD(probes.timeout_ms),
	  .min = 100, .max = 5 * MS_M, .def = "5s",
	  .help = "per probe attempt" },
	{ "probes.retries", T_INT, FLD(probes.retries), .min = 0, .max = 10,
	  .def = "2", .help = "attempts after the first that failed" },
	{ "probes.coap", T_BOOL, FLD(probes.coap), .def = "true",
	  .help = "UDP CoAP ping of the cloud" },
	{ "probes.handshake", T_BOOL, FLD(probes.handshake), .def = "true",
	  .help = "TCP connect and nonce from the cloud" },
	{ "probes.dns", T_BOOL, FLD(probes.dns), .def = "true",
	  .help = "resolve the cloud host" },
	{ "probes.dhcp", T_BOOL, FLD(probes.dhcp), .def = "true",
	  .help = "DHCP discover on interfaces.lan" },
	{ "probes.portal", T_BOOL, FLD(probes.portal), .def = "true",
	  .help = "captive portal check of portal.url" },
	{ "probes.wifi", T_BOOL, FLD(probes.wifi), .def = "true",
	  .help = "Wi-Fi inspection" },

	{ "portal.url", T_STRING, FLD(portal.url), .flags = F_HTTPURL,
	  .def = "http://connectivitycheck.gstatic.com/generate_204",
	  .help = "plain HTTP URL the captive portal check fetches" },
	{ "portal.expect_status", T_INT, FLD(portal.expect_status),
	  .min = 100, .max = 599, .def = "204",
	  .help = "the HTTP status that URL answers without a portal" },

	{ "wifi.max_channel", T_INT, FLD(wifi.max_channel), .min = 1, .max = 14,
	  .def = "11", .help = "highest 2.4 GHz channel the Core can use" },
	{ "wifi.hostapd_conf", T_STRLIST, FLD(wifi.hostapd_conf),
	  .flags = F_ABSPATH | F_SINGLE, .defl = def_hostapd,
	  .help = "hostapd configuration files, read when present" },
	{ "wifi.uci_wireless", T_STRING, FLD(wifi.uci_wireless),
	  .flags = F_ABSPATH | F_EMPTYOK, .def = "/etc/config/wireless",
	  .help = "OpenWrt wireless configuration, read when present" },
	{ "wifi.min_signal_dbm", T_INT, FLD(wifi.min_signal_dbm),
	  .min = -120, .max = 0, .def = "-80",
	  .help = "a Core's signal below this is weak" },

	{ "sniff.enabled", T_BOOL, FLD(sniff.enabled), .def = "true",
	  .help = "watch the Cores' traffic with libpcap" },
	{ "sniff.core_ouis", T_OUIS, FLD(sniff.core_ouis),
	  .aux1 = AUX(sniff.ouis), .defl = def_ouis,
	  .help = "MAC prefixes that identify a Core" },
	{ "sniff.internet_test", T_HOSTPORT, FLD(sniff.internet_test),
	  .aux1 = AUX(sniff.internet_test_host),
	  .aux2 = AUX(sniff.internet_test_port), .def = "8.8.8.8:53",
	  .help = "where the Core checks the internet" },
	{ "sniff.snaplen", T_INT, FLD(sniff.snaplen), .min = 68, .max = 65535,
	  .def = "512", .help = "bytes captured per packet" },

	{ "status.socket", T_STRING, FLD(status.socket), .flags = F_SUNPATH,
	  .def = CD_STATUS_DEFAULT_SOCKET,
	  .help = "the Unix status socket" },
	{ "status.mode", T_MODE, FLD(status.mode), .def = "0660",
	  .help = "its permissions, in octal" },
	{ "status.group", T_STRING, FLD(status.group), .def = "corediag",
	  .help = "its group; empty = the daemon's" },
	{ "status.max_clients", T_INT, FLD(status.max_clients),
	  .min = 1, .max = 65535, .def = "256",
	  .help = "status clients connected at once" },
	{ "status.idle_timeout", T_DURATION, FLD(status.idle_timeout_ms),
	  .min = 100, .max = 24 * MS_H, .def = "10s",
	  .help = "a client that sends no command line within it is dropped" },

	{ "syslog.ident", T_STRING, FLD(syslog.ident), .flags = F_NONEMPTY,
	  .def = "corediagd", .help = "syslog identity" },
	{ "syslog.facility", T_FACILITY, FLD(syslog.facility),
	  .aux1 = AUX(syslog.facility_name), .def = "daemon",
	  .help = "syslog facility: daemon, user, local0..local7" },
	{ "syslog.remote", T_STRING, FLD(syslog.remote),
	  .flags = F_SYSLOGURL | F_EMPTYOK, .def = "",
	  .help = "also send findings as RFC 5424 to udp:// or tcp://HOST:PORT" },
	{ "metrics.textfile", T_STRING, FLD(metrics.textfile),
	  .flags = F_ABSPATH | F_EMPTYOK, .def = "",
	  .help = "Prometheus metrics for node_exporter's textfile collector" },

	{ "user", T_STRING, FLD(user), .def = "corediag",
	  .help = "user to drop to after start-up; empty = keep" },

	{ "cores", T_CORES, FLD(cores), .defl = def_none,
	  .fields = cd_cfg_core_fields,
	  .help = "the Cores by name: mac or id, name, expected" },
	{ "cores_missing_after", T_DURATION, FLD(cores_missing_after_ms),
	  .min = 10 * MS_S, .max = 7 * 24 * MS_H, .def = "10m",
	  .help = "an expected Core unseen this long is missing" },
	{ "state_dir", T_STRING, FLD(state_dir),
	  .flags = F_ABSPATH | F_EMPTYOK, .def = "/var/lib/corediagd",
	  .help = "where the history is kept; empty = keep none" },
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* ---- the schema ------------------------------------------------------- */

static const struct ckey *
key_find(const char *path)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].path, path) == 0)
			return &keys[i];
	return NULL;
}

/* A section is a path that prefixes some key: "cloud" of "cloud.host". */
static int
is_section(const char *path)
{
	size_t	i, len = strlen(path);

	for (i = 0; i < NKEYS; i++)
		if (strncmp(keys[i].path, path, len) == 0 &&
		    keys[i].path[len] == '.')
			return 1;
	return 0;
}

/* Optimal string alignment distance (a swap of two letters costs 1). */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t	 d[3][KEY_MAXLEN + 1], la = strlen(a), lb = strlen(b);
	size_t	 i, j, c, *pp, *p, *cur;

	if (la > KEY_MAXLEN || lb > KEY_MAXLEN)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		/* Three rolling rows: i, i - 1 and i - 2. */
		cur = d[i % 3];
		p = d[(i + 2) % 3];
		pp = d[(i + 1) % 3];
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			c = p[j - 1] + (a[i - 1] != b[j - 1]);
			if (p[j] + 1 < c)
				c = p[j] + 1;
			if (cur[j - 1] + 1 < c)
				c = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < c)
				c = pp[j - 2] + 1;
			cur[j] = c;
		}
	}
	return d[la % 3][lb];
}

/* The known key or section nearest to path, if within 2 edits. */
static int
key_suggest(const char *path, char *out, size_t len)
{
	char		 sect[KEY_MAXLEN];
	const char	*dot;
	size_t		 i, d, best = 3;

	out[0] = '\0';
	for (i = 0; i < NKEYS; i++) {
		if ((d = edit_distance(path, keys[i].path)) < best) {
			best = d;
			snprintf(out, len, "%s", keys[i].path);
		}
		if ((dot = strchr(keys[i].path, '.')) == NULL)
			continue;
		snprintf(sect, sizeof(sect), "%.*s",
		    (int)(dot - keys[i].path), keys[i].path);
		if ((d = edit_distance(path, sect)) < best) {
			best = d;
			snprintf(out, len, "%s", sect);
		}
	}
	return out[0] != '\0';
}

/* For the UCI loader, which shares the schema. */
const struct ckey *
cd_cfg_key(const char *path, int *section)
{
	*section = is_section(path);
	return key_find(path);
}

/* ---- defaults and lifetime -------------------------------------------- */

static int
key_default(struct cd_config *cfg, const struct ckey *k)
{
	struct why		 w;
	const char *const	*v = &k->def;
	size_t			 n = 1, bad;

	if (k->defl != NULL)
		for (v = k->defl, n = 0; v[n] != NULL; n++)
			continue;
	return cd_cfg_types[k->type].set(cfg, k, v, n, &bad, &w);
}

struct cd_config *
cd_config_new_default(void)
{
	struct cd_config	*cfg;
	size_t			 i;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		return NULL;
	for (i = 0; i < NKEYS; i++)
		if (key_default(cfg, &keys[i]) != 0)
			goto fail;
	return cfg;
fail:
	cd_config_free(cfg);
	return NULL;
}

void
cd_config_free(struct cd_config *cfg)
{
	size_t	i;

	if (cfg == NULL)
		return;
	for (i = 0; i < NKEYS; i++)
		if (cd_cfg_types[keys[i].type].free != NULL)
			cd_cfg_types[keys[i].type].free(cfg, &keys[i]);
	free(cfg->path);
	free(cfg);
}

int
cd_config_parse_duration(const char *s, uint64_t *ms)
{
	struct why	w;

	if (s == NULL || ms == NULL)
		return -EINVAL;
	return cd_cfg_dur_parse(s, ms, &w);
}

/* ---- the loader ------------------------------------------------------- */

struct ld {
	const char		*path;
	char			*err;
	size_t			 errlen;
	unsigned char		*buf;	/* the whole file */
	size_t			 len;
	yaml_document_t		*doc;
	struct cd_config	*cfg;
};

/* "PATH:LINE:COLUMN: message", or "PATH: message" without a mark; rc. */
static int PRINTFLIKE(4, 5)
ld_err(struct ld *ld, int rc, const yaml_mark_t *m, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	if (ld->err == NULL || ld->errlen == 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (m == NULL)
		snprintf(ld->err, ld->errlen, "%s: %s", ld->path, msg);
	else
		snprintf(ld->err, ld->errlen, "%s:%zu:%zu: %s", ld->path,
		    m->line + 1, m->column + 1, msg);
	return rc;
}

static yaml_node_t *
ld_node(struct ld *ld, yaml_node_item_t i)
{
	return yaml_document_get_node(ld->doc, i);
}

static const char *
node_text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain "", "~" or "null": a key with nothing after its colon. */
static int
node_is_null(const yaml_node_t *n)
{
	const char	*s;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = node_text(n);
	return *s == '\0' || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0;
}

/* What a node is, for "got ...". */
static const char *
node_what(const yaml_node_t *n, char *buf, size_t len)
{
	char	q[80];

	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a sequence";
	if (n->type != YAML_SCALAR_NODE)
		return "nothing";
	if (node_is_null(n))
		return "an empty value";
	snprintf(buf, len, "'%s'", cd_cfg_shown(node_text(n), q, sizeof(q)));
	return buf;
}

/* libyaml lets "\0" through in quoted scalars; C strings cannot hold it. */
static int
scalar_ok(struct ld *ld, const yaml_node_t *n, const char *path)
{
	char	q[96];

	if (memchr(n->data.scalar.value, '\0', n->data.scalar.length) == NULL)
		return 0;
	return ld_err(ld, -EINVAL, &n->start_mark, "%s: contains a NUL byte",
	    cd_cfg_shown(path, q, sizeof(q)));
}

/* Run the setter; an error points at v, or at v's offending element. */
static int
apply(struct ld *ld, const struct ckey *k, const char *const *texts,
    size_t n, const yaml_node_t *v)
{
	const yaml_node_t	*at = v, *e;
	struct why		 w;
	size_t			 bad = 0;
	int			 r;

	r = cd_cfg_types[k->type].set(ld->cfg, k, texts, n, &bad, &w);
	if (r == -ENOMEM)
		return ld_err(ld, r, NULL, "out of memory");
	/* Unset, it may fall back to the default route's (vantage.c). */
	if (r == 0 && k->off == offsetof(struct cd_config, interfaces.lan))
		ld->cfg->interfaces.lan_given = true;
	if (r == 0)
		return 0;
	if (v->type == YAML_SEQUENCE_NODE && bad < n &&
	    (e = ld_node(ld, v->data.sequence.items.start[bad])) != NULL)
		at = e;
	return ld_err(ld, r, &at->start_mark, "%s: %s", k->path, w.msg);
}

/* The strings of a sequence; *textsp is to be freed. */
static int
seq_texts(struct ld *ld, const struct ckey *k, const yaml_node_t *v,
    const char ***textsp, size_t *np)
{
	const yaml_node_item_t	*it = v->data.sequence.items.start;
	const yaml_node_t	*e;
	const char		**texts;
	size_t			 i, n = (size_t)(v->data.sequence.items.top - it);
	char			 what[96];
	int			 r;

	if ((texts = calloc(n ? n : 1, sizeof(*texts))) == NULL)
		return ld_err(ld, -ENOMEM, NULL, "out of memory");
	for (i = 0; i < n; i++) {
		if ((e = ld_node(ld, it[i])) == NULL)
			goto bad;
		if (e->type != YAML_SCALAR_NODE) {
			r = ld_err(ld, -EINVAL, &e->start_mark, "%s: expected "
			    "a string in the list, got %s", k->path,
			    node_what(e, what, sizeof(what)));
			goto fail;
		}
		if ((r = scalar_ok(ld, e, k->path)) != 0)
			goto fail;
		texts[i] = node_is_null(e) ? "" : node_text(e);
	}
	*textsp = texts;
	*np = n;
	return 0;
bad:
	r = ld_err(ld, -EINVAL, &v->start_mark, "%s: malformed list", k->path);
fail:
	free(texts);
	return r;
}

static int
set_list(struct ld *ld, const struct ckey *k, const yaml_node_t *v)
{
	const char	**texts = NULL, *one;
	char		  what[96];
	size_t		  n = 0;
	int		  r;

	if (v->type == YAML_SEQUENCE_NODE) {
		if ((r = seq_texts(ld, k, v, &texts, &n)) != 0)
			return r;
		r = apply(ld, k, texts, n, v);
		free(texts);
		return r;
	}
	if (node_is_null(v))
		return apply(ld, k, NULL, 0, v);
	if (v->type != YAML_SCALAR_NODE || !(k->flags & F_SINGLE))
		return ld_err(ld, -EINVAL, &v->start_mark, "%s: expected %s, "
		    "got %s", k->path, (k->flags & F_SINGLE) ?
		    "a string or a list of strings" : cd_cfg_types[k->type].what,
		    node_what(v, what, sizeof(what)));
	if ((r = scalar_ok(ld, v, k->path)) != 0)
		return r;
	one = node_text(v);
	return apply(ld, k, &one, 1, v);
}

/* One entry of a list of mappings into its slots of texts and nodes. */
static int
maplist_entry(struct ld *ld, const struct ckey *k, const yaml_node_t *e,
    size_t i, const char **texts, const yaml_node_t **at)
{
	const char *const	*fields = k->fields;
	const yaml_node_pair_t	*p;
	const yaml_node_t	*pk, *pv;
	char			 what[96], q[80];
	size_t			 f;
	int			 r;

	if (e->type != YAML_MAPPING_NODE)
		return ld_err(ld, -EINVAL, &e->start_mark, "%s[%zu]: expected "
		    "a mapping, got %s", k->path, i,
		    node_what(e, what, sizeof(what)));
	for (p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top;
	    p++) {
		if ((pk = ld_node(ld, p->key)) == NULL ||
		    (pv = ld_node(ld, p->value)) == NULL)
			return ld_err(ld, -EINVAL, &e->start_mark,
			    "malformed mapping");
		if (pk->type != YAML_SCALAR_NODE ||
		    scalar_ok(ld, pk, k->path) != 0)
			return ld_err(ld, -EINVAL, &pk->start_mark, "%s[%zu]: "
			    "a key must be a string", k->path, i);
		for (f = 0; fields[f] != NULL; f++)
			if (strcmp(fields[f], node_text(pk)) == 0)
				break;
		if (fields[f] == NULL)
			return ld_err(ld, -EINVAL, &pk->start_mark, "%s[%zu]: "
			    "unknown key '%s'", k->path, i,
			    cd_cfg_shown(node_text(pk), q, sizeof(q)));
		if (texts[f] != NULL)
			return ld_err(ld, -EINVAL, &pk->start_mark, "%s[%zu]: "
			    "duplicate key '%s'", k->path, i, fields[f]);
		if (pv->type != YAML_SCALAR_NODE || node_is_null(pv))
			return ld_err(ld, -EINVAL, &pv->start_mark, "%s[%zu]."
			    "%s: expected a string, got %s", k->path, i,
			    fields[f], node_what(pv, what, sizeof(what)));
		if ((r = scalar_ok(ld, pv, k->path)) != 0)
			return r;
		texts[f] = node_text(pv);
		at[f] = pv;
	}
	return 0;
}

/* A list of mappings (cores:): nfields texts per entry to the setter. */
static int
set_maplist(struct ld *ld, const struct ckey *k, const yaml_node_t *v)
{
	const yaml_node_item_t	*it;
	const yaml_node_t	*e, **at = NULL;
	const char		**texts = NULL;
	struct why		 w;
	char			 what[96];
	size_t			 nf, n, i, f, bad = 0;
	int			 r;

	if (node_is_null(v))
		return cd_cfg_types[k->type].set(ld->cfg, k, NULL, 0, &bad, &w);
	if (v->type != YAML_SEQUENCE_NODE)
		return ld_err(ld, -EINVAL, &v->start_mark, "%s: expected %s, "
		    "got %s", k->path, cd_cfg_types[k->type].what,
		    node_what(v, what, sizeof(what)));
	for (nf = 0; k->fields[nf] != NULL; nf++)
		continue;
	if (nf == 0)		/* a schema row without fields: a bug */
		return ld_err(ld, -EINVAL, &v->start_mark, "%s: no fields",
		    k->path);
	it = v->data.sequence.items.start;
	n = (size_t)(v->data.sequence.items.top - it);
	texts = calloc(n * nf + 1, sizeof(*texts));
	at = calloc(n * nf + 1, sizeof(*at));
	if (texts == NULL || at == NULL) {
		r = ld_err(ld, -ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((e = ld_node(ld, it[i])) == NULL) {
			r = ld_err(ld, -EINVAL, &v->start_mark,
			    "%s: malformed list", k->path);
			goto out;
		}
		for (f = 0; f < nf; f++)
			at[i * nf + f] = e;
		if ((r = maplist_entry(ld, k, e, i, texts + i * nf,
		    at + i * nf)) != 0)
			goto out;
	}
	r = cd_cfg_types[k->type].set(ld->cfg, k, texts, n * nf, &bad, &w);
	if (r == -ENOMEM)
		r = ld_err(ld, r, NULL, "out of memory");
	else if (r != 0)
		r = ld_err(ld, r, bad < n * nf ? &at[bad]->start_mark :
		    &v->start_mark, "%s[%zu]: %s", k->path, bad / nf, w.msg);
out:
	free(texts);
	free(at);
	return r;
}

static int
set_leaf(struct ld *ld, const struct ckey *k, const yaml_node_t *v)
{
	const char	*text;
	char		 what[96];
	int		 r;

	if (k->fields != NULL)
		return set_maplist(ld, k, v);
	if (cd_cfg_types[k->type].list)
		return set_list(ld, k, v);
	/* A string key left empty is ""; other types have no empty value. */
	if (v->type != YAML_SCALAR_NODE ||
	    (node_is_null(v) && k->type != T_STRING))
		return ld_err(ld, -EINVAL, &v->start_mark, "%s: expected %s, "
		    "got %s", k->path, cd_cfg_types[k->type].what,
		    node_what(v, what, sizeof(what)));
	if ((r = scalar_ok(ld, v, k->path)) != 0)
		return r;
	text = node_is_null(v) ? "" : node_text(v);
	return apply(ld, k, &text, 1, v);
}

static int	load_mapping(struct ld *, const yaml_node_t *, const char *);

static int
load_section(struct ld *ld, const char *path, const yaml_node_t *v)
{
	char	what[96];

	/* "cloud:" with nothing under it: all of cloud's defaults. */
	if (node_is_null(v))
		return 0;
	if (v->type != YAML_MAPPING_NODE)
		return ld_err(ld, -EINVAL, &v->start_mark, "%s: expected a "
		    "mapping, got %s", path, node_what(v, what, sizeof(what)));
	return load_mapping(ld, v, path);
}

/* prefix.key into path; a key too long for path is cut, so unknown. */
static int
key_path(struct ld *ld, const yaml_node_t *k, const char *prefix,
    char *path, size_t len)
{
	char	what[96];
	int	r;

	if (k->type != YAML_SCALAR_NODE)
		return ld_err(ld, -EINVAL, &k->start_mark, "a key must be a "
		    "string, got %s", node_what(k, what, sizeof(what)));
	if ((r = scalar_ok(ld, k, prefix ? prefix : "key")) != 0)
		return r;
	if (prefix != NULL)
		snprintf(path, len, "%s.%s", prefix, node_text(k));
	else
		snprintf(path, len, "%s", node_text(k));
	return 0;
}

/* Earlier keys of this mapping all passed, so they are all known. */
static int
check_dup(struct ld *ld, const yaml_node_t *map, const yaml_node_pair_t *p,
    const yaml_node_t *k, const char *path)
{
	const yaml_node_pair_t	*q;
	const yaml_node_t	*qk;
	char			 buf[96];

	for (q = map->data.mapping.pairs.start; q < p; q++) {
		qk = ld_node(ld, q->key);
		if (qk == NULL || qk->type != YAML_SCALAR_NODE ||
		    qk->data.scalar.length != k->data.scalar.length ||
		    memcmp(qk->data.scalar.value, k->data.scalar.value,
		    k->data.scalar.length) != 0)
			continue;
		return ld_err(ld, -EINVAL, &k->start_mark,
		    "duplicate key '%s'", cd_cfg_shown(path, buf, sizeof(buf)));
	}
	return 0;
}

static int
unknown_key(struct ld *ld, const yaml_node_t *k, const char *path)
{
	char		 buf[96], hint[KEY_MAXLEN];
	const char	*dot;

	cd_cfg_shown(path, buf, sizeof(buf));
	/* "cloud.host:" written flat: sections nest, keys have no dots. */
	if ((key_find(path) != NULL || is_section(path)) &&
	    (dot = strrchr(path, '.')) != NULL)
		return ld_err(ld, -EINVAL, &k->start_mark, "unknown key '%s': "
		    "write '%s:' nested under '%.*s:'", buf, dot + 1,
		    (int)(dot - path), path);
	if (key_suggest(path, hint, sizeof(hint)))
		return ld_err(ld, -EINVAL, &k->start_mark,
		    "unknown key '%s' (did you mean '%s'?)", buf, hint);
	return ld_err(ld, -EINVAL, &k->start_mark, "unknown key '%s'", buf);
}

static int
load_pair(struct ld *ld, const yaml_node_t *map, const yaml_node_pair_t *p,
    const char *prefix)
{
	const struct ckey	*key;
	const yaml_node_t	*k, *v;
	char			 path[2 * KEY_MAXLEN + 2];
	int			 r;

	k = ld_node(ld, p->key);
	v = ld_node(ld, p->value);
	if (k == NULL || v == NULL)
		return ld_err(ld, -EINVAL, &map->start_mark,
		    "malformed mapping");
	if ((r = key_path(ld, k, prefix, path, sizeof(path))) != 0)
		return r;
	if ((r = check_dup(ld, map, p, k, path)) != 0)
		return r;
	if (strchr(node_text(k), '.') != NULL)
		return unknown_key(ld, k, path);
	if ((key = key_find(path)) != NULL)
		return set_leaf(ld, key, v);
	if (is_section(path))
		return load_section(ld, path, v);
	return unknown_key(ld, k, path);
}

static int
load_mapping(struct ld *ld, const yaml_node_t *map, const char *prefix)
{
	const yaml_node_pair_t	*p;
	int			 r;

	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++)
		if ((r = load_pair(ld, map, p, prefix)) != 0)
			return r;
	return 0;
}

static int
load_root(struct ld *ld, const yaml_node_t *root)
{
	char	what[96];

	/* An empty file, or one of comments only: all defaults. */
	if (root == NULL || node_is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return ld_err(ld, -EINVAL, &root->start_mark, "the top level "
		    "must be a mapping of sections, got %s",
		    node_what(root, what, sizeof(what)));
	return load_mapping(ld, root, NULL);
}

/* libyaml gives a reader error (bad UTF-8...) as a byte offset only. */
static yaml_mark_t
offset_mark(const struct ld *ld, size_t off)
{
	yaml_mark_t	m = { off, 0, 0 };
	size_t		i;

	for (i = 0; ld->buf != NULL && i < off && i < ld->len; i++) {
		if (ld->buf[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if ((ld->buf[i] & 0xc0) != 0x80)
			m.column++;
	}
	return m;
}

static int
yaml_err(struct ld *ld, const yaml_parser_t *ps)
{
	yaml_mark_t	 m = ps->problem_mark;
	const char	*problem = ps->problem ? ps->problem : "YAML error";

	if (ps->error == YAML_MEMORY_ERROR)
		return ld_err(ld, -ENOMEM, NULL, "out of memory");
	if (ps->error == YAML_READER_ERROR)
		m = offset_mark(ld, ps->problem_offset);
	return ld_err(ld, -EINVAL, &m, "%s", problem);
}

static int
load_docs(struct ld *ld, yaml_parser_t *ps)
{
	yaml_document_t	doc;
	int		r;

	if (!yaml_parser_load(ps, &doc))
		return yaml_err(ld, ps);
	ld->doc = &doc;
	r = load_root(ld, yaml_document_get_root_node(&doc));
	ld->doc = NULL;
	yaml_document_delete(&doc);
	if (r != 0)
		return r;
	/* A second document would be silently ignored: refuse it. */
	if (!yaml_parser_load(ps, &doc))
		return yaml_err(ld, ps);
	if (yaml_document_get_root_node(&doc) != NULL)
		r = ld_err(ld, -EINVAL, &doc.start_mark,
		    "only one YAML document is allowed");
	yaml_document_delete(&doc);
	return r;
}

static int
parse(struct ld *ld)
{
	yaml_parser_t	ps;
	int		r;

	if (!yaml_parser_initialize(&ps))
		return ld_err(ld, -ENOMEM, NULL, "out of memory");
	yaml_parser_set_input_string(&ps, ld->buf, ld->len);
	r = load_docs(ld, &ps);
	yaml_parser_delete(&ps);
	return r;
}

/* Room for more of the file, up to one byte over the limit. */
static int
buf_grow(struct ld *ld, size_t *cap)
{
	unsigned char	*nb;
	size_t		 ncap;

	/* That one byte over the limit tells "too large" from "just fits". */
	if (*cap > CONF_MAXSIZE)
		return ld_err(ld, -EFBIG, NULL, "larger than %d bytes",
		    CONF_MAXSIZE);
	ncap = *cap * 2 > CONF_MAXSIZE ? CONF_MAXSIZE + 1 : *cap * 2;
	if ((nb = realloc(ld->buf, ncap)) == NULL)
		return ld_err(ld, -ENOMEM, NULL, "out of memory");
	ld->buf = nb;
	*cap = ncap;
	return 0;
}

/* The whole file in memory: reader errors need it for their position. */
static int
read_file(struct ld *ld)
{
	struct stat	 st;
	size_t		 cap = 4096;
	ssize_t		 nr;
	int		 fd, r;

	/* O_NONBLOCK: a FIFO must not hang the start or a reload. */
	if ((fd = open(ld->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		r = -errno;
		return ld_err(ld, r, NULL, "cannot open: %s", strerror(-r));
	}
	if (fstat(fd, &st) == -1) {
		r = -errno;
		close(fd);
		return ld_err(ld, r, NULL, "cannot read: %s", strerror(-r));
	}
	/* /dev/null is the usual "no file": read as empty, the defaults. */
	if (!S_ISREG(st.st_mode) &&
	    !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))) {
		close(fd);
		if (S_ISDIR(st.st_mode))
			return ld_err(ld, -EISDIR, NULL, "not a regular file: "
			    "%s", strerror(EISDIR));
		return ld_err(ld, -EINVAL, NULL, "not a regular file");
	}
	if ((ld->buf = malloc(cap)) == NULL) {
		r = ld_err(ld, -ENOMEM, NULL, "out of memory");
		goto fail;
	}
	for (ld->len = 0;;) {
		if (ld->len == cap && (r = buf_grow(ld, &cap)) != 0)
			goto fail;
		if ((nr = read(fd, ld->buf + ld->len, cap - ld->len)) == 0)
			break;
		if (nr == -1 && errno == EINTR)
			continue;
		if (nr == -1) {
			r = -errno;
			ld_err(ld, r, NULL, "cannot read: %s", strerror(-r));
			goto fail;
		}
		ld->len += (size_t)nr;
	}
	close(fd);
	return 0;
fail:
	close(fd);
	free(ld->buf);
	ld->buf = NULL;
	return r;
}

int
cd_config_load(const char *path, struct cd_config **out, char *err,
    size_t errlen)
{
	struct ld		 ld = { 0 };
	int			 r;

	ld.path = path != NULL ? path : CD_CONFIG_DEFAULT_PATH;
	ld.err = err;
	ld.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out != NULL)
		*out = NULL;
	if ((r = read_file(&ld)) != 0)
		return r;
	if ((ld.cfg = cd_config_new_default()) == NULL) {
		r = ld_err(&ld, -ENOMEM, NULL, "out of memory");
		goto fail;
	}
	/* /etc/config/corediagd on OpenWrt: UCI, told apart by content. */
	if (cd_cfg_is_uci(ld.buf, ld.len))
		r = cd_cfg_uci_load(ld.cfg, ld.path, ld.buf, ld.len, err,
		    errlen);
	else
		r = parse(&ld);
	if (r != 0)
		goto fail;
	if ((ld.cfg->path = strdup(ld.path)) == NULL) {
		r = ld_err(&ld, -ENOMEM, NULL, "out of memory");
		goto fail;
	}
	free(ld.buf);
	/* Without out, a check only (as --check-config does). */
	if (out != NULL)
		*out = ld.cfg;
	else
		cd_config_free(ld.cfg);
	return 0;
fail:
	cd_config_free(ld.cfg);
	free(ld.buf);
	return r;
}
