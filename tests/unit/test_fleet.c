/*
 * What a fleet collects: the RFC 5424 message and its escaping, the
 * syslog.remote targets, the Prometheus text, and the remote sender
 * against real loopback sockets (delivery, TCP framing, and counting
 * what a missing collector could not get).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include <uv.h>

#include "metrics.h"
#include "report.h"
#include "syslog5424.h"
#include "syslog_remote.h"

/* 2026-11-24T12:00:00Z */
#define T0 1795521600000LL

static void
url_parse(void **state)
{
	struct cd_syslog_url	u;
	char			err[256];

	(void)state;
	assert_int_equal(cd_syslog_url_parse("udp://logs.example:514", &u,
	    err, sizeof(err)), 0);
	assert_int_equal(u.tcp, 0);
	assert_string_equal(u.host, "logs.example");
	assert_string_equal(u.port, "514");
	assert_int_equal(cd_syslog_url_parse("tcp://[2001:db8::1]:6514", &u,
	    err, sizeof(err)), 0);
	assert_int_equal(u.tcp, 1);
	assert_string_equal(u.host, "2001:db8::1");
	assert_string_equal(u.port, "6514");
	assert_int_equal(cd_syslog_url_parse("http://x:1", &u, err,
	    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "udp://HOST:PORT"));
	assert_int_equal(cd_syslog_url_parse("udp://x", &u, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(cd_syslog_url_parse("udp://x:0", &u, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(cd_syslog_url_parse("udp://x:65536", &u, err,
	    sizeof(err)), -EINVAL);
	assert_int_equal(cd_syslog_url_parse("tcp://2001:db8::1:514", &u,
	    err, sizeof(err)), -EINVAL);
	assert_int_equal(cd_syslog_url_parse("tcp://:514", &u, err,
	    sizeof(err)), -EINVAL);
}

static void
sd_escape(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(cd_syslog_sd_escape(out, "a\"b\\c]d[e", 64), 12);
	assert_string_equal(out, "a\\\"b\\\\c\\]d[e");
	/* A cut never splits a UTF-8 sequence: "é" is two bytes. */
	cd_syslog_sd_escape(out, "ab\xc3\xa9", 3);
	assert_string_equal(out, "ab");
	cd_syslog_sd_escape(out, "ab\xc3\xa9", 4);
	assert_string_equal(out, "ab\xc3\xa9");
}

static struct cd_finding
finding(void)
{
	struct cd_finding f = {
		.id = "cloud.tcp_blocked",
		.subject = "cloud:device.spark.io:5683",
		.summary = "TCP to device.spark.io:5683 timed out",
		.detail = "said \"no\" [really] C:\\path",
		.advice = "open TCP 5683",
		.severity = CD_SEV_ERROR,
		.active = true,
	};
	return f;
}

static void
format_5424(void **state)
{
	struct cd_syslog_origin	 o = { LOG_LOCAL3, "router one", "corediagd",
	    42, NULL };
	struct cd_finding	 f = finding();
	char			*m;
	size_t			 len;

	(void)state;
	len = cd_syslog5424_format(&o, CD_FINDING_RAISED, &f, T0 + 7, &m);
	assert_int_equal(len, strlen(m));
	/* local3 (19) * 8 + err (3) = 155; a space in the host is not allowed. */
	assert_string_equal(m, "<155>1 2026-11-24T12:00:00.007Z router_one "
	    "corediagd 42 raised [corediagd@32473 event=\"raised\" "
	    "id=\"cloud.tcp_blocked\" subject=\"cloud:device.spark.io:5683\" "
	    "severity=\"error\" summary=\"TCP to device.spark.io:5683 timed "
	    "out\" evidence=\"said \\\"no\\\" [really\\] C:\\\\path\"] error "
	    "cloud.tcp_blocked cloud:device.spark.io:5683: TCP to "
	    "device.spark.io:5683 timed out -- open TCP 5683");
	free(m);
	f.detail = NULL;
	cd_syslog5424_format(&o, CD_FINDING_CLEARED, &f, T0, &m);
	assert_non_null(strstr(m, "<157>1 "));	/* notice */
	assert_non_null(strstr(m, " cleared [corediagd@32473 event=\"cleared\""));
	assert_non_null(strstr(m, "evidence=\"\"] cleared cloud.tcp_blocked "));
	assert_null(strstr(m, "--"));
	free(m);
	/* A Core's name goes beside its subject, as in the local line. */
	o.name = "Kitchen \"2\"";
	f.subject = "core:08:00:28:aa:bb:cc";
	cd_syslog5424_format(&o, CD_FINDING_RAISED, &f, T0, &m);
	assert_non_null(strstr(m, " subject=\"core:08:00:28:aa:bb:cc\" "
	    "name=\"Kitchen \\\"2\\\"\" severity="));
	assert_non_null(strstr(m, "] error cloud.tcp_blocked "
	    "core:08:00:28:aa:bb:cc: Kitchen \"2\": TCP to"));
	free(m);
}

static const char *report_doc =
    "{\"version\":1,\"host\":\"r1\","
    "\"daemon\":{\"version\":\"9.9\",\"started\":\"2026-11-24T12:00:00Z\"},"
    "\"capture\":{\"interface\":\"br-lan\",\"packets\":120,\"dropped\":3},"
    "\"syslog_remote\":{\"target\":\"udp://h:514\",\"connected\":true,"
    "\"sent\":5,\"dropped\":2,\"queued\":0},"
    "\"findings\":[{\"id\":\"core.cloud_blocked\",\"severity\":\"error\","
    "\"subject\":\"core:08:00:28:aa:bb:cc\",\"active\":true},"
    "{\"id\":\"x.y\",\"severity\":\"info\",\"subject\":\"a\\\"b\\\\c\\nd\","
    "\"active\":false}],"
    "\"devices\":[{\"state\":\"online\"},{\"state\":\"online\"},"
    "{\"state\":\"offline\"}],"
    "\"probes\":[{\"name\":\"handshake\",\"last_run\":\"2026-11-24T12:00:10Z\","
    "\"duration_ms\":1500,\"result\":\"blocked\"},"
    "{\"name\":\"dns\",\"last_run\":null,\"duration_ms\":0,\"result\":null}]}";

static void
metrics_text(void **state)
{
	struct json_object	*doc = json_tokener_parse(report_doc);
	char			*t;
	static const char *const want[] = {
		"corediagd_build_info{version=\"9.9\"} 1\n",
		"corediagd_start_time_seconds 1795521600\n",
		"# TYPE corediagd_capture_packets_total counter\n"
		    "corediagd_capture_packets_total 120\n",
		"corediagd_capture_dropped_total 3\n",
		"corediagd_syslog_remote_dropped_total 2\n",
		"corediagd_finding_active{id=\"core.cloud_blocked\","
		    "subject=\"core:08:00:28:aa:bb:cc\",severity=\"error\"} 1\n",
		"corediagd_finding_active{id=\"x.y\",subject=\"a\\\"b\\\\c\\nd\","
		    "severity=\"info\"} 0\n",
		"corediagd_probe_duration_seconds{probe=\"handshake\"} 1.500\n",
		"corediagd_probe_duration_seconds{probe=\"dns\"} 0.000\n",
		"corediagd_probe_result{probe=\"handshake\",result=\"blocked\"} 1\n",
		"corediagd_probe_last_run_timestamp_seconds{probe=\"handshake\"} "
		    "1795521610\n",
		"corediagd_devices{state=\"online\"} 2\n",
		"corediagd_devices{state=\"offline\"} 1\n",
		"corediagd_devices{state=\"dhcp\"} 0\n",
	};

	(void)state;
	assert_non_null(doc);
	t = cd_metrics_text(doc);
	assert_non_null(t);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(t, want[i]) == NULL)
			fail_msg("missing: %s\nin:\n%s", want[i], t);
	/* A probe that never ran has no result series. */
	assert_null(strstr(t, "probe=\"dns\",result"));
	free(t);
	json_object_put(doc);
}

/* ---- the sender against real loopback sockets ----------------------- */

struct rx {
	uv_loop_t		 loop;
	uv_udp_t		 udp;
	uv_tcp_t		 srv, conn;
	uv_timer_t		 timer;
	struct cd_syslog_remote	*r;
	char			 buf[8192];
	size_t			 len;
	size_t			 want;	/* stop once this much arrived */
};

static void
rx_alloc(uv_handle_t *h, size_t sz, uv_buf_t *b)
{
	struct rx *x = h->data;

	(void)sz;
	*b = uv_buf_init(x->buf + x->len, (unsigned)(sizeof(x->buf) - x->len - 1));
}

static void
rx_udp(uv_udp_t *h, ssize_t n, const uv_buf_t *b, const struct sockaddr *a,
    unsigned flags)
{
	struct rx *x = h->data;

	(void)b; (void)a; (void)flags;
	if (n > 0) {
		x->len += (size_t)n;
		x->buf[x->len++] = '|';	/* datagram boundary */
		x->buf[x->len] = '\0';
	}
	if (x->want > 0 && x->len >= x->want)
		uv_stop(h->loop);
}

static void
rx_tcp(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct rx *x = s->data;

	(void)b;
	if (n > 0) {
		x->len += (size_t)n;
		x->buf[x->len] = '\0';
	}
	if (x->want > 0 && x->len >= x->want)
		uv_stop(s->loop);
}

static void
rx_accept(uv_stream_t *s, int status)
{
	struct rx *x = s->data;

	assert_int_equal(status, 0);
	uv_tcp_init(&x->loop, &x->conn);
	x->conn.data = x;
	assert_int_equal(uv_accept(s, (uv_stream_t *)&x->conn), 0);
	uv_read_start((uv_stream_t *)&x->conn, rx_alloc, rx_tcp);
}

static void
rx_stop(uv_timer_t *t)
{
	uv_stop(t->loop);
}

static int
bound_port(uv_handle_t *h, int tcp)
{
	struct sockaddr_storage	ss;
	int			len = sizeof(ss);

	if (tcp)
		uv_tcp_getsockname((uv_tcp_t *)h, (struct sockaddr *)&ss, &len);
	else
		uv_udp_getsockname((uv_udp_t *)h, (struct sockaddr *)&ss, &len);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Run until the receiver has x->want bytes, or ms at most (valgrind is slow). */
static void
run_for(struct rx *x, uint64_t ms)
{
	uv_timer_start(&x->timer, rx_stop, ms, 0);
	uv_run(&x->loop, UV_RUN_DEFAULT);
}

static void
close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static void
rx_done(struct rx *x)
{
	uv_walk(&x->loop, close_walk, NULL);
	uv_run(&x->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&x->loop), 0);
}

static void
open_remote(struct rx *x, const char *scheme, int port)
{
	char url[64], err[256];

	snprintf(url, sizeof(url), "%s://127.0.0.1:%d", scheme, port);
	assert_int_equal(cd_syslog_remote_open(&x->loop, url, &x->r, err,
	    sizeof(err)), 0);
}

enum rx_kind { RX_UDP, RX_TCP, RX_TCP_CLOSED };

/*
 * A receiver on a loopback port, and a sender to it.  On the heap: a
 * failed check leaves libuv's threads no dead stack.  RX_TCP_CLOSED binds
 * without listening, so connections are refused until rx_listen().
 */
static struct rx *
rx_new(enum rx_kind kind)
{
	struct rx		*x = calloc(1, sizeof(*x));
	struct sockaddr_in	 sa;

	uv_loop_init(&x->loop);
	uv_timer_init(&x->loop, &x->timer);
	uv_ip4_addr("127.0.0.1", 0, &sa);
	if (kind == RX_UDP) {
		uv_udp_init(&x->loop, &x->udp);
		x->udp.data = x;
		assert_int_equal(uv_udp_bind(&x->udp, (struct sockaddr *)&sa,
		    0), 0);
		uv_udp_recv_start(&x->udp, rx_alloc, rx_udp);
		open_remote(x, "udp", bound_port((uv_handle_t *)&x->udp, 0));
		return x;
	}
	uv_tcp_init(&x->loop, &x->srv);
	x->srv.data = x;
	assert_int_equal(uv_tcp_bind(&x->srv, (struct sockaddr *)&sa, 0), 0);
	if (kind == RX_TCP)
		assert_int_equal(uv_listen((uv_stream_t *)&x->srv, 4,
		    rx_accept), 0);
	open_remote(x, "tcp", bound_port((uv_handle_t *)&x->srv, 1));
	return x;
}

static void
rx_free(struct rx *x)
{
	cd_syslog_remote_close(x->r);
	rx_done(x);
	free(x);
}

static void
remote_udp(void **state)
{
	struct rx			*x = rx_new(RX_UDP);
	struct cd_syslog_remote_stats	 st;

	(void)state;
	cd_syslog_remote_send(x->r, "one", 3);
	cd_syslog_remote_send(x->r, "two", 3);
	x->want = 8;
	run_for(x, 5000);
	assert_string_equal(x->buf, "one|two|");
	cd_syslog_remote_stats(x->r, &st);
	assert_int_equal(st.sent, 2);
	assert_int_equal(st.dropped, 0);
	rx_free(x);
}

static void
remote_tcp(void **state)
{
	struct rx			*x = rx_new(RX_TCP);
	struct cd_syslog_remote_stats	 st;

	(void)state;
	/* Sent before the connection exists: queued, then delivered. */
	cd_syslog_remote_send(x->r, "hello world", 11);
	cd_syslog_remote_send(x->r, "<1>1 x", 6);
	x->want = 22;
	run_for(x, 5000);
	assert_string_equal(x->buf, "11 hello world6 <1>1 x");
	cd_syslog_remote_stats(x->r, &st);
	assert_int_equal(st.sent, 2);
	assert_true(st.connected);
	rx_free(x);
}

static void
remote_unreachable(void **state)
{
	struct rx			*x = rx_new(RX_TCP_CLOSED);
	struct cd_syslog_remote_stats	 st;

	(void)state;
	for (int i = 0; i < CD_SYSLOG_QUEUE_MAX + 5; i++)
		cd_syslog_remote_send(x->r, "m", 1);
	run_for(x, 300);
	cd_syslog_remote_stats(x->r, &st);
	assert_false(st.connected);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.queued, CD_SYSLOG_QUEUE_MAX);
	assert_int_equal(st.dropped, 5);
	rx_free(x);
}

/* The collector starts late: the sender retries and delivers what waited. */
static void
remote_reconnect(void **state)
{
	struct rx			*x = rx_new(RX_TCP_CLOSED);
	struct cd_syslog_remote_stats	 st;

	(void)state;
	cd_syslog_remote_send(x->r, "early", 5);
	run_for(x, 300);
	cd_syslog_remote_stats(x->r, &st);
	assert_false(st.connected);
	assert_int_equal(st.queued, 1);
	assert_int_equal(uv_listen((uv_stream_t *)&x->srv, 4, rx_accept), 0);
	x->want = 7;
	run_for(x, 10000);
	assert_string_equal(x->buf, "5 early");
	cd_syslog_remote_stats(x->r, &st);
	assert_true(st.connected);
	assert_int_equal(st.sent, 1);
	assert_int_equal(st.dropped, 0);
	rx_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(url_parse),
		cmocka_unit_test(sd_escape),
		cmocka_unit_test(format_5424),
		cmocka_unit_test(metrics_text),
		cmocka_unit_test(remote_udp),
		cmocka_unit_test(remote_tcp),
		cmocka_unit_test(remote_unreachable),
		cmocka_unit_test(remote_reconnect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
