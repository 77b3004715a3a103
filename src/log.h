/*
 * Logging in the manner of ntpd's log.c: syslog always, stderr with -f.
 * The syslog socket never blocks: lines it has no room for are counted
 * and the count is logged once it takes lines again.
 */
#ifndef CD_LOG_H
#define CD_LOG_H

#include <stdarg.h>

#define CD_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ident and facility as for openlog(3); foreground also copies to stderr. */
void	log_init(const char *ident, int facility, int foreground, int verbose);
void	log_close(void);
/* Send to stderr only (before the configuration is known, or tools). */
void	log_stderr_only(int on);
int	log_verbose(void);

void	log_warn(const char *fmt, ...) CD_PRINTF(1, 2);	/* adds strerror(errno) */
void	log_warnx(const char *fmt, ...) CD_PRINTF(1, 2);
void	log_notice(const char *fmt, ...) CD_PRINTF(1, 2);
void	log_info(const char *fmt, ...) CD_PRINTF(1, 2);
void	log_debug(const char *fmt, ...) CD_PRINTF(1, 2);
__attribute__((noreturn))
void	fatal(const char *fmt, ...) CD_PRINTF(1, 2);
__attribute__((noreturn))
void	fatalx(const char *fmt, ...) CD_PRINTF(1, 2);

/* Lines the log daemon had no room for, not yet reported to it. */
unsigned long log_dropped_lines(void);

/* One already formatted line at a syslog priority (the findings' sink). */
void	log_line(int priority, const char *line);

#endif
