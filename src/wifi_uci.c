/*
 * OpenWrt's /etc/config/wireless (UCI): "config TYPE [NAME]" opens a
 * section, "option KEY VALUE" and "list KEY VALUE" fill it.  Words are
 * quoted as uci(1) writes them: 'single' (no escapes), "double" (backslash
 * escapes) or bare, and may be glued together ('it'\''s').  A wifi-device
 * is a radio, a wifi-iface a network on the radio its "device" names.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "uci.h"
#include "wifi.h"

enum section { SEC_NONE, SEC_DEVICE, SEC_IFACE };

struct uctx {
	struct cd_wifi_conf	*conf;
	const char		*file;
	enum section		 sec;
	size_t			 cur;		/* the open radio or network */
	size_t			 first_radio;	/* this file's start here */
	size_t			 first_bss;
	unsigned		 ndev, niface;	/* for @wifi-iface[N] names */
};

static void
problem(struct uctx *c, int line, const char *what, const char *value)
{
	c->conf->problems++;
	log_warnx("%s:%d: %s '%.40s'", c->file, line, what, value);
}

/* Also the word splitter of the UCI configuration (config_uci.c). */
int
cd_uci_split(char *s, char **w, int max)
{
	char	*in = s, *out, end;
	int	 n = 0;

	for (;;) {
		while (*in == ' ' || *in == '\t' || *in == '\r')
			in++;
		if (*in == '\0' || *in == '#')
			return n;
		if (n == max)
			return -2;
		w[n++] = out = in;
		while (*in != '\0' && strchr(" \t\r", *in) == NULL) {
			if (*in == '\'' || *in == '"') {
				char q = *in++;

				while (*in != '\0' && *in != q) {
					if (q == '"' && *in == '\\' &&
					    in[1] != '\0')
						in++;
					*out++ = *in++;
				}
				if (*in++ == '\0')
					return -1;
			} else {
				if (*in == '\\' && in[1] != '\0')
					in++;
				*out++ = *in++;
			}
		}
		end = *in;
		*out = '\0';
		if (end != '\0')
			in++;
	}
}

static bool
uci_bool(const char *v)
{
	return strcmp(v, "1") == 0 || strcmp(v, "on") == 0 ||
	    strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "enabled") == 0;
}

static void
device_channel(struct uctx *c, struct cd_wifi_radio *r, int line,
    const char *v)
{
	char	*end;
	long	 ch;

	cd_wifi_setting(&r->channel_s, line, "option channel '%s'", v);
	if (strcmp(v, "auto") == 0) {
		r->channel = 0;
		return;
	}
	ch = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || ch < 0 || ch > 255) {
		problem(c, line, "channel is neither a number nor auto:", v);
		r->channel_s.line = 0;
		return;
	}
	r->channel = (int)ch;
}

static void
device_band(struct uctx *c, struct cd_wifi_radio *r, int line,
    const char *k, const char *v)
{
	static const struct { const char *v; enum cd_wifi_band b; } map[] = {
		{ "2g", CD_BAND_2G }, { "5g", CD_BAND_5G },
		{ "6g", CD_BAND_6G }, { "60g", CD_BAND_60G },
		{ "11b", CD_BAND_2G }, { "11g", CD_BAND_2G },
		{ "11bg", CD_BAND_2G }, { "11ng", CD_BAND_2G },
		{ "11a", CD_BAND_5G }, { "11na", CD_BAND_5G },
		{ "11ac", CD_BAND_5G }, { "11ad", CD_BAND_60G },
	};

	/* "band" replaced "hwmode": where both are given, band counts. */
	if (strcmp(k, "hwmode") == 0 && r->band_s.line > 0 &&
	    strncmp(r->band_s.text, "option band", 11) == 0)
		return;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(v, map[i].v) == 0) {
			r->band = map[i].b;
			cd_wifi_setting(&r->band_s, line, "option %s '%s'",
			    k, v);
			return;
		}
	}
	problem(c, line, "unknown band:", v);
}

static void
device_option(struct uctx *c, int line, const char *k, const char *v)
{
	struct cd_wifi_radio *r = &c->conf->radios[c->cur];

	if (strcmp(k, "channel") == 0)
		device_channel(c, r, line, v);
	else if (strcmp(k, "band") == 0 || strcmp(k, "hwmode") == 0)
		device_band(c, r, line, k, v);
	else if (strcmp(k, "htmode") == 0)
		r->ht_off = strcmp(v, "NOHT") == 0;
	else if (strcmp(k, "legacy_rates") == 0) {
		r->no_b_rates = !uci_bool(v);
		cd_wifi_setting(&r->rates_s, line,
		    "option legacy_rates '%s'", v);
	} else if (strcmp(k, "require_mode") == 0) {
		/* OpenWrt: n -> require_ht, ac -> require_vht, g -> no 11b. */
		r->require_ht = strcmp(v, "n") == 0 || strcmp(v, "ac") == 0 ||
		    strcmp(v, "ax") == 0;
		if (r->require_ht)
			cd_wifi_setting(&r->ht_s, line,
			    "option require_mode '%s'", v);
		else if (strcmp(v, "g") == 0 && !r->no_b_rates) {
			r->no_b_rates = true;
			cd_wifi_setting(&r->rates_s, line,
			    "option require_mode '%s'", v);
		}
	} else if (strcmp(k, "disabled") == 0)
		r->disabled = uci_bool(v);
}

/* OpenWrt's encryption words, '+cipher' suffixes dropped. */
static enum cd_wifi_sec
uci_encryption(const char *v)
{
	static const struct { const char *v; enum cd_wifi_sec s; } map[] = {
		{ "none", CD_SEC_OPEN }, { "open", CD_SEC_OPEN },
		{ "wep", CD_SEC_WEP }, { "wep-open", CD_SEC_WEP },
		{ "wep-shared", CD_SEC_WEP },
		{ "psk", CD_SEC_PERSONAL }, { "psk2", CD_SEC_PERSONAL },
		{ "psk-mixed", CD_SEC_PERSONAL },
		{ "wpa", CD_SEC_ENTERPRISE }, { "wpa2", CD_SEC_ENTERPRISE },
		{ "wpa3", CD_SEC_ENTERPRISE },
		{ "wpa-mixed", CD_SEC_ENTERPRISE },
		{ "wpa3-mixed", CD_SEC_ENTERPRISE },
		{ "wpa3-192", CD_SEC_ENTERPRISE },
		{ "sae", CD_SEC_WPA3 }, { "sae-mixed", CD_SEC_TRANSITION },
		{ "owe", CD_SEC_OWE },
	};
	size_t n = strcspn(v, "+");

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].v) == n && strncmp(v, map[i].v, n) == 0)
			return map[i].s;
	return CD_SEC_UNKNOWN;
}

static void
iface_option(struct uctx *c, int line, const char *k, const char *v)
{
	struct cd_wifi_bss *b = &c->conf->bss[c->cur];

	if (strcmp(k, "device") == 0)
		snprintf(b->device, sizeof(b->device), "%s", v);
	else if (strcmp(k, "ifname") == 0)
		snprintf(b->ifname, sizeof(b->ifname), "%s", v);
	else if (strcmp(k, "mode") == 0)
		b->ap = strcmp(v, "ap") == 0;
	else if (strcmp(k, "disabled") == 0)
		b->disabled = uci_bool(v);
	else if (strcmp(k, "ssid") == 0) {
		b->ssid_len = strlen(v);
		memcpy(b->ssid, v, b->ssid_len < sizeof(b->ssid) ?
		    b->ssid_len : sizeof(b->ssid));
		cd_wifi_setting(&b->ssid_s, line, "option ssid '%s'", v);
	} else if (strcmp(k, "key") == 0) {
		b->pass_len = strlen(v);
		cd_wifi_setting(&b->pass_s, line, "option key (%zu characters)",
		    b->pass_len);
	} else if (strcmp(k, "encryption") == 0) {
		if ((b->sec = uci_encryption(v)) == CD_SEC_UNKNOWN)
			problem(c, line, "unknown encryption:", v);
		cd_wifi_setting(&b->sec_s, line, "option encryption '%s'", v);
	}
}

static void
open_section(struct uctx *c, int line, const char *type, const char *name)
{
	struct cd_wifi_radio	*r;
	struct cd_wifi_bss	*b;

	c->sec = SEC_NONE;
	if (strcmp(type, "wifi-device") == 0) {
		if ((r = cd_wifi_conf_radio(c->conf, c->file, line)) == NULL)
			return;
		if (name != NULL)
			snprintf(r->name, sizeof(r->name), "%s", name);
		else
			snprintf(r->name, sizeof(r->name), "@wifi-device[%u]",
			    c->ndev);
		c->ndev++;
		c->cur = c->conf->nradios - 1;
		c->sec = SEC_DEVICE;
	} else if (strcmp(type, "wifi-iface") == 0) {
		b = cd_wifi_conf_bss(c->conf, CD_WIFI_NO_RADIO, c->file, line);
		if (b == NULL)
			return;
		if (name != NULL)
			snprintf(b->name, sizeof(b->name), "%s", name);
		else
			snprintf(b->name, sizeof(b->name), "@wifi-iface[%u]",
			    c->niface);
		c->niface++;
		b->sec = CD_SEC_OPEN;	/* encryption's default: none */
		cd_wifi_setting(&b->sec_s, 0, "encryption not set (none)");
		c->cur = c->conf->nbss - 1;
		c->sec = SEC_IFACE;
	}
}

static void
parse_line(void *ctx, int line, char *s)
{
	struct uctx *c = ctx;
	char	*w[3];
	int	 n;

	if ((n = cd_uci_split(s, w, 3)) == 0)
		return;
	if (n < 0) {
		problem(c, line, n == -1 ? "unterminated quote in" :
		    "too many words in", s);
		return;
	}
	if (strcmp(w[0], "config") == 0 && n >= 2)
		open_section(c, line, w[1], n == 3 ? w[2] : NULL);
	else if ((strcmp(w[0], "option") == 0 || strcmp(w[0], "list") == 0) &&
	    n == 3) {
		if (c->sec == SEC_DEVICE)
			device_option(c, line, w[1], w[2]);
		else if (c->sec == SEC_IFACE)
			iface_option(c, line, w[1], w[2]);
	} else if (strcmp(w[0], "package") != 0)
		problem(c, line, "not a config/option/list line:", w[0]);
}

/* Tie each network to its radio now that every section has been read. */
static void
link_devices(struct uctx *c)
{
	struct cd_wifi_conf *conf = c->conf;

	for (size_t i = c->first_bss; i < conf->nbss; i++) {
		struct cd_wifi_bss *b = &conf->bss[i];

		for (size_t j = c->first_radio; j < conf->nradios; j++)
			if (strcmp(conf->radios[j].name, b->device) == 0)
				b->radio = j;
		if (b->radio == CD_WIFI_NO_RADIO)
			problem(c, b->line, b->device[0] ?
			    "wifi-iface names no configured wifi-device:" :
			    "wifi-iface without option device", b->device);
		if (b->sec != CD_SEC_PERSONAL && b->sec != CD_SEC_TRANSITION)
			b->pass_len = 0;	/* RADIUS secret, WEP index */
	}
	for (size_t j = c->first_radio; j < conf->nradios; j++) {
		struct cd_wifi_radio *r = &conf->radios[j];

		if (r->band == CD_BAND_UNKNOWN && r->channel > 0)
			r->band = r->channel <= 14 ? CD_BAND_2G : CD_BAND_5G;
		if (r->channel_s.line == 0)
			cd_wifi_setting(&r->channel_s, 0, "channel not set");
	}
}

int
cd_wifi_read_uci(struct cd_wifi_conf *conf, const char *path)
{
	struct uctx	 c = { .conf = conf, .first_radio = conf->nradios,
			    .first_bss = conf->nbss };
	char		*buf;
	size_t		 len;
	int		 rc = cd_wifi_read_lines(path, &buf, &len);

	if (rc < 0)
		return rc;
	c.file = cd_wifi_conf_file(conf, path);
	cd_wifi_each_line(buf, len, parse_line, &c);
	link_devices(&c);
	free(buf);
	return 0;
}
