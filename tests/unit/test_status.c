/*
 * The status socket's protocol, with well- and badly-behaved clients: the
 * server runs on a real libuv loop in this process, clients are sockets.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "status.h"

struct fx {
	uv_loop_t		 loop;
	struct cd_status	*srv;
	char			 dir[64];
	char			 path[96];
	struct cd_status_client	*pending;	/* a deferred `probe` */
	int			 dispatched;
};

static void
dispatch(void *arg, struct cd_status_client *c, const char *cmd,
    const char *cmdarg)
{
	struct fx *fx = arg;

	fx->dispatched++;
	if (strcmp(cmd, "report") == 0)
		cd_status_reply(c, "{\"version\":1}");
	else if (strcmp(cmd, "echo") == 0)
		cd_status_reply(c, cmdarg);
	else if (strcmp(cmd, "probe") == 0)
		fx->pending = c;
	else if (strcmp(cmd, "watch") == 0)
		cd_status_watch(c);
	else
		cd_status_reply_error(c, "unknown command '%s'", cmd);
}

static int
open_server(struct fx *fx, unsigned max_clients, uint64_t idle_ms)
{
	struct cd_status_limits	lim = { max_clients, idle_ms, 0 };
	char			err[256];

	return cd_status_open(&fx->loop, fx->path, 0660, "", &lim, dispatch,
	    fx, &fx->srv, err, sizeof(err));
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/cdstatus.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/status.sock", fx->dir);
	uv_loop_init(&fx->loop);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	if (fx->srv != NULL)
		cd_status_close(fx->srv);
	if (fx->pending != NULL)
		cd_status_reply(fx->pending, "{}");
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&fx->loop), 0);
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static int
client(const char *path)
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	int			fd;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static void
say(int fd, const char *s)
{
	assert_int_equal(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

static uint64_t
now_ms(struct fx *fx)
{
	uv_update_time(&fx->loop);
	return uv_now(&fx->loop);
}

/* Turn the loop until fd has a line (returned) or EOF/timeout (""). */
static char *
answer(struct fx *fx, int fd, int timeout_ms)
{
	static char	buf[8192];
	size_t		len = 0;
	uint64_t	end = now_ms(fx) + (uint64_t)timeout_ms;
	struct pollfd	p = { .fd = fd, .events = POLLIN };
	ssize_t		n;

	buf[0] = '\0';
	while (now_ms(fx) < end) {
		uv_run(&fx->loop, UV_RUN_NOWAIT);
		if (poll(&p, 1, 5) <= 0)
			continue;
		n = read(fd, buf + len, sizeof(buf) - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strchr(buf, '\n') != NULL)
			break;
	}
	return buf;
}

static void
pump(struct fx *fx, int ms)
{
	uint64_t end = now_ms(fx) + (uint64_t)ms;

	while (now_ms(fx) < end) {
		uv_run(&fx->loop, UV_RUN_NOWAIT);
		usleep(1000);
	}
}

static void
test_report(void **state)
{
	struct fx	*fx = *state;
	struct stat	 st;
	int		 fd;

	assert_int_equal(open_server(fx, 256, 10000), 0);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	fd = client(fx->path);
	say(fd, "report\n");
	assert_string_equal(answer(fx, fd, 2000), "{\"version\":1}\n");
	/* One command per connection: the server then closes. */
	assert_string_equal(answer(fx, fd, 2000), "");
	close(fd);
}

static void
test_split_and_crlf(void **state)
{
	struct fx	*fx = *state;
	int		 fd;

	assert_int_equal(open_server(fx, 256, 10000), 0);
	fd = client(fx->path);
	say(fd, "  ec");
	pump(fx, 20);
	say(fd, "ho   hello world \r\n");
	assert_string_equal(answer(fx, fd, 2000), "hello world\n");
	close(fd);
}

static void
test_unknown_and_empty(void **state)
{
	struct fx	*fx = *state;
	int		 fd;

	assert_int_equal(open_server(fx, 256, 10000), 0);
	fd = client(fx->path);
	say(fd, "frobnicate\n");
	assert_string_equal(answer(fx, fd, 2000),
	    "{\"error\":\"unknown command 'frobnicate'\"}\n");
	close(fd);
	fd = client(fx->path);
	say(fd, "\n");
	assert_string_equal(answer(fx, fd, 2000),
	    "{\"error\":\"empty command line\"}\n");
	close(fd);
}

static void
test_line_too_long(void **state)
{
	struct fx	*fx = *state;
	char		 big[4096];
	int		 fd;

	assert_int_equal(open_server(fx, 256, 10000), 0);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fd = client(fx->path);
	say(fd, big);
	assert_non_null(strstr(answer(fx, fd, 2000),
	    "command line too long (at most 1024 bytes)"));
	assert_int_equal(fx->dispatched, 0);
	close(fd);
}

static void
test_nul_byte(void **state)
{
	struct fx	*fx = *state;
	int		 fd;

	assert_int_equal(open_server(fx, 256, 10000), 0);
	fd = client(fx->path);
	assert_int_equal(send(fd, "rep\0ort\n", 8, 0), 8);
	assert_non_null(strstr(answer(fx, fd, 2000), "NUL byte"));
	assert_int_equal(fx->dispatched, 0);
	close(fd);
}

static void
test_idle_timeout(void **state)
{
	struct fx	*fx = *state;
	uint64_t	 t0;
	int		 fd;

	assert_int_equal(open_server(fx, 256, 200), 0);
	fd = client(fx->path);
	say(fd, "rep");		/* never finishes the line */
	t0 = now_ms(fx);
	assert_non_null(strstr(answer(fx, fd, 3000), "idle timeout"));
	assert_true(now_ms(fx) - t0 >= 150);
	assert_true(now_ms(fx) - t0 < 2000);
	close(fd);
}

static void
test_client_cap(void **state)
{
	struct fx	*fx = *state;
	int		 fds[3], fd;

	assert_int_equal(open_server(fx, 3, 10000), 0);
	for (int i = 0; i < 3; i++)
		fds[i] = client(fx->path);
	pump(fx, 50);
	assert_int_equal(cd_status_nclients(fx->srv), 3);
	fd = client(fx->path);
	assert_non_null(strstr(answer(fx, fd, 2000),
	    "too many clients (at most 3)"));
	close(fd);
	close(fds[0]);
	pump(fx, 50);
	fd = client(fx->path);
	say(fd, "report\n");
	assert_string_equal(answer(fx, fd, 2000), "{\"version\":1}\n");
	close(fd);
	close(fds[1]);
	close(fds[2]);
}

/* SPEC acceptance: 200 silent clients do not delay the 201st. */
static void
test_200_idle_clients(void **state)
{
	struct fx	*fx = *state;
	int		 fds[200], fd;
	uint64_t	 t0;

	assert_int_equal(open_server(fx, 256, 60000), 0);
	for (int i = 0; i < 200; i++) {
		fds[i] = client(fx->path);
		if (i % 50 == 49)
			pump(fx, 5);
	}
	pump(fx, 50);
	assert_int_equal(cd_status_nclients(fx->srv), 200);
	t0 = now_ms(fx);
	fd = client(fx->path);
	say(fd, "report\n");
	assert_string_equal(answer(fx, fd, 1000), "{\"version\":1}\n");
	assert_true(now_ms(fx) - t0 < 1000);
	close(fd);
	for (int i = 0; i < 200; i++)
		close(fds[i]);
	pump(fx, 50);
	assert_int_equal(cd_status_nclients(fx->srv), 0);
}

static void
test_stale_socket_replaced(void **state)
{
	struct fx		*fx = *state;
	struct sockaddr_un	 sun = { .sun_family = AF_UNIX };
	int			 fd;

	/* What a crashed daemon leaves: a socket file nobody listens on. */
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", fx->path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(open_server(fx, 256, 10000), 0);
	fd = client(fx->path);
	say(fd, "report\n");
	assert_string_equal(answer(fx, fd, 2000), "{\"version\":1}\n");
	close(fd);
}

static void
test_live_socket_kept(void **state)
{
	struct fx		*fx = *state;
	struct cd_status	*second = NULL;
	struct cd_status_limits	 lim = { 256, 10000, 0 };
	char			 err[256];
	int			 fd;

	assert_int_equal(open_server(fx, 256, 10000), 0);
	assert_int_equal(cd_status_open(&fx->loop, fx->path, 0660, "", &lim,
	    dispatch, fx, &second, err, sizeof(err)), -EADDRINUSE);
	assert_null(second);
	assert_non_null(strstr(err, "another corediagd is already listening"));
	/* The first one still answers. */
	fd = client(fx->path);
	say(fd, "report\n");
	assert_string_equal(answer(fx, fd, 2000), "{\"version\":1}\n");
	close(fd);
}

static void
test_not_a_socket(void **state)
{
	struct fx	*fx = *state;
	FILE		*f = fopen(fx->path, "w");

	assert_non_null(f);
	fclose(f);
	assert_int_equal(open_server(fx, 256, 10000), -EEXIST);
	unlink(fx->path);
}

static void
test_bad_group(void **state)
{
	struct fx		*fx = *state;
	struct cd_status_limits	 lim = { 256, 10000, 0 };
	char			 err[256];

	assert_int_equal(cd_status_open(&fx->loop, fx->path, 0660,
	    "no-such-group-cd", &lim, dispatch, fx, &fx->srv, err,
	    sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "group 'no-such-group-cd' does not exist"));
	assert_int_equal(access(fx->path, F_OK), -1);
}

static void
test_close_removes_socket(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(open_server(fx, 256, 10000), 0);
	assert_int_equal(access(fx->path, F_OK), 0);
	cd_status_close(fx->srv);
	fx->srv = NULL;
	assert_int_equal(access(fx->path, F_OK), -1);
}

static void
test_watch(void **state)
{
	struct fx	*fx = *state;
	int		 fd;

	assert_int_equal(open_server(fx, 256, 100), 0);
	fd = client(fx->path);
	say(fd, "watch\n");
	pump(fx, 250);		/* longer than the idle timeout: kept */
	cd_status_broadcast(fx->srv, "{\"event\":\"raised\"}");
	assert_string_equal(answer(fx, fd, 2000), "{\"event\":\"raised\"}\n");
	cd_status_broadcast(fx->srv, "{\"event\":\"cleared\"}");
	assert_string_equal(answer(fx, fd, 2000), "{\"event\":\"cleared\"}\n");
	close(fd);
	pump(fx, 50);
	assert_int_equal(cd_status_nclients(fx->srv), 0);
}

/* A watcher that never reads is dropped, not buffered for ever. */
static void
test_watch_not_reading(void **state)
{
	struct fx	*fx = *state;
	static char	 line[65536];
	int		 fd, rcv = 4096;

	assert_int_equal(open_server(fx, 256, 10000), 0);
	fd = client(fx->path);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	say(fd, "watch\n");
	pump(fx, 20);
	memset(line, 'x', sizeof(line) - 1);
	for (int i = 0; i < 64 && cd_status_nclients(fx->srv) > 0; i++) {
		cd_status_broadcast(fx->srv, line);
		pump(fx, 2);
	}
	pump(fx, 20);
	assert_int_equal(cd_status_nclients(fx->srv), 0);
	close(fd);
}

/* A client that leaves while its `probe` runs is answered without harm. */
static void
test_pending_client_leaves(void **state)
{
	struct fx	*fx = *state;
	int		 fd;

	assert_int_equal(open_server(fx, 256, 10000), 0);
	fd = client(fx->path);
	say(fd, "probe\n");
	pump(fx, 20);
	assert_non_null(fx->pending);
	close(fd);
	pump(fx, 20);
	cd_status_reply(fx->pending, "{\"late\":true}");
	fx->pending = NULL;
	pump(fx, 20);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_report),
		T(test_split_and_crlf),
		T(test_unknown_and_empty),
		T(test_line_too_long),
		T(test_nul_byte),
		T(test_idle_timeout),
		T(test_client_cap),
		T(test_200_idle_clients),
		T(test_stale_socket_replaced),
		T(test_live_socket_kept),
		T(test_not_a_socket),
		T(test_bad_group),
		T(test_close_removes_socket),
		T(test_watch),
		T(test_watch_not_reading),
		T(test_pending_client_leaves),
	};

	signal(SIGPIPE, SIG_IGN);	/* as the daemon does */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
