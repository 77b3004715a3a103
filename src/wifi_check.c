/*
 * The Wi-Fi checks: each wifi.* finding of corediagd(8), decided on one network
 * (both views of it, see wifi_int.h) or on all of them, with the setting
 * seen and where it was read as the evidence.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cd_config.h"
#include "findings.h"
#include "state.h"
#include "wifi.h"
#include "wifi_int.h"

/* "channel 13 (2472 MHz, 2.4 GHz, width 20 MHz)" from the kernel. */
void
wifi_kernel_channel(char *buf, size_t len, const struct cd_wifi_if *kif)
{
	wifi_cat(buf, len, "channel %d (%u MHz, %s", cd_wifi_freq_to_channel(
	    kif->freq), kif->freq, cd_wifi_band_name(
	    cd_wifi_freq_band(kif->freq)));
	if (kif->width != NULL)
		wifi_cat(buf, len, ", width %s", kif->width);
	wifi_cat(buf, len, ")");
}

/* ---- the checks -------------------------------------------------------- */

static void
check_channel(struct insp *in, const struct net *n)
{
	const struct cd_wifi_radio	*r = n->radio;
	char				 subj[96], detail[640] = "", w[320];
	int				 max = in->cfg->wifi.max_channel;

	if (n->band != CD_BAND_2G || n->channel <= max)
		return;
	wifi_subject(n, subj, sizeof(subj));
	if (n->kif == NULL || n->kif->freq == 0) {
		wifi_cat(detail, sizeof(detail), "%s (%s); wifi.max_channel "
		    "is %d", r->channel_s.text, wifi_where(w, sizeof(w),
		    r->file, &r->channel_s), max);
		wifi_raise(in, "wifi.channel_unsupported", CD_SEV_DEFAULT,
		    CD_SRC_CONFIG, subj, detail, "%s is set to channel %d, "
		    "above channel %d", n->label, n->channel, max);
		return;
	}
	wifi_kernel_channel(detail, sizeof(detail), n->kif);
	wifi_cat(detail, sizeof(detail), ", read from the kernel (nl80211, %s)",
	    n->kif->name);
	if (r != NULL && r->channel_s.line > 0 && r->channel != n->channel)
		wifi_cat(detail, sizeof(detail), "; the configuration says "
		    "%s (%s), the kernel's channel is the one in use",
		    r->channel_s.text, wifi_where(w, sizeof(w), r->file,
		    &r->channel_s));
	wifi_cat(detail, sizeof(detail), "; wifi.max_channel is %d", max);
	wifi_raise(in, "wifi.channel_unsupported", CD_SEV_DEFAULT,
	    CD_SRC_PROBE, subj, detail, n->kif->mode == CD_WMODE_AP ?
	    "%s is on channel %d, above channel %d" :
	    "%s joined an access point on channel %d, above channel %d",
	    n->label, n->channel, max);
}

static void
check_n_only(struct insp *in, const struct net *n)
{
	const struct cd_wifi_radio	*r = n->radio;
	char				 subj[96], detail[512] = "", w[320];

	if (r == NULL || !wifi_net_24(n))
		return;
	wifi_subject(n, subj, sizeof(subj));
	if (r->require_ht && !r->ht_off) {
		wifi_cat(detail, sizeof(detail), "%s (%s): only 802.11n (HT) "
		    "clients may join; the Core's CC3000 speaks 802.11b/g",
		    r->ht_s.text, wifi_where(w, sizeof(w), r->file, &r->ht_s));
		wifi_raise(in, "wifi.n_only", CD_SEV_DEFAULT, CD_SRC_CONFIG,
		    subj, detail, "%s accepts only 802.11n clients", n->label);
	} else if (r->no_b_rates) {
		/* g rates remain, which the Core uses: information only. */
		wifi_cat(detail, sizeof(detail), "%s (%s): no 1, 2, 5.5 or "
		    "11 Mb/s rate; the Core's CC3000 still joins at the "
		    "802.11g rates, but its link has less reach",
		    r->rates_s.text, wifi_where(w, sizeof(w), r->file,
		    &r->rates_s));
		wifi_raise(in, "wifi.n_only", CD_SEV_INFO, CD_SRC_CONFIG,
		    subj, detail, "%s has the 802.11b rates turned off",
		    n->label);
	}
}

static void
check_security(struct insp *in, const struct net *n)
{
	const struct cd_wifi_bss	*b = n->bss;
	const char			*id;
	char				 subj[96], detail[512] = "", w[320];

	if (b == NULL || !wifi_net_24(n))
		return;
	switch (b->sec) {
	case CD_SEC_ENTERPRISE:
		id = "wifi.enterprise";
		break;
	case CD_SEC_WPA3:
	case CD_SEC_OWE:
		id = "wifi.wpa3_only";
		break;
	case CD_SEC_TRANSITION:
		id = "wifi.wpa3_transition";
		break;
	default:
		return;
	}
	wifi_subject(n, subj, sizeof(subj));
	wifi_cat(detail, sizeof(detail), "%s (%s): %s; the Core joins open, "
	    "WEP and WPA/WPA2-Personal networks only", b->sec_s.text,
	    wifi_where(w, sizeof(w), b->file, &b->sec_s),
	    cd_wifi_sec_name(b->sec));
	wifi_raise(in, id, CD_SEV_DEFAULT, CD_SRC_CONFIG, subj, detail,
	    "%s uses %s security", n->label, cd_wifi_sec_name(b->sec));
}

static void
check_ssid(struct insp *in, const struct net *n)
{
	const struct cd_wifi_bss	*b = n->bss;
	bool				 kssid = n->kif && n->kif->ssid_len > 0;
	size_t				 slen, plen;
	char				 subj[96], detail[512] = "", w[320];

	slen = kssid ? n->kif->ssid_len : b ? b->ssid_len : 0;
	plen = b ? b->pass_len : 0;
	if (!wifi_net_24(n) || (slen <= 30 && plen <= 32))
		return;
	wifi_subject(n, subj, sizeof(subj));
	if (slen > 30 && kssid)
		wifi_cat(detail, sizeof(detail), "SSID of %zu bytes, read "
		    "from the kernel (nl80211, %s)", slen, n->kif->name);
	else if (slen > 30)
		wifi_cat(detail, sizeof(detail), "SSID of %zu bytes: %s (%s)",
		    slen, b->ssid_s.text, wifi_where(w, sizeof(w), b->file,
		    &b->ssid_s));
	if (plen > 32)
		wifi_cat(detail, sizeof(detail), "%s%s (%s)",
		    detail[0] ? "; " : "", b->pass_s.text, wifi_where(w,
		    sizeof(w), b->file, &b->pass_s));
	wifi_cat(detail, sizeof(detail), "; the Core takes an SSID of at "
	    "most 30 bytes and a passphrase of at most 32 characters");
	if (slen > 30)
		wifi_raise(in, "wifi.ssid_too_long", CD_SEV_DEFAULT, kssid ?
		    CD_SRC_PROBE : CD_SRC_CONFIG, subj, detail, "the SSID of "
		    "%s is %zu bytes long, above 30", n->label, slen);
	else
		wifi_raise(in, "wifi.ssid_too_long", CD_SEV_DEFAULT,
		    CD_SRC_CONFIG, subj, detail, "the passphrase of %s is %zu "
		    "characters long, above 32", n->label, plen);
}

/* No access point at all on 2.4 GHz: the Core has nothing to join. */
/* A Core the tracker follows with its cloud session up, or NULL. */
static const struct cd_device *
core_online(const struct insp *in)
{
	for (const struct cd_device *d = in->st->devices; d != NULL;
	    d = d->next)
		if (d->state != NULL && strcmp(d->state, "online") == 0)
			return d;
	return NULL;
}

void
wifi_check_no_24ghz(struct insp *in)
{
	const struct cd_device	*online;
	char			 detail[640] = "", w[320];
	size_t			 aps = 0;
	bool			 kernel = false;

	for (size_t i = 0; i < in->nnets; i++) {
		const struct net *n = &in->nets[i];

		if (!wifi_net_is_ap(n))
			continue;
		if (wifi_net_24(n))
			return;
		aps++;
		wifi_cat(detail, sizeof(detail), "%s%s: channel %d, %s ",
		    aps > 1 ? "; " : "", n->label, n->channel,
		    cd_wifi_band_name(n->band));
		if (n->kif != NULL && n->kif->freq != 0) {
			kernel = true;
			wifi_cat(detail, sizeof(detail), "(kernel, nl80211)");
		} else
			wifi_cat(detail, sizeof(detail), "(%s, %s)",
			    n->radio->band_s.text, wifi_where(w, sizeof(w),
			    n->radio->file, &n->radio->band_s));
	}
	if (aps == 0)
		return;
	/* The Core is online all the same: through another AP or extender. */
	if ((online = core_online(in)) != NULL)
		wifi_cat(detail, sizeof(detail), "; the Core %s is online, "
		    "through another access point", online->mac);
	wifi_raise(in, "wifi.no_24ghz", online != NULL ? CD_SEV_INFO :
	    CD_SEV_DEFAULT, kernel ? CD_SRC_PROBE : CD_SRC_CONFIG, "wifi",
	    detail, "this host offers no 2.4 GHz network (%zu on other "
	    "bands): the Core joins 2.4 GHz only", aps);
}

/* ---- stations: Cores in the devices list, and their signal ------------ */

static struct cd_device *
device_find(struct cd_state *st, const char *mac)
{
	for (struct cd_device *d = st->devices; d != NULL; d = d->next)
		if (strcmp(d->mac, mac) == 0)
			return d;
	return NULL;
}

static bool is_station(const struct insp *in, const char *mac);

/* Known from a station list alone: nothing its traffic told. */
static bool
wifi_only(const struct cd_device *d)
{
	return d->wifi_only && d->ip == NULL && d->device_id == NULL;
}

/*
 * Anyone can associate with a Core's OUI: devices known from station
 * lists alone are capped, the one longest gone from every list making
 * room; false if all are associated now.
 */
static bool
wifi_room(struct insp *in)
{
	struct cd_device	*d, *old = NULL;
	unsigned		 n = 0;

	for (d = in->st->devices; d != NULL; d = d->next) {
		if (!wifi_only(d))
			continue;
		n++;
		if (!is_station(in, d->mac) &&
		    (old == NULL || d->last_seen < old->last_seen))
			old = d;
	}
	if (n < CD_WIFI_MAX_DEVICES)
		return true;
	if (old == NULL)
		return false;
	cd_state_device_remove(in->st, old->mac);
	return true;
}

/* Gone from every station list for CD_WIFI_DEVICE_AGE_MS: forgotten. */
static void
wifi_age(struct insp *in)
{
	struct cd_device	*d, *next;

	for (d = in->st->devices; d != NULL; d = next) {
		next = d->next;
		if (wifi_only(d) && !is_station(in, d->mac) &&
		    in->now - d->last_seen >= CD_WIFI_DEVICE_AGE_MS)
			cd_state_device_remove(in->st, d->mac);
	}
}

static void
station(struct insp *in, const struct net *n, const struct cd_wifi_sta *s)
{
	struct cd_device	*d;
	char			 subj[32], detail[512] = "";
	int			 min = in->cfg->wifi.min_signal_dbm;

	if ((d = device_find(in->st, s->mac)) == NULL) {
		if (!cd_oui_match(in->cfg->sniff.ouis,
		    in->cfg->sniff.core_ouis.n, s->addr))
			return;		/* not a Core */
		if (!wifi_room(in))
			return;
		d = cd_state_device(in->st, s->mac, in->now);
		d->wifi_only = true;
	}
	d->last_seen = in->now;
	d->signal_dbm = s->signal_dbm;
	if (s->signal_dbm == CD_WIFI_NO_SIGNAL || s->signal_dbm >= min)
		return;
	snprintf(subj, sizeof(subj), "core:%s", s->mac);
	wifi_cat(detail, sizeof(detail), "station %s on %s (AP, ", s->mac,
	    n->kif->name);
	wifi_kernel_channel(detail, sizeof(detail), n->kif);
	wifi_cat(detail, sizeof(detail), "): signal %d dBm in the kernel's "
	    "station list (nl80211); wifi.min_signal_dbm is %d",
	    s->signal_dbm, min);
	wifi_raise(in, "wifi.weak_signal", CD_SEV_DEFAULT, CD_SRC_PROBE, subj,
	    detail, "the Core %s has a weak signal on %s: %d dBm, below %d dBm",
	    s->mac, n->kif->name, s->signal_dbm, min);
}

static bool
is_station(const struct insp *in, const char *mac)
{
	for (size_t i = 0; i < in->nnets; i++) {
		const struct cd_wifi_if *kif = in->nets[i].kif;

		for (size_t j = 0; kif != NULL && j < kif->nsta; j++)
			if (strcmp(kif->sta[j].mac, mac) == 0)
				return true;
	}
	return false;
}

void
wifi_check_stations(struct insp *in)
{
	for (size_t i = 0; i < in->nnets; i++) {
		const struct net *n = &in->nets[i];

		if (n->kif == NULL || n->kif->mode != CD_WMODE_AP)
			continue;
		for (size_t j = 0; j < n->kif->nsta; j++)
			station(in, n, &n->kif->sta[j]);
	}
	if (in->krc < 0)
		return;		/* no station list: signals stay as they were */
	wifi_age(in);
	for (struct cd_device *d = in->st->devices; d != NULL; d = d->next)
		if (d->signal_dbm != CD_DEVICE_NO_SIGNAL &&
		    !is_station(in, d->mac))
			d->signal_dbm = CD_DEVICE_NO_SIGNAL;
}

void
wifi_check_net(struct insp *in, const struct net *n)
{
	check_channel(in, n);
	check_n_only(in, n);
	check_security(in, n);
	check_ssid(in, n);
}
