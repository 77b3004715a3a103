/*
 * The live state the status socket serves beside the findings: the Cores
 * and Wi-Fi stations seen (devices) and the last result of each probe.
 */
#ifndef CD_STATE_H
#define CD_STATE_H

#include <stdbool.h>
#include <stdint.h>

#define CD_DEVICE_NO_SIGNAL	INT32_MIN

struct cd_device {
	char		 mac[18];	/* "08:00:28:aa:bb:cc" */
	char		*ip;		/* or NULL */
	char		*device_id;	/* from the presence packet, or NULL */
	const char	*identified_by;	/* "oui" | "presence" | "cloud_session" */
	int64_t		 first_seen;
	int64_t		 last_seen;
	const char	*state;		/* "dhcp", "dns", ... "offline" */
	const char	*visibility;	/* "on_path" | "broadcast_only" */
	int32_t		 signal_dbm;	/* CD_DEVICE_NO_SIGNAL when unknown */
	bool		 wifi_only;	/* added from a station list */
	struct cd_device *next;
};

struct cd_probe_result {
	char		*name;
	int64_t		 last_run;	/* ms since the epoch; 0 = never */
	int64_t		 duration_ms;
	char		*result;	/* one word: "ok", "blocked", ... */
	char		*detail;
	struct cd_probe_result *next;
};

struct cd_state {
	struct cd_device	*devices;
	struct cd_probe_result	*probes;
	/* Where this host sees from (vantage.c); "" when unknown (--read). */
	char			 vantage[16];
	char			 vantage_detail[384];
};

void	cd_state_free(struct cd_state *st);

/* Find or add the device with this MAC (lower case, colon separated). */
struct cd_device *cd_state_device(struct cd_state *st, const char *mac,
	    int64_t now);
void	cd_state_device_remove(struct cd_state *st, const char *mac);

/* Record a probe's last result, replacing the previous one. */
void	cd_state_probe_result(struct cd_state *st, const char *name,
	    int64_t last_run, int64_t duration_ms, const char *result,
	    const char *detail);

#endif
