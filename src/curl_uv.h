/*
 * libcurl's multi interface driven by the libuv loop: curl tells us which
 * sockets to watch (CURLMOPT_SOCKETFUNCTION -> uv_poll) and when to wake
 * it (CURLMOPT_TIMERFUNCTION -> uv_timer); we hand readiness back with
 * curl_multi_socket_action.  Nothing waits: transfers end through done.
 */
#ifndef CD_CURL_UV_H
#define CD_CURL_UV_H

#include <curl/curl.h>
#include <uv.h>

struct cd_curl;

/* A transfer ended (result CURLE_OK or why not); easy is still added. */
typedef void cd_curl_done_cb(void *arg, CURL *easy, CURLcode result);

/* 0 and *out, or a negative errno: -ENOENT if libcurl does not load. */
int	cd_curl_new(uv_loop_t *loop, cd_curl_done_cb *done, void *arg,
	    struct cd_curl **out);
/* Start a transfer; 0 or -EIO.  The caller keeps owning easy. */
int	cd_curl_add(struct cd_curl *c, CURL *easy);
/* Stop a transfer (before reusing or freeing easy). */
void	cd_curl_remove(struct cd_curl *c, CURL *easy);
/*
 * Stop everything and free: sockets and the timer close on the loop, the
 * memory goes in their close callbacks.  Safe from inside done; done is
 * not called again.  Remove the easy handles first.
 */
void	cd_curl_free(struct cd_curl *c);

#endif
