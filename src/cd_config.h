/* The configuration: the keys of corediagd.yaml(5), their defaults, the YAML loader. */
#ifndef CD_CONFIG_H
#define CD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* configure's sysconfdir and runstatedir (Makefile.am passes them). */
#if !defined(SYSCONFDIR) || !defined(RUNSTATEDIR)
#error "SYSCONFDIR and RUNSTATEDIR come from configure: build with make"
#endif
#define CD_CONFIG_DEFAULT_PATH	SYSCONFDIR "/corediagd/corediagd.yaml"
#define CD_STATUS_DEFAULT_SOCKET RUNSTATEDIR "/corediagd/status.sock"

struct cd_strlist {
	char	**v;
	size_t	  n;
};

struct cd_oui {
	uint8_t	b[3];
};

/* One entry of the cores: list (corediagd.yaml(5), CORES). */
#define CD_CORES_MAX		64
#define CD_CORE_NAME_MAX	32
#define CD_CORE_ID_LEN		24	/* hex digits of a device ID */
struct cd_core_conf {
	char	mac[18];		/* lower case; "" when given by id */
	char	id[CD_CORE_ID_LEN + 1];	/* lower case; "" when by MAC */
	char	name[CD_CORE_NAME_MAX + 1];	/* "" when not given */
	bool	expected;
};

struct cd_corelist {
	struct cd_core_conf	*v;
	size_t			 n;
};

struct cd_config {
	char			*path;		/* file it came from, or NULL */

	struct {
		char		*lan;
		bool		 lan_given;	/* by the file or -i */
		struct cd_strlist wifi;
	} interfaces;

	struct {
		char		*host;
		uint16_t	 port;
		char		*coap_host;	/* "" = cloud.host */
		uint16_t	 coap_port;
	} cloud;

	struct {
		uint64_t	 interval_ms;
		uint64_t	 timeout_ms;
		unsigned	 retries;
		bool		 coap, handshake, dns, dhcp, portal, wifi;
	} probes;

	struct {
		char		*url;
		int		 expect_status;
	} portal;

	struct {
		int		 max_channel;
		struct cd_strlist hostapd_conf;
		char		*uci_wireless;
		int		 min_signal_dbm;
	} wifi;

	struct {
		bool		 enabled;
		struct cd_strlist core_ouis;	/* as written */
		struct cd_oui	*ouis;		/* parsed, core_ouis.n of them */
		char		*internet_test;	/* as written, "host:port" */
		char		*internet_test_host;
		uint16_t	 internet_test_port;
		int		 snaplen;
	} sniff;

	struct {
		char		*socket;
		mode_t		 mode;
		char		*group;
		unsigned	 max_clients;	/* extension: status.max_clients */
		uint64_t	 idle_timeout_ms; /* extension: status.idle_timeout */
	} status;

	struct {
		char		*ident;
		int		 facility;	/* LOG_DAEMON, LOG_LOCAL0... */
		char		*facility_name;
		char		*remote;	/* "udp://HOST:PORT", "tcp://..." */
	} syslog;

	struct {
		char		*textfile;	/* for node_exporter */
	} metrics;

	char			*user;

	struct cd_corelist	 cores;
	uint64_t		 cores_missing_after_ms;
	char			*state_dir;	/* "" = keep no history */
};

/* A configuration holding every default of corediagd.yaml(5); NULL only when out of memory. */
struct cd_config *cd_config_new_default(void);

/*
 * Load PATH over the defaults.  On success returns 0 and sets *out.  On
 * failure returns a negative errno and writes one line into err, of the form
 * "PATH:LINE:COLUMN: message" (or "PATH: message" when there is no position,
 * e.g. the file cannot be opened).
 */
int cd_config_load(const char *path, struct cd_config **out, char *err, size_t errlen);

/* Does mac start with one of the n OUIs (sniff.core_ouis)? */
bool	cd_oui_match(const struct cd_oui *ouis, size_t n, const uint8_t mac[6]);

/* Parse a duration ("500ms", "5s", "10m", "1h"); 0 or -EINVAL. */
int cd_config_parse_duration(const char *s, uint64_t *ms);

void cd_config_free(struct cd_config *cfg);

#endif
