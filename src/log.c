#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int	log_fg = 1;		/* copy to stderr */
static int	log_syslog;		/* log_init done */
static int	log_verbosity;
/*
 * openlog(3) would keep the pointer it is given (glibc does not copy it),
 * and the configuration that owns the ident is freed by every reload:
 * the ident lives here, as long as the process.
 */
static char	log_ident[64];
static int	log_facility;
/*
 * glibc's syslog() blocks when the log daemon stops reading, and with it
 * the loop: lines go out on a non-blocking socket instead, and those the
 * log daemon has no room for are counted and reported when it has.
 */
static int		log_fd = -1;
static char		log_path[108];
static unsigned long	log_dropped;

static void
log_disconnect(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
}

static int
log_connect(void)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", log_path);
	log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (log_fd < 0)
		return -1;
	if (connect(log_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		log_disconnect();
		return -1;
	}
	return 0;
}

/* One RFC 3164 line, as syslog(3) sends it; -1 if it could not go. */
static int
log_send(int priority, const char *msg)
{
	char		buf[1280], stamp[32];
	struct tm	tm;
	time_t		now = time(NULL);
	int		n;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm) == 0)
		stamp[0] = '\0';
	n = snprintf(buf, sizeof(buf), "<%d>%s %s[%ld]: %s",
	    log_facility | LOG_PRI(priority), stamp, log_ident, (long)getpid(),
	    msg);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (log_fd < 0 && log_connect() < 0)
			return -1;
		if (send(log_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			return -1;
		/* The log daemon restarted: connect again, once. */
		log_disconnect();
	}
	return -1;
}

static void
log_syslog_line(int priority, const char *line)
{
	char note[96];

	if (log_dropped > 0) {
		snprintf(note, sizeof(note), "%lu log lines dropped: the log "
		    "daemon did not take them", log_dropped);
		if (log_send(LOG_WARNING, note) < 0) {
			log_dropped++;
			return;
		}
		log_dropped = 0;
	}
	if (log_send(priority, line) < 0)
		log_dropped++;
}

unsigned long
log_dropped_lines(void)
{
	return log_dropped;
}

void
log_init(const char *ident, int facility, int foreground, int verbose)
{
	const char *path = getenv("COREDIAGD_SYSLOG_SOCKET");	/* tests */

	log_disconnect();
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
	snprintf(log_path, sizeof(log_path), "%s",
	    path != NULL && path[0] != '\0' ? path : "/dev/log");
	log_facility = facility;
	log_connect();
	log_syslog = 1;
	log_fg = foreground;
	log_verbosity = verbose;
}

void
log_close(void)
{
	log_disconnect();
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
		log_syslog_line(priority, line);
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

/* Each logs at prio (with strerror when err), then does end. */
#define LOG_FN(name, prio, err, end)			\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	va_start(ap, fmt);				\
	vlog(prio, fmt, ap, err);			\
	va_end(ap);					\
	end;						\
}

LOG_FN(log_warn, LOG_WARNING, 1, return)
LOG_FN(log_warnx, LOG_WARNING, 0, return)
LOG_FN(log_notice, LOG_NOTICE, 0, return)
LOG_FN(log_info, LOG_INFO, 0, return)
LOG_FN(fatal, LOG_CRIT, 1, exit(3))
LOG_FN(fatalx, LOG_CRIT, 0, exit(3))

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
