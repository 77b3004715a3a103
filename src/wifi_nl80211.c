/*
 * The kernel's view of the Wi-Fi over nl80211 (libnl-genl), what `iw dev`
 * and `iw dev X station dump` show: each interface's mode, frequency and
 * width (NL80211_CMD_GET_INTERFACE), and on access points the stations
 * with their signal (NL80211_CMD_GET_STATION).
 *
 * The queries run synchronously on the daemon's loop, bounded: the kernel
 * builds a dump while we read it, so an answer takes microseconds, and a
 * socket receive timeout (SO_RCVTIMEO, WIFI_NL_RECV_MS) plus an overall
 * deadline (WIFI_NL_TOTAL_MS) keep a misbehaving kernel from holding the
 * loop longer than that.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/nl80211.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "decode.h"
#include "util.h"
#include "wifi.h"

#define WIFI_NL_RECV_MS		200
#define WIFI_NL_TOTAL_MS	1000
#define WIFI_MAX_IFS		64
#define WIFI_MAX_STA		512

struct cd_wifi_if *
cd_wifi_kernel_add(struct cd_wifi_kernel *k, const char *name)
{
	struct cd_wifi_if *v, *i;

	if (k->n >= WIFI_MAX_IFS)
		return NULL;
	if ((v = realloc(k->ifs, (k->n + 1) * sizeof(*v))) == NULL)
		abort();
	k->ifs = v;
	i = &v[k->n++];
	memset(i, 0, sizeof(*i));
	snprintf(i->name, sizeof(i->name), "%s", name);
	return i;
}

struct cd_wifi_sta *
cd_wifi_if_add_sta(struct cd_wifi_if *i, const uint8_t mac[6])
{
	struct cd_wifi_sta *v, *s;

	if (i->nsta >= WIFI_MAX_STA)
		return NULL;
	if ((v = realloc(i->sta, (i->nsta + 1) * sizeof(*v))) == NULL)
		abort();
	i->sta = v;
	s = &v[i->nsta++];
	memcpy(s->addr, mac, sizeof(s->addr));
	cd_fmt_mac(mac, s->mac);
	s->signal_dbm = CD_WIFI_NO_SIGNAL;
	return s;
}

void
cd_wifi_kernel_free(struct cd_wifi_kernel *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->ifs[i].sta);
	free(k->ifs);
	k->ifs = NULL;
	k->n = 0;
}

struct nlq {
	struct nl_sock	*sk;
	int		 family;
	uint64_t	 deadline;	/* CLOCK_MONOTONIC ms */
};

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
finish_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	*(int *)arg = 1;
	return NL_SKIP;
}

static int
error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	(void)nla;
	*(int *)arg = e->error < 0 ? e->error : -EIO;
	return NL_STOP;
}

/* One dump request (cmd, on ifindex if not 0), each answer to cb. */
static int
nlq_dump(struct nlq *q, uint8_t cmd, uint32_t ifindex,
    nl_recvmsg_msg_cb_t cb, void *arg)
{
	struct nl_msg	*msg;
	struct nl_cb	*nlcb;
	int		 done = 0, err = 0, rc;

	if ((msg = nlmsg_alloc()) == NULL)
		return -ENOMEM;
	if ((nlcb = nl_cb_alloc(NL_CB_DEFAULT)) == NULL) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, q->family, 0, NLM_F_DUMP,
	    cmd, 0);
	if (ifindex != 0)
		nla_put_u32(msg, NL80211_ATTR_IFINDEX, ifindex);
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &done);
	nl_cb_err(nlcb, NL_CB_CUSTOM, error_cb, &err);
	rc = nl_send_auto(q->sk, msg);
	while (rc >= 0 && !done && err == 0) {
		if (mono_ms() > q->deadline) {
			rc = -NLE_AGAIN;
			break;
		}
		rc = nl_recvmsgs(q->sk, nlcb);
	}
	nl_cb_put(nlcb);
	nlmsg_free(msg);
	if (err != 0)
		return err;
	if (rc < 0)
		return rc == -NLE_AGAIN ? -ETIMEDOUT : -EIO;
	return 0;
}

static const char *
width_name(struct nlattr **tb)
{
	static const char *const widths[] = {
		"20 MHz, no HT", "20 MHz", "40 MHz", "80 MHz", "80+80 MHz",
		"160 MHz", "5 MHz", "10 MHz", "1 MHz", "2 MHz", "4 MHz",
		"8 MHz", "16 MHz", "320 MHz",
	};
	static const char *const types[] = {
		"20 MHz, no HT", "20 MHz", "40 MHz", "40 MHz",
	};
	uint32_t v;

	if (tb[NL80211_ATTR_CHANNEL_WIDTH] != NULL) {
		v = nla_get_u32(tb[NL80211_ATTR_CHANNEL_WIDTH]);
		return v < nitems(widths) ? widths[v] : NULL;
	}
	if (tb[NL80211_ATTR_WIPHY_CHANNEL_TYPE] != NULL) {
		v = nla_get_u32(tb[NL80211_ATTR_WIPHY_CHANNEL_TYPE]);
		return v < nitems(types) ? types[v] : NULL;
	}
	return NULL;
}

static enum cd_wifi_mode
iftype_mode(uint32_t t)
{
	switch (t) {
	case NL80211_IFTYPE_AP:
	case NL80211_IFTYPE_AP_VLAN:
	case NL80211_IFTYPE_P2P_GO:
		return CD_WMODE_AP;
	case NL80211_IFTYPE_STATION:
	case NL80211_IFTYPE_P2P_CLIENT:
		return CD_WMODE_STATION;
	case NL80211_IFTYPE_ADHOC:
		return CD_WMODE_ADHOC;
	case NL80211_IFTYPE_MESH_POINT:
		return CD_WMODE_MESH;
	case NL80211_IFTYPE_MONITOR:
		return CD_WMODE_MONITOR;
	default:
		return CD_WMODE_OTHER;
	}
}

/* Attributes shorter than what is read from them fail the parse. */
static struct nla_policy if_policy[NL80211_ATTR_MAX + 1] = {
	[NL80211_ATTR_IFINDEX] = { .type = NLA_U32 },
	[NL80211_ATTR_IFTYPE] = { .type = NLA_U32 },
	[NL80211_ATTR_WIPHY_FREQ] = { .type = NLA_U32 },
	[NL80211_ATTR_CHANNEL_WIDTH] = { .type = NLA_U32 },
	[NL80211_ATTR_WIPHY_CHANNEL_TYPE] = { .type = NLA_U32 },
};
static struct nla_policy sta_policy[NL80211_STA_INFO_MAX + 1] = {
	[NL80211_STA_INFO_SIGNAL] = { .type = NLA_U8 },
	[NL80211_STA_INFO_SIGNAL_AVG] = { .type = NLA_U8 },
};

static int
iface_cb(struct nl_msg *msg, void *arg)
{
	struct cd_wifi_kernel	*k = arg;
	struct genlmsghdr	*gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr		*tb[NL80211_ATTR_MAX + 1];
	struct cd_wifi_if	*i;
	char			 name[IF_NAMESIZE];

	if (nla_parse(tb, NL80211_ATTR_MAX, genlmsg_attrdata(gh, 0),
	    genlmsg_attrlen(gh, 0), if_policy) < 0 ||
	    tb[NL80211_ATTR_IFNAME] == NULL)
		return NL_SKIP;		/* no netdev: P2P-device, NAN */
	nla_strlcpy(name, tb[NL80211_ATTR_IFNAME], sizeof(name));
	if ((i = cd_wifi_kernel_add(k, name)) == NULL)
		return NL_SKIP;
	if (tb[NL80211_ATTR_IFINDEX] != NULL)
		i->ifindex = nla_get_u32(tb[NL80211_ATTR_IFINDEX]);
	if (tb[NL80211_ATTR_IFTYPE] != NULL)
		i->mode = iftype_mode(nla_get_u32(tb[NL80211_ATTR_IFTYPE]));
	if (tb[NL80211_ATTR_WIPHY_FREQ] != NULL)
		i->freq = nla_get_u32(tb[NL80211_ATTR_WIPHY_FREQ]);
	i->width = width_name(tb);
	if (tb[NL80211_ATTR_SSID] != NULL) {
		i->ssid_len = (size_t)nla_len(tb[NL80211_ATTR_SSID]);
		if (i->ssid_len > sizeof(i->ssid))
			i->ssid_len = sizeof(i->ssid);
		memcpy(i->ssid, nla_data(tb[NL80211_ATTR_SSID]), i->ssid_len);
	}
	return NL_SKIP;
}

static int
station_cb(struct nl_msg *msg, void *arg)
{
	struct cd_wifi_if	*i = arg;
	struct genlmsghdr	*gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr		*tb[NL80211_ATTR_MAX + 1];
	struct nlattr		*si[NL80211_STA_INFO_MAX + 1];
	struct cd_wifi_sta	*s;

	if (nla_parse(tb, NL80211_ATTR_MAX, genlmsg_attrdata(gh, 0),
	    genlmsg_attrlen(gh, 0), NULL) < 0 || tb[NL80211_ATTR_MAC] == NULL ||
	    nla_len(tb[NL80211_ATTR_MAC]) != 6)
		return NL_SKIP;
	if ((s = cd_wifi_if_add_sta(i, nla_data(tb[NL80211_ATTR_MAC]))) == NULL)
		return NL_SKIP;
	if (tb[NL80211_ATTR_STA_INFO] == NULL ||
	    nla_parse_nested(si, NL80211_STA_INFO_MAX,
	    tb[NL80211_ATTR_STA_INFO], sta_policy) < 0)
		return NL_SKIP;
	/* The last frame's signal; the driver's average when that is all. */
	if (si[NL80211_STA_INFO_SIGNAL] != NULL)
		s->signal_dbm = (int8_t)nla_get_u8(si[NL80211_STA_INFO_SIGNAL]);
	else if (si[NL80211_STA_INFO_SIGNAL_AVG] != NULL)
		s->signal_dbm =
		    (int8_t)nla_get_u8(si[NL80211_STA_INFO_SIGNAL_AVG]);
	return NL_SKIP;
}

static int
nlq_open(struct nlq *q, char *err, size_t errlen)
{
	struct timeval tv = { 0, WIFI_NL_RECV_MS * 1000 };

	memset(q, 0, sizeof(*q));
	q->deadline = mono_ms() + WIFI_NL_TOTAL_MS;
	if ((q->sk = nl_socket_alloc()) == NULL) {
		snprintf(err, errlen, "nl80211: out of memory");
		return -ENOMEM;
	}
	if (genl_connect(q->sk) < 0) {
		snprintf(err, errlen, "nl80211: cannot open a netlink socket");
		return -EIO;
	}
	setsockopt(nl_socket_get_fd(q->sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv));
	if ((q->family = genl_ctrl_resolve(q->sk, "nl80211")) < 0) {
		if (q->family != -NLE_OBJ_NOTFOUND) {
			snprintf(err, errlen, "nl80211: %s",
			    nl_geterror(q->family));
			return -EIO;
		}
		snprintf(err, errlen, "nl80211: not in this kernel "
		    "(no cfg80211, no Wi-Fi)");
		return -ENOENT;
	}
	return 0;
}

static int
nl80211_read(const struct cd_wifi_source *src, struct cd_wifi_kernel *out,
    char *err, size_t errlen)
{
	struct nlq	q;
	int		rc;

	(void)src;
	if ((rc = nlq_open(&q, err, errlen)) < 0)
		goto out;
	if ((rc = nlq_dump(&q, NL80211_CMD_GET_INTERFACE, 0, iface_cb,
	    out)) < 0) {
		snprintf(err, errlen, "nl80211: interface dump: %s",
		    strerror(-rc));
		goto out;
	}
	for (size_t n = 0; n < out->n; n++) {
		struct cd_wifi_if *i = &out->ifs[n];

		if (i->mode != CD_WMODE_AP || i->ifindex == 0)
			continue;
		if ((rc = nlq_dump(&q, NL80211_CMD_GET_STATION, i->ifindex,
		    station_cb, i)) < 0) {
			snprintf(err, errlen, "nl80211: station dump on %s: %s",
			    i->name, strerror(-rc));
			goto out;
		}
	}
out:
	if (q.sk != NULL)
		nl_socket_free(q.sk);
	return rc;
}

const struct cd_wifi_source cd_wifi_nl80211 = {
	.name = "nl80211",
	.read = nl80211_read,
	.arg = NULL,
};

/*
 * One nl80211 answer's attributes (what follows the genetlink header)
 * through the dump callbacks: an interface, or a station of the last
 * interface.  For the fuzzer: the daemon reads the kernel's own.
 */
int
cd_wifi_nl_parse(struct cd_wifi_kernel *k, bool station, const void *attrs,
    size_t len)
{
	struct nl_msg		*msg;
	struct cd_wifi_if	*i;
	int			 rc = 0;

	if ((msg = nlmsg_alloc()) == NULL)
		return -ENOMEM;
	if (genlmsg_put(msg, 0, 0, 0x10, 0, 0, station ?
	    NL80211_CMD_NEW_STATION : NL80211_CMD_NEW_INTERFACE, 0) == NULL ||
	    nlmsg_append(msg, (void *)(uintptr_t)attrs, len, NLMSG_ALIGNTO) < 0)
		rc = -EMSGSIZE;
	else if (!station)
		iface_cb(msg, k);
	else if ((i = k->n > 0 ? &k->ifs[k->n - 1] :
	    cd_wifi_kernel_add(k, "wlan0")) != NULL)
		station_cb(msg, i);
	nlmsg_free(msg);
	return rc;
}
