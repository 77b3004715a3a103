#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "icmp_err.h"

enum cd_icmp_kind
cd_icmp_classify(int family, uint8_t type, uint8_t code)
{
	if (family == AF_INET && type == 3) {
		switch (code) {
		case 3:
			return CD_ICMP_PORT_UNREACH;
		case 9:		/* network administratively prohibited */
		case 10:	/* host administratively prohibited */
		case 13:	/* communication administratively prohibited */
			return CD_ICMP_PROHIBITED;
		case 0:		/* network unreachable */
		case 1:		/* host unreachable */
		case 6:		/* destination network unknown */
		case 7:		/* destination host unknown */
			return CD_ICMP_UNREACH;
		}
	}
	if (family == AF_INET6 && type == 1) {
		switch (code) {
		case 4:
			return CD_ICMP_PORT_UNREACH;
		case 1:		/* administratively prohibited */
		case 5:		/* source address failed ingress/egress policy */
		case 6:		/* reject route to destination */
			return CD_ICMP_PROHIBITED;
		case 0:		/* no route to destination */
		case 3:		/* address unreachable */
			return CD_ICMP_UNREACH;
		}
	}
	return CD_ICMP_OTHER;
}

const char *
cd_icmp_kind_name(enum cd_icmp_kind kind)
{
	switch (kind) {
	case CD_ICMP_PORT_UNREACH:
		return "port unreachable";
	case CD_ICMP_PROHIBITED:
		return "administratively prohibited";
	case CD_ICMP_UNREACH:
		return "network or host unreachable";
	default:
		return "other ICMP error";
	}
}

void
cd_icmp_describe(const struct cd_icmp_err *e, char *buf, size_t len)
{
	snprintf(buf, len, "ICMP%s type %u code %u (%s)",
	    e->family == AF_INET6 ? "v6" : "", e->type, e->code,
	    cd_icmp_kind_name(cd_icmp_classify(e->family, e->type, e->code)));
}

static void
offender_fill(struct cd_icmp_err *e, const struct cmsghdr *c)
{
	const uint8_t		*p = CMSG_DATA(c);
	size_t			 have, off = sizeof(struct sock_extended_err);
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	sa_family_t		 fam;

	/* SO_EE_OFFENDER: a sockaddr right after the extended error. */
	have = c->cmsg_len - CMSG_LEN(0);
	if (have < off + sizeof(fam))
		return;
	memcpy(&fam, p + off, sizeof(fam));
	if (fam == AF_INET && have >= off + sizeof(sin)) {
		memcpy(&sin, p + off, sizeof(sin));
		e->has_offender = inet_ntop(AF_INET, &sin.sin_addr,
		    e->offender, sizeof(e->offender)) != NULL;
	} else if (fam == AF_INET6 && have >= off + sizeof(sin6)) {
		memcpy(&sin6, p + off, sizeof(sin6));
		e->has_offender = inet_ntop(AF_INET6, &sin6.sin6_addr,
		    e->offender, sizeof(e->offender)) != NULL;
	}
}

/* One IP_RECVERR/IPV6_RECVERR control message into *e. */
static void
err_fill(struct cd_icmp_err *e, const struct cmsghdr *c)
{
	struct sock_extended_err ee;

	memset(e, 0, sizeof(*e));
	if (c->cmsg_len < CMSG_LEN(sizeof(ee))) {
		e->family = AF_UNSPEC;
		return;
	}
	memcpy(&ee, CMSG_DATA(c), sizeof(ee));
	e->errnum = (int)ee.ee_errno;
	if (ee.ee_origin == SO_EE_ORIGIN_ICMP)
		e->family = AF_INET;
	else if (ee.ee_origin == SO_EE_ORIGIN_ICMP6)
		e->family = AF_INET6;
	else {
		e->family = AF_UNSPEC;	/* a local error, not ICMP */
		return;
	}
	e->type = ee.ee_type;
	e->code = ee.ee_code;
	offender_fill(e, c);
}

int
cd_icmp_read_errqueue(int fd, struct cd_icmp_err *e)
{
	uint8_t		 cbuf[512], dbuf[64];
	struct iovec	 iov = { dbuf, sizeof(dbuf) };
	struct msghdr	 msg;
	struct cmsghdr	*c;

	memset(e, 0, sizeof(*e));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == SOL_IPV6 &&
		    c->cmsg_type == IPV6_RECVERR)) {
			err_fill(e, c);
			return 1;
		}
	}
	memset(e, 0, sizeof(*e));
	e->family = AF_UNSPEC;
	return 1;
}

/* Report queued errors, then datagrams; false once the owner closed s. */
static bool
drain(struct cd_icmp_sock *s)
{
	struct cd_icmp_err	e;
	uint8_t			buf[1500];
	ssize_t			n;

	/* Bounded: a socket flooded with answers must not hold the loop. */
	for (int i = 0; i < 64 && cd_icmp_read_errqueue(s->fd, &e) > 0; i++) {
		if (e.family == AF_UNSPEC)
			continue;	/* local (e.g. EMSGSIZE): not the path */
		s->cb(s, CD_ICMP_EV_ERROR, &e, NULL, 0, 0);
		if (s->fd < 0)
			return false;
	}
	for (int i = 0; i < 64; i++) {
		n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		/*
		 * A failed recv returns the socket's pending error: the ICMP
		 * error just read from the queue, once more.  Skip it.
		 */
		if (n < 0)
			continue;
		s->cb(s, CD_ICMP_EV_DATA, NULL, buf, (size_t)n, 0);
		if (s->fd < 0)
			return false;
	}
	return true;
}

static void
poll_cb(uv_poll_t *h, int status, int events)
{
	struct cd_icmp_sock *s = h->data;

	(void)events;
	/*
	 * libuv reports POLLERR (an ICMP error waiting in the queue) as
	 * status UV_EBADF and stops the handle: read the queue and poll on.
	 */
	if (!drain(s))
		return;
	if (status < 0 && !uv_is_active((uv_handle_t *)h) &&
	    uv_poll_start(h, UV_READABLE, poll_cb) < 0) {
		s->polling = false;
		s->cb(s, CD_ICMP_EV_FAILED, NULL, NULL, 0, EIO);
	}
}

static int
sock_setup(int fd, int family, const struct sockaddr *dst, socklen_t dstlen)
{
	int on = 1;

	if (family == AF_INET6) {
		if (setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on)) < 0)
			return -errno;
	} else if (setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on)) < 0)
		return -errno;
	if (connect(fd, dst, dstlen) < 0)
		return -errno;
	return 0;
}

int
cd_icmp_sock_open(struct cd_icmp_sock *s, uv_loop_t *loop,
    const struct sockaddr *dst, socklen_t dstlen, cd_icmp_sock_cb *cb,
    void *data)
{
	int fd, rc;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (dst->sa_family != AF_INET && dst->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	fd = socket(dst->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		return -errno;
	if ((rc = sock_setup(fd, dst->sa_family, dst, dstlen)) < 0 ||
	    (rc = uv_poll_init_socket(loop, &s->poll, fd)) < 0)
		goto fail;
	s->fd = fd;
	s->cb = cb;
	s->data = data;
	s->poll.data = s;
	/* From here on the handle exists: cd_icmp_sock_close closes it. */
	if ((rc = uv_poll_start(&s->poll, UV_READABLE, poll_cb)) < 0)
		return rc;
	s->polling = true;
	return 0;
fail:
	close(fd);
	return rc;
}

int
cd_icmp_sock_send(struct cd_icmp_sock *s, const void *buf, size_t len)
{
	if (s->fd < 0)
		return -EBADF;
	if (send(s->fd, buf, len, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

bool
cd_icmp_sock_close(struct cd_icmp_sock *s, uv_close_cb close_cb)
{
	int fd = s->fd;

	if (fd < 0)
		return false;
	s->fd = -1;
	s->polling = false;
	/* uv_close stops the watcher at once, so the fd can go now. */
	uv_close((uv_handle_t *)&s->poll, close_cb);
	close(fd);
	return true;
}
