#include "config.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

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

/* Keep CAP_NET_RAW and CAP_NET_ADMIN across setuid, and nothing else. */
static int
keep_net_caps(void)
{
	struct __user_cap_header_struct	hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct	data[2];
	uint32_t			want;

	want = (1u << CAP_NET_RAW) | (1u << CAP_NET_ADMIN);
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = want;
	return (int)syscall(SYS_capset, &hdr, data);
}

int
cd_privdrop(const char *user, char *err, size_t errlen)
{
	uid_t	uid;
	gid_t	gid;
	int	rc;

	if (user == NULL || user[0] == '\0' || geteuid() != 0)
		return 0;
	if ((rc = cd_privdrop_lookup(user, &uid, &gid, err, errlen)) < 0)
		return rc;
	if (uid == 0)
		return 0;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ||
	    setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0 || keep_net_caps() < 0) {
		snprintf(err, errlen, "cannot drop privileges to '%s': %s",
		    user, strerror(errno));
		return -errno;
	}
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (setuid(0) == 0) {
		snprintf(err, errlen, "still able to regain root after "
		    "dropping to '%s'", user);
		return -EPERM;
	}
	log_info("running as %s (uid %ld), with CAP_NET_RAW and CAP_NET_ADMIN",
	    user, (long)uid);
	return 0;
}
