/*
 * ICMP errors for a UDP probe.  A connected UDP socket with IP_RECVERR
 * (IPV6_RECVERR) queues every ICMP error its datagrams provoke, with the
 * ICMP type, code and the address that sent it; recvmsg(MSG_ERRQUEUE)
 * reads them.  libcoap only says "ICMP issue", so the CoAP probe sends the
 * same ping from one of these beside libcoap's exchange to learn which
 * ICMP error it was: administratively prohibited (a firewall) is not port
 * unreachable (the datagram got through).
 */
#ifndef CD_ICMP_ERR_H
#define CD_ICMP_ERR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

/* What an ICMP destination-unreachable says about the path. */
enum cd_icmp_kind {
	CD_ICMP_PORT_UNREACH,	/* nothing listens on that port */
	CD_ICMP_PROHIBITED,	/* a filter refused it (v4 3/9,10,13; v6 1/1,5,6) */
	CD_ICMP_UNREACH,	/* network or host unreachable */
	CD_ICMP_OTHER,		/* anything else (TTL exceeded, frag needed...) */
};

/* One ICMP error as read from the error queue. */
struct cd_icmp_err {
	int		family;		/* AF_INET (ICMP) or AF_INET6 (ICMPv6) */
	uint8_t		type;
	uint8_t		code;
	int		errnum;		/* what the kernel maps it to */
	bool		has_offender;
	char		offender[64];	/* numeric address that sent it */
};

enum cd_icmp_kind cd_icmp_classify(int family, uint8_t type, uint8_t code);
const char *cd_icmp_kind_name(enum cd_icmp_kind kind);
/* "type 3 code 13 (communication administratively prohibited)" */
void	cd_icmp_describe(const struct cd_icmp_err *e, char *buf, size_t len);

/* Read one queued error from fd: 1 (filled *e), 0 if none, -errno. */
int	cd_icmp_read_errqueue(int fd, struct cd_icmp_err *e);

/* What the socket saw. */
enum cd_icmp_event {
	CD_ICMP_EV_ERROR,	/* an ICMP error: err */
	CD_ICMP_EV_DATA,	/* a datagram came back: data, len */
	CD_ICMP_EV_FAILED,	/* the socket failed: errnum */
};

struct cd_icmp_sock;
typedef void cd_icmp_sock_cb(struct cd_icmp_sock *s, enum cd_icmp_event ev,
    const struct cd_icmp_err *err, const uint8_t *data, size_t len,
    int errnum);

/* A non-blocking connected UDP socket with IP_RECVERR on the loop. */
struct cd_icmp_sock {
	uv_poll_t	 poll;
	int		 fd;
	bool		 polling;
	cd_icmp_sock_cb	*cb;
	void		*data;		/* the owner's */
};

/*
 * 0, or a negative errno.  Either way cd_icmp_sock_close(s) is safe
 * afterwards (s->fd is -1 until the socket is set up).
 */
int	cd_icmp_sock_open(struct cd_icmp_sock *s, uv_loop_t *loop,
	    const struct sockaddr *dst, socklen_t dstlen, cd_icmp_sock_cb *cb,
	    void *data);
/* 0 or -errno (EPERM: a local firewall refused it). */
int	cd_icmp_sock_send(struct cd_icmp_sock *s, const void *buf, size_t len);
/*
 * Stop reporting and close.  true: close_cb runs when the handle is gone;
 * false: there was nothing to close (no callback follows).
 */
bool	cd_icmp_sock_close(struct cd_icmp_sock *s, uv_close_cb close_cb);

#endif
