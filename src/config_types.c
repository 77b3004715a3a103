#include "config.h"

/* The configuration's value types: parse, check and store each one. */


#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
#include "syslog5424.h"
#include "util.h"


static const struct {
	const char	*name;
	int		 facility;
} facilities[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

static const struct {
	const char	*unit;
	uint64_t	 ms;
} units[] = {
	{ "ms", 1 }, { "s", MS_S }, { "m", MS_M }, { "h", MS_H },
};


/* ---- small helpers ---------------------------------------------------- */

static void *
fld(struct cd_config *cfg, size_t off)
{
	return (char *)cfg + off;
}

/* User text fit for a one-line message: controls as '?', long text cut. */
const char *
cd_cfg_shown(const char *s, char *buf, size_t len)
{
	size_t	i, j;

	for (i = j = 0; s[i] != '\0' && j + 4 < len; i++)
		buf[j++] = iscntrl((unsigned char)s[i]) ? '?' : s[i];
	if (s[i] != '\0') {
		/* Do not cut a UTF-8 sequence in two. */
		while (j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80)
			j--;
		memcpy(buf + j, "...", 3);
		j += 3;
	}
	buf[j] = '\0';
	return buf;
}

static const char *
wq(struct why *w, const char *s)
{
	return cd_cfg_shown(s, w->q, sizeof(w->q));
}

static int PRINTFLIKE(2, 3)
whyf(struct why *w, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Store an integer already range-checked into a field of any width. */
static void
store_int(void *p, size_t size, int64_t v)
{
	int8_t	v8 = (int8_t)v;
	int16_t	v16 = (int16_t)v;
	int32_t	v32 = (int32_t)v;

	switch (size) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v, sizeof(v));
		break;
	}
}

static int
parse_int(const char *s, int64_t *v)
{
	char		*end;
	long long	 ll;

	if (!isdigit((unsigned char)*s) && *s != '-' && *s != '+')
		return -EINVAL;
	errno = 0;
	ll = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*v = ll;
	return 0;
}

static const char *
fmt_ms(uint64_t ms, char *buf, size_t len)
{
	if (ms != 0 && ms % MS_H == 0)
		snprintf(buf, len, "%" PRIu64 "h", ms / (uint64_t)MS_H);
	else if (ms != 0 && ms % MS_M == 0)
		snprintf(buf, len, "%" PRIu64 "m", ms / (uint64_t)MS_M);
	else if (ms != 0 && ms % MS_S == 0)
		snprintf(buf, len, "%" PRIu64 "s", ms / (uint64_t)MS_S);
	else
		snprintf(buf, len, "%" PRIu64 "ms", ms);
	return buf;
}

static void
strlist_clear(struct cd_strlist *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Replace *l with a copy of v[0..n-1]. */
static int
strlist_set(struct cd_strlist *l, const char *const *v, size_t n)
{
	struct cd_strlist	nl = { NULL, 0 };

	if (n > 0 && (nl.v = calloc(n, sizeof(*nl.v))) == NULL)
		return -ENOMEM;
	for (nl.n = 0; nl.n < n; nl.n++) {
		if ((nl.v[nl.n] = strdup(v[nl.n])) == NULL) {
			strlist_clear(&nl);
			return -ENOMEM;
		}
	}
	strlist_clear(l);
	*l = nl;
	return 0;
}

static int
str_replace(char **dst, const char *src)
{
	char	*s;

	if ((s = strdup(src)) == NULL)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

/* ---- value checks ----------------------------------------------------- */

static int
check_ifname(const char *s, struct why *w)
{
	if (strlen(s) >= IFNAMSIZ)
		return whyf(w, "interface name '%s' is longer than %d bytes",
		    wq(w, s), IFNAMSIZ - 1);
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
	    strpbrk(s, "/: \t\n\r\v\f") != NULL)
		return whyf(w, "'%s' is not a valid interface name", wq(w, s));
	return 0;
}

static int
check_url(const char *s, struct why *w)
{
	const char	*h;

	if (strncasecmp(s, "https://", 8) == 0)
		return whyf(w, "must be a plain http:// URL, not https: the "
		    "portal check must see what a captive portal answers, "
		    "which TLS hides; got '%s'", wq(w, s));
	if (strncasecmp(s, "http://", 7) != 0)
		return whyf(w, "must start with http://, got '%s'", wq(w, s));
	h = s + 7;
	if (*h == '\0' || *h == '/' || *h == ':')
		return whyf(w, "no host in URL '%s'", wq(w, s));
	for (; *h != '\0'; h++)
		if (isspace((unsigned char)*h) || iscntrl((unsigned char)*h))
			return whyf(w, "space in URL '%s'", wq(w, s));
	return 0;
}

static int
check_str(const struct ckey *k, const char *s, struct why *w)
{
	unsigned	f = k->flags;

	if (*s == '\0') {
		if ((f & F_EMPTYOK) || (f & ~F_SINGLE) == 0)
			return 0;
		return whyf(w, "must not be empty");
	}
	if (f & F_IFNAME)
		return check_ifname(s, w);
	if ((f & (F_ABSPATH | F_SUNPATH)) && *s != '/')
		return whyf(w, "must be an absolute path, got '%s'", wq(w, s));
	if ((f & F_SUNPATH) && strlen(s) >= SUN_PATHLEN)
		return whyf(w, "socket path is longer than %zu bytes",
		    SUN_PATHLEN - 1);
	if (f & F_HTTPURL)
		return check_url(s, w);
	if ((f & F_SYSLOGURL) &&
	    cd_syslog_url_parse(s, &(struct cd_syslog_url){ 0 }, w->msg,
	    sizeof(w->msg)) < 0)
		return -EINVAL;
	return 0;
}

/* ---- parsers of the types -------------------------------------------- */

int
cd_cfg_dur_parse(const char *s, uint64_t *ms, struct why *w)
{
	const char	*p;
	uint64_t	 n = 0, d;
	size_t		 i;

	if (!isdigit((unsigned char)*s))
		return whyf(w, "expected a duration (500ms, 5s, 10m, 1h), "
		    "got '%s'", wq(w, s));
	for (p = s; isdigit((unsigned char)*p); p++) {
		d = (uint64_t)(*p - '0');
		if (n > (UINT64_MAX - d) / 10)
			return whyf(w, "duration '%s' is too large", wq(w, s));
		n = n * 10 + d;
	}
	if (*p == '\0')
		return whyf(w, "duration needs a unit (ms, s, m, h), got '%s'",
		    wq(w, s));
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit) != 0)
			continue;
		if (n > UINT64_MAX / units[i].ms)
			return whyf(w, "duration '%s' is too large", wq(w, s));
		*ms = n * units[i].ms;
		return 0;
	}
	return whyf(w, "unknown unit in duration '%s' (use ms, s, m, h)",
	    wq(w, s));
}

int
cd_cfg_bool_parse(const char *s, bool *b)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	size_t	i;

	for (i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*b = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*b = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* "0660", "660" or "0o660": YAML 1.1 reads an unquoted 0660 as octal too. */
static int
mode_parse(const char *s, mode_t *mode)
{
	unsigned	m = 0;

	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		s += 2;
	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '7')
			return -EINVAL;
		m = m * 8 + (unsigned)(*s - '0');
		if (m > 07777)
			return -ERANGE;
	}
	*mode = (mode_t)m;
	return 0;
}

/* "08:00:28" or "08-00-28", any case. */
static int
oui_parse(const char *s, struct cd_oui *o)
{
	int	i, hi, lo;

	for (i = 0; i < 3; i++) {
		hi = cd_hexval((unsigned char)s[0]);
		lo = hi < 0 ? -1 : cd_hexval((unsigned char)s[1]);
		if (lo < 0)
			return -EINVAL;
		o->b[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 2 && *s != ':' && *s != '-')
			return -EINVAL;
		if (i < 2)
			s++;
	}
	return *s == '\0' ? 0 : -EINVAL;
}

static int
port_parse(const char *s, uint16_t *port)
{
	int64_t	v;

	if (!isdigit((unsigned char)*s) || parse_int(s, &v) != 0 ||
	    v < 1 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static int
hostname_ok(const char *h, size_t len)
{
	char	buf[16];
	size_t	i, digits = 1;

	if (len == 0 || len > 253 || h[0] == '.' || h[0] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' &&
		    h[i] != '.' && h[i] != '_')
			return 0;
		if (!isdigit((unsigned char)h[i]) && h[i] != '.')
			digits = 0;
	}
	if (!digits)
		return 1;
	/* All digits and dots: it must be a dotted-quad address. */
	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, h, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &(struct in_addr){ 0 }) == 1;
}

/* "host:port", "1.2.3.4:port" or "[v6]:port"; host is allocated. */
static int
hostport_parse(const char *s, char **host, uint16_t *port)
{
	struct in6_addr	 a6;
	char		 buf[INET6_ADDRSTRLEN + 1];
	const char	*h = s, *e, *c;
	size_t		 len;

	if (*s == '[') {
		h = s + 1;
		if ((e = strchr(h, ']')) == NULL || e[1] != ':')
			return -EINVAL;
		c = e + 1;
		if ((len = (size_t)(e - h)) >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, h, len);
		buf[len] = '\0';
		if (inet_pton(AF_INET6, buf, &a6) != 1)
			return -EINVAL;
	} else {
		if ((c = strchr(s, ':')) == NULL || strchr(c + 1, ':') != NULL)
			return -EINVAL;
		len = (size_t)(c - s);
		if (!hostname_ok(s, len))
			return -EINVAL;
	}
	if (port_parse(c + 1, port) != 0)
		return -EINVAL;
	if ((*host = strndup(h, len)) == NULL)
		return -ENOMEM;
	return 0;
}

/* ---- setters, one per type -------------------------------------------- */

static int
set_string(struct cd_config *cfg, const struct ckey *k,
    const char *const *v, size_t n, size_t *bad, struct why *w)
{
	(void)n;
	*bad = 0;
	if (check_str(k, v[0], w) != 0)
		return -EINVAL;
	return str_replace(fld(cfg, k->off), v[0]);
}

static int
set_bool(struct cd_config *cfg, const struct ckey *k,
    const char *const *v, size_t n, size_t *bad, struct why *w)
{
	(void)n;
	*bad = 0;
	if (cd_cfg_bool_parse(v[0], fld(cfg, k->off)) != 0)
		return whyf(w, "expected a boolean (true/false), got '%s'",
		    wq(w, v[0]));
	return 0;
}

static int
set_int(struct cd_config *cfg, const struct ckey *k,
    const char *const *v, size_t n, size_t *bad, struct why *w)
{
	int64_t	i;
	int	r;

	(void)n;
	*bad = 0;
	if ((r = parse_int(v[0], &i)) == -EINVAL)
		return whyf(w, "expected an integer, got '%s'", wq(w, v[0]));
	if (r != 0 || i < k->min || i > k->max)
		return whyf(w, "%s is out of range %" PRId64 "..%" PRId64,
		    wq(w, v[0]), k->min, k->max);
	store_int(fld(cfg, k->off), k->size, i);
	return 0;
}

static int
set_port(struct cd_config *cfg, const struct ckey *k,
    const char *const *v, size_t n, size_t *bad, struct why *w)
{
	int64_t	i;
	int	r;

	(void)n;
	*bad = 0;
	if ((r = parse_int(v[0], &i)) == -EINVAL)
		return whyf(w, "expected a port number, got '%s'", wq(w, v[0]));
	if (r != 0 || i < 1 || i > 65535)
		return whyf(w, "%s is out of range 1..65535", wq(w, v[0]));
	store_int(fld(cfg, k->off), k->size, i);
	return 0;
}

static int
set_duration(struct cd_config *cfg, const struct ckey *k,
    const char *const *v, size_t n, size_t *bad, struct why *w)
{
	uint64_t	ms = 0;
	char		lo[32], hi[32];

	(void)n;
	*bad = 0;
	if (cd_cfg_dur_parse(v[0], &ms, w) != 0)
		return -EINVAL;
	if (ms < (uint64_t)k->min || ms > (uint64_t)k->max)
		return whyf(w, "%s is out of range %s..%s", wq(w, v[0]),
		    fmt_ms((uint64_t)k->min, lo, sizeof(lo)),
		    fmt_ms((uint64_t)k->max, hi, sizeof(hi)));
	store_int(fld(cfg, k->off), k->size, (int64_t)ms);
	return 0;
}

static int
set_mode(struct cd_config *cfg, const struct ckey *k,
    const char *const *v, size_t n, size_t *bad, struct why *w)
{
	mode_t	m;
	int	r;

	(void)n;
	*bad = 0;
	if ((r = mode_parse(v[0], &m)) == -ERANGE)
		return whyf(w, "mode %s is out of range 0..07777", wq(w, v[0]));
	if (r != 0)
		return whyf(w, "expected an octal mode such as \"0660\", "
		    "got '%s'", wq(w, v[0]));
	memcpy(fld(cfg, k->off), &m, sizeof(m));
	return 0;
}

static int
set_facility(struct cd_config *cfg, const struct ckey *k,
    const char *const *v, size_t n, size_t *bad, struct why *w)
{
	size_t	i;

	(void)n;
	*bad = 0;
	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++) {
		if (strcasecmp(v[0], facilities[i].name) != 0)
			continue;
		if (str_replace(fld(cfg, k->aux1), facilities[i].name) != 0)
			return -ENOMEM;
		memcpy(fld(cfg, k->off), &facilities[i].facility, sizeof(int));
		return 0;
	}
	return whyf(w, "expected a syslog facility (daemon, user, "
	    "local0..local7), got '%s'", wq(w, v[0]));
}

static int
set_strlist(struct cd_config *cfg, const struct ckey *k,
    const char *const *v, size_t n, size_t *bad, struct why *w)
{
	for (*bad = 0; *bad < n; (*bad)++)
		if (check_str(k, v[*bad], w) != 0)
			return -EINVAL;
	return strlist_set(fld(cfg, k->off), v, n);
}

static int
set_ouis(struct cd_config *cfg, const struct ckey *k,
    const char *const *v, size_t n, size_t *bad, struct why *w)
{
	struct cd_oui	*o = NULL, **op = fld(cfg, k->aux1);

	if (n > 0 && (o = calloc(n, sizeof(*o))) == NULL)
		return -ENOMEM;
	for (*bad = 0; *bad < n; (*bad)++) {
		if (oui_parse(v[*bad], &o[*bad]) != 0) {
			free(o);
			return whyf(w, "expected an OUI such as \"08:00:28\", "
			    "got '%s'", wq(w, v[*bad]));
		}
	}
	if (strlist_set(fld(cfg, k->off), v, n) != 0) {
		free(o);
		return -ENOMEM;
	}
	free(*op);
	*op = o;
	return 0;
}

static int
set_hostport(struct cd_config *cfg, const struct ckey *k,
    const char *const *v, size_t n, size_t *bad, struct why *w)
{
	char		*host = NULL, **hp = fld(cfg, k->aux1);
	uint16_t	 port;
	int		 r;

	(void)n;
	*bad = 0;
	if ((r = hostport_parse(v[0], &host, &port)) == -ENOMEM)
		return r;
	if (r != 0)
		return whyf(w, "expected HOST:PORT or [IPV6]:PORT with a port "
		    "in 1..65535, got '%s'", wq(w, v[0]));
	if (str_replace(fld(cfg, k->off), v[0]) != 0) {
		free(host);
		return -ENOMEM;
	}
	free(*hp);
	*hp = host;
	memcpy(fld(cfg, k->aux2), &port, sizeof(port));
	return 0;
}

static void
free_string(struct cd_config *cfg, const struct ckey *k)
{
	char	**p = fld(cfg, k->off);

	free(*p);
	*p = NULL;
}

static void
free_strlist(struct cd_config *cfg, const struct ckey *k)
{
	strlist_clear(fld(cfg, k->off));
}

static void
free_facility(struct cd_config *cfg, const struct ckey *k)
{
	char	**p = fld(cfg, k->aux1);

	free(*p);
	*p = NULL;
}

static void
free_ouis(struct cd_config *cfg, const struct ckey *k)
{
	struct cd_oui	**o = fld(cfg, k->aux1);

	strlist_clear(fld(cfg, k->off));
	free(*o);
	*o = NULL;
}

static void
free_hostport(struct cd_config *cfg, const struct ckey *k)
{
	char	**h = fld(cfg, k->aux1);

	free_string(cfg, k);
	free(*h);
	*h = NULL;
}

const struct ktype_ops cd_cfg_types[] = {
	[T_STRING] = { "a string", 0, set_string, free_string },
	[T_BOOL] = { "a boolean (true/false)", 0, set_bool, NULL },
	[T_INT] = { "an integer", 0, set_int, NULL },
	[T_DURATION] = { "a duration (500ms, 5s, 10m, 1h)", 0,
	    set_duration, NULL },
	[T_PORT] = { "a port number", 0, set_port, NULL },
	[T_STRLIST] = { "a list of strings", 1, set_strlist, free_strlist },
	[T_MODE] = { "an octal mode such as \"0660\"", 0, set_mode, NULL },
	[T_FACILITY] = { "a syslog facility", 0, set_facility, free_facility },
	[T_OUIS] = { "a list of OUIs such as \"08:00:28\"", 1,
	    set_ouis, free_ouis },
	[T_HOSTPORT] = { "HOST:PORT", 0, set_hostport, free_hostport },
	[T_CORES] = { "a list of Cores, each a mapping", 1,
	    cd_cfg_set_cores, cd_cfg_free_cores },
};

bool
cd_oui_match(const struct cd_oui *ouis, size_t n, const uint8_t mac[6])
{
	for (size_t i = 0; i < n; i++)
		if (ouis[i].b[0] == mac[0] && ouis[i].b[1] == mac[1] &&
		    ouis[i].b[2] == mac[2])
			return true;
	return false;
}
