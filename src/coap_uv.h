/*
 * libcoap on the libuv loop.  libcoap 4.3 built with epoll hands out one
 * file descriptor, its epoll set (its sockets and a timerfd for
 * retransmissions): a uv_poll on it says when to call
 * coap_io_process(ctx, COAP_IO_NO_WAIT), and a uv_timer armed for
 * libcoap's next timeout backs the timerfd up.  libcoap's handlers run
 * inside coap_io_process; the owner's `after` callback runs once it has
 * returned, so the owner can act (or close everything) from there, never
 * from inside a handler.
 */
#ifndef CD_COAP_UV_H
#define CD_COAP_UV_H

#include <stdbool.h>
#include <coap3/coap.h>
#include <uv.h>

struct cd_coap_uv;
typedef void cd_coap_uv_cb(struct cd_coap_uv *cu);

struct cd_coap_uv {
	coap_context_t	*ctx;
	uv_poll_t	 poll;
	uv_timer_t	 timer;
	bool		 has_poll;	/* false: libcoap built without epoll */
	unsigned	 handles;	/* handles not closed yet */
	cd_coap_uv_cb	*after;		/* after each round of libcoap I/O */
	cd_coap_uv_cb	*closed;	/* when every handle is gone */
	void		*data;		/* the owner's */
};

/*
 * Make a client context on the loop.  0, or a negative errno; either way
 * call cd_coap_uv_close afterwards.
 */
int	cd_coap_uv_open(struct cd_coap_uv *cu, uv_loop_t *loop,
	    cd_coap_uv_cb *after, void *data);
/* Let libcoap do its I/O soon (after the owner queued a message). */
void	cd_coap_uv_kick(struct cd_coap_uv *cu);
/*
 * Free the context (its handlers are unregistered first) and close the
 * handles; closed(cu) runs when they are gone.  Not from a libcoap handler.
 */
void	cd_coap_uv_close(struct cd_coap_uv *cu, cd_coap_uv_cb *closed);

#endif
