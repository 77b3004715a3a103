/*
 * hostapd.conf: key=value lines, '#' comments, one radio per file and one
 * network (BSS) per "interface=" / "bss=" section.  Keys are read the way
 * hostapd reads them (case-sensitive, the value is the rest of the line);
 * unknown keys are hostapd's business and are skipped quietly.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"
#include "wifi.h"

/* What decides a network's security, gathered until its section ends. */
struct hbss {
	int		 wpa;		/* 0 = no WPA */
	char		 key_mgmt[128];
	int		 wpa_line, km_line, x_line, wep_line;
	bool		 ieee8021x, wep;
};

struct hctx {
	struct cd_wifi_conf	*conf;
	const char		*file;
	size_t			 radio;
	size_t			 bss;		/* index of the open network */
	struct hbss		 h;
	bool			 ieee80211n;
	int			 op_class;
	bool			 have_bss;
};

static struct cd_wifi_radio *
radio(struct hctx *c)
{
	return &c->conf->radios[c->radio];
}

static struct cd_wifi_bss *
bss(struct hctx *c)
{
	return &c->conf->bss[c->bss];
}

static void
problem(struct hctx *c, int line, const char *what, const char *value)
{
	c->conf->problems++;
	log_warnx("%s:%d: %s '%.40s'", c->file, line, what, value);
}

static bool
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (p[n] == '\0' || isspace((unsigned char)p[n])))
			return true;
	return false;
}

/* The network's security, once all of its section has been read. */
static void
bss_close(struct hctx *c)
{
	struct cd_wifi_bss	*b;
	struct hbss		*h = &c->h;
	const char		*km = h->key_mgmt[0] ? h->key_mgmt : "WPA-PSK";
	bool			 psk, sae, eap;

	if (!c->have_bss)
		return;
	b = bss(c);
	psk = strstr(km, "PSK") != NULL;
	sae = strstr(km, "SAE") != NULL;
	eap = strstr(km, "EAP") != NULL || has_word(km, "FILS-SHA256") ||
	    has_word(km, "FILS-SHA384");
	if (h->wpa > 0) {
		if (h->km_line > 0)
			cd_wifi_setting(&b->sec_s, h->km_line,
			    "wpa_key_mgmt=%s", h->key_mgmt);
		else
			cd_wifi_setting(&b->sec_s, h->wpa_line,
			    "wpa=%d (wpa_key_mgmt not set: WPA-PSK)", h->wpa);
		if (psk)
			b->sec = sae ? CD_SEC_TRANSITION : CD_SEC_PERSONAL;
		else if (eap)
			b->sec = CD_SEC_ENTERPRISE;
		else if (sae)
			b->sec = CD_SEC_WPA3;
		else if (has_word(km, "OWE"))
			b->sec = CD_SEC_OWE;
	} else if (h->ieee8021x) {
		b->sec = CD_SEC_ENTERPRISE;
		cd_wifi_setting(&b->sec_s, h->x_line, "ieee8021x=1");
	} else if (h->wep) {
		b->sec = CD_SEC_WEP;
		cd_wifi_setting(&b->sec_s, h->wep_line, "wep_key set");
	} else {
		b->sec = CD_SEC_OPEN;
		cd_wifi_setting(&b->sec_s, 0, "no wpa, no ieee8021x");
	}
	if (b->sec != CD_SEC_PERSONAL && b->sec != CD_SEC_TRANSITION)
		b->pass_len = 0;	/* only a PSK's goes to the Core */
	memset(h, 0, sizeof(*h));
}

static int
bss_open(struct hctx *c, int line, const char *ifname)
{
	struct cd_wifi_bss *b;

	bss_close(c);
	if ((b = cd_wifi_conf_bss(c->conf, c->radio, c->file, line)) == NULL)
		return -ENOSPC;
	snprintf(b->ifname, sizeof(b->ifname), "%s", ifname);
	c->bss = c->conf->nbss - 1;
	c->have_bss = true;
	return 0;
}

/* ssid2: "quoted", P"escaped" or hex (hostapd's wpa_config_parse_string). */
static int
ssid2_decode(const char *v, uint8_t *out, size_t outsz, size_t *len)
{
	size_t n = 0, vl = strlen(v);
	bool esc = v[0] == 'P' && v[1] == '"';

	if (esc)
		v++, vl--;
	if (v[0] == '"') {
		if (vl < 2 || v[vl - 1] != '"')
			return -EINVAL;
		for (size_t i = 1; i + 1 < vl; i++, n++) {
			int ch = (unsigned char)v[i];

			if (esc && ch == '\\' && i + 2 < vl) {
				ch = (unsigned char)v[++i];
				if (ch == 'x' && i + 3 < vl &&
				    cd_hexval(v[i + 1]) >= 0 &&
				    cd_hexval(v[i + 2]) >= 0) {
					ch = cd_hexval(v[i + 1]) * 16 +
					    cd_hexval(v[i + 2]);
					i += 2;
				} else if (ch == 'n')
					ch = '\n';
			}
			if (n < outsz)
				out[n] = (uint8_t)ch;
		}
	} else {
		if (vl % 2 != 0)
			return -EINVAL;
		for (size_t i = 0; i < vl; i += 2, n++) {
			int hi = cd_hexval(v[i]), lo = cd_hexval(v[i + 1]);

			if (hi < 0 || lo < 0)
				return -EINVAL;
			if (n < outsz)
				out[n] = (uint8_t)(hi * 16 + lo);
		}
	}
	*len = n;
	return 0;
}

static bool
rates_have_b(const char *list)
{
	return has_word(list, "10") || has_word(list, "20") ||
	    has_word(list, "55") || has_word(list, "110");
}

static void
radio_key(struct hctx *c, int line, const char *k, const char *v)
{
	struct cd_wifi_radio	*r = radio(c);
	char			*end;
	long			 ch;

	if (strcmp(k, "channel") == 0) {
		ch = strtol(v, &end, 10);
		if (strcmp(v, "acs_survey") == 0)
			ch = 0;
		else if (*v == '\0' || *end != '\0' || ch < 0 || ch > 255) {
			problem(c, line, "channel is not a number:", v);
			return;
		}
		r->channel = (int)ch;
		cd_wifi_setting(&r->channel_s, line, "channel=%s", v);
	} else if (strcmp(k, "hw_mode") == 0) {
		if (strcmp(v, "a") == 0)
			r->band = CD_BAND_5G;
		else if (strcmp(v, "b") == 0 || strcmp(v, "g") == 0)
			r->band = CD_BAND_2G;
		else if (strcmp(v, "ad") == 0)
			r->band = CD_BAND_60G;
		else if (strcmp(v, "any") != 0)
			problem(c, line, "unknown hw_mode", v);
		cd_wifi_setting(&r->band_s, line, "hw_mode=%s", v);
	} else if (strcmp(k, "op_class") == 0) {
		c->op_class = atoi(v);
	} else if (strcmp(k, "ieee80211n") == 0) {
		c->ieee80211n = strcmp(v, "1") == 0;
	} else if (strcmp(k, "require_ht") == 0) {
		r->require_ht = strcmp(v, "1") == 0;
		cd_wifi_setting(&r->ht_s, line, "require_ht=%s", v);
	} else if ((strcmp(k, "supported_rates") == 0 ||
	    strcmp(k, "basic_rates") == 0) && !rates_have_b(v) &&
	    !r->no_b_rates) {
		r->no_b_rates = true;
		cd_wifi_setting(&r->rates_s, line, "%s=%s", k, v);
	}
}

static void
bss_key(struct hctx *c, int line, const char *k, const char *v)
{
	struct cd_wifi_bss *b = bss(c);

	if (strcmp(k, "ssid") == 0) {
		b->ssid_len = strlen(v);
		memcpy(b->ssid, v, b->ssid_len < sizeof(b->ssid) ?
		    b->ssid_len : sizeof(b->ssid));
		cd_wifi_setting(&b->ssid_s, line, "ssid=%s", v);
	} else if (strcmp(k, "ssid2") == 0) {
		if (ssid2_decode(v, b->ssid, sizeof(b->ssid), &b->ssid_len) < 0)
			problem(c, line, "ssid2 is neither \"text\" nor hex:",
			    v);
		else
			cd_wifi_setting(&b->ssid_s, line, "ssid2=%s", v);
	} else if (strcmp(k, "wpa_passphrase") == 0) {
		b->pass_len = strlen(v);
		cd_wifi_setting(&b->pass_s, line,
		    "wpa_passphrase (%zu characters)", b->pass_len);
	} else if (strcmp(k, "wpa") == 0) {
		c->h.wpa = atoi(v);
		c->h.wpa_line = line;
	} else if (strcmp(k, "wpa_key_mgmt") == 0) {
		snprintf(c->h.key_mgmt, sizeof(c->h.key_mgmt), "%s", v);
		c->h.km_line = line;
	} else if (strcmp(k, "ieee8021x") == 0) {
		c->h.ieee8021x = strcmp(v, "1") == 0;
		c->h.x_line = line;
	} else if (strncmp(k, "wep_key", 7) == 0 &&
	    isdigit((unsigned char)k[7])) {
		c->h.wep = true;
		c->h.wep_line = line;
	} else
		radio_key(c, line, k, v);
}

static void
parse_line(void *ctx, int line, char *s)
{
	struct hctx *c = ctx;
	char	*eq;
	size_t	 n = strlen(s);

	if (n > 0 && s[n - 1] == '\r')
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return;
	if ((eq = strchr(s, '=')) == NULL || eq == s) {
		problem(c, line, "not a key=value line:", s);
		return;
	}
	*eq = '\0';
	if (strcmp(s, "interface") == 0 && c->conf->nbss > 0 &&
	    c->bss == c->conf->nbss - 1 && bss(c)->ifname[0] == '\0') {
		snprintf(bss(c)->ifname, sizeof(bss(c)->ifname), "%s", eq + 1);
		snprintf(radio(c)->name, sizeof(radio(c)->name), "%s", eq + 1);
	} else if (strcmp(s, "bss") == 0)
		bss_open(c, line, eq + 1);
	else
		bss_key(c, line, s, eq + 1);
}

/* What the file leaves unsaid, as hostapd would take it. */
static void
radio_close(struct hctx *c)
{
	struct cd_wifi_radio *r = radio(c);

	if (r->band == CD_BAND_5G && c->op_class >= 131 && c->op_class <= 137)
		r->band = CD_BAND_6G;
	if (r->band_s.line == 0) {
		r->band = r->channel > 14 ? CD_BAND_5G : CD_BAND_2G;
		cd_wifi_setting(&r->band_s, 0, "hw_mode not set (hostapd's "
		    "default b, 2.4 GHz)");
	} else if (r->band == CD_BAND_UNKNOWN && r->channel > 0)
		r->band = r->channel <= 14 ? CD_BAND_2G : CD_BAND_5G;
	r->ht_off = !c->ieee80211n;	/* hostapd's default: 802.11n off */
	if (r->channel == 0 && r->channel_s.line == 0)
		cd_wifi_setting(&r->channel_s, 0, "channel not set");
}

int
cd_wifi_read_hostapd(struct cd_wifi_conf *conf, const char *path)
{
	struct hctx	 c = { .conf = conf };
	char		*buf;
	size_t		 len;
	int		 rc;

	if ((rc = cd_wifi_read_lines(path, &buf, &len)) < 0)
		return rc;
	c.file = cd_wifi_conf_file(conf, path);
	if (cd_wifi_conf_radio(conf, c.file, 1) == NULL) {
		free(buf);
		return -ENOSPC;
	}
	c.radio = conf->nradios - 1;
	if (bss_open(&c, 1, "") < 0) {
		free(buf);
		return -ENOSPC;
	}
	cd_wifi_each_line(buf, len, parse_line, &c);
	bss_close(&c);
	radio_close(&c);
	free(buf);
	return 0;
}
