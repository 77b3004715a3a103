/*
 * Dropping root as tcpdump -Z does: open what needs root, become the
 * configured user, keep only the capabilities asked for, forbid gaining
 * any back (PR_SET_NO_NEW_PRIVS), then read every credential back and
 * stop if one is not what was asked.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

#define CAP_SCAN_MAX	63	/* bounding set bits scanned, at most */

int
cd_privdrop_lookup(const char *user, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user '%s' does not exist (create it "
		    "as the README says, or set user: \"\")", user);
		return -ENOENT;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int
caps_get(uint64_t *eff, uint64_t *prm, uint64_t *inh)
{
	struct __user_cap_header_struct	hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct	data[2];

	memset(data, 0, sizeof(data));
	*eff = *prm = *inh = 0;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	*eff = data[0].effective | (uint64_t)data[1].effective << 32;
	*prm = data[0].permitted | (uint64_t)data[1].permitted << 32;
	*inh = data[0].inheritable | (uint64_t)data[1].inheritable << 32;
	return 0;
}

/* Effective and permitted exactly keep; nothing inheritable. */
static int
caps_set(uint64_t keep)
{
	struct __user_cap_header_struct	hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct	data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

/* Needs CAP_SETPCAP: done while still root. */
static int
bounding_drop(uint64_t keep)
{
	for (int cap = 0; cap <= CAP_SCAN_MAX; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			break;		/* past the kernel's last */
		if ((keep & (1ULL << cap)) == 0 &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -errno;
	}
	return 0;
}

static uint64_t
bounding_read(void)
{
	uint64_t	set = 0;
	int		on;

	for (int cap = 0; cap <= CAP_SCAN_MAX; cap++) {
		if ((on = prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) < 0)
			break;
		if (on)
			set |= 1ULL << cap;
	}
	return set;
}

/* Read every credential back: 0, or -EPERM with what is wrong in err. */
static int
verify(uid_t uid, gid_t gid, uint64_t keep, bool bounded, char *err,
    size_t errlen)
{
	uid_t		ru, eu, su;
	gid_t		rg, eg, sg, groups[2];
	uint64_t	eff, prm, inh;
	int		n;

	if (getresuid(&ru, &eu, &su) < 0 || ru != uid || eu != uid ||
	    su != uid)
		snprintf(err, errlen, "uids are %ld/%ld/%ld, not %ld",
		    (long)ru, (long)eu, (long)su, (long)uid);
	else if (getresgid(&rg, &eg, &sg) < 0 || rg != gid || eg != gid ||
	    sg != gid)
		snprintf(err, errlen, "gids are %ld/%ld/%ld, not %ld",
		    (long)rg, (long)eg, (long)sg, (long)gid);
	else if ((n = getgroups(2, groups)) < 0 || n > 1 ||
	    (n == 1 && groups[0] != gid))
		snprintf(err, errlen, "supplementary groups remain");
	else if (caps_get(&eff, &prm, &inh) < 0 || eff != keep ||
	    prm != keep || inh != 0)
		snprintf(err, errlen, "capabilities are eff %#llx prm %#llx "
		    "inh %#llx, not %#llx", (unsigned long long)eff,
		    (unsigned long long)prm, (unsigned long long)inh,
		    (unsigned long long)keep);
	else if (bounded && (bounding_read() & ~keep) != 0)
		snprintf(err, errlen, "bounding set is %#llx",
		    (unsigned long long)bounding_read());
	else if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW,
	    0, 0) > 0)
		snprintf(err, errlen, "ambient capabilities remain");
	else if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		snprintf(err, errlen, "no_new_privs is not set");
	else if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		snprintf(err, errlen, "root can be regained");
	else
		return 0;
	return -EPERM;
}

/* Not root (systemd started us as the user): shed what is not asked for. */
static int
drop_unprivileged(uint64_t keep, char *err, size_t errlen)
{
	uint64_t	eff, prm, inh;
	int		rc;

	/* capset is outside the unit's system call filter: only if needed. */
	if ((rc = caps_get(&eff, &prm, &inh)) < 0 ||
	    ((eff | prm | inh) & ~keep ? (rc = caps_set(prm & keep)) : 0) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "cannot shed capabilities: %s",
		    strerror(rc < 0 ? -rc : errno));
		return rc < 0 ? rc : -errno;
	}
	return 0;
}

static int
become(const char *user, uid_t uid, gid_t gid, uint64_t keep, char *err,
    size_t errlen)
{
	int rc;

	/* bounding_drop and caps_set leave errno set when they fail. */
	if (setgroups(1, &gid) < 0 || bounding_drop(keep) < 0 ||
	    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ||
	    setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0 ||
	    caps_set(keep) < 0 ||
	    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		rc = errno;
		snprintf(err, errlen, "cannot drop privileges to '%s': %s",
		    user, strerror(rc));
		return -rc;
	}
	return 0;
}

int
cd_privdrop(const char *user, uint64_t keep, char *err, size_t errlen)
{
	uid_t	uid;
	gid_t	gid;
	char	why[200];
	int	rc;

	if (geteuid() != 0)
		return drop_unprivileged(keep, err, errlen);
	if (user == NULL || user[0] == '\0') {
		log_warnx("WARNING: corediagd keeps running as root (user is "
		    "empty): everything it parses is parsed as root; set "
		    "`user` to an unprivileged user");
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		return 0;
	}
	if ((rc = cd_privdrop_lookup(user, &uid, &gid, err, errlen)) < 0)
		return rc;
	if (uid == 0) {
		log_warnx("WARNING: corediagd keeps running as root (user '%s' "
		    "is uid 0): set `user` to an unprivileged user", user);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		return 0;
	}
	if ((rc = become(user, uid, gid, keep, err, errlen)) < 0)
		return rc;
	if (verify(uid, gid, keep, true, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "dropping privileges to '%s' did not "
		    "take: %s", user, why);
		return -EPERM;
	}
	log_debug("running as %s (uid %ld, gid %ld), capabilities %#llx",
	    user, (long)uid, (long)gid, (unsigned long long)keep);
	return 0;
}
