#include "config.h"

/*
 * corediagd-ctl report --forum: the post the Spark troubleshooting guide
 * asks for (its STEP 6), from the daemon's report and this host's files.
 * Nothing secret goes in: the Wi-Fi readers keep a passphrase's length,
 * never its text, and the Wi-Fi part leaves the SSIDs out too.
 */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cd_config.h"
#include "report.h"
#include "wifi.h"

static const char *
or(const char *s, const char *dflt)
{
	return s != NULL ? s : dflt;
}

/* The value of KEY= in a shell-style file such as /etc/os-release. */
static int
release_value(const char *path, const char *key, char *out, size_t len)
{
	char	 line[256], *v, *e;
	FILE	*f;
	size_t	 kl = strlen(key);

	if ((f = fopen(path, "re")) == NULL)
		return -1;
	out[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, kl) != 0 || line[kl] != '=')
			continue;
		v = line + kl + 1;
		v[strcspn(v, "\n")] = '\0';
		if (*v == '"' || *v == '\'') {
			v++;
			if ((e = strrchr(v, v[-1])) != NULL)
				*e = '\0';
		}
		snprintf(out, len, "%s", v);
		break;
	}
	fclose(f);
	return out[0] != '\0' ? 0 : -1;
}

/* A one-line file such as /tmp/sysinfo/model (OpenWrt) or a device tree's. */
static int
first_line(const char *path, char *out, size_t len)
{
	FILE	*f;

	if ((f = fopen(path, "re")) == NULL)
		return -1;
	out[0] = '\0';
	if (fgets(out, (int)len, f) == NULL)
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
	return out[0] != '\0' ? 0 : -1;
}

static void
forum_router(FILE *out)
{
	char	v[256];

	fprintf(out, "Router and firmware\n");
	if (first_line("/tmp/sysinfo/model", v, sizeof(v)) == 0 ||
	    first_line("/proc/device-tree/model", v, sizeof(v)) == 0)
		fprintf(out, "  model: %s\n", v);
	else
		fprintf(out, "  model: (unknown: please add make and model)\n");
	if (release_value("/etc/openwrt_release", "DISTRIB_DESCRIPTION", v,
	    sizeof(v)) == 0 ||
	    release_value("/etc/os-release", "PRETTY_NAME", v, sizeof(v)) == 0)
		fprintf(out, "  firmware: %s\n", v);
	else
		fprintf(out, "  firmware: (unknown)\n");
	fprintf(out, "  corediagd: %s\n", PACKAGE_VERSION);
}

static void
forum_bss(FILE *out, const struct cd_wifi_conf *wc, const struct cd_wifi_bss *b)
{
	const struct cd_wifi_radio	*r = NULL;
	char				 ch[32] = "automatic";

	if (b->radio != CD_WIFI_NO_RADIO && b->radio < wc->nradios)
		r = &wc->radios[b->radio];
	if (r != NULL && r->channel != 0)
		snprintf(ch, sizeof(ch), "%d", r->channel);
	fprintf(out, "  %s%s: security %s, channel %s, band %s%s%s%s\n",
	    b->ifname[0] ? b->ifname : b->name[0] ? b->name : "network",
	    b->ap ? "" : " (client link)", cd_wifi_sec_name(b->sec), ch,
	    r != NULL ? cd_wifi_band_name(r->band) : "unknown",
	    r != NULL && r->require_ht ? ", 802.11n clients only" : "",
	    r != NULL && r->no_b_rates ? ", 802.11b rates off" : "",
	    b->disabled || (r != NULL && r->disabled) ? ", disabled" : "");
}

static void
forum_wifi(FILE *out, const struct cd_config *cfg)
{
	struct cd_wifi_conf	wc;
	size_t			i;
	int			nread = 0;

	memset(&wc, 0, sizeof(wc));
	fprintf(out, "\nWi-Fi (from the configuration files)\n");
	for (i = 0; cfg != NULL && i < cfg->wifi.hostapd_conf.n; i++)
		if (cd_wifi_read_hostapd(&wc, cfg->wifi.hostapd_conf.v[i]) == 0)
			nread++;
	if (cfg != NULL && cfg->wifi.uci_wireless[0] != '\0' &&
	    cd_wifi_read_uci(&wc, cfg->wifi.uci_wireless) == 0)
		nread++;
	for (i = 0; i < wc.nbss; i++)
		forum_bss(out, &wc, &wc.bss[i]);
	if (wc.nbss == 0)
		fprintf(out, "  (no hostapd or OpenWrt wireless file %s: please "
		    "add security and channel)\n", nread ? "lists a network" :
		    "could be read here");
	cd_wifi_conf_free(&wc);
}

static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object	*v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static void
forum_dhcp(FILE *out, struct json_object *doc)
{
	struct json_object	*a = member(doc, "probes"), *p;
	const char		*d;
	size_t			 i;

	fprintf(out, "\nDHCP servers (corediagd's DHCP probe)\n");
	for (i = 0; a != NULL && i < json_object_array_length(a); i++) {
		p = json_object_array_get_idx(a, i);
		if (strcmp(or(cd_report_str(p, "name"), ""), "dhcp") != 0)
			continue;
		d = cd_report_str(p, "detail");
		fprintf(out, "  %s%s%s\n", or(cd_report_str(p, "result"), ""),
		    d ? ": " : "", d ? d : "");
		return;
	}
	fprintf(out, "  (not probed)\n");
}

/*
 * A Core fails and nothing on the network explains it: no active warning
 * or error but the Core's own absence or reconnect loop.
 */
static bool
outside_network(struct json_object *doc)
{
	struct json_object	*a = member(doc, "findings"), *f;
	const char		*id, *sev;
	size_t			 i;
	bool			 core = false;

	for (i = 0; a != NULL && i < json_object_array_length(a); i++) {
		f = json_object_array_get_idx(a, i);
		if (!json_object_get_boolean(member(f, "active")))
			continue;
		id = or(cd_report_str(f, "id"), "");
		sev = or(cd_report_str(f, "severity"), "");
		if (strcmp(sev, "info") == 0)
			continue;
		if (strcmp(id, "core.missing") == 0 ||
		    strcmp(id, "core.reconnect_loop") == 0)
			core = true;
		else
			return false;
	}
	return core;
}

void
cd_report_text_cores(FILE *out, struct json_object *doc)
{
	struct json_object	*a = member(doc, "cores"), *c;
	const char		*v;
	size_t			 i, n = a ? json_object_array_length(a) : 0;

	fprintf(out, "Cores (%zu)\n", n);
	for (i = 0; i < n; i++) {
		c = json_object_array_get_idx(a, i);
		fprintf(out, "  %s %s", or(cd_report_str(c, "name"),
		    "(unnamed)"), or(cd_report_str(c, "mac"), "(MAC unknown)"));
		if ((v = cd_report_str(c, "device_id")) != NULL)
			fprintf(out, " id %s", v);
		fprintf(out, ": %s", or(cd_report_str(c, "state"), "?"));
		if ((v = cd_report_str(c, "first_seen")) != NULL)
			fprintf(out, "; first seen %s", v);
		if ((v = cd_report_str(c, "last_online")) != NULL)
			fprintf(out, "; last online %s", v);
		if ((v = cd_report_str(c, "last_handshake")) != NULL)
			fprintf(out, "; last handshake %s", v);
		fprintf(out, "; sessions today %s\n",
		    or(cd_report_str(c, "sessions_today"), "0"));
	}
	if (!outside_network(doc))
		return;
	fprintf(out, "  No network check found a fault, so the cause is "
	    "likely outside the network, in the Core itself:\n"
	    "  - power: a supply of at least 500 mA, not an unpowered hub\n"
	    "  - antenna: on a u.FL Core, attached and firmly seated\n"
	    "  - Wi-Fi credentials: hold MODE 3 s (flashing blue, listening "
	    "mode) and send them again; hold it 10 s to clear the Core's "
	    "memory of networks first\n"
	    "  - the LED: flashing blue = no credentials, flashing green = "
	    "cannot join the Wi-Fi, flashing orange = a key problem, red "
	    "flashes = a firmware panic, no light = no power\n");
}

static void
forum_findings(FILE *out, struct json_object *doc)
{
	struct json_object	*a = member(doc, "findings"), *f;
	size_t			 i, n = 0;

	fprintf(out, "\nActive findings\n");
	for (i = 0; a != NULL && i < json_object_array_length(a); i++) {
		f = json_object_array_get_idx(a, i);
		if (!json_object_get_boolean(member(f, "active")))
			continue;
		fprintf(out, "  %s %s %s: %s\n", cd_report_str(f, "severity"),
		    cd_report_str(f, "id"), cd_report_str(f, "subject"),
		    cd_report_str(f, "summary"));
		n++;
	}
	if (n == 0)
		fprintf(out, "  none\n");
}

int
cd_report_forum(FILE *out, struct json_object *doc,
    const struct cd_config *cfg)
{
	fprintf(out, "Spark Core connection report (corediagd, generated "
	    "%s)\n\n", or(cd_report_str(doc, "generated"), "now"));
	forum_router(out);
	forum_wifi(out, cfg);
	forum_dhcp(out, doc);
	fputc('\n', out);
	cd_report_text_cores(out, doc);
	forum_findings(out, doc);
	fprintf(out, "\nPlease add: environment (home, office, public), "
	    "network topology (routers, range extenders, about how many "
	    "devices), Internet service provider, and any setting that is "
	    "not the default.\n");
	return cd_report_exit_code(member(doc, "findings"));
}
