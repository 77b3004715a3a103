/*
 * The portal probe: the verdict from an HTTP status and body size, and the
 * probe on a loop (libcurl driven by libuv) against a local HTTP server
 * answering as a check server, a portal's redirect, a portal's page, a
 * 511, a broken server, or not at all.  And without libcurl: the first
 * tests run before anything has loaded it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
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

#include "curl_dl.h"
#include "probe_fixture.h"
#include "probe_net.h"
#include "util.h"

static void
test_verdicts(void **state)
{
	(void)state;
	assert_int_equal(cd_portal_verdict(204, 0, 204), CD_PORTAL_ONLINE);
	assert_int_equal(cd_portal_verdict(200, 7, 200), CD_PORTAL_ONLINE);
	assert_int_equal(cd_portal_verdict(302, 0, 204), CD_PORTAL_DETECTED);
	assert_int_equal(cd_portal_verdict(307, 0, 204), CD_PORTAL_DETECTED);
	assert_int_equal(cd_portal_verdict(511, 0, 204), CD_PORTAL_DETECTED);
	assert_int_equal(cd_portal_verdict(200, 2, 204), CD_PORTAL_DETECTED);
	assert_int_equal(cd_portal_verdict(200, 1, 204), CD_PORTAL_ONLINE);
	assert_int_equal(cd_portal_verdict(200, 0, 204), CD_PORTAL_ONLINE);
	assert_int_equal(cd_portal_verdict(206, 500, 204), CD_PORTAL_DETECTED);
	assert_int_equal(cd_portal_verdict(503, 100, 204), CD_PORTAL_NO_ANSWER);
	assert_int_equal(cd_portal_verdict(500, 0, 204), CD_PORTAL_NO_ANSWER);
	assert_int_equal(cd_portal_verdict(404, 100, 204), CD_PORTAL_NO_ANSWER);
	assert_int_equal(cd_portal_verdict(0, 0, 204), CD_PORTAL_NO_ANSWER);
}

/* Where the answer came from: only the internet's counts as reached. */
static void
test_decide_where(void **state)
{
	struct cd_probe_verdict v;

	(void)state;
	cd_portal_decide(204, 0, 204, CD_WHERE_INTERNET, &v);
	assert_string_equal(v.result, "ok");
	assert_null(v.finding);
	assert_int_equal(v.reach, CD_REACH_ANSWERED);
	/* A hotel's portal on a private address: a portal, not the internet. */
	cd_portal_decide(302, 0, 204, CD_WHERE_LOCAL, &v);
	assert_string_equal(v.finding, "portal.detected");
	assert_int_equal(v.reach, CD_REACH_NONE);
	/* The router's own login page: neither. */
	cd_portal_decide(302, 0, 204, CD_WHERE_HOST, &v);
	assert_string_equal(v.result, "not_internet");
	assert_null(v.finding);
	assert_int_equal(v.reach, CD_REACH_NONE);
	cd_portal_decide(503, 0, 204, CD_WHERE_INTERNET, &v);
	assert_string_equal(v.result, "no_answer");
	assert_int_equal(v.reach, CD_REACH_NONE);
	cd_portal_decide(0, 0, 204, CD_WHERE_HOST, &v);
	assert_string_equal(v.result, "no_answer");
}

/* --- a local HTTP server ------------------------------------------------ */

struct http_srv {
	uv_tcp_t	 listener;
	const char	*answer;	/* NULL: never answer */
	uv_tcp_t	*conns[8];
	int		 nconns;
	int		 port;
	int		 requests;
};

struct http_conn {
	uv_tcp_t	 tcp;
	struct http_srv	*srv;
	char		 req[2048];
	size_t		 len;
	uv_write_t	 w;
};

static void
conn_freed(uv_handle_t *h)
{
	free(h->data);
}

static void
conn_close(struct http_conn *c)
{
	struct http_srv *s = c->srv;

	for (int i = 0; i < s->nconns; i++)
		if (s->conns[i] == &c->tcp) {
			s->conns[i] = s->conns[--s->nconns];
			uv_close((uv_handle_t *)&c->tcp, conn_freed);
			return;
		}
}

static void
conn_written(uv_write_t *w, int status)
{
	(void)status;
	conn_close(w->data);
}

static void
conn_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct http_conn *c = h->data;

	(void)hint;
	*buf = uv_buf_init(c->req + c->len, (unsigned)(sizeof(c->req) - 1 -
	    c->len));
}

static void
conn_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
	struct http_conn	*c = st->data;
	uv_buf_t		 b;

	(void)buf;
	if (n < 0) {
		conn_close(c);
		return;
	}
	c->len += (size_t)n;
	c->req[c->len] = '\0';
	if (strstr(c->req, "\r\n\r\n") == NULL || c->srv->answer == NULL)
		return;
	c->srv->requests++;
	uv_read_stop(st);
	b = uv_buf_init((char *)c->srv->answer,
	    (unsigned)strlen(c->srv->answer));
	c->w.data = c;
	uv_write(&c->w, st, &b, 1, conn_written);
}

static void
srv_accept(uv_stream_t *l, int status)
{
	struct http_srv		*s = l->data;
	struct http_conn	*c = calloc(1, sizeof(*c));

	assert_int_equal(status, 0);
	assert_true(s->nconns < 8);
	c->srv = s;
	uv_tcp_init(l->loop, &c->tcp);
	c->tcp.data = c;
	assert_int_equal(uv_accept(l, (uv_stream_t *)&c->tcp), 0);
	s->conns[s->nconns++] = &c->tcp;
	uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_read);
}

static void
srv_open_at(struct pfx *fx, struct http_srv *s, const char *answer,
    const char *ip)
{
	struct sockaddr_in	sin;
	int			len = sizeof(sin);
	char			url[64];

	memset(s, 0, sizeof(*s));
	s->answer = answer;
	uv_ip4_addr(ip, 0, &sin);
	uv_tcp_init(&fx->loop, &s->listener);
	s->listener.data = s;
	assert_int_equal(uv_tcp_bind(&s->listener, (struct sockaddr *)&sin,
	    0), 0);
	assert_int_equal(uv_listen((uv_stream_t *)&s->listener, 8,
	    srv_accept), 0);
	uv_tcp_getsockname(&s->listener, (struct sockaddr *)&sin, &len);
	s->port = ntohs(sin.sin_port);
	snprintf(url, sizeof(url), "http://%s:%d/generate_204", ip, s->port);
	cd_setstr(&fx->cfg->portal.url, url);
}

static void
srv_open(struct pfx *fx, struct http_srv *s, const char *answer)
{
	srv_open_at(fx, s, answer, "127.0.0.1");
}

static void
srv_close(struct http_srv *s)
{
	while (s->nconns > 0)
		conn_close(s->conns[0]->data);
	uv_close((uv_handle_t *)&s->listener, NULL);
	uv_run(s->listener.loop, UV_RUN_NOWAIT);
}

/* --- the probe on a loop ------------------------------------------------ */

#define ANSWER_204 "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
#define ANSWER_302 "HTTP/1.1 302 Found\r\n" \
	"Location: http://portal.cdlab.test/login?orig=x\r\n" \
	"Content-Length: 0\r\nConnection: close\r\n\r\n"
#define PAGE "<html><body>Welcome! Log in first.</body></html>\n"
#define ANSWER_PAGE "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" \
	"Content-Length: 49\r\nConnection: close\r\n\r\n" PAGE
#define ANSWER_ONE "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n" \
	"Connection: close\r\n\r\nx"
#define ANSWER_511 "HTTP/1.1 511 Network Authentication Required\r\n" \
	"Content-Length: 0\r\nConnection: close\r\n\r\n"
#define ANSWER_503 "HTTP/1.1 503 Service Unavailable\r\n" \
	"Content-Length: 0\r\nConnection: close\r\n\r\n"

static int
setup(void **state)
{
	struct pfx *fx = pfx_new();

	fx->cfg->probes.portal = true;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	pfx_free(*state);
	return 0;
}

/* Run the check against a server giving answer; the probe's result. */
static const struct cd_probe_result *
check(struct pfx *fx, const char *answer, int *requests)
{
	struct http_srv s;

	srv_open(fx, &s, answer);
	pfx_run(fx, "portal");
	srv_close(&s);
	if (requests != NULL)
		*requests = s.requests;
	return pfx_result(fx, "portal");
}

/* Where libcurl is missing, the check fails and says why; no finding. */
static void
test_no_libcurl(void **state)
{
	static const char *const	 none[] = {
		"libcd-no-curl.so.4", NULL
	};
	static const char *const	 second[] = {
		"libcd-no-curl.so.4", "libcurl.so.4", NULL
	};
	struct pfx			*fx = *state;
	const struct cd_probe_result	*r;
	int				 requests;

	/* -EBUSY: a test before this one loaded libcurl. */
	assert_int_equal(cd_libcurl_sonames(none), 0);
	/*
	 * No server: the run ends inside its start, and pfx_run's last
	 * UV_RUN_ONCE would wait on a listener for ever.
	 */
	pfx_run(fx, "portal");
	r = pfx_result(fx, "portal");
	assert_string_equal(r->result, "failed");
	assert_string_equal(r->detail, "libcurl (libcd-no-curl.so.4) is not "
	    "installed: the captive-portal check needs it");
	/* Nothing about the network; only that the check is missing. */
	assert_int_equal(pfx_count_active(fx, ""), 1);
	assert_true(pfx_active(fx, "probe.failed", "probe:portal"));
	assert_null(pfx_finding(fx, "portal.detected", "portal"));
	/* Installed later: the next run finds it (the second name here). */
	assert_int_equal(cd_libcurl_sonames(second), 0);
	/*
	 * This run loads libcurl and its TLS libraries for the first time in
	 * the process: under valgrind that alone outlasts the fixture's
	 * 150 ms tries.
	 */
	fx->cfg->probes.timeout_ms = 5000;
	r = check(fx, ANSWER_204, &requests);
	assert_int_equal(requests, 1);
	assert_string_equal(r->result, "ok");
	assert_false(pfx_active(fx, "probe.failed", "probe:portal"));
	assert_int_equal(cd_libcurl_sonames(NULL), -EBUSY);
}

static void
test_online(void **state)
{
	struct pfx			*fx = *state;
	const struct cd_probe_result	*r;

	r = check(fx, ANSWER_204, NULL);
	assert_string_equal(r->result, "ok");
	assert_non_null(strstr(r->detail, "HTTP 204"));
	assert_false(pfx_active(fx, "portal.detected", "portal"));
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 0);
	/* A 200 with a single byte is a broken proxy, not a portal. */
	r = check(fx, ANSWER_ONE, NULL);
	assert_string_equal(r->result, "ok");
	assert_false(pfx_active(fx, "portal.detected", "portal"));
}

static void
test_redirect(void **state)
{
	struct pfx		*fx = *state;
	const struct cd_finding	*f;
	int			 requests;

	check(fx, ANSWER_302, &requests);
	assert_int_equal(requests, 1);		/* not followed */
	assert_string_equal(pfx_result(fx, "portal")->result, "portal");
	f = pfx_finding(fx, "portal.detected", "portal");
	assert_non_null(f);
	assert_true(f->active);
	assert_int_equal(f->severity, CD_SEV_ERROR);
	assert_non_null(strstr(f->detail, "HTTP 302 to "
	    "http://portal.cdlab.test/login?orig=x"));
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 2);
	/* The portal goes away: the finding clears. */
	check(fx, ANSWER_204, NULL);
	assert_false(pfx_active(fx, "portal.detected", "portal"));
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 0);
}

static void
test_page(void **state)
{
	struct pfx		*fx = *state;
	const struct cd_finding	*f;

	check(fx, ANSWER_PAGE, NULL);
	f = pfx_finding(fx, "portal.detected", "portal");
	assert_non_null(f);
	assert_true(f->active);
	assert_non_null(strstr(f->detail, "HTTP 200, 49-byte body, 204 "
	    "expected"));
	/* Where the check URL itself answers 200, that is no portal. */
	fx->cfg->portal.expect_status = 200;
	check(fx, ANSWER_PAGE, NULL);
	assert_false(pfx_active(fx, "portal.detected", "portal"));
}

static void
test_511(void **state)
{
	struct pfx *fx = *state;

	check(fx, ANSWER_511, NULL);
	assert_true(pfx_active(fx, "portal.detected", "portal"));
}

static void
test_server_error_is_no_answer(void **state)
{
	struct pfx			*fx = *state;
	const struct cd_probe_result	*r;

	r = check(fx, ANSWER_503, NULL);
	assert_string_equal(r->result, "no_answer");
	assert_non_null(strstr(r->detail, "HTTP 503"));
	assert_int_equal(pfx_count_active(fx, ""), 0);
}

static void
test_silent_times_out(void **state)
{
	struct pfx			*fx = *state;
	const struct cd_probe_result	*r;
	int				 requests;

	r = check(fx, NULL, &requests);
	assert_string_equal(r->result, "no_answer");
	assert_non_null(strstr(r->detail, "no answer: "));
	assert_non_null(strstr(r->detail, "2 tries"));
	assert_in_range(r->duration_ms, 2 * fx->cfg->probes.timeout_ms - 10,
	    2 * fx->cfg->probes.timeout_ms + 150);
	assert_int_equal(pfx_count_active(fx, ""), 0);
}

static void
test_closed_port(void **state)
{
	struct pfx			*fx = *state;
	const struct cd_probe_result	*r;
	struct http_srv			 s;

	srv_open(fx, &s, ANSWER_204);
	srv_close(&s);			/* the port is free again */
	pfx_run(fx, "portal");
	r = pfx_result(fx, "portal");
	assert_string_equal(r->result, "no_answer");
	assert_non_null(strstr(r->detail, "no answer: "));
}

static void
test_https_refused(void **state)
{
	struct pfx *fx = *state;

	cd_setstr(&fx->cfg->portal.url, "https://127.0.0.1:9/");
	pfx_run(fx, "portal");
	assert_string_equal(pfx_result(fx, "portal")->result, "no_answer");
}

/*
 * The router offline: its DNS answers every name with its own address,
 * where its web interface redirects to its login page.  That is not a
 * portal and not the cloud refusing: the internet is down, and its
 * evidence says what answered.
 */
static void
test_router_offline(void **state)
{
	struct pfx		*fx = *state;
	struct http_srv		 s;
	const struct cd_finding	*f;

	fx->cfg->probes.handshake = true;
	cd_setstr(&fx->cfg->cloud.host, "127.0.0.2");	/* this host too */
	srv_open_at(fx, &s, ANSWER_302, "127.0.0.2");
	pfx_run(fx, NULL);
	srv_close(&s);
	assert_string_equal(pfx_result(fx, "portal")->result, "not_internet");
	assert_non_null(strstr(pfx_result(fx, "portal")->detail, "HTTP 302 "
	    "to http://portal.cdlab.test/login?orig=x"));
	assert_false(pfx_active(fx, "portal.detected", "portal"));
	assert_string_equal(pfx_result(fx, "handshake")->result,
	    "not_internet");
	assert_int_equal(pfx_count_active(fx, "cloud."), 0);
	f = pfx_finding(fx, "internet.down", "internet");
	assert_non_null(f);
	assert_true(f->active);
	assert_non_null(strstr(f->detail, "from 127.0.0.2 (this host's own "
	    "address), not the internet"));
	assert_non_null(strstr(f->detail, "127.0.0.2:5683 (this host's own "
	    "address)"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_decide_where),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_no_libcurl),		/* first: nothing loaded yet */
		T(test_online),
		T(test_redirect),
		T(test_page),
		T(test_511),
		T(test_server_error_is_no_answer),
		T(test_silent_times_out),
		T(test_closed_port),
		T(test_https_refused),
		T(test_router_offline),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
