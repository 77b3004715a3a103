/*
 * Inside the configuration loader: the schema's types shared by the table
 * and loader (config.c) and the per-type parsers and setters
 * (config_types.c).  Not for use outside those two files.
 */
#ifndef CD_CONFIG_SCHEMA_H
#define CD_CONFIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cd_config.h"

#define CONF_MAXSIZE	(1024 * 1024)	/* no sane configuration is larger */
#define KEY_MAXLEN	64		/* longer keys are unknown anyway */
#define SUN_PATHLEN	sizeof(((struct sockaddr_un *)0)->sun_path)

#define PRINTFLIKE(f, a) __attribute__((format(printf, f, a)))

enum ktype {
	T_STRING,
	T_BOOL,
	T_INT,
	T_DURATION,
	T_PORT,
	T_STRLIST,
	T_MODE,
	T_FACILITY,
	T_OUIS,
	T_HOSTPORT,
	T_CORES,
};

/* Constraints on a string, or on each string of a list. */
#define F_NONEMPTY	0x01U	/* "" is refused */
#define F_IFNAME	0x02U	/* a network interface name */
#define F_ABSPATH	0x04U	/* an absolute path */
#define F_SUNPATH	0x08U	/* an absolute path that fits in sun_path */
#define F_HTTPURL	0x10U	/* a plain http:// URL */
#define F_EMPTYOK	0x20U	/* "" is allowed despite the above */
#define F_SINGLE	0x40U	/* a list that also takes one string */
#define F_SYSLOGURL	0x80U	/* udp://HOST:PORT or tcp://HOST:PORT */

struct ckey {
	const char	 *path;		/* dotted: "cloud.host" */
	enum ktype	  type;
	size_t		  off;		/* the field in struct cd_config */
	size_t		  size;
	size_t		  aux1;		/* further fields of compound types */
	size_t		  aux2;
	int64_t		  min;		/* integers; durations in ms */
	int64_t		  max;
	unsigned	  flags;
	const char	 *def;		/* the default, as it would be written */
	const char *const *defl;	/* the default of a list */
	const char	 *help;
	/*
	 * A list of mappings with these keys (NULL-terminated): the loader
	 * gives set() that many texts per entry, NULL for a key not written,
	 * and set() gives back in *bad the index of the text at fault.
	 */
	const char *const *fields;
};

/* Why a value was refused, with room to quote the user's text. */
struct why {
	char	msg[256];
	char	q[80];
};

typedef int	(*setfn)(struct cd_config *, const struct ckey *,
		    const char *const *, size_t, size_t *, struct why *);
typedef void	(*freefn)(struct cd_config *, const struct ckey *);

struct ktype_ops {
	const char	*what;		/* "expected <what>" */
	int		 list;
	setfn		 set;
	freefn		 free;
};

/* The keys of an entry of cores:, in the order set_cores() takes them. */
enum { CORE_F_MAC, CORE_F_ID, CORE_F_NAME, CORE_F_EXPECTED, CORE_NFIELDS };
extern const char *const cd_cfg_core_fields[];
int	cd_cfg_set_cores(struct cd_config *, const struct ckey *,
	    const char *const *, size_t, size_t *, struct why *);
void	cd_cfg_free_cores(struct cd_config *, const struct ckey *);

#define FLD(m)	offsetof(struct cd_config, m), sizeof(((struct cd_config *)0)->m)
#define AUX(m)	offsetof(struct cd_config, m)
#define MS_S	INT64_C(1000)
#define MS_M	(60 * MS_S)
#define MS_H	(60 * MS_M)

extern const struct ktype_ops cd_cfg_types[];

/* "500ms" -> 500; 0, or -EINVAL with the reason in w. */
int	cd_cfg_dur_parse(const char *s, uint64_t *ms, struct why *w);
/* true/yes/on, false/no/off (any case); 0 or -EINVAL. */
int	cd_cfg_bool_parse(const char *s, bool *b);
/* User text made printable and short, for error messages. */
const char *cd_cfg_shown(const char *s, char *buf, size_t len);

#endif
