/* Dropping root after start-up, keeping only the capabilities probes need. */
#ifndef CD_PRIVDROP_H
#define CD_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

/* Look the user up: 0, or -ENOENT with the reason in err. */
int	cd_privdrop_lookup(const char *user, uid_t *uid, gid_t *gid,
	    char *err, size_t errlen);
/*
 * Become user (when running as root and user is not ""), keeping
 * CAP_NET_RAW and CAP_NET_ADMIN for capture and probes.  0 on success or
 * when there is nothing to do; a negative errno (reason in err) is fatal
 * to the caller: a daemon that meant to drop root must not run as root.
 */
int	cd_privdrop(const char *user, char *err, size_t errlen);

#endif
