/* systemd's readiness protocol: one datagram to $NOTIFY_SOCKET. */
#ifndef CD_SYSD_H
#define CD_SYSD_H

#include <uv.h>

/* 1 sent, 0 not under systemd, negative errno on failure. */
int	cd_sd_notify(const char *state);
/* Started by systemd with Type=notify (so: stay in the foreground)? */
int	cd_sd_notify_wanted(void);
/*
 * With WatchdogSec= ($WATCHDOG_USEC): send WATCHDOG=1 from the loop twice
 * per interval.  The timer does not keep the loop alive; NULL if unwanted.
 */
uv_timer_t *cd_sd_watchdog_start(uv_loop_t *loop);
void	cd_sd_watchdog_stop(uv_timer_t *t);

#endif
