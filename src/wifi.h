/*
 * The Wi-Fi inspection: what the kernel (nl80211) and the access
 * point's configuration (hostapd.conf, OpenWrt UCI) say about the networks
 * a Core must join, and the wifi.* findings drawn from them.
 *
 * Three steps, as in the capture path: read (wifi_nl80211.c for the
 * kernel, wifi_hostapd.c and wifi_uci.c for the files), decide (wifi.c,
 * wifi_check.c), report (findings and devices).  The kernel sits behind
 * struct cd_wifi_source so the decisions run in unit tests on fixtures,
 * without a Wi-Fi stack.
 */
#ifndef CD_WIFI_H
#define CD_WIFI_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cd_config;
struct cd_findings;
struct cd_state;

enum cd_wifi_band {
	CD_BAND_UNKNOWN = 0,
	CD_BAND_2G,
	CD_BAND_5G,
	CD_BAND_6G,
	CD_BAND_60G,
};

enum cd_wifi_mode {
	CD_WMODE_OTHER = 0,
	CD_WMODE_AP,
	CD_WMODE_STATION,
	CD_WMODE_ADHOC,
	CD_WMODE_MESH,
	CD_WMODE_MONITOR,
};

/* What a client must speak to join; ordered from harmless to hopeless. */
enum cd_wifi_sec {
	CD_SEC_UNKNOWN = 0,
	CD_SEC_OPEN,
	CD_SEC_WEP,
	CD_SEC_PERSONAL,	/* WPA/WPA2-PSK */
	CD_SEC_OWE,		/* Enhanced Open */
	CD_SEC_TRANSITION,	/* WPA2-PSK + WPA3-SAE */
	CD_SEC_WPA3,		/* SAE alone */
	CD_SEC_ENTERPRISE,	/* 802.1X/EAP, WPA3-Enterprise included */
};

#define CD_WIFI_NO_SIGNAL	INT32_MIN
#define CD_WIFI_SSID_MAX	32	/* what 802.11 allows */
#define CD_WIFI_SSID_BUF	64	/* configuration may say more */
#define CD_WIFI_MAX_DEVICES	64	/* Cores known from station lists alone */
#define CD_WIFI_DEVICE_AGE_MS	(60 * 60 * 1000LL) /* gone that long: forgotten */

/* ---- the kernel's view ---------------------------------------------- */

struct cd_wifi_sta {
	uint8_t		 addr[6];
	char		 mac[18];	/* lower case, colon separated */
	int32_t		 signal_dbm;	/* CD_WIFI_NO_SIGNAL when unknown */
};

struct cd_wifi_if {
	char			 name[IF_NAMESIZE];
	uint32_t		 ifindex;
	enum cd_wifi_mode	 mode;
	uint32_t		 freq;		/* MHz; 0 = not on a channel */
	const char		*width;		/* "20 MHz", ...; or NULL */
	uint8_t			 ssid[CD_WIFI_SSID_MAX];
	size_t			 ssid_len;	/* 0 = none reported */
	struct cd_wifi_sta	*sta;		/* an AP's stations */
	size_t			 nsta;
};

struct cd_wifi_kernel {
	struct cd_wifi_if	*ifs;
	size_t			 n;
};

/*
 * Where the kernel's view comes from: nl80211 in the daemon, a fixture in
 * the unit tests.  read() fills out (zeroed by the caller) and returns 0,
 * -ENOENT when there is no Wi-Fi stack at all (no nl80211 family), or
 * another negative errno with a line in err.
 */
struct cd_wifi_source {
	const char	*name;
	int		(*read)(const struct cd_wifi_source *src,
			    struct cd_wifi_kernel *out, char *err,
			    size_t errlen);
	const void	*arg;
};

extern const struct cd_wifi_source cd_wifi_nl80211;

struct cd_wifi_if *cd_wifi_kernel_add(struct cd_wifi_kernel *k,
	    const char *name);
struct cd_wifi_sta *cd_wifi_if_add_sta(struct cd_wifi_if *i,
	    const uint8_t mac[6]);
void	cd_wifi_kernel_free(struct cd_wifi_kernel *k);
/* An nl80211 answer's attributes into k (interface, or station); fuzzed. */
int	cd_wifi_nl_parse(struct cd_wifi_kernel *k, bool station,
	    const void *attrs, size_t len);

/* ---- the configuration's view ---------------------------------------- */

/* One setting as read: its text for the evidence, and where it was. */
struct cd_wifi_setting {
	char		 text[96];	/* "channel=13", "option band '5g'" */
	int		 line;		/* 0 = not in the file */
};

/* A radio: hostapd.conf's radio-wide keys, or a UCI wifi-device. */
struct cd_wifi_radio {
	char			 name[64];	/* UCI section, or interface= */
	const char		*file;
	int			 line;
	int			 channel;	/* 0 = automatic or not given */
	enum cd_wifi_band	 band;
	bool			 require_ht;	/* only HT (802.11n) clients */
	bool			 ht_off;	/* 802.11n off: no require_ht */
	bool			 no_b_rates;	/* 1, 2, 5.5, 11 Mb/s are off */
	bool			 disabled;
	struct cd_wifi_setting	 channel_s, band_s, ht_s, rates_s;
};

#define CD_WIFI_NO_RADIO	SIZE_MAX

/* A network offered: a hostapd BSS, or a UCI wifi-iface. */
struct cd_wifi_bss {
	size_t			 radio;		/* or CD_WIFI_NO_RADIO */
	char			 name[64];	/* UCI section, or "" */
	char			 device[64];	/* UCI: the wifi-device named */
	char			 ifname[IF_NAMESIZE];
	const char		*file;
	int			 line;
	bool			 ap;		/* mode ap, not a client link */
	bool			 disabled;
	uint8_t			 ssid[CD_WIFI_SSID_BUF];
	size_t			 ssid_len;	/* may exceed sizeof(ssid) */
	size_t			 pass_len;	/* 0 = none */
	enum cd_wifi_sec	 sec;
	struct cd_wifi_setting	 ssid_s, pass_s, sec_s;
};

struct cd_wifi_conf {
	struct cd_wifi_radio	*radios;
	size_t			 nradios;
	struct cd_wifi_bss	*bss;
	size_t			 nbss;
	char			**files;	/* every file read, kept here */
	size_t			 nfiles;
	unsigned		 problems;	/* lines skipped as unusable */
};

/*
 * Read one hostapd.conf or UCI wireless file into conf.  0, -ENOENT when
 * it is absent (not a problem: "read when present"), or another negative
 * errno (logged).  Bad lines are logged as "FILE:LINE: ..." and skipped.
 */
int	cd_wifi_read_hostapd(struct cd_wifi_conf *conf, const char *path);
int	cd_wifi_read_uci(struct cd_wifi_conf *conf, const char *path);
void	cd_wifi_conf_free(struct cd_wifi_conf *conf);

/* Helpers the readers share (wifi_conf.c). */
const char *cd_wifi_conf_file(struct cd_wifi_conf *conf, const char *path);
struct cd_wifi_radio *cd_wifi_conf_radio(struct cd_wifi_conf *conf,
	    const char *file, int line);
struct cd_wifi_bss *cd_wifi_conf_bss(struct cd_wifi_conf *conf,
	    size_t radio, const char *file, int line);
void	cd_wifi_setting(struct cd_wifi_setting *s, int line,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Read a small file whole (a failure other than -ENOENT is logged). */
int	cd_wifi_read_lines(const char *path, char **buf, size_t *len);
/* Call fn on each line of buf, numbered from 1, NUL-terminated in place. */
typedef void cd_wifi_line_fn(void *ctx, int line, char *s);
void	cd_wifi_each_line(char *buf, size_t len, cd_wifi_line_fn *fn,
	    void *ctx);

/* ---- decisions ------------------------------------------------------- */

int	cd_wifi_freq_to_channel(uint32_t mhz);
enum cd_wifi_band cd_wifi_freq_band(uint32_t mhz);
const char *cd_wifi_band_name(enum cd_wifi_band b);
const char *cd_wifi_mode_name(enum cd_wifi_mode m);
const char *cd_wifi_sec_name(enum cd_wifi_sec s);

/* What one inspection did, for the probe's result. */
struct cd_wifi_outcome {
	char		 result[16];	/* ok, warning, error, none, failed */
	char		 detail[1024];
};

/*
 * One inspection: read the kernel through src and every configured file,
 * raise what is wrong, clear wifi.* findings that went away, list Core
 * stations in the devices.  Never fails: what could not be read is said
 * in the outcome.
 */
/*
 * The kernel's view, read apart from the decisions so that the daemon can
 * read it on a worker thread (netlink receives may wait) while the loop
 * goes on; it touches no daemon state.
 */
struct cd_wifi_kread {
	struct cd_wifi_kernel	 k;
	int			 rc;
	char			 err[256];
};
void	cd_wifi_kread(const struct cd_wifi_source *src, struct cd_wifi_kread *kr);
void	cd_wifi_kread_free(struct cd_wifi_kread *kr);
/* The rest of an inspection, on the loop: the files and the findings. */
void	cd_wifi_inspect_read(const struct cd_config *cfg,
	    struct cd_wifi_kread *kr, struct cd_findings *fs,
	    struct cd_state *st, int64_t now, struct cd_wifi_outcome *out);
void	cd_wifi_inspect(const struct cd_config *cfg,
	    const struct cd_wifi_source *src, struct cd_findings *fs,
	    struct cd_state *st, int64_t now, struct cd_wifi_outcome *out);

#endif
