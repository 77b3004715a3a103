#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sysd.h"

int
cd_sd_notify_wanted(void)
{
	const char *path = getenv("NOTIFY_SOCKET");

	return path != NULL && path[0] != '\0';
}

int
cd_sd_notify(const char *state)
{
	const char		*path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un	 sun;
	socklen_t		 len;
	ssize_t			 n;
	int			 fd, saved;

	if (path == NULL || path[0] == '\0')
		return 0;
	if ((path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sun.sun_path))
		return -EINVAL;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if (path[0] == '@')		/* abstract namespace */
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len);
	saved = errno;
	close(fd);
	return n < 0 ? -saved : 1;
}

/* $WATCHDOG_USEC, if it is meant for this process; 0 if none. */
static uint64_t
watchdog_usec(void)
{
	const char		*usec = getenv("WATCHDOG_USEC");
	const char		*pid = getenv("WATCHDOG_PID");
	char			*end;
	unsigned long long	 v;

	if (usec == NULL || !cd_sd_notify_wanted())
		return 0;
	if (pid != NULL && strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (errno != 0 || *end != '\0' || end == usec)
		return 0;
	return v;
}

static void
watchdog_cb(uv_timer_t *t)
{
	(void)t;
	cd_sd_notify("WATCHDOG=1");
}

static void
watchdog_closed(uv_handle_t *h)
{
	free(h);
}

uv_timer_t *
cd_sd_watchdog_start(uv_loop_t *loop)
{
	uint64_t	 usec = watchdog_usec();
	uv_timer_t	*t;

	if (usec == 0)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	uv_timer_init(loop, t);
	/* Twice per interval, from the loop: a stuck loop is restarted. */
	uv_timer_start(t, watchdog_cb, 0, usec / 2000 > 0 ? usec / 2000 : 1);
	uv_unref((uv_handle_t *)t);	/* it must not keep the loop alive */
	return t;
}

void
cd_sd_watchdog_stop(uv_timer_t *t)
{
	if (t != NULL)
		uv_close((uv_handle_t *)t, watchdog_closed);
}
