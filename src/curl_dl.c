#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "curl_dl.h"
#include "log.h"
#include "util.h"

#define NEEDED	"the captive-portal check needs it"

/* Resolved by name into the table: curl_easy_init -> easy_init. */
#define SYM(f)	{ "curl_" #f, offsetof(struct cd_libcurl, f) }

static const struct {
	const char	*name;
	size_t		 off;
} syms[] = {
	SYM(global_init), SYM(easy_init), SYM(easy_setopt), SYM(easy_getinfo),
	SYM(easy_strerror), SYM(easy_cleanup), SYM(multi_init),
	SYM(multi_setopt), SYM(multi_add_handle), SYM(multi_remove_handle),
	SYM(multi_assign), SYM(multi_socket_action), SYM(multi_info_read),
	SYM(multi_strerror), SYM(multi_cleanup),
};

/*
 * The compiler checks each pointer's type against curl.h's prototype: an
 * initializer of the wrong type is an error.  sizeof does not evaluate its
 * operand, so this names the functions without linking libcurl.
 */
_Static_assert(sizeof((struct cd_libcurl){
	.global_init = curl_global_init, .easy_init = curl_easy_init,
	.easy_setopt = curl_easy_setopt, .easy_getinfo = curl_easy_getinfo,
	.easy_strerror = curl_easy_strerror, .easy_cleanup = curl_easy_cleanup,
	.multi_init = curl_multi_init, .multi_setopt = curl_multi_setopt,
	.multi_add_handle = curl_multi_add_handle,
	.multi_remove_handle = curl_multi_remove_handle,
	.multi_assign = curl_multi_assign,
	.multi_socket_action = curl_multi_socket_action,
	.multi_info_read = curl_multi_info_read,
	.multi_strerror = curl_multi_strerror,
	.multi_cleanup = curl_multi_cleanup,
}) == nitems(syms) * sizeof(void *), "one symbol per table entry");
/* POSIX's promise that dlsym's void * holds a function's address. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
    "function pointers are not the size of void *");

/* Debian's libcurl4 (OpenSSL), then libcurl3-gnutls. */
static const char *const default_sonames[] = {
	"libcurl.so.4", "libcurl-gnutls.so.4", NULL
};

/*
 * Process-wide, like the dlopen handle it stands for: every portal run
 * (and every daemon a test makes) shares the one library.
 */
static const char *const	*sonames = default_sonames;
static struct cd_libcurl	 lib;
static bool			 loaded;
static char			 broken[256];	/* loaded, unusable: why */

/* Is e how dlopen says that name itself is not there (glibc, musl)? */
static bool
not_found(const char *e, const char *name)
{
	const char *p = strstr(e, name);

	if (p == NULL)
		return false;
	p += strlen(name);
	return strcmp(p, ": cannot open shared object file: "
	    "No such file or directory") == 0 ||
	    strcmp(p, ": No such file or directory") == 0;
}

/*
 * dlopen the first soname there is, or NULL and why: "not installed"
 * unless one was there but would not load (a missing dependency, say),
 * which is worth its own words.
 */
static void *
lib_open(const char **name, char *why, size_t len)
{
	const char	*e;
	void		*h;

	why[0] = '\0';
	for (const char *const *n = sonames; *n != NULL; n++) {
		if ((h = dlopen(*n, RTLD_NOW | RTLD_LOCAL)) != NULL) {
			*name = *n;
			return h;
		}
		e = dlerror();
		if (why[0] == '\0' && e != NULL && !not_found(e, *n))
			snprintf(why, len, "libcurl (%s) does not load: %s: "
			    NEEDED, *n, e);
	}
	if (why[0] == '\0')
		snprintf(why, len, "libcurl (%s) is not installed: " NEEDED,
		    sonames[0] != NULL ? sonames[0] : "none");
	return NULL;
}

/* Fill the table from h; 0, or -ENOENT and why in broken. */
static int
lib_resolve(void *h, const char *name)
{
	void *p;

	for (size_t i = 0; i < nitems(syms); i++) {
		if ((p = dlsym(h, syms[i].name)) == NULL) {
			snprintf(broken, sizeof(broken), "libcurl (%s) has no "
			    "%s: " NEEDED, name, syms[i].name);
			return -ENOENT;
		}
		memcpy((char *)&lib + syms[i].off, &p, sizeof(p));
	}
	return 0;
}

const struct cd_libcurl *
cd_libcurl_get(char *err, size_t errlen)
{
	const char	*name = NULL;
	char		 why[512];
	void		*h;

	if (loaded)
		return &lib;
	if (broken[0] != '\0') {
		snprintf(err, errlen, "%s", broken);
		return NULL;
	}
	if ((h = lib_open(&name, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	/* Kept open even so: unloading what it pulled in is no safer. */
	if (lib_resolve(h, name) < 0) {
		snprintf(err, errlen, "%s", broken);
		return NULL;
	}
	if (lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(broken, sizeof(broken), "libcurl (%s): "
		    "curl_global_init failed", name);
		snprintf(err, errlen, "%s", broken);
		return NULL;
	}
	log_debug("portal: %s loaded", name);
	loaded = true;
	return &lib;
}

int
cd_libcurl_sonames(const char *const *names)
{
	if (loaded)
		return -EBUSY;
	sonames = names != NULL ? names : default_sonames;
	return 0;
}
