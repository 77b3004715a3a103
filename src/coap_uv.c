#include "config.h"

#include <errno.h>
#include <string.h>

#include "coap_uv.h"
#include "log.h"

/* Without epoll there is no fd to poll: look at libcoap this often. */
#define COAP_UV_TICK_MS	20

static void	timer_cb(uv_timer_t *t);

static void
libcoap_log(coap_log_t level, const char *msg)
{
	size_t n = strlen(msg);

	(void)level;
	/* libcoap says "got RST" at LOG_ALERT: the probe's answer, not news. */
	while (n > 0 && msg[n - 1] == '\n')
		n--;
	log_debug("libcoap: %.*s", (int)n, msg);
}

/* Arm the timer for libcoap's next retransmission or timeout. */
static void
rearm(struct cd_coap_uv *cu)
{
	coap_tick_t	now;
	unsigned	next;

	if (!cu->has_poll) {
		uv_timer_start(&cu->timer, timer_cb, COAP_UV_TICK_MS, 0);
		return;
	}
	coap_ticks(&now);
	/* Also queues what is due now; handlers only take notes. */
	next = coap_io_prepare_epoll(cu->ctx, now);
	if (next > 0)
		uv_timer_start(&cu->timer, timer_cb, next, 0);
	else
		uv_timer_stop(&cu->timer);
}

static void
process(struct cd_coap_uv *cu)
{
	if (cu->ctx == NULL)
		return;
	if (coap_io_process(cu->ctx, COAP_IO_NO_WAIT) < 0)
		log_debug("coap_uv: coap_io_process failed");
	rearm(cu);
	cu->after(cu);
}

static void
timer_cb(uv_timer_t *t)
{
	process(t->data);
}

static void
poll_cb(uv_poll_t *h, int status, int events)
{
	struct cd_coap_uv *cu = h->data;

	(void)events;
	if (status < 0)
		log_debug("coap_uv: poll: %s", uv_strerror(status));
	process(cu);
}

int
cd_coap_uv_open(struct cd_coap_uv *cu, uv_loop_t *loop, cd_coap_uv_cb *after,
    void *data)
{
	int fd, rc;

	memset(cu, 0, sizeof(*cu));
	cu->after = after;
	cu->data = data;
	uv_timer_init(loop, &cu->timer);
	cu->timer.data = cu;
	cu->handles = 1;
	coap_startup();
	coap_set_log_handler(libcoap_log);
	coap_set_log_level(log_verbose() > 1 ? LOG_DEBUG : LOG_WARNING);
	if ((cu->ctx = coap_new_context(NULL)) == NULL)
		return -ENOMEM;
	if ((fd = coap_context_get_coap_fd(cu->ctx)) < 0)
		return 0;	/* no epoll: the timer ticks instead */
	if ((rc = uv_poll_init(loop, &cu->poll, fd)) < 0)
		return rc;
	cu->poll.data = cu;
	cu->handles++;
	cu->has_poll = true;
	return uv_poll_start(&cu->poll, UV_READABLE, poll_cb);
}

void
cd_coap_uv_kick(struct cd_coap_uv *cu)
{
	if (cu->ctx != NULL)
		uv_timer_start(&cu->timer, timer_cb, 0, 0);
}

static void
close_cb(uv_handle_t *h)
{
	struct cd_coap_uv *cu = h->data;

	if (--cu->handles == 0 && cu->closed != NULL)
		cu->closed(cu);
}

void
cd_coap_uv_close(struct cd_coap_uv *cu, cd_coap_uv_cb *closed)
{
	cu->closed = closed;
	/* Stop watching the epoll fd before libcoap closes it. */
	if (cu->has_poll)
		uv_close((uv_handle_t *)&cu->poll, close_cb);
	uv_close((uv_handle_t *)&cu->timer, close_cb);
	if (cu->ctx != NULL) {
		coap_register_nack_handler(cu->ctx, NULL);
		coap_register_response_handler(cu->ctx, NULL);
		coap_free_context(cu->ctx);
		cu->ctx = NULL;
	}
}
