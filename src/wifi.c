/*
 * The Wi-Fi decisions: the kernel's interfaces and the configured networks
 * become one list of networks the Core might join, each judged against
 * what the Core's CC3000 can do (docs/spark-core-protocol.md).
 *
 * Subjects: "wifi:IFACE" for a network the kernel shows (its configuration,
 * matched by interface name or SSID, adds to it); a network only in a file
 * is "wifi:IFNAME" when the file names its interface, else "wifi:SSID",
 * else "wifi:SECTION" (UCI) or "wifi:FILE".  wifi.no_24ghz is about all of
 * them: subject "wifi".  wifi.weak_signal is about one Core: "core:MAC".
 * Where kernel and file disagree the kernel wins: it is what runs.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_config.h"
#include "findings.h"
#include "log.h"
#include "state.h"
#include "util.h"
#include "wifi.h"
#include "wifi_int.h"

int
cd_wifi_freq_to_channel(uint32_t mhz)
{
	if (mhz == 2484)
		return 14;
	if (mhz >= 2412 && mhz <= 2472)
		return (int)(mhz - 2407) / 5;
	if (mhz == 5935)
		return 2;
	if (mhz >= 5955 && mhz <= 7115)
		return (int)(mhz - 5950) / 5;
	if (mhz >= 5000 && mhz <= 5925)
		return (int)(mhz - 5000) / 5;
	if (mhz >= 4900 && mhz < 5000)
		return (int)(mhz - 4000) / 5;
	if (mhz >= 58320 && mhz <= 70200)
		return (int)(mhz - 56160) / 2160;
	return 0;
}

enum cd_wifi_band
cd_wifi_freq_band(uint32_t mhz)
{
	if (mhz >= 2400 && mhz <= 2500)
		return CD_BAND_2G;
	if (mhz >= 4900 && mhz < 5925)
		return CD_BAND_5G;
	if (mhz >= 5925 && mhz <= 7125)
		return CD_BAND_6G;
	if (mhz >= 58320 && mhz <= 70200)
		return CD_BAND_60G;
	return CD_BAND_UNKNOWN;
}

const char *
cd_wifi_band_name(enum cd_wifi_band b)
{
	static const char *const names[] = {
		"unknown band", "2.4 GHz", "5 GHz", "6 GHz", "60 GHz",
	};

	return (size_t)b < nitems(names) ? names[b] : names[0];
}

const char *
cd_wifi_mode_name(enum cd_wifi_mode m)
{
	static const char *const names[] = {
		"other", "AP", "station", "ad-hoc", "mesh", "monitor",
	};

	return (size_t)m < nitems(names) ? names[m] : names[0];
}

const char *
cd_wifi_sec_name(enum cd_wifi_sec s)
{
	static const char *const names[] = {
		"unknown", "open", "WEP", "WPA/WPA2-Personal", "OWE",
		"WPA2/WPA3 transition", "WPA3-SAE only",
		"Enterprise (802.1X/EAP)",
	};

	return (size_t)s < nitems(names) ? names[s] : names[0];
}

/* An SSID as text: printable ASCII kept, the rest as \xHH. */
static void
ssid_text(char *out, size_t outsz, const uint8_t *ssid, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < outsz; i++) {
		if (isprint(ssid[i]) && ssid[i] != '\\')
			out[o++] = (char)ssid[i];
		else
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x",
			    ssid[i]);
	}
	out[o] = '\0';
}

const char *
wifi_where(char *buf, size_t len, const char *file,
    const struct cd_wifi_setting *s)
{
	if (s->line > 0)
		snprintf(buf, len, "%s:%d", file, s->line);
	else
		snprintf(buf, len, "%s", file);
	return buf;
}

void
wifi_cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t	o = strlen(buf);
	va_list	ap;

	if (o + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + o, len - o, fmt, ap);
	va_end(ap);
}

static bool
was_raised(const struct insp *in, const char *id, const char *subject)
{
	for (size_t i = 0; i < in->nraised; i++)
		if (strcmp(in->raised[i].id, id) == 0 &&
		    strcmp(in->raised[i].subject, subject) == 0)
			return true;
	return false;
}

void
wifi_raise(struct insp *in, const char *id, enum cd_severity sev,
    enum cd_source src, const char *subject, const char *detail,
    const char *fmt, ...)
{
	struct cd_finding_spec	 sp = { .id = id, .subject = subject,
	    .detail = detail, .severity = sev, .source = src };
	const struct cd_catalogue_entry *e;
	struct raised		*r;
	char			 summary[256];
	va_list			 ap;

	if (was_raised(in, id, subject))
		return;
	va_start(ap, fmt);
	vsnprintf(summary, sizeof(summary), fmt, ap);
	va_end(ap);
	sp.summary = summary;
	if (cd_finding_raise(in->fs, &sp, in->now) < 0)
		return;
	if ((r = realloc(in->raised, (in->nraised + 1) * sizeof(*r))) == NULL)
		abort();
	in->raised = r;
	snprintf(r[in->nraised].id, sizeof(r->id), "%s", id);
	snprintf(r[in->nraised].subject, sizeof(r->subject), "%s", subject);
	in->nraised++;
	if (sev == CD_SEV_DEFAULT && (e = cd_catalogue_find(id)) != NULL)
		sev = e->severity;
	if ((int)sev > in->worst)
		in->worst = (int)sev;
}

/* ---- the networks ----------------------------------------------------- */

static bool
if_wanted(const struct cd_config *cfg, const char *name)
{
	if (cfg->interfaces.wifi.n == 0)
		return true;
	for (size_t i = 0; i < cfg->interfaces.wifi.n; i++)
		if (strcmp(cfg->interfaces.wifi.v[i], name) == 0)
			return true;
	return false;
}

static struct net *
net_add(struct insp *in)
{
	struct net *v;

	if ((v = realloc(in->nets, (in->nnets + 1) * sizeof(*v))) == NULL)
		abort();
	in->nets = v;
	memset(&v[in->nnets], 0, sizeof(*v));
	return &v[in->nnets++];
}

static const struct cd_wifi_radio *
radio_of(const struct insp *in, const struct cd_wifi_bss *b)
{
	if (b == NULL || b->radio >= in->conf.nradios)
		return NULL;
	return &in->conf.radios[b->radio];
}

/*
 * Could this configured network be the one the kernel runs?  The same
 * SSID is often on a 2.4 and a 5 GHz radio: the band must agree too.
 */
static bool
ssid_match(const struct insp *in, const struct cd_wifi_bss *b,
    const struct cd_wifi_if *kif)
{
	const struct cd_wifi_radio	*r = radio_of(in, b);
	enum cd_wifi_band		 band = cd_wifi_freq_band(kif->freq);

	if (b->ifname[0] != '\0' || b->ssid_len != kif->ssid_len ||
	    memcmp(b->ssid, kif->ssid, kif->ssid_len) != 0)
		return false;
	return r == NULL || r->band == CD_BAND_UNKNOWN ||
	    band == CD_BAND_UNKNOWN || r->band == band;
}

/* The configured network an access point interface runs, if any. */
static const struct cd_wifi_bss *
bss_for(const struct insp *in, const struct cd_wifi_if *kif, bool *used)
{
	const struct cd_wifi_conf	*c = &in->conf;
	size_t				 i;

	for (i = 0; i < c->nbss; i++)
		if (!used[i] && c->bss[i].ap &&
		    strcmp(c->bss[i].ifname, kif->name) == 0)
			goto found;
	for (i = 0; i < c->nbss && kif->ssid_len > 0; i++)
		if (!used[i] && c->bss[i].ap && ssid_match(in, &c->bss[i], kif))
			goto found;
	return NULL;
found:
	used[i] = true;
	return &c->bss[i];
}

static void
net_from_conf(struct net *n, const struct cd_wifi_bss *b)
{
	char ssid[CD_WIFI_SSID_BUF * 4 + 1];

	ssid_text(ssid, sizeof(ssid), b->ssid, b->ssid_len < sizeof(b->ssid) ?
	    b->ssid_len : sizeof(b->ssid));
	if (b->ifname[0] != '\0')
		wifi_cat(n->label, sizeof(n->label), "%s", b->ifname);
	else if (ssid[0] != '\0')
		wifi_cat(n->label, sizeof(n->label), "%s", ssid);
	else if (b->name[0] != '\0')
		wifi_cat(n->label, sizeof(n->label), "%s", b->name);
	else
		wifi_cat(n->label, sizeof(n->label), "%s", b->file);
	if (n->radio != NULL) {
		n->channel = n->radio->channel;
		n->band = n->radio->band;
	}
}

/* One network per wanted kernel interface, then each file-only one. */
static void
build_nets(struct insp *in)
{
	bool		*used = cd_calloc(in->conf.nbss + 1, sizeof(*used));
	struct net	*n;

	for (size_t i = 0; i < in->k.n; i++) {
		const struct cd_wifi_if *kif = &in->k.ifs[i];

		if (!if_wanted(in->cfg, kif->name) ||
		    (kif->mode != CD_WMODE_AP && kif->mode != CD_WMODE_STATION))
			continue;
		n = net_add(in);
		n->kif = kif;
		wifi_cat(n->label, sizeof(n->label), "%s", kif->name);
		if (kif->mode == CD_WMODE_AP)
			n->bss = bss_for(in, kif, used);
		if ((n->radio = radio_of(in, n->bss)) != NULL) {
			n->channel = n->radio->channel;
			n->band = n->radio->band;
		}
		if (kif->freq != 0) {
			n->channel = cd_wifi_freq_to_channel(kif->freq);
			n->band = cd_wifi_freq_band(kif->freq);
		}
	}
	for (size_t i = 0; i < in->conf.nbss; i++) {
		const struct cd_wifi_bss *b = &in->conf.bss[i];
		const struct cd_wifi_radio *r = radio_of(in, b);

		if (used[i] || !b->ap || b->disabled || (r && r->disabled))
			continue;
		n = net_add(in);
		n->bss = b;
		n->radio = r;
		net_from_conf(n, b);
	}
	free(used);
}

/* Can the Core see this network at all?  Only 2.4 GHz ones matter. */
bool
wifi_net_24(const struct net *n)
{
	return n->band == CD_BAND_2G || n->band == CD_BAND_UNKNOWN;
}

bool
wifi_net_is_ap(const struct net *n)
{
	return n->kif == NULL || n->kif->mode == CD_WMODE_AP;
}

void
wifi_subject(const struct net *n, char *buf, size_t len)
{
	snprintf(buf, len, "wifi:%s", n->label);
}

/* A wifi.* finding not raised this time has gone away. */
static void
clear_gone(void *arg, struct cd_finding *f)
{
	struct insp	*in = arg;
	bool		 kernel_failed = in->krc < 0 && in->krc != -ENOENT;

	if (strncmp(f->id, "wifi.", 5) != 0 || was_raised(in, f->id,
	    f->subject))
		return;
	/* The kernel could not be asked: keep what it said last. */
	if (kernel_failed && f->source == CD_SRC_PROBE)
		return;
	cd_finding_clear(in->fs, f->id, f->subject, in->now);
}

/* ---- the inspection ---------------------------------------------------- */

/* One file's outcome: counted, or said in the probe's detail. */
static void
file_read(struct insp *in, const char *path, int rc)
{
	if (rc == 0)
		in->files_read++;
	else if (rc != -ENOENT)
		wifi_cat(in->ferr, sizeof(in->ferr), "; cannot read %s: %s",
		    path, strerror(-rc));
}

static void
read_files(struct insp *in)
{
	const struct cd_config	*cfg = in->cfg;
	const char		*uci = cfg->wifi.uci_wireless;

	for (size_t i = 0; i < cfg->wifi.hostapd_conf.n; i++)
		file_read(in, cfg->wifi.hostapd_conf.v[i], cd_wifi_read_hostapd(
		    &in->conf, cfg->wifi.hostapd_conf.v[i]));
	if (uci != NULL && uci[0] != '\0')
		file_read(in, uci, cd_wifi_read_uci(&in->conf, uci));
}

static void
describe_net(const struct net *n, char *buf, size_t len)
{
	const struct cd_wifi_radio	*r = n->radio;
	char				 w[320];

	if (n->kif == NULL) {
		wifi_cat(buf, len, "; %s: configured", n->label);
		if (n->channel > 0)
			wifi_cat(buf, len, ", channel %d", n->channel);
		return;
	}
	wifi_cat(buf, len, "; %s: %s", n->label,
	    cd_wifi_mode_name(n->kif->mode));
	if (n->kif->freq == 0) {
		wifi_cat(buf, len, ", not on a channel");
		return;
	}
	wifi_cat(buf, len, ", ");
	wifi_kernel_channel(buf, len, n->kif);
	if (n->kif->mode == CD_WMODE_AP)
		wifi_cat(buf, len, ", %zu station%s", n->kif->nsta,
		    n->kif->nsta == 1 ? "" : "s");
	if (r != NULL && r->channel_s.line > 0 && r->channel != n->channel)
		wifi_cat(buf, len, " (kernel; %s says channel %d)",
		    wifi_where(w, sizeof(w), r->file, &r->channel_s),
		    r->channel);
}

static void
outcome(const struct insp *in, struct cd_wifi_outcome *out)
{
	static const char *const words[] = { "ok", "warning", "error" };
	char *d = out->detail;
	size_t len = sizeof(out->detail);

	d[0] = '\0';
	if (in->krc < 0)
		wifi_cat(d, len, "%s", in->kerr);
	else
		wifi_cat(d, len, "nl80211: %zu wireless interface%s", in->k.n,
		    in->k.n == 1 ? "" : "s");
	for (size_t i = 0; i < in->nnets; i++)
		describe_net(&in->nets[i], d, len);
	if (in->files_read > 0) {
		wifi_cat(d, len, "; read");
		for (size_t i = 0; i < in->conf.nfiles; i++)
			wifi_cat(d, len, " %s", in->conf.files[i]);
	} else
		wifi_cat(d, len, "; no configuration file (wifi.hostapd_conf, "
		    "wifi.uci_wireless)");
	wifi_cat(d, len, "%s", in->ferr);
	if (in->conf.problems > 0)
		wifi_cat(d, len, "; %u line%s skipped (see the log)",
		    in->conf.problems, in->conf.problems == 1 ? "" : "s");
	if (in->nnets == 0 && in->files_read == 0)
		snprintf(out->result, sizeof(out->result), "%s",
		    (in->krc < 0 && in->krc != -ENOENT) || in->ferr[0] ?
		    "failed" : "none");
	else
		snprintf(out->result, sizeof(out->result), "%s",
		    in->worst > 0 ? words[in->worst] : words[0]);
}

void
cd_wifi_inspect(const struct cd_config *cfg, const struct cd_wifi_source *src,
    struct cd_findings *fs, struct cd_state *st, int64_t now,
    struct cd_wifi_outcome *out)
{
	struct cd_wifi_kread kr;

	cd_wifi_kread(src, &kr);
	cd_wifi_inspect_read(cfg, &kr, fs, st, now, out);
}

void
cd_wifi_kread(const struct cd_wifi_source *src, struct cd_wifi_kread *kr)
{
	memset(kr, 0, sizeof(*kr));
	kr->rc = src->read(src, &kr->k, kr->err, sizeof(kr->err));
}

void
cd_wifi_kread_free(struct cd_wifi_kread *kr)
{
	cd_wifi_kernel_free(&kr->k);
}

void
cd_wifi_inspect_read(const struct cd_config *cfg, struct cd_wifi_kread *kr,
    struct cd_findings *fs, struct cd_state *st, int64_t now,
    struct cd_wifi_outcome *out)
{
	struct insp in = { .cfg = cfg, .fs = fs, .st = st, .now = now,
	    .worst = -1 };

	/* The inspection takes over what the kernel read found. */
	in.k = kr->k;
	memset(&kr->k, 0, sizeof(kr->k));
	in.krc = kr->rc;
	snprintf(in.kerr, sizeof(in.kerr), "%s", kr->err);
	if (in.krc < 0 && in.krc != -ENOENT)
		log_warnx("wifi: %s", in.kerr);
	read_files(&in);
	build_nets(&in);
	for (size_t i = 0; i < in.nnets; i++)
		wifi_check_net(&in, &in.nets[i]);
	wifi_check_no_24ghz(&in);
	wifi_check_stations(&in);
	cd_findings_foreach(in.fs, clear_gone, &in);
	outcome(&in, out);
	free(in.nets);
	free(in.raised);
	cd_wifi_kernel_free(&in.k);
	cd_wifi_conf_free(&in.conf);
}
