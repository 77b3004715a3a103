#include "config.h"

/* The Wi-Fi tests' fixtures: see wifi/wifi_fixture.h. */

#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wifi/wifi_fixture.h"

#ifndef TEST_SRCDIR
#error "TEST_SRCDIR must be the absolute path of tests/unit"
#endif

const char *
wfx_path(const char *name)
{
	static char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/wifi/%s", TEST_SRCDIR, name);
	return buf;
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
	    &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static enum cd_wifi_mode
parse_mode(const char *s)
{
	if (strcmp(s, "ap") == 0)
		return CD_WMODE_AP;
	if (strcmp(s, "station") == 0)
		return CD_WMODE_STATION;
	if (strcmp(s, "monitor") == 0)
		return CD_WMODE_MONITOR;
	return CD_WMODE_OTHER;
}

static void
fixture_iface(struct cd_wifi_kernel *k, char *args)
{
	static const char *const widths[] = {
		"20", "20 MHz", "40", "40 MHz", "80", "80 MHz",
		"160", "160 MHz", NULL,
	};
	char			 name[32], mode[16], width[16] = "";
	char			 ssid[64] = "";
	unsigned		 freq;
	struct cd_wifi_if	*i;

	assert_true(sscanf(args, "%31s %15s %u %15s %63[^\n]", name, mode,
	    &freq, width, ssid) >= 3);
	assert_non_null(i = cd_wifi_kernel_add(k, name));
	i->ifindex = (uint32_t)k->n;
	i->mode = parse_mode(mode);
	i->freq = freq;
	for (int n = 0; widths[n] != NULL; n += 2)
		if (strcmp(width, widths[n]) == 0)
			i->width = widths[n + 1];
	i->ssid_len = strlen(ssid);
	memcpy(i->ssid, ssid, i->ssid_len);
}

static void
fixture_sta(struct cd_wifi_kernel *k, char *args)
{
	char			 mac[32], sig[16];
	uint8_t			 b[6];
	struct cd_wifi_sta	*s;

	assert_true(k->n > 0);
	assert_int_equal(sscanf(args, "%31s %15s", mac, sig), 2);
	assert_int_equal(parse_mac(mac, b), 0);
	assert_non_null(s = cd_wifi_if_add_sta(&k->ifs[k->n - 1], b));
	if (strcmp(sig, "-") != 0)
		s->signal_dbm = atoi(sig);
}

/* The fixture-backed kernel: cd_wifi_source.read over a text file. */
static int
fixture_read(const struct cd_wifi_source *src, struct cd_wifi_kernel *out,
    char *err, size_t errlen)
{
	const char	*path = src->arg;
	char		 line[256], word[16];
	FILE		*f;
	int		 rc = 0;

	if (path == NULL || path[0] == '\0') {
		snprintf(err, errlen, "nl80211: not in this kernel (fixture)");
		return -ENOENT;
	}
	assert_non_null(f = fopen(path, "r"));
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || sscanf(line, "%15s", word) != 1)
			continue;
		if (strcmp(word, "iface") == 0)
			fixture_iface(out, line + 5);
		else if (strcmp(word, "sta") == 0)
			fixture_sta(out, line + 3);
		else if (strcmp(word, "absent") == 0) {
			snprintf(err, errlen, "nl80211: not in this kernel");
			rc = -ENOENT;
		} else if (strcmp(word, "error") == 0) {
			snprintf(err, errlen, "%s", line + 6);
			rc = -EIO;
		} else
			fail_msg("%s: unknown line '%s'", path, line);
	}
	fclose(f);
	return rc;
}

/* The YAML with each @NAME turned into the fixture's absolute path. */
static char *
expand(const char *yaml)
{
	size_t	 cap = strlen(yaml) + 1, o = 0;
	char	*out;

	for (const char *p = yaml; *p != '\0'; p++)
		if (*p == '@')
			cap += PATH_MAX;
	out = malloc(cap);

	assert_non_null(out);
	for (const char *p = yaml; *p != '\0'; ) {
		if (*p == '@') {
			char name[128];
			size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

			assert_true(n > 0 && n < sizeof(name));
			memcpy(name, p + 1, n);
			name[n] = '\0';
			o += (size_t)snprintf(out + o, cap - o, "%s",
			    wfx_path(name));
			p += n + 1;
		} else
			out[o++] = *p++;
	}
	out[o] = '\0';
	return out;
}

struct wfx *
wfx_new(const char *yaml)
{
	struct wfx	*w = calloc(1, sizeof(*w));
	char		 path[] = "/tmp/test_wifi_XXXXXX", err[1024];
	char		*text = expand(yaml);
	int		 fd;

	assert_non_null(w);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	if (cd_config_load(path, &w->cfg, err, sizeof(err)) < 0)
		fail_msg("config: %s\n%s", err, text);
	unlink(path);
	free(text);
	cd_findings_init(&w->fs, NULL, NULL);
	w->src.name = "fixture";
	w->src.read = fixture_read;
	w->src.arg = w->kernel;
	w->now = WFX_T0;
	return w;
}

void
wfx_kernel(struct wfx *w, const char *fixture)
{
	if (fixture == NULL)
		w->kernel[0] = '\0';
	else
		snprintf(w->kernel, sizeof(w->kernel), "%s", wfx_path(fixture));
}

void
wfx_run(struct wfx *w)
{
	w->now += 60000;
	memset(&w->out, 0, sizeof(w->out));
	cd_wifi_inspect(w->cfg, &w->src, &w->fs, &w->st, w->now, &w->out);
}

const struct cd_finding *
wfx_active(const struct wfx *w, const char *id, const char *subject)
{
	const struct cd_finding *f = cd_finding_find(&w->fs, id, subject);

	return f != NULL && f->active ? f : NULL;
}

unsigned
wfx_problems(const struct wfx *w)
{
	unsigned n = 0;

	for (const struct cd_finding *f = w->fs.head; f != NULL; f = f->next)
		if (f->active && strncmp(f->id, "wifi.", 5) == 0 &&
		    f->severity >= CD_SEV_WARNING)
			n++;
	return n;
}

unsigned
wfx_active_count(const struct wfx *w, const char *id)
{
	unsigned n = 0;

	for (const struct cd_finding *f = w->fs.head; f != NULL; f = f->next)
		if (f->active && strcmp(f->id, id) == 0)
			n++;
	return n;
}

const struct cd_device *
wfx_device(const struct wfx *w, const char *mac)
{
	for (const struct cd_device *d = w->st.devices; d != NULL; d = d->next)
		if (strcmp(d->mac, mac) == 0)
			return d;
	return NULL;
}

void
wfx_expect(const struct wfx *w, const char *id, const char *subject,
    enum cd_severity sev, enum cd_source src)
{
	const struct cd_finding *f = wfx_active(w, id, subject);

	if (f == NULL) {
		for (f = w->fs.head; f != NULL; f = f->next)
			print_message("  have %s %s %s: %s\n",
			    f->active ? "active" : "cleared", f->id,
			    f->subject, f->summary);
		fail_msg("no active %s %s (probe: %s: %s)", id, subject,
		    w->out.result, w->out.detail);
	}
	assert_int_equal(f->severity, sev);
	assert_int_equal(f->source, src);
	assert_non_null(f->detail);
	assert_non_null(f->advice);
}

void
wfx_free(struct wfx *w)
{
	cd_findings_free(&w->fs);
	cd_state_free(&w->st);
	cd_config_free(w->cfg);
	free(w);
}
