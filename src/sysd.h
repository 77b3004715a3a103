/* systemd's readiness protocol: one datagram to $NOTIFY_SOCKET. */
#ifndef CD_SYSD_H
#define CD_SYSD_H

/* 1 sent, 0 not under systemd, negative errno on failure. */
int	cd_sd_notify(const char *state);
/* Started by systemd with Type=notify (so: stay in the foreground)? */
int	cd_sd_notify_wanted(void);

#endif
