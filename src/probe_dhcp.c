/*
 * The dhcp probe: a DHCPDISCOVER on interfaces.lan, and every OFFER for
 * it, from every server.
 *
 * The DISCOVER leaves as a raw Ethernet frame (pcap_inject) from
 * 0.0.0.0:68 to 255.255.255.255:67 with the probe's own client MAC as
 * the frame's source: a locally administered address derived from the
 * machine ID (dhcp_msg.c), stable across runs so servers do not hand out
 * a fresh address each time, and never anyone's real one.  The broadcast
 * flag asks for broadcast answers; it is never followed by a REQUEST, so
 * no lease is taken.
 *
 * A frame sent on a packet socket is not delivered to this host's own
 * stack, so a DHCP server on this very host (the router's dnsmasq) would
 * never see it.  The same DISCOVER therefore also goes out through a UDP
 * socket bound to the interface, whose broadcast the kernel loops back to
 * local listeners.  Servers on the wire may get both: one server's
 * duplicate offers count once (dhcp_verdict.c).  That socket is not bound
 * to port 68: a DHCP client may hold it, and after the privilege drop
 * binding it is not allowed; servers answer to port 68 anyway.
 *
 * Offers are read from a capture of the interface (immediate mode,
 * promiscuous for servers that answer unicast to the client MAC): the
 * local server's OFFER leaves on the wire and no local socket sees it.
 *
 * Timing: a DISCOVER every probes.timeout while no offer came, retried
 * probes.retries times (dnsmasq pings an address for ~3 s before its
 * first offer to a new client, so the wait must allow for that); after
 * the first offer, CD_DHCP_SETTLE_MS more for other servers, and at least
 * CD_DHCP_PING_WAIT_MS after the DISCOVER (probe_dhcp.h says why).
 * The run's deadline (probe.c) ends it with what has come.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "cd_config.h"
#include "dhcp_msg.h"
#include "log.h"
#include "probe.h"
#include "probe_dhcp.h"
#include "util.h"

#define MAX_OFFERS	32
#define CAPTURE_FILTER	"udp and (port 67 or port 68)"

struct dhcp_probe {
	struct cd_probe_run	*run;		/* NULL once done or cancelled */
	uv_loop_t		*loop;
	pcap_t			*pcap;
	int			 dlt;
	uv_poll_t		 poll;		/* the capture's fd */
	bool			 has_poll;
	uv_timer_t		 resend;	/* the next DISCOVER */
	uv_timer_t		 end;		/* settle, or failure */
	int			 udp_fd;	/* the copy for a local server */
	unsigned		 handles;	/* closing; freed at zero */
	uint64_t		 t0;		/* uv_now */
	uint64_t		 timeout_ms;
	unsigned		 resends_left;
	struct cd_dhcp_sent	 sent;
	struct cd_dhcp_offer	 offers[MAX_OFFERS];
	size_t			 noffers;
	uint8_t			 payload[CD_DHCP_PAYLOAD_MIN];
	uint8_t			 frame[CD_DHCP_FRAME_MAX];
	char			 iface[64];
	char			 subject[80];
	char			 fail[384];	/* why it could not run */
	char			 note[192];	/* about the local copy */
};

static bool
dhcp_enabled(const struct cd_config *cfg)
{
	return cfg->probes.dhcp;
}

/* The probe MAC comes from the machine ID; hostname if there is none. */
static void
probe_mac(uint8_t mac[6])
{
	static const char *const files[] = {
		"/etc/machine-id", "/var/lib/dbus/machine-id",
	};
	char	buf[128];
	ssize_t	n;
	int	fd;

	for (size_t i = 0; i < nitems(files); i++) {
		if ((fd = open(files[i], O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n > 0) {
			cd_dhcp_probe_mac(buf, (size_t)n, mac);
			return;
		}
	}
	if (gethostname(buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "corediagd");
	cd_dhcp_probe_mac(buf, strnlen(buf, sizeof(buf)), mac);
}

static uint32_t
fresh_xid(void)
{
	uint32_t xid;

	if (getrandom(&xid, sizeof(xid), GRND_NONBLOCK) != sizeof(xid))
		xid = (uint32_t)(uv_hrtime() ^ ((uint64_t)getpid() << 16));
	return xid;
}

static void
release(struct dhcp_probe *p)
{
	if (--p->handles == 0)
		free(p);
}

static void
handle_closed(uv_handle_t *h)
{
	release(h->data);
}

static void
teardown(struct dhcp_probe *p)
{
	p->handles = 2;
	uv_close((uv_handle_t *)&p->resend, handle_closed);
	uv_close((uv_handle_t *)&p->end, handle_closed);
	if (p->has_poll) {
		p->handles++;
		uv_close((uv_handle_t *)&p->poll, handle_closed);
	}
	/* uv_close stopped watching the fd: pcap may close it now. */
	if (p->pcap != NULL)
		pcap_close(p->pcap);
	p->pcap = NULL;
	if (p->udp_fd >= 0)
		close(p->udp_fd);
	p->udp_fd = -1;
}

static const char *const dhcp_ids[] = {
	"dhcp.no_offer", "dhcp.server_busy", "dhcp.multiple_servers", NULL,
};

static void
finish(struct dhcp_probe *p)
{
	struct cd_probe_run	*run = p->run;
	struct cd_probe_verdict	 v;
	size_t			 n;

	p->run = NULL;
	if (p->fail[0] != '\0') {
		teardown(p);
		/* Could not test: probe.failed, not a finding about the LAN. */
		cd_probe_fail(run, p->fail);
		return;
	}
	p->sent.waited_ms = uv_now(p->loop) - p->t0;
	cd_dhcp_decide(&p->sent, p->offers, p->noffers, &v);
	n = strlen(v.detail);
	snprintf(v.detail + n, sizeof(v.detail) - n, "%s", p->note);
	v.reach = CD_REACH_UNKNOWN;	/* the LAN, not the internet */
	cd_probe_conclude(run, dhcp_ids, p->subject, &v);
	teardown(p);
}

static void
end_cb(uv_timer_t *t)
{
	finish(t->data);
}

/* Fail on the next loop turn: never call cd_probe_done inside start. */
static void
fail_soon(struct dhcp_probe *p)
{
	uv_timer_stop(&p->resend);
	uv_timer_start(&p->end, end_cb, 0, 0);
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct dhcp_probe	*p = (struct dhcp_probe *)(void *)user;
	struct cd_dhcp_offer	*o;
	uint64_t		 now, end, deadline;
	int			 rc;

	if (p->noffers == MAX_OFFERS || p->run == NULL)
		return;
	o = &p->offers[p->noffers];
	rc = cd_dhcp_offer_parse(p->dlt, bytes, h->caplen, h->len,
	    p->sent.xid, p->sent.mac, o);
	if (rc == 1 && p->sent.others++ == 0)
		p->sent.other = *o;	/* a server is there, answering */
	if (rc != 0)
		return;
	if (p->noffers++ > 0)
		return;
	/* The first: give the others their time, within the deadline. */
	now = uv_now(p->loop);
	p->sent.first_ms = now - p->t0;
	end = now + CD_DHCP_SETTLE_MS;
	if (end < p->t0 + CD_DHCP_PING_WAIT_MS)
		end = p->t0 + CD_DHCP_PING_WAIT_MS;
	deadline = p->run->deadline_mono;
	if (end > deadline)
		end = deadline;
	uv_timer_stop(&p->resend);
	uv_timer_start(&p->end, end_cb, end > now ? end - now : 0, 0);
}

static void
poll_cb(uv_poll_t *h, int status, int events)
{
	struct dhcp_probe	*p = h->data;

	(void)events;
	if (status < 0)
		log_debug("probe dhcp: poll: %s", uv_strerror(status));
	if (cd_capture_dispatch(p->pcap, on_packet, (u_char *)p) < 0)
		log_debug("probe dhcp: %s", pcap_geterr(p->pcap));
}

static int
capture_filter(struct dhcp_probe *p)
{
	struct bpf_program	prog;
	int			rc;

	if (pcap_compile(p->pcap, &prog, CAPTURE_FILTER, 1,
	    PCAP_NETMASK_UNKNOWN) < 0)
		goto fail;
	rc = pcap_setfilter(p->pcap, &prog);
	pcap_freecode(&prog);
	if (rc == 0)
		return 0;
fail:
	snprintf(p->fail, sizeof(p->fail), "capture on %s: filter: %s",
	    p->iface, pcap_geterr(p->pcap));
	return -EIO;
}

static int
capture_open(struct dhcp_probe *p)
{
	int rc;

	p->pcap = cd_capture_open_live(p->iface, 2048, CD_DHCP_CAPTURE_BUFFER,
	    p->fail, sizeof(p->fail));
	if (p->pcap == NULL)
		return -EIO;
	if ((rc = capture_filter(p)) < 0)
		return rc;
	/* The DISCOVER is an Ethernet frame: it needs an Ethernet link. */
	if ((p->dlt = pcap_datalink(p->pcap)) != DLT_EN10MB) {
		snprintf(p->fail, sizeof(p->fail), "cannot send a DHCPDISCOVER "
		    "on %s: not an Ethernet interface (link type %s)", p->iface,
		    cd_capture_dlt_name(p->dlt));
		return -ENOTSUP;
	}
	if ((rc = uv_poll_init(p->loop, &p->poll,
	    pcap_get_selectable_fd(p->pcap))) < 0) {
		snprintf(p->fail, sizeof(p->fail), "capture on %s: %s",
		    p->iface, uv_strerror(rc));
		return rc;
	}
	p->has_poll = true;
	p->poll.data = p;
	uv_poll_start(&p->poll, UV_READABLE, poll_cb);
	return 0;
}

/* The copy through the IP stack, for a server on this host. */
static void
local_copy(struct dhcp_probe *p, size_t plen)
{
	struct sockaddr_in	to = { .sin_family = AF_INET };
	int			on = 1;

	to.sin_port = htons(67);
	to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
	if (p->udp_fd < 0) {
		p->udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (p->udp_fd < 0 || setsockopt(p->udp_fd, SOL_SOCKET,
		    SO_BROADCAST, &on, sizeof(on)) < 0 ||
		    setsockopt(p->udp_fd, SOL_SOCKET, SO_BINDTODEVICE, p->iface,
		    (socklen_t)strlen(p->iface)) < 0)
			goto fail;
	}
	if (sendto(p->udp_fd, p->payload, plen, 0, (struct sockaddr *)&to,
	    sizeof(to)) < 0)
		goto fail;
	return;
fail:
	/* Not fatal: the raw frame went; only a server here may miss it. */
	if (p->note[0] == '\0')
		snprintf(p->note, sizeof(p->note), " (the copy for a DHCP "
		    "server on this host was not sent: %s)", strerror(errno));
}

static int
discover_send(struct dhcp_probe *p)
{
	uint64_t	secs = (uv_now(p->loop) - p->t0) / 1000;
	size_t		plen, flen;

	plen = cd_dhcp_discover(p->payload, sizeof(p->payload), p->sent.mac,
	    p->sent.xid, (uint16_t)(secs > 0xffff ? 0xffff : secs));
	flen = cd_dhcp_frame(p->frame, sizeof(p->frame), p->sent.mac,
	    p->payload, plen);
	if (plen == 0 || flen == 0)
		return -EINVAL;
	if (pcap_inject(p->pcap, p->frame, flen) < 0) {
		snprintf(p->fail, sizeof(p->fail), "cannot send the DHCPDISCOVER "
		    "on %s: %s", p->iface, pcap_geterr(p->pcap));
		return -EIO;
	}
	p->sent.sends++;
	local_copy(p, plen);
	return 0;
}

static void
resend_cb(uv_timer_t *t)
{
	struct dhcp_probe *p = t->data;

	if (p->resends_left == 0 || p->noffers > 0)
		return;
	p->resends_left--;
	if (discover_send(p) < 0) {
		fail_soon(p);
		return;
	}
	uv_timer_start(&p->resend, resend_cb, p->timeout_ms, 0);
}

static void
probe_init(struct dhcp_probe *p, struct cd_probe_run *run,
    const struct cd_config *cfg)
{
	p->run = run;
	p->loop = cd_probe_loop(run);
	p->udp_fd = -1;
	snprintf(p->iface, sizeof(p->iface), "%s", cfg->interfaces.lan);
	snprintf(p->subject, sizeof(p->subject), "dhcp:%s", p->iface);
	p->sent.iface = p->iface;
	p->sent.xid = fresh_xid();
	probe_mac(p->sent.mac);
	p->timeout_ms = cfg->probes.timeout_ms;
	p->resends_left = cfg->probes.retries;
	uv_timer_init(p->loop, &p->resend);
	uv_timer_init(p->loop, &p->end);
	p->resend.data = p->end.data = p;
	p->t0 = uv_now(p->loop);
}

static int
dhcp_start(struct cd_probe_run *run)
{
	struct dhcp_probe *p = cd_calloc(1, sizeof(*p));

	probe_init(p, run, cd_probe_cfg(run));
	run->priv = p;
	if (capture_open(p) < 0 || discover_send(p) < 0) {
		fail_soon(p);
		return 0;
	}
	if (p->resends_left > 0)
		uv_timer_start(&p->resend, resend_cb, p->timeout_ms, 0);
	return 0;
}

static void
dhcp_cancel(struct cd_probe_run *run)
{
	struct dhcp_probe *p = run->priv;

	if (p == NULL)
		return;
	p->run = NULL;
	run->priv = NULL;
	teardown(p);
}

/* The budget is spent: the offers that came are the answer. */
static void
dhcp_expire(struct cd_probe_run *run)
{
	struct dhcp_probe *p = run->priv;

	if (p != NULL && p->run != NULL)
		finish(p);
}

const struct cd_probe_ops cd_probe_dhcp = {
	.name = "dhcp",
	.enabled = dhcp_enabled,
	.start = dhcp_start,
	.cancel = dhcp_cancel,
	.expire = dhcp_expire,
	.min_budget_ms = CD_DHCP_MIN_BUDGET_MS,
};
