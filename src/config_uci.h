/*
 * The configuration written as UCI (/etc/config/corediagd on OpenWrt):
 * "config SECTION" for each section of corediagd.yaml, "option KEY VALUE"
 * for each key, "list KEY VALUE" for each element of a list, and the
 * top-level keys in "config corediagd".  Inside the configuration loader.
 */
#ifndef CD_CONFIG_UCI_H
#define CD_CONFIG_UCI_H

#include <stddef.h>

#include "config_schema.h"

/* Does the file read as UCI (its first statement "config" or "package")? */
int	cd_cfg_is_uci(const unsigned char *buf, size_t len);

/*
 * Load the UCI text buf over cfg's values.  0, or a negative errno with
 * "PATH:LINE: message" in err.
 */
int	cd_cfg_uci_load(struct cd_config *cfg, const char *path,
	    const unsigned char *buf, size_t len, char *err, size_t errlen);

/* The schema's key at path, or NULL; *section: path is a section. */
const struct ckey *cd_cfg_key(const char *path, int *section);

#endif
