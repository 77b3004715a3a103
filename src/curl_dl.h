/*
 * libcurl, loaded when the portal probe first needs it.  Linking it would
 * load its whole tree (OpenSSL, GnuTLS, Kerberos, libssh2, LDAP, about 30
 * shared objects, some 6 MiB resident) into every corediagd, --read
 * included, for one plain-HTTP GET.  So the daemon does not link it:
 * cd_libcurl_get dlopens it and resolves the functions we call into one
 * table.  <curl/curl.h> still gives the types and constants.
 */
#ifndef CD_CURL_DL_H
#define CD_CURL_DL_H

#include <stddef.h>
#include <curl/curl.h>

/*
 * The libcurl functions corediagd calls, without their curl_ prefix:
 * curl.h makes curl_easy_setopt and others function-like macros, which
 * would swallow lc->curl_easy_setopt(...).  The variadic ones are called
 * through pointers of the same variadic type, as curl.h declares them.
 */
struct cd_libcurl {
	CURLcode	 (*global_init)(long flags);
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *easy, CURLoption opt, ...);
	CURLcode	 (*easy_getinfo)(CURL *easy, CURLINFO info, ...);
	const char	*(*easy_strerror)(CURLcode rc);
	void		 (*easy_cleanup)(CURL *easy);
	CURLM		*(*multi_init)(void);
	CURLMcode	 (*multi_setopt)(CURLM *multi, CURLMoption opt, ...);
	CURLMcode	 (*multi_add_handle)(CURLM *multi, CURL *easy);
	CURLMcode	 (*multi_remove_handle)(CURLM *multi, CURL *easy);
	CURLMcode	 (*multi_assign)(CURLM *multi, curl_socket_t fd,
			    void *sockp);
	CURLMcode	 (*multi_socket_action)(CURLM *multi, curl_socket_t fd,
			    int events, int *running);
	CURLMsg		*(*multi_info_read)(CURLM *multi, int *left);
	const char	*(*multi_strerror)(CURLMcode rc);
	CURLMcode	 (*multi_cleanup)(CURLM *multi);
};

/*
 * libcurl, loaded and curl_global_init'ed on the first call, or NULL with
 * why in err ("libcurl (libcurl.so.4) is not installed: ...").  A library
 * that is not there is looked for again on the next call, so installing
 * it needs no restart; one that loaded is kept for the process's life
 * (never dlclosed: OpenSSL and GnuTLS do not take unloading well).
 */
const struct cd_libcurl *cd_libcurl_get(char *err, size_t errlen);

/*
 * Tests only: try the sonames in names (NULL-terminated and static: it is
 * kept) instead of libcurl.so.4, then libcurl-gnutls.so.4; NULL for those
 * again.  0, or -EBUSY once libcurl is loaded, when it is too late.
 */
int	cd_libcurl_sonames(const char *const *names);

#endif
