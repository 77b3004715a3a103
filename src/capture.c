/*
 * The capture path shared by the live daemon and --read: one pcap record
 * is decoded and handed to the tracker, with the packet's own time as the
 * clock.  Also the live handle's set-up.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "log.h"

/*
 * A file's clock says anything: a pcapng interface counting whole seconds
 * reaches 2^64 s, past what milliseconds in an int64_t hold.  Clamped to
 * the epoch .. the end of year 9999.
 */
int64_t
cd_capture_ts_ms(const struct pcap_pkthdr *h)
{
	const int64_t	max_sec = 253402300799LL;
	int64_t		sec = (int64_t)h->ts.tv_sec;
	int64_t		usec = (int64_t)h->ts.tv_usec;

	if (sec < 0)
		return 0;
	if (sec > max_sec)
		return max_sec * 1000 + 999;
	if (usec < 0 || usec > 999999)
		usec = usec < 0 ? 0 : 999999;
	return sec * 1000 + usec / 1000;
}

void
cd_capture_packet(struct cd_capture *cap, const struct pcap_pkthdr *h,
    const u_char *data)
{
	struct cd_pkt	pkt;
	int		rc;

	cap->packets++;
	pkt.ts_ms = cd_capture_ts_ms(h);
	if (cap->packets == 1 || pkt.ts_ms < cap->first_ms)
		cap->first_ms = pkt.ts_ms;
	if (pkt.ts_ms > cap->last_ms || cap->packets == 1)
		cap->last_ms = pkt.ts_ms;
	rc = cd_decode_frame(cap->dlt, data, h->caplen, h->len, &pkt);
	if (rc == -EBADMSG) {
		cap->damaged++;
		return;
	}
	if (rc < 0) {
		cap->unsupported++;
		return;
	}
	cd_tracker_packet(cap->trk, &pkt);
}

void
cd_capture_handler(u_char *user, const struct pcap_pkthdr *h,
    const u_char *data)
{
	cd_capture_packet((struct cd_capture *)(void *)user, h, data);
}

/* Set the filter text; on failure the reason goes to the log. */
static int
set_filter(struct cd_capture *cap, const char *text)
{
	struct bpf_program prog;

	if (pcap_compile(cap->p, &prog, text, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		log_warnx("capture: cannot compile filter: %s",
		    pcap_geterr(cap->p));
		return -EINVAL;
	}
	if (pcap_setfilter(cap->p, &prog) < 0) {
		log_warnx("capture: cannot set filter: %s",
		    pcap_geterr(cap->p));
		pcap_freecode(&prog);
		return -EINVAL;
	}
	pcap_freecode(&prog);
	log_debug("capture: filter %s", text);
	return 0;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
cd_capture_refresh_filter(struct cd_capture *cap,
    const struct cd_tracker_conf *tc)
{
	struct cd_tracker_core	 cores[CD_TRACKER_MAX_CORES];
	size_t			 n;
	char			*text;
	int			 rc;
	int64_t			 now = mono_ms();

	/*
	 * ARP from made-up Cores with changing addresses would recompile
	 * the filter after every read: once per CD_CAPTURE_FILTER_MIN_MS,
	 * the caller's next tick catches up.
	 */
	if (cap->filter_set && cap->filter_refreshes > 0 &&
	    now - cap->filter_ms < CD_CAPTURE_FILTER_MIN_MS)
		return -EAGAIN;
	cap->filter_ms = now;
	cap->filter_refreshes++;
	cap->filter_gen = cd_tracker_generation(cap->trk);
	n = cd_tracker_cores(cap->trk, cores, CD_TRACKER_MAX_CORES);
	text = cd_capture_filter(tc, cap->dlt, cores, n);
	rc = set_filter(cap, text);
	free(text);
	if (rc < 0 && n > 0) {
		/* Too many Cores for one program: the base still works. */
		text = cd_capture_filter(tc, cap->dlt, NULL, 0);
		rc = set_filter(cap, text);
		free(text);
	}
	if (rc < 0 && !cap->filter_set)
		log_warnx("capture: running without a filter");
	cap->filter_set = rc == 0 || cap->filter_set;
	return rc;
}

/* What to change for the errors a configuration causes. */
static const char *
open_hint(int rc)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return " (set interfaces.lan, or -i, to the LAN's interface)";
	case PCAP_ERROR_PERM_DENIED:
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		return " (corediagd starts as root or with CAP_NET_RAW and "
		    "CAP_NET_ADMIN)";
	case PCAP_ERROR_IFACE_NOT_UP:
		return " (bring the interface up)";
	default:
		return "";
	}
}

static pcap_t *
open_fail(pcap_t *p, const char *ifname, const char *what, int rc, char *err,
    size_t errlen)
{
	const char *status = pcap_statustostr(rc);
	const char *msg = p != NULL ? pcap_geterr(p) : "";

	if (msg[0] == '\0' || strcmp(msg, status) == 0)
		snprintf(err, errlen, "capture on %s: %s: %s%s", ifname, what,
		    status, open_hint(rc));
	else
		snprintf(err, errlen, "capture on %s: %s: %s: %s%s", ifname,
		    what, status, msg, open_hint(rc));
	if (p != NULL)
		pcap_close(p);
	return NULL;
}

pcap_t *
cd_capture_open_live(const char *ifname, int snaplen, int bufsize,
    char *err, size_t errlen)
{
	char	 ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t	*p;
	int	 rc;

	if ((p = pcap_create(ifname, ebuf)) == NULL) {
		snprintf(err, errlen, "capture on %s: %s", ifname, ebuf);
		return NULL;
	}
	/* Immediate mode: the Core sends little, and late is useless. */
	if ((rc = pcap_set_immediate_mode(p, 1)) != 0 ||
	    (rc = pcap_set_snaplen(p, snaplen)) != 0 ||
	    (rc = pcap_set_promisc(p, 1)) != 0 ||
	    (bufsize > 0 && (rc = pcap_set_buffer_size(p, bufsize)) != 0))
		return open_fail(p, ifname, "set-up", rc, err, errlen);
	if ((rc = pcap_activate(p)) < 0)
		return open_fail(p, ifname, "cannot open", rc, err, errlen);
	if (rc > 0)
		log_warnx("capture on %s: %s: %s", ifname,
		    pcap_statustostr(rc), pcap_geterr(p));
	if (pcap_setnonblock(p, 1, ebuf) < 0) {
		snprintf(err, errlen, "capture on %s: non-blocking: %s",
		    ifname, ebuf);
		pcap_close(p);
		return NULL;
	}
	if (pcap_get_selectable_fd(p) < 0) {
		snprintf(err, errlen, "capture on %s: no selectable descriptor",
		    ifname);
		pcap_close(p);
		return NULL;
	}
	return p;
}

int
cd_capture_dispatch(pcap_t *p, pcap_handler cb, u_char *user)
{
	int n = 1;

	for (int i = 0; i < CD_CAPTURE_ROUNDS && n > 0; i++)
		n = pcap_dispatch(p, -1, cb, user);
	return n < 0 ? n : 0;
}

bool
cd_capture_dlt_supported(int dlt)
{
	switch (dlt) {
	case CD_DLT_EN10MB:
	case CD_DLT_LINUX_SLL:
	case CD_DLT_LINUX_SLL2:
	case CD_DLT_RAW:
	case CD_DLT_IPV4:
	case CD_DLT_IPV6:
	case 14:		/* OpenBSD's DLT_RAW */
	case 101:		/* LINKTYPE_RAW */
		return true;
	default:
		return false;
	}
}

const char *
cd_capture_dlt_name(int dlt)
{
	const char *n = pcap_datalink_val_to_name(dlt);

	return n != NULL ? n : "unknown";
}
