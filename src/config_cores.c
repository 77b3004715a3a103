#include "config.h"

/*
 * The cores: list of corediagd.yaml(5): each entry names a Core by its MAC
 * or its device ID and says whether it is expected on the network.  The
 * loader hands each entry over as CORE_NFIELDS texts (NULL: not written).
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_config.h"
#include "config_schema.h"

const char *const cd_cfg_core_fields[] = { "mac", "id", "name", "expected",
    NULL };

static int PRINTFLIKE(2, 3)
core_why(struct why *w, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* "08:00:28:AA:BB:CC" or with dashes, into lower case with colons. */
static int
core_mac(const char *s, char out[18])
{
	unsigned	b[6];
	char		sep, end;
	int		i;

	if (strlen(s) != 17)
		return -EINVAL;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[i * 3]) ||
		    !isxdigit((unsigned char)s[i * 3 + 1]))
			return -EINVAL;
		end = s[i * 3 + 2];
		if (i < 5 && end != sep)
			return -EINVAL;
		if (sscanf(s + i * 3, "%2x", &b[i]) != 1)
			return -EINVAL;
	}
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5]);
	return 0;
}

/* A device ID: 24 hex digits (12 bytes), kept in lower case. */
static int
core_id(const char *s, char out[CD_CORE_ID_LEN + 1])
{
	size_t	i;

	if (strlen(s) != CD_CORE_ID_LEN)
		return -EINVAL;
	for (i = 0; i < CD_CORE_ID_LEN; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[i] = '\0';
	return 0;
}

/* Printable, no leading or trailing blank: it goes into log lines. */
static int
core_name(const char *s)
{
	size_t	i, len = strlen(s);

	if (len == 0 || len > CD_CORE_NAME_MAX || s[0] == ' ' ||
	    s[len - 1] == ' ')
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isprint((unsigned char)s[i]))
			return -EINVAL;
	return 0;
}

/* One entry from its texts; *bad is the field at fault. */
static int
core_entry(const char *const *t, struct cd_core_conf *c, size_t *bad,
    struct why *w)
{
	char	q[80];

	memset(c, 0, sizeof(*c));
	c->expected = true;
	*bad = CORE_F_MAC;
	if (t[CORE_F_MAC] == NULL && t[CORE_F_ID] == NULL)
		return core_why(w, "a Core needs a mac or an id");
	if (t[CORE_F_MAC] != NULL && core_mac(t[CORE_F_MAC], c->mac) != 0)
		return core_why(w, "expected a MAC such as 08:00:28:aa:bb:cc, "
		    "got '%s'", cd_cfg_shown(t[CORE_F_MAC], q, sizeof(q)));
	*bad = CORE_F_ID;
	if (t[CORE_F_ID] != NULL && core_id(t[CORE_F_ID], c->id) != 0)
		return core_why(w, "expected a device ID of %d hex digits, "
		    "got '%s'", CD_CORE_ID_LEN,
		    cd_cfg_shown(t[CORE_F_ID], q, sizeof(q)));
	*bad = CORE_F_NAME;
	if (t[CORE_F_NAME] != NULL && core_name(t[CORE_F_NAME]) != 0)
		return core_why(w, "a name is 1 to %d printable characters "
		    "without blanks at either end, got '%s'", CD_CORE_NAME_MAX,
		    cd_cfg_shown(t[CORE_F_NAME], q, sizeof(q)));
	if (t[CORE_F_NAME] != NULL)
		snprintf(c->name, sizeof(c->name), "%s", t[CORE_F_NAME]);
	*bad = CORE_F_EXPECTED;
	if (t[CORE_F_EXPECTED] != NULL &&
	    cd_cfg_bool_parse(t[CORE_F_EXPECTED], &c->expected) != 0)
		return core_why(w, "expected a boolean (true/false), got '%s'",
		    cd_cfg_shown(t[CORE_F_EXPECTED], q, sizeof(q)));
	return 0;
}

/* Two entries for one Core, or one name for two, make the log ambiguous. */
static int
core_dup(const struct cd_core_conf *v, size_t i, size_t *bad, struct why *w)
{
	size_t	j;

	for (j = 0; j < i; j++) {
		*bad = CORE_F_NAME;
		if (v[i].name[0] != '\0' && strcmp(v[j].name, v[i].name) == 0)
			return core_why(w, "the name '%s' is given twice",
			    v[i].name);
		*bad = CORE_F_MAC;
		if (v[i].mac[0] != '\0' && strcmp(v[j].mac, v[i].mac) == 0)
			return core_why(w, "the MAC %s is listed twice",
			    v[i].mac);
		*bad = CORE_F_ID;
		if (v[i].id[0] != '\0' && strcmp(v[j].id, v[i].id) == 0)
			return core_why(w, "the device ID %s is listed twice",
			    v[i].id);
	}
	return 0;
}

int
cd_cfg_set_cores(struct cd_config *cfg, const struct ckey *k,
    const char *const *t, size_t n, size_t *bad, struct why *w)
{
	struct cd_corelist	*l = (void *)((char *)cfg + k->off);
	struct cd_core_conf	*v;
	size_t			 i, nc = n / CORE_NFIELDS, f;
	int			 r;

	*bad = 0;
	if (nc > CD_CORES_MAX) {
		*bad = CD_CORES_MAX * CORE_NFIELDS;
		return core_why(w, "at most %d Cores", CD_CORES_MAX);
	}
	if ((v = calloc(nc ? nc : 1, sizeof(*v))) == NULL)
		return -ENOMEM;
	for (i = 0; i < nc; i++) {
		if ((r = core_entry(t + i * CORE_NFIELDS, &v[i], &f, w)) != 0 ||
		    (r = core_dup(v, i, &f, w)) != 0) {
			*bad = i * CORE_NFIELDS + f;
			free(v);
			return r;
		}
	}
	free(l->v);
	l->v = v;
	l->n = nc;
	return 0;
}

void
cd_cfg_free_cores(struct cd_config *cfg, const struct ckey *k)
{
	struct cd_corelist	*l = (void *)((char *)cfg + k->off);

	free(l->v);
	l->v = NULL;
	l->n = 0;
}
