/*
 * The live capture: a non-blocking pcap handle in immediate mode on
 * interfaces.lan, its selectable descriptor polled on the loop and drained
 * with pcap_dispatch() on each readiness.  A one-second timer judges the
 * tracker's timeouts, refreshes the filter as Cores come and go, reads
 * pcap's counters for sniff.drops, and reopens a capture that failed.
 * Every readiness and tick looks at the clocks first, so a wall-clock step
 * moves the tracker's times before a packet or a tick stamped after it.
 * Reloads arrive through cd_sniff_configure, as they do to every module.
 */
#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "capture.h"
#include "cd_config.h"
#include "findings.h"
#include "log.h"
#include "sniff.h"
#include "util.h"

#define TICK_MS		1000

enum poll_state { POLL_CLOSED, POLL_OPEN, POLL_CLOSING };

struct cd_sniff {
	uv_loop_t		*loop;
	struct cd_findings	*fs;
	struct cd_capture	 cap;
	struct cd_tracker_conf	 conf;
	char			 ifname[64];
	char			 subject[80];	/* "sniff:br-lan" */
	int			 snaplen;
	uv_poll_t		 poll;
	uv_timer_t		 timer;
	enum poll_state		 poll_state;
	bool			 timer_open;
	bool			 stopping;
	int64_t			 next_stats, next_reopen, last_drop;
	unsigned		 drops, ifdrops;
	bool			 drops_raised;
	struct cd_sniff_clock	 clock;
};

static void	on_readable(uv_poll_t *h, int status, int events);

int64_t
cd_sniff_clock_check(struct cd_sniff_clock *c, struct cd_tracker *t,
    int64_t wall, int64_t mono)
{
	int64_t step = 0;

	if (c->started) {
		step = (wall - c->wall) - (mono - c->mono);
		/* Slewing and a late look are not steps. */
		if (step > -CD_SNIFF_STEP_MS && step < CD_SNIFF_STEP_MS)
			step = 0;
	}
	c->started = true;
	c->wall = wall;
	c->mono = mono;
	if (step != 0 && t != NULL)
		cd_tracker_shift(t, step);
	return step;
}

int64_t
cd_sniff_clock_stamp(const struct cd_sniff_clock *c, int64_t ts)
{
	if (c->started && ts > c->wall + CD_SNIFF_STEP_MS)
		return c->wall;
	return ts;
}

/*
 * Milliseconds that do not step; CLOCK_BOOTTIME counts a suspend, which is
 * time passing, not a step.
 */
static int64_t
steady_ms(void)
{
	struct timespec ts;

#ifdef CLOCK_BOOTTIME
	if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0)
		return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
	return (int64_t)(uv_hrtime() / 1000000);
}

/* The wall clock now, after moving everything by a step since last look. */
static int64_t
look(struct cd_sniff *s)
{
	int64_t now = cd_now_ms(), step;

	step = cd_sniff_clock_check(&s->clock, s->cap.trk, now, steady_ms());
	if (step == 0)
		return now;
	s->next_stats += step;
	s->next_reopen += step;
	s->last_drop += step;
	log_notice("the wall clock stepped by %+lld s; the capture's timeouts "
	    "keep their time", (long long)(step / 1000));
	return now;
}

/* A live packet: stamped before a backward step, it is taken as now. */
static void
live_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct cd_sniff		*s = (struct cd_sniff *)(void *)user;
	struct pcap_pkthdr	 hh;
	int64_t			 ts = cd_capture_ts_ms(h);
	int64_t			 at = cd_sniff_clock_stamp(&s->clock, ts);

	if (at != ts) {
		hh = *h;
		hh.ts.tv_sec = (time_t)(at / 1000);
		hh.ts.tv_usec = (suseconds_t)(at % 1000 * 1000);
		h = &hh;
	}
	cd_capture_packet(&s->cap, h, data);
}

static void
sniff_free_if_done(struct cd_sniff *s)
{
	if (!s->stopping || s->poll_state != POLL_CLOSED || s->timer_open)
		return;
	if (s->cap.p != NULL)
		pcap_close(s->cap.p);
	cd_tracker_free(s->cap.trk);
	free(s);
}

static void
poll_closed(uv_handle_t *h)
{
	struct cd_sniff *s = h->data;

	s->poll_state = POLL_CLOSED;
	if (s->cap.p != NULL && !s->stopping) {
		pcap_close(s->cap.p);
		s->cap.p = NULL;
	}
	sniff_free_if_done(s);
}

static void
timer_closed(uv_handle_t *h)
{
	struct cd_sniff *s = h->data;

	s->timer_open = false;
	sniff_free_if_done(s);
}

/* The LAN's subnet for core.static_ip, from the interface's address. */
static void
learn_lan(struct cd_sniff *s)
{
	struct ifaddrs	*ifa, *i;
	char		 from[96];
	uint32_t	 mask;
	unsigned	 plen;

	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_netmask == NULL ||
		    i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, s->ifname) != 0)
			continue;
		mask = ntohl(((struct sockaddr_in *)(void *)
		    i->ifa_netmask)->sin_addr.s_addr);
		for (plen = 0; plen < 32 && (mask & (0x80000000U >> plen));
		    plen++)
			;
		snprintf(from, sizeof(from), "interface %s", s->ifname);
		cd_tracker_set_lan(s->cap.trk, (const uint8_t *)
		    &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr,
		    plen, from);
		break;
	}
	freeifaddrs(ifa);
}

static int
capture_open(struct cd_sniff *s, char *err, size_t errlen)
{
	int rc;

	if ((s->cap.p = cd_capture_open_live(s->ifname, s->snaplen, 0, err,
	    errlen)) == NULL)
		return -ENODEV;
	s->cap.dlt = pcap_datalink(s->cap.p);
	s->cap.filter_set = false;
	cd_capture_refresh_filter(&s->cap, &s->conf);
	rc = uv_poll_init(s->loop, &s->poll, pcap_get_selectable_fd(s->cap.p));
	if (rc == 0)
		rc = uv_poll_start(&s->poll, UV_READABLE, on_readable);
	if (rc < 0) {
		snprintf(err, errlen, "capture on %s: poll: %s", s->ifname,
		    uv_strerror(rc));
		pcap_close(s->cap.p);
		s->cap.p = NULL;
		return rc;
	}
	s->poll.data = s;
	s->poll_state = POLL_OPEN;
	s->drops = s->ifdrops = 0;
	return 0;
}

/* The capture broke (the interface went away): log it, retry later. */
static void
capture_lost(struct cd_sniff *s, const char *why)
{
	log_warnx("capture on %s failed: %s; reopening every %d s", s->ifname,
	    why, CD_SNIFF_REOPEN_MS / 1000);
	s->poll_state = POLL_CLOSING;
	uv_close((uv_handle_t *)&s->poll, poll_closed);
	s->next_reopen = cd_now_ms() + CD_SNIFF_REOPEN_MS;
}

static void
reopen(struct cd_sniff *s, int64_t now)
{
	char err[PCAP_ERRBUF_SIZE + 128];

	s->next_reopen = now + CD_SNIFF_REOPEN_MS;
	if (capture_open(s, err, sizeof(err)) < 0) {
		log_debug("%s", err);
		return;
	}
	log_notice("capture on %s reopened", s->ifname);
}

static void
refresh_filter(struct cd_sniff *s)
{
	if (s->poll_state == POLL_OPEN &&
	    cd_tracker_generation(s->cap.trk) != s->cap.filter_gen)
		cd_capture_refresh_filter(&s->cap, &s->conf);
}

static void
on_readable(uv_poll_t *h, int status, int events)
{
	struct cd_sniff	*s = h->data;

	(void)events;
	if (status < 0) {
		capture_lost(s, uv_strerror(status));
		return;
	}
	look(s);
	if (cd_capture_dispatch(s->cap.p, live_packet, (u_char *)s) < 0) {
		capture_lost(s, pcap_geterr(s->cap.p));
		return;
	}
	refresh_filter(s);
}

/* sniff.drops: raised while pcap's drop counters grow. */
static void
check_drops(struct cd_sniff *s, int64_t now)
{
	struct cd_finding_spec	spec;
	struct pcap_stat	ps;
	char			detail[256];

	if (pcap_stats(s->cap.p, &ps) < 0)
		return;
	if (ps.ps_drop > s->drops || ps.ps_ifdrop > s->ifdrops) {
		snprintf(detail, sizeof(detail), "pcap on %s: %u received, "
		    "%u dropped by the capture buffer (+%u), %u by the "
		    "interface (+%u)", s->ifname, ps.ps_recv, ps.ps_drop,
		    ps.ps_drop - s->drops, ps.ps_ifdrop,
		    ps.ps_ifdrop - s->ifdrops);
		memset(&spec, 0, sizeof(spec));
		spec.id = "sniff.drops";
		spec.subject = s->subject;
		spec.summary = "the capture dropped packets";
		spec.detail = detail;
		spec.severity = CD_SEV_DEFAULT;
		spec.source = CD_SRC_SNIFF;
		cd_finding_raise(s->fs, &spec, now);
		s->drops_raised = true;
		s->last_drop = now;
	} else if (s->drops_raised &&
	    now - s->last_drop >= CD_SNIFF_DROPS_CLEAR_MS) {
		cd_finding_clear(s->fs, "sniff.drops", s->subject,
		    now);
		s->drops_raised = false;
	}
	s->drops = ps.ps_drop;
	s->ifdrops = ps.ps_ifdrop;
}

static void
on_tick(uv_timer_t *h)
{
	struct cd_sniff	*s = h->data;
	int64_t		 now = look(s);

	cd_tracker_tick(s->cap.trk, now);
	refresh_filter(s);
	if (s->poll_state == POLL_OPEN && now >= s->next_stats) {
		s->next_stats = now + CD_SNIFF_STATS_MS;
		check_drops(s, now);
		learn_lan(s);
	}
	if (s->poll_state == POLL_CLOSED && now >= s->next_reopen)
		reopen(s, now);
}

int
cd_sniff_start(const struct cd_sniff_ctx *ctx, const struct cd_config *cfg,
    struct cd_sniff **out, char *err, size_t errlen)
{
	struct cd_sniff	*s;
	int		 rc;

	*out = NULL;
	if (!cfg->sniff.enabled)
		return 0;
	s = cd_calloc(1, sizeof(*s));
	s->loop = ctx->loop;
	s->fs = ctx->findings;
	snprintf(s->ifname, sizeof(s->ifname), "%s", cfg->interfaces.lan);
	snprintf(s->subject, sizeof(s->subject), "sniff:%s", s->ifname);
	s->snaplen = cfg->sniff.snaplen;
	cd_tracker_conf_from(&s->conf, cfg);
	s->cap.trk = cd_tracker_new(ctx->findings, ctx->state, &s->conf);
	if ((rc = capture_open(s, err, errlen)) < 0) {
		cd_tracker_free(s->cap.trk);
		free(s);
		return rc;
	}
	learn_lan(s);
	look(s);
	uv_timer_init(s->loop, &s->timer);
	s->timer.data = s;
	s->timer_open = true;
	uv_timer_start(&s->timer, on_tick, TICK_MS, TICK_MS);
	s->next_stats = cd_now_ms() + CD_SNIFF_STATS_MS;
	*out = s;
	log_info("capture on %s (%s), snaplen %d", s->ifname,
	    cd_capture_dlt_name(s->cap.dlt), s->snaplen);
	return 0;
}

void
cd_sniff_configure(struct cd_sniff *s, const struct cd_config *cfg)
{
	if (s == NULL)
		return;
	cd_tracker_conf_from(&s->conf, cfg);
	cd_tracker_configure(s->cap.trk, &s->conf);
	refresh_filter(s);
}

void
cd_sniff_stop(struct cd_sniff *s)
{
	struct pcap_stat ps;

	if (s == NULL)
		return;
	s->stopping = true;
	if (s->cap.p != NULL && pcap_stats(s->cap.p, &ps) == 0)
		log_notice("capture on %s: %u packets received, %u dropped by "
		    "the capture buffer, %u by the interface; %lu analysed, "
		    "%lu damaged", s->ifname, ps.ps_recv, ps.ps_drop,
		    ps.ps_ifdrop, s->cap.packets, s->cap.damaged);
	if (s->poll_state == POLL_OPEN) {
		s->poll_state = POLL_CLOSING;
		uv_close((uv_handle_t *)&s->poll, poll_closed);
	}
	uv_timer_stop(&s->timer);
	uv_close((uv_handle_t *)&s->timer, timer_closed);
}

const char *
cd_sniff_counters(const struct cd_sniff *s, uint64_t *packets,
    uint64_t *dropped)
{
	if (s == NULL)
		return NULL;
	*packets = s->cap.packets;
	*dropped = (uint64_t)s->drops + s->ifdrops;
	return s->ifname;
}

struct cd_tracker *
cd_sniff_tracker(const struct cd_sniff *s)
{
	return s != NULL ? s->cap.trk : NULL;
}
