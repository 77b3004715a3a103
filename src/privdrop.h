/* Dropping root after start-up, keeping only the capabilities a mode needs. */
#ifndef CD_PRIVDROP_H
#define CD_PRIVDROP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CD_CAP_BIT(c)	(1ULL << (c))

/* Look the user up: 0, or -ENOENT with the reason in err. */
int	cd_privdrop_lookup(const char *user, uid_t *uid, gid_t *gid,
	    char *err, size_t errlen);
/*
 * Become user, keeping exactly the capabilities in keep (CD_CAP_BIT of
 * each), with the bounding set cut to them, no supplementary group and
 * no_new_privs set; every credential is read back.  "" or a uid-0 user
 * keeps root, with a loud warning.  Not root: only shed what keep lacks.
 * 0, or a negative errno (reason in err) that is fatal to the caller: a
 * program that meant to drop root must not run as root.
 */
int	cd_privdrop(const char *user, uint64_t keep, char *err, size_t errlen);

#endif
