/*
 * The handshake probe: its verdict from raw outcomes, and the probe on a
 * loop against local servers that send the 40-byte nonce, too little, too
 * much, nothing, a reset; a closed port; and a port whose SYNs are dropped
 * (a listener with a full accept queue, the unprivileged way to filter).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "probe_fixture.h"
#include "probe_net.h"
#include "util.h"

static void
test_verdicts(void **state)
{
	struct cd_handshake_outcome o;

	(void)state;
	o = (struct cd_handshake_outcome){ .connected = true, .nbytes = 40 };
	assert_int_equal(cd_handshake_verdict(&o), CD_HANDSHAKE_OK);
	o = (struct cd_handshake_outcome){ .connect_status = UV_ETIMEDOUT,
	    .timed_out = true };
	assert_int_equal(cd_handshake_verdict(&o), CD_HANDSHAKE_BLOCKED);
	o = (struct cd_handshake_outcome){ .connect_status = UV_EHOSTUNREACH };
	assert_int_equal(cd_handshake_verdict(&o), CD_HANDSHAKE_BLOCKED);
	o = (struct cd_handshake_outcome){ .connect_status = UV_ECONNREFUSED };
	assert_int_equal(cd_handshake_verdict(&o), CD_HANDSHAKE_REJECTED);
	o = (struct cd_handshake_outcome){ .connected = true,
	    .read_status = UV_ECONNRESET };
	assert_int_equal(cd_handshake_verdict(&o), CD_HANDSHAKE_REJECTED);
	o = (struct cd_handshake_outcome){ .connected = true, .nbytes = 10,
	    .read_status = UV_ECONNRESET };
	assert_int_equal(cd_handshake_verdict(&o), CD_HANDSHAKE_NO_HANDSHAKE);
	o = (struct cd_handshake_outcome){ .connected = true, .timed_out = true };
	assert_int_equal(cd_handshake_verdict(&o), CD_HANDSHAKE_NO_HANDSHAKE);
	o = (struct cd_handshake_outcome){ .connected = true, .nbytes = 41 };
	assert_int_equal(cd_handshake_verdict(&o), CD_HANDSHAKE_NO_HANDSHAKE);
	o = (struct cd_handshake_outcome){ .connected = true, .read_status = UV_EOF };
	assert_int_equal(cd_handshake_verdict(&o), CD_HANDSHAKE_NO_HANDSHAKE);
	assert_string_equal(cd_handshake_verdict_id(CD_HANDSHAKE_BLOCKED), "cloud.tcp_blocked");
	assert_string_equal(cd_handshake_verdict_word(CD_HANDSHAKE_NO_HANDSHAKE),
	    "no_handshake");
}

/* A refusal is the internet answering only when its peer may be on it. */
static void
test_decide_reach(void **state)
{
	struct cd_handshake_outcome	o = { .connect_status = UV_ECONNREFUSED };
	struct cd_probe_verdict		v;

	(void)state;
	cd_handshake_decide(&o, true, &v);
	assert_string_equal(v.finding, "cloud.tcp_rejected");
	assert_int_equal(v.reach, CD_REACH_ANSWERED);
	cd_handshake_decide(&o, false, &v);
	assert_string_equal(v.finding, "cloud.tcp_rejected");
	assert_int_equal(v.reach, CD_REACH_NONE);
	o = (struct cd_handshake_outcome){ .connect_status = UV_ETIMEDOUT,
	    .timed_out = true };
	cd_handshake_decide(&o, true, &v);
	assert_string_equal(v.result, "tcp_blocked");
	assert_int_equal(v.reach, CD_REACH_NONE);
}

/* --- a local cloud ------------------------------------------------------ */

#define MAXCONN 8

struct srv {
	uv_tcp_t	 listener;
	uv_tcp_t	*conns[MAXCONN];
	int		 nconns;
	int		 send;		/* bytes to send; -1: reset at once */
	int		 port;
	bool		 open;
};

static char payload[64];

static void
freed(uv_handle_t *h)
{
	free(h);
}

static void
srv_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	static char sink[256];

	(void)h;
	(void)hint;
	*buf = uv_buf_init(sink, sizeof(sink));
}

static void
srv_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	(void)s;
	(void)n;
	(void)buf;
}

static void
written(uv_write_t *w, int status)
{
	(void)status;
	free(w);
}

static void
srv_accept(uv_stream_t *l, int status)
{
	struct srv	*s = l->data;
	uv_tcp_t	*c = calloc(1, sizeof(*c));
	uv_write_t	*w;
	uv_buf_t	 b;

	assert_int_equal(status, 0);
	uv_tcp_init(l->loop, c);
	assert_int_equal(uv_accept(l, (uv_stream_t *)c), 0);
	if (s->send < 0) {
		uv_tcp_close_reset(c, freed);
		return;
	}
	assert_true(s->nconns < MAXCONN);
	s->conns[s->nconns++] = c;
	uv_read_start((uv_stream_t *)c, srv_alloc, srv_read);
	if (s->send > 0) {
		w = calloc(1, sizeof(*w));
		b = uv_buf_init(payload, (unsigned)s->send);
		uv_write(w, (uv_stream_t *)c, &b, 1, written);
	}
}

static void
srv_open(struct pfx *fx, struct srv *s, int send)
{
	struct sockaddr_in	sin;
	int			len = sizeof(sin);

	memset(s, 0, sizeof(*s));
	s->send = send;
	uv_ip4_addr("127.0.0.1", s->port, &sin);
	uv_tcp_init(&fx->loop, &s->listener);
	s->listener.data = s;
	assert_int_equal(uv_tcp_bind(&s->listener,
	    (struct sockaddr *)&sin, 0), 0);
	assert_int_equal(uv_listen((uv_stream_t *)&s->listener, 8,
	    srv_accept), 0);
	uv_tcp_getsockname(&s->listener, (struct sockaddr *)&sin, &len);
	s->port = ntohs(sin.sin_port);
	s->open = true;
	fx->cfg->cloud.port = (uint16_t)s->port;
}

static void
srv_close(struct srv *s)
{
	if (!s->open)
		return;
	for (int i = 0; i < s->nconns; i++)
		uv_close((uv_handle_t *)s->conns[i], freed);
	uv_close((uv_handle_t *)&s->listener, NULL);
	s->nconns = 0;
	s->open = false;
	/* s is on the test's stack: let the close finish now. */
	uv_run(s->listener.loop, UV_RUN_NOWAIT);
}

/* A port nobody listens on: connecting gets a RST. */
static int
closed_port(void)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	socklen_t		len = sizeof(sin);
	int			fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, len), 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* A listener whose accept queue is full drops further SYNs. */
struct filtered {
	int	listener;
	int	fill[3];
};

static int
filtered_open(struct filtered *f)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	socklen_t		len = sizeof(sin);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->listener = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(f->listener, (struct sockaddr *)&sin, len), 0);
	assert_int_equal(listen(f->listener, 0), 0);
	getsockname(f->listener, (struct sockaddr *)&sin, &len);
	for (size_t i = 0; i < nitems(f->fill); i++) {
		f->fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(f->fill[i], (struct sockaddr *)&sin, len);
	}
	usleep(20000);
	return ntohs(sin.sin_port);
}

static void
filtered_close(struct filtered *f)
{
	for (size_t i = 0; i < nitems(f->fill); i++)
		close(f->fill[i]);
	close(f->listener);
}

/* --- the probe on a loop ------------------------------------------------ */

static char subject[64];

static int
setup(void **state)
{
	struct pfx *fx = pfx_new();

	fx->cfg->probes.handshake = true;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	pfx_free(*state);
	return 0;
}

static const struct cd_finding *
run_against(struct pfx *fx, struct srv *s, int send)
{
	const struct cd_finding *f;

	srv_open(fx, s, send);
	pfx_run(fx, "handshake");
	srv_close(s);
	snprintf(subject, sizeof(subject), "cloud:127.0.0.1:%d", s->port);
	assert_int_equal(pfx_count_active(fx, "cloud."), 1);
	for (f = fx->d.findings.head; f != NULL && !f->active; f = f->next)
		;
	assert_non_null(f);
	assert_string_equal(f->subject, subject);
	return f;
}

static void
test_nonce(void **state)
{
	struct pfx		*fx = *state;
	struct srv		 s;
	const struct cd_finding	*f;

	f = run_against(fx, &s, 40);
	assert_string_equal(f->id, "cloud.ok");
	assert_int_equal(f->severity, CD_SEV_INFO);
	assert_non_null(strstr(f->detail, "40-byte nonce after"));
	assert_non_null(strstr(f->detail, "127.0.0.1:"));
	assert_string_equal(pfx_result(fx, "handshake")->result, "ok");
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 0);
}

static void
test_too_few_bytes(void **state)
{
	struct pfx		*fx = *state;
	struct srv		 s;
	const struct cd_finding	*f;

	f = run_against(fx, &s, 10);
	assert_string_equal(f->id, "cloud.no_handshake");
	assert_non_null(strstr(f->detail, "10 bytes and silence"));
	assert_non_null(strstr(f->detail, "(2 tries)"));
	assert_string_equal(pfx_result(fx, "handshake")->result,
	    "no_handshake");
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 2);
}

static void
test_too_many_bytes(void **state)
{
	struct pfx		*fx = *state;
	struct srv		 s;
	const struct cd_finding	*f;

	f = run_against(fx, &s, 41);
	assert_string_equal(f->id, "cloud.no_handshake");
	assert_non_null(strstr(f->detail, "41 bytes"));
	assert_int_equal(pfx_result(fx, "handshake")->duration_ms < 250, 1);
}

static void
test_silent(void **state)
{
	struct pfx		*fx = *state;
	struct srv		 s;
	const struct cd_finding	*f;

	f = run_against(fx, &s, 0);
	assert_string_equal(f->id, "cloud.no_handshake");
	assert_non_null(strstr(f->detail, "0 bytes and silence"));
}

static void
test_reset(void **state)
{
	struct pfx		*fx = *state;
	struct srv		 s;
	const struct cd_finding	*f;

	f = run_against(fx, &s, -1);
	assert_string_equal(f->id, "cloud.tcp_rejected");
	assert_string_equal(pfx_result(fx, "handshake")->result,
	    "tcp_rejected");
}

/*
 * The cloud's name has only an IPv6 address, reachable: the Core speaks
 * IPv4 only, so that is no cloud.ok; the address is listed, not judged.
 */
static void
test_ipv6_only(void **state)
{
	struct pfx *fx = *state;

	cd_setstr(&fx->cfg->cloud.host, "::1");
	pfx_run(fx, "handshake");
	assert_string_equal(pfx_result(fx, "handshake")->result, "no_ipv4");
	assert_non_null(strstr(pfx_result(fx, "handshake")->detail,
	    "[::1]:5683 (IPv6, which the Core does not speak)"));
	assert_int_equal(pfx_count_active(fx, "cloud."), 0);
}

static void
test_refused(void **state)
{
	struct pfx *fx = *state;

	fx->cfg->cloud.port = (uint16_t)closed_port();
	snprintf(subject, sizeof(subject), "cloud:127.0.0.1:%u",
	    fx->cfg->cloud.port);
	pfx_run(fx, "handshake");
	assert_true(pfx_active(fx, "cloud.tcp_rejected", subject));
	assert_non_null(strstr(pfx_finding(fx, "cloud.tcp_rejected",
	    subject)->detail, "connection refused"));
}

static void
test_filtered(void **state)
{
	struct pfx		*fx = *state;
	struct filtered		 flt;
	const struct cd_finding	*f;
	uint64_t		 ms;

	fx->cfg->cloud.port = (uint16_t)filtered_open(&flt);
	snprintf(subject, sizeof(subject), "cloud:127.0.0.1:%u",
	    fx->cfg->cloud.port);
	ms = pfx_run(fx, "handshake");
	filtered_close(&flt);
	f = pfx_finding(fx, "cloud.tcp_blocked", subject);
	assert_non_null(f);
	assert_true(f->active);
	assert_non_null(strstr(f->detail, "connect timed out after 150 ms "
	    "(2 tries)"));
	assert_in_range(ms, 295, 300 + 150);
	assert_string_equal(pfx_result(fx, "handshake")->result,
	    "tcp_blocked");
}

/* One path, one state: a new verdict clears the previous one. */
static void
test_states_exclude(void **state)
{
	struct pfx	*fx = *state;
	struct srv	 s;

	run_against(fx, &s, 40);
	assert_true(pfx_active(fx, "cloud.ok", subject));
	/* The same port, now closed. */
	pfx_run(fx, "handshake");
	assert_false(pfx_active(fx, "cloud.ok", subject));
	assert_true(pfx_active(fx, "cloud.tcp_rejected", subject));
	assert_int_equal(pfx_count_active(fx, "cloud."), 1);
}

/*
 * Neither the portal check nor the cloud answers: internet.down is the
 * error, the blocked cloud a warning; both clear when the path is back.
 */
static void
test_internet_down(void **state)
{
	struct pfx		*fx = *state;
	struct filtered		 flt;
	struct srv		 s;
	char			 url[64];
	const struct cd_finding	*f;

	fx->cfg->probes.portal = true;
	/*
	 * Tries long enough that resolving 127.0.0.1 on the thread pool fits
	 * in the first even under valgrind: otherwise the run's verdict is
	 * cloud.dns_failed, rightly, and not the blocked port tested here.
	 */
	fx->cfg->probes.timeout_ms = 1000;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/generate_204",
	    closed_port());
	cd_setstr(&fx->cfg->portal.url, url);
	fx->cfg->cloud.port = (uint16_t)filtered_open(&flt);
	snprintf(subject, sizeof(subject), "cloud:127.0.0.1:%u",
	    fx->cfg->cloud.port);
	pfx_run(fx, NULL);
	assert_true(pfx_active(fx, "internet.down", "internet"));
	assert_int_equal(pfx_finding(fx, "internet.down", "internet")->severity,
	    CD_SEV_ERROR);
	f = pfx_finding(fx, "cloud.tcp_blocked", subject);
	assert_non_null(f);
	assert_true(f->active);
	assert_int_equal(f->severity, CD_SEV_WARNING);
	assert_non_null(strstr(pfx_finding(fx, "internet.down",
	    "internet")->detail, "portal check: GET"));

	/* A second run keeps the warning (no flapping back to error). */
	pfx_run(fx, NULL);
	assert_int_equal(f->severity, CD_SEV_WARNING);
	filtered_close(&flt);

	/* The cloud answers again (a refusal is an answer). */
	pfx_run(fx, NULL);
	assert_false(pfx_active(fx, "internet.down", "internet"));
	assert_false(pfx_active(fx, "cloud.tcp_blocked", subject));
	assert_true(pfx_active(fx, "cloud.tcp_rejected", subject));
	srv_open(fx, &s, 40);
	snprintf(subject, sizeof(subject), "cloud:127.0.0.1:%d", s.port);
	pfx_run(fx, NULL);
	srv_close(&s);
	assert_true(pfx_active(fx, "cloud.ok", subject));
	assert_false(pfx_active(fx, "internet.down", "internet"));
}

/* Blocked again while internet.down stands: raised as a warning at once. */
static void
test_internet_down_regrade(void **state)
{
	struct pfx		*fx = *state;
	struct filtered		 flt;
	char			 url[64];

	fx->cfg->probes.portal = true;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", closed_port());
	cd_setstr(&fx->cfg->portal.url, url);
	fx->cfg->cloud.port = (uint16_t)filtered_open(&flt);
	snprintf(subject, sizeof(subject), "cloud:127.0.0.1:%u",
	    fx->cfg->cloud.port);
	pfx_run(fx, NULL);
	assert_true(pfx_active(fx, "internet.down", "internet"));
	/* The portal answers now: the blocked cloud is an error again. */
	fx->cfg->probes.portal = false;
	pfx_run(fx, NULL);
	filtered_close(&flt);
	assert_false(pfx_active(fx, "internet.down", "internet"));
	assert_int_equal(pfx_finding(fx, "cloud.tcp_blocked", subject)->severity,
	    CD_SEV_ERROR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_decide_reach),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_nonce),
		T(test_too_few_bytes),
		T(test_too_many_bytes),
		T(test_silent),
		T(test_reset),
		T(test_refused),
		T(test_ipv6_only),
		T(test_filtered),
		T(test_states_exclude),
		T(test_internet_down),
		T(test_internet_down_regrade),
#undef T
	};

	memset(payload, 0x5a, sizeof(payload));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
