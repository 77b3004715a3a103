#include "config.h"

/*
 * The configuration as UCI, so OpenWrt users edit it with uci(1) and LuCI
 * like every other service.  It maps one to one onto corediagd.yaml(5):
 *
 *	config cloud 'cloud'		cloud:
 *		option host 'x'		  host: x
 *	config sniff 'sniff'		sniff:
 *		list core_ouis '08:00:28'   core_ouis: ["08:00:28", ...]
 *	config corediagd 'main'		(the top-level keys)
 *		option user 'corediag'	user: corediag
 *
 * Every value goes through the schema's setters, as YAML's do; booleans
 * also take UCI's 1 and 0.  A section type, or an option within one, may
 * appear once, as a YAML key may; list elements gather until the section
 * ends.  Errors are "PATH:LINE: message".
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_config.h"
#include "config_schema.h"
#include "config_uci.h"
#include "uci.h"

#define TOPTYPE		"corediagd"	/* the section of top-level keys */
#define MAXSEEN		64		/* keys set in one file, at most */
#define MAXSECT		16		/* sections in one file, at most */
#define MAXLIST		256		/* elements of one list */

struct pending {			/* a list being gathered */
	const struct ckey	*k;
	char			**v;
	int			*lines;
	size_t			 n;
};

struct uld {
	struct cd_config	*cfg;
	const char		*path;
	char			*err;
	size_t			 errlen;
	char			 sect[KEY_MAXLEN];	/* "" at the top level */
	int			 insect;
	char			 sects[MAXSECT][KEY_MAXLEN];
	size_t			 nsects;
	const struct ckey	*seen[MAXSEEN];
	size_t			 nseen;
	struct pending		 pend[MAXSEEN];
	size_t			 npend;
};

static int PRINTFLIKE(4, 5)
uerr(struct uld *u, int rc, int line, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	if (u->err == NULL || u->errlen == 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(u->err, u->errlen, "%s:%d: %s", u->path, line, msg);
	else
		snprintf(u->err, u->errlen, "%s: %s", u->path, msg);
	return rc;
}

int
cd_cfg_is_uci(const unsigned char *buf, size_t len)
{
	const unsigned char	*p = buf, *end = buf + len;
	size_t			 n;

	/* Skip blank and comment lines to the first statement. */
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\n'))
			p++;
		if (p < end && *p == '#') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		break;
	}
	for (n = 0; p + n < end && (p[n] >= 'a' && p[n] <= 'z'); n++)
		continue;
	if (p + n >= end || (p[n] != ' ' && p[n] != '\t'))
		return 0;
	return (n == 6 && memcmp(p, "config", 6) == 0) ||
	    (n == 7 && memcmp(p, "package", 7) == 0);
}

/* UCI's booleans (as uci_bool reads them) in the schema's words. */
static const char *
uci_bool(const char *v)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "enabled") == 0)
		return "true";
	if (strcmp(v, "0") == 0 || strcmp(v, "disabled") == 0)
		return "false";
	return v;
}

static int
apply(struct uld *u, const struct ckey *k, const char *const *v, size_t n,
    const int *lines)
{
	struct why	w;
	const char	*b;
	size_t		 bad = 0;
	int		 r;

	if (k->type == T_BOOL && n == 1) {
		b = uci_bool(v[0]);
		v = &b;
	}
	r = cd_cfg_types[k->type].set(u->cfg, k, v, n, &bad, &w);
	if (r == -ENOMEM)
		return uerr(u, r, 0, "out of memory");
	if (r != 0)
		return uerr(u, r, lines[bad < n ? bad : 0], "%s: %s", k->path,
		    w.msg);
	return 0;
}

static void
pend_free(struct uld *u)
{
	size_t	i, j;

	for (i = 0; i < u->npend; i++) {
		for (j = 0; j < u->pend[i].n; j++)
			free(u->pend[i].v[j]);
		free(u->pend[i].v);
		free(u->pend[i].lines);
	}
	u->npend = 0;
}

/* The section ended: its lists are complete, so set them. */
static int
flush(struct uld *u)
{
	struct pending	*p;
	size_t		 i;
	int		 r = 0;

	for (i = 0; i < u->npend && r == 0; i++) {
		p = &u->pend[i];
		r = apply(u, p->k, (const char *const *)p->v, p->n, p->lines);
	}
	pend_free(u);
	return r;
}

static int
list_add(struct uld *u, const struct ckey *k, const char *v, int line)
{
	struct pending	*p = NULL;
	size_t		 i;
	char		**nv;
	int		*nl;

	for (i = 0; i < u->npend; i++)
		if (u->pend[i].k == k)
			p = &u->pend[i];
	if (p == NULL) {
		if (u->npend == MAXSEEN)
			return uerr(u, -E2BIG, line, "too many lists");
		p = &u->pend[u->npend++];
		memset(p, 0, sizeof(*p));
		p->k = k;
	}
	if (p->n == MAXLIST)
		return uerr(u, -E2BIG, line, "%s: more than %d elements",
		    k->path, MAXLIST);
	if ((nv = realloc(p->v, (p->n + 1) * sizeof(*nv))) == NULL)
		return uerr(u, -ENOMEM, 0, "out of memory");
	p->v = nv;
	if ((nl = realloc(p->lines, (p->n + 1) * sizeof(*nl))) == NULL)
		return uerr(u, -ENOMEM, 0, "out of memory");
	p->lines = nl;
	if ((p->v[p->n] = strdup(v)) == NULL)
		return uerr(u, -ENOMEM, 0, "out of memory");
	p->lines[p->n++] = line;
	return 0;
}

static int
open_section(struct uld *u, int line, char **w, int n)
{
	const char	*type = w[1];
	char		 q[80];
	size_t		 i;
	int		 sect = 0, r;

	if ((r = flush(u)) != 0)
		return r;
	if (n > 3)
		return uerr(u, -EINVAL, line, "expected: config TYPE [NAME]");
	cd_cfg_key(type, &sect);
	if (strcmp(type, TOPTYPE) != 0 && (!sect || strchr(type, '.')))
		return uerr(u, -EINVAL, line, "unknown section type '%s'",
		    cd_cfg_shown(type, q, sizeof(q)));
	for (i = 0; i < u->nsects; i++)
		if (strcmp(u->sects[i], type) == 0)
			return uerr(u, -EINVAL, line, "duplicate section "
			    "'%s'", type);
	if (u->nsects == MAXSECT)
		return uerr(u, -E2BIG, line, "too many sections");
	snprintf(u->sects[u->nsects++], KEY_MAXLEN, "%s", type);
	snprintf(u->sect, sizeof(u->sect), "%s",
	    strcmp(type, TOPTYPE) == 0 ? "" : type);
	u->insect = 1;
	return 0;
}

static int
set_option(struct uld *u, int line, char **w, int n)
{
	const struct ckey	*k;
	char			 path[2 * KEY_MAXLEN + 2], q[80];
	const char		*v;
	size_t			 i;
	int			 islist = strcmp(w[0], "list") == 0, sect;

	if (!u->insect)
		return uerr(u, -EINVAL, line, "%s before any config line",
		    w[0]);
	if (n != 3)
		return uerr(u, -EINVAL, line, "expected: %s NAME VALUE", w[0]);
	if (u->sect[0] != '\0')
		snprintf(path, sizeof(path), "%s.%s", u->sect, w[1]);
	else
		snprintf(path, sizeof(path), "%s", w[1]);
	k = strchr(w[1], '.') ? NULL : cd_cfg_key(path, &sect);
	if (k == NULL)
		return uerr(u, -EINVAL, line, "unknown option '%s'",
		    cd_cfg_shown(path, q, sizeof(q)));
	if (islist && !cd_cfg_types[k->type].list)
		return uerr(u, -EINVAL, line, "%s takes one value: write "
		    "'option %s'", k->path, w[1]);
	if (islist)
		return list_add(u, k, w[2], line);
	for (i = 0; i < u->nseen; i++)
		if (u->seen[i] == k)
			return uerr(u, -EINVAL, line, "duplicate option '%s'",
			    k->path);
	if (u->nseen == MAXSEEN)
		return uerr(u, -E2BIG, line, "too many options");
	u->seen[u->nseen++] = k;
	v = w[2];
	/* A list given as one option: that one element, or none for ''. */
	return apply(u, k, &v, cd_cfg_types[k->type].list && *v == '\0' ?
	    0 : 1, &line);
}

static int
statement(struct uld *u, int line, char *s)
{
	char	*w[4];
	int	 n;

	if ((n = cd_uci_split(s, w, 4)) == 0)
		return 0;
	if (n == -1)
		return uerr(u, -EINVAL, line, "unterminated quote");
	if (n == -2)
		n = 5;		/* too many words: each statement refuses it */
	if (strcmp(w[0], "package") == 0 && n == 2)
		return 0;
	if (strcmp(w[0], "config") == 0 && n >= 2)
		return open_section(u, line, w, n);
	if (strcmp(w[0], "option") == 0 || strcmp(w[0], "list") == 0)
		return set_option(u, line, w, n);
	return uerr(u, -EINVAL, line, "expected config, option or list");
}

int
cd_cfg_uci_load(struct cd_config *cfg, const char *path,
    const unsigned char *buf, size_t len, char *err, size_t errlen)
{
	struct uld	 u = { .cfg = cfg, .path = path, .err = err,
			    .errlen = errlen };
	char		*text, *s, *nl;
	int		 line = 0, r = 0;

	if ((text = malloc(len + 1)) == NULL)
		return uerr(&u, -ENOMEM, 0, "out of memory");
	memcpy(text, buf, len);
	text[len] = '\0';
	for (s = text; r == 0 && s < text + len; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(text + len - s))) == NULL)
			nl = text + len;
		*nl = '\0';
		line++;
		if (strlen(s) != (size_t)(nl - s))
			r = uerr(&u, -EINVAL, line, "contains a NUL byte");
		else
			r = statement(&u, line, s);
	}
	if (r == 0)
		r = flush(&u);
	pend_free(&u);
	free(text);
	return r;
}
