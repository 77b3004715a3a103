/*
 * What wifi.c (the inspection) and wifi_check.c (the checks) share: the
 * list of networks both views make, and how a check raises a finding.
 * Internal to the Wi-Fi inspection.
 */
#ifndef CD_WIFI_INT_H
#define CD_WIFI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "findings.h"
#include "wifi.h"

/* A network the Core might join, as both views tell it. */
struct net {
	char			 label[80];	/* interface, SSID, section */
	const struct cd_wifi_if	*kif;		/* kernel, or NULL */
	const struct cd_wifi_bss *bss;		/* configuration, or NULL */
	const struct cd_wifi_radio *radio;
	int			 channel;	/* 0 = unknown */
	enum cd_wifi_band	 band;
};

struct raised {
	char	 id[32];
	char	 subject[112];
};

struct insp {
	const struct cd_config	*cfg;
	struct cd_findings	*fs;
	struct cd_state		*st;
	int64_t			 now;
	struct cd_wifi_kernel	 k;
	int			 krc;		/* the kernel read's result */
	char			 kerr[256];
	struct cd_wifi_conf	 conf;
	unsigned		 files_read;
	char			 ferr[256];	/* files not readable */
	struct net		*nets;
	size_t			 nnets;
	struct raised		*raised;
	size_t			 nraised;
	int			 worst;		/* -1, or the worst raised */
};

/* Append to a bounded buffer; what does not fit is cut. */
void	wifi_cat(char *buf, size_t len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* "FILE:LINE", or "FILE" for a setting the file leaves to its default. */
const char *wifi_where(char *buf, size_t len, const char *file,
	    const struct cd_wifi_setting *s);
/* "wifi:LABEL" */
void	wifi_subject(const struct net *n, char *buf, size_t len);
/* Can the Core see this network at all?  Only 2.4 GHz ones matter. */
bool	wifi_net_24(const struct net *n);
bool	wifi_net_is_ap(const struct net *n);
/* Raise once per inspection; the first reason given for a subject wins. */
void	wifi_raise(struct insp *in, const char *id, enum cd_severity sev,
	    enum cd_source src, const char *subject, const char *detail,
	    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* wifi_check.c */
void	wifi_kernel_channel(char *buf, size_t len,
	    const struct cd_wifi_if *kif);
void	wifi_check_net(struct insp *in, const struct net *n);
void	wifi_check_no_24ghz(struct insp *in);
void	wifi_check_stations(struct insp *in);

#endif
