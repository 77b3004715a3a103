#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "util.h"

cd_getaddrinfo_fn *cd_resolve_getaddrinfo = getaddrinfo;

/*
 * Shared by the loop and the lookup's thread; each holds a reference and
 * the last to let go frees it.  The loop's reference ends in the async
 * handle's close callback.
 */
struct cd_resolve {
	uv_async_t	 async;
	pthread_mutex_t	 mtx;
	int		 refs;
	bool		 abandoned;	/* under mtx: the thread must not signal */
	bool		 over;		/* loop side: answered or abandoned */
	char		*host;
	char		*service;
	struct addrinfo	 hints;
	int		 status;
	int		 err;		/* errno, for EAI_SYSTEM */
	struct addrinfo	*res;
	cd_resolve_cb	*cb;
	void		*arg;
};

static void
resolve_unref(struct cd_resolve *r)
{
	bool last;

	pthread_mutex_lock(&r->mtx);
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->mtx);
	if (!last)
		return;
	if (r->res != NULL)
		freeaddrinfo(r->res);
	free(r->host);
	free(r->service);
	pthread_mutex_destroy(&r->mtx);
	free(r);
}

static void *
resolve_thread(void *arg)
{
	struct cd_resolve	*r = arg;
	struct addrinfo		*res = NULL;
	int			 status, err;

	status = cd_resolve_getaddrinfo(r->host, r->service, &r->hints, &res);
	err = errno;
	pthread_mutex_lock(&r->mtx);
	r->status = status;
	r->err = err;
	r->res = status == 0 ? res : NULL;
	if (!r->abandoned)
		uv_async_send(&r->async);
	pthread_mutex_unlock(&r->mtx);
	resolve_unref(r);
	return NULL;
}

static void
resolve_closed(uv_handle_t *h)
{
	resolve_unref(container_of((uv_async_t *)h, struct cd_resolve, async));
}

static void
resolve_answer(uv_async_t *a)
{
	struct cd_resolve	*r = container_of(a, struct cd_resolve, async);
	const char		*why = NULL;
	int			 status;

	if (r->over)
		return;
	r->over = true;
	pthread_mutex_lock(&r->mtx);
	status = r->status;
	pthread_mutex_unlock(&r->mtx);
	if (status == EAI_SYSTEM)
		why = strerror(r->err);
	else if (status != 0)
		why = gai_strerror(status);
	r->cb(r->arg, status, r->res, why);
	uv_close((uv_handle_t *)&r->async, resolve_closed);
}

/* The thread takes no signals: libuv's handlers belong to the loop's. */
static int
thread_spawn(struct cd_resolve *r)
{
	pthread_attr_t	attr;
	pthread_t	tid;
	sigset_t	all, old;
	int		rc;

	if ((rc = pthread_attr_init(&attr)) != 0)
		return -rc;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&tid, &attr, resolve_thread, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return -rc;
}

/* A numeric address needs no lookup and no thread; answered on the loop. */
static bool
numeric_answer(struct cd_resolve *r)
{
	struct addrinfo hints = r->hints;

	hints.ai_flags |= AI_NUMERICHOST;
	if (getaddrinfo(r->host, r->service, &hints, &r->res) != 0) {
		r->res = NULL;
		return false;
	}
	r->refs = 1;
	uv_async_send(&r->async);
	return true;
}

int
cd_resolve_start(uv_loop_t *loop, const char *host, const char *service,
    const struct addrinfo *hints, cd_resolve_cb *cb, void *arg,
    struct cd_resolve **out)
{
	struct cd_resolve	*r = cd_calloc(1, sizeof(*r));
	int			 rc;

	r->host = cd_strdup(host);
	r->service = cd_strdup(service);
	if (hints != NULL)
		r->hints = *hints;
	r->cb = cb;
	r->arg = arg;
	r->refs = 2;
	pthread_mutex_init(&r->mtx, NULL);
	if ((rc = uv_async_init(loop, &r->async, resolve_answer)) < 0)
		goto fail;
	if (cd_resolve_getaddrinfo == getaddrinfo && numeric_answer(r)) {
		*out = r;
		return 0;
	}
	if ((rc = thread_spawn(r)) < 0) {
		r->refs = 1;
		r->over = true;
		uv_close((uv_handle_t *)&r->async, resolve_closed);
		return rc;
	}
	*out = r;
	return 0;
fail:
	free(r->host);
	free(r->service);
	pthread_mutex_destroy(&r->mtx);
	free(r);
	return rc;
}

void
cd_resolve_abandon(struct cd_resolve *r)
{
	if (r == NULL || r->over)
		return;
	r->over = true;
	pthread_mutex_lock(&r->mtx);
	r->abandoned = true;
	pthread_mutex_unlock(&r->mtx);
	uv_close((uv_handle_t *)&r->async, resolve_closed);
}
