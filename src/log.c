#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static int	log_fg = 1;		/* copy to stderr */
static int	log_syslog;		/* openlog done */
static int	log_verbosity;
/*
 * openlog(3) keeps the pointer it is given (glibc does not copy it), and
 * the configuration that owns the ident is freed by every reload: the
 * ident must live as long as the process.
 */
static char	log_ident[64];

void
log_init(const char *ident, int facility, int foreground, int verbose)
{
	if (log_syslog)
		closelog();
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
	openlog(log_ident, LOG_PID | LOG_NDELAY, facility);
	log_syslog = 1;
	log_fg = foreground;
	log_verbosity = verbose;
}

void
log_close(void)
{
	if (log_syslog)
		closelog();
	log_syslog = 0;
}

void
log_stderr_only(int on)
{
	if (on && log_syslog)
		log_close();
	log_fg = 1;
}

int
log_verbose(void)
{
	return log_verbosity;
}

void
log_line(int priority, const char *line)
{
	if (log_syslog)
		syslog(priority, "%s", line);
	if (log_fg) {
		fprintf(stderr, "%s\n", line);
		fflush(stderr);
	}
}

static void __attribute__((format(printf, 2, 0)))
vlog(int priority, const char *fmt, va_list ap, int with_errno)
{
	char	buf[1024];
	int	saved = errno;
	int	n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	if (with_errno && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(saved));
	log_line(priority, buf);
	errno = saved;
}

#define LOG_FN(name, prio, err)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	va_start(ap, fmt);				\
	vlog(prio, fmt, ap, err);			\
	va_end(ap);					\
}

LOG_FN(log_warn, LOG_WARNING, 1)
LOG_FN(log_warnx, LOG_WARNING, 0)
LOG_FN(log_notice, LOG_NOTICE, 0)
LOG_FN(log_info, LOG_INFO, 0)

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 1);
	va_end(ap);
	exit(3);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	exit(3);
}
