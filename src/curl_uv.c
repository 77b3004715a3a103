#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "curl_dl.h"
#include "curl_uv.h"
#include "log.h"
#include "util.h"

/* One socket curl asked us to watch. */
struct curl_sock {
	uv_poll_t		 poll;
	curl_socket_t		 fd;
	struct cd_curl		*c;		/* NULL once closing */
	struct curl_sock	*next;
};

struct cd_curl {
	const struct cd_libcurl	*lc;
	uv_loop_t		*loop;
	CURLM			*multi;
	uv_timer_t		 timer;
	struct curl_sock	*socks;
	cd_curl_done_cb		*done;
	void			*arg;
	bool			 closing;
};

static void
sock_closed(uv_handle_t *h)
{
	free(container_of((uv_poll_t *)h, struct curl_sock, poll));
}

static void
sock_close(struct cd_curl *c, struct curl_sock *s)
{
	struct curl_sock **pp;

	for (pp = &c->socks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	s->c = NULL;
	uv_close((uv_handle_t *)&s->poll, sock_closed);
}

/* Report finished transfers; stop as soon as the owner frees us. */
static void
check_done(struct cd_curl *c)
{
	CURLMsg	*m;
	int	 left;

	while (!c->closing && (m = c->lc->multi_info_read(c->multi, &left))) {
		if (m->msg == CURLMSG_DONE)
			c->done(c->arg, m->easy_handle, m->data.result);
	}
}

static void
sock_ready(uv_poll_t *h, int status, int events)
{
	struct curl_sock	*s = container_of(h, struct curl_sock, poll);
	struct cd_curl		*c = s->c;
	int			 flags = 0, running;

	if (c == NULL)
		return;
	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	c->lc->multi_socket_action(c->multi, s->fd, flags, &running);
	check_done(c);
}

static struct curl_sock *
sock_new(struct cd_curl *c, curl_socket_t fd)
{
	struct curl_sock *s = cd_calloc(1, sizeof(*s));

	if (uv_poll_init_socket(c->loop, &s->poll, fd) < 0) {
		free(s);
		return NULL;
	}
	s->fd = fd;
	s->c = c;
	s->next = c->socks;
	c->socks = s;
	c->lc->multi_assign(c->multi, fd, s);
	return s;
}

/* CURLMOPT_SOCKETFUNCTION: watch fd for what curl wants, or stop. */
static int
on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct cd_curl		*c = userp;
	struct curl_sock	*s = socketp;
	int			 events = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE || c->closing) {
		if (s != NULL && s->c != NULL) {
			if (!c->closing)
				c->lc->multi_assign(c->multi, fd, NULL);
			sock_close(c, s);
		}
		return 0;
	}
	if (s == NULL && (s = sock_new(c, fd)) == NULL)
		return -1;
	if (what & CURL_POLL_IN)
		events |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	uv_poll_start(&s->poll, events, sock_ready);
	return 0;
}

static void
timer_fired(uv_timer_t *t)
{
	struct cd_curl	*c = t->data;
	int		 running;

	c->lc->multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(c);
}

/* CURLMOPT_TIMERFUNCTION: curl may not be called back from in here. */
static int
on_timer(CURLM *multi, long ms, void *userp)
{
	struct cd_curl *c = userp;

	(void)multi;
	if (c->closing)
		return 0;
	if (ms < 0)
		uv_timer_stop(&c->timer);
	else
		uv_timer_start(&c->timer, timer_fired, (uint64_t)ms, 0);
	return 0;
}

int
cd_curl_new(uv_loop_t *loop, cd_curl_done_cb *done, void *arg,
    struct cd_curl **out)
{
	const struct cd_libcurl	*lc;
	struct cd_curl		*c;

	if ((lc = cd_libcurl_get(NULL, 0)) == NULL)
		return -ENOENT;
	c = cd_calloc(1, sizeof(*c));
	c->lc = lc;
	if ((c->multi = lc->multi_init()) == NULL) {
		free(c);
		return -ENOMEM;
	}
	c->loop = loop;
	c->done = done;
	c->arg = arg;
	uv_timer_init(loop, &c->timer);
	c->timer.data = c;
	c->lc->multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	c->lc->multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	c->lc->multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	c->lc->multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	*out = c;
	return 0;
}

int
cd_curl_add(struct cd_curl *c, CURL *easy)
{
	CURLMcode rc;

	if ((rc = c->lc->multi_add_handle(c->multi, easy)) != CURLM_OK) {
		log_warnx("curl: %s", c->lc->multi_strerror(rc));
		return -EIO;
	}
	return 0;
}

void
cd_curl_remove(struct cd_curl *c, CURL *easy)
{
	c->lc->multi_remove_handle(c->multi, easy);
}

static void
curl_closed(uv_handle_t *h)
{
	free(h->data);
}

void
cd_curl_free(struct cd_curl *c)
{
	if (c == NULL || c->closing)
		return;
	c->closing = true;
	c->lc->multi_cleanup(c->multi);
	while (c->socks != NULL)
		sock_close(c, c->socks);
	uv_close((uv_handle_t *)&c->timer, curl_closed);
}
