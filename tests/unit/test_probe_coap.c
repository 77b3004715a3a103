/*
 * The coap probe: its decision from each raw outcome, then the probe
 * itself on a real loop against loopback: coap-server-notls (Reset), a
 * stack that answers with an ACK, a closed port (ICMP port unreachable),
 * a socket that never answers, a name that does not resolve, and (as
 * root, in a network namespace of its own) a firewall that rejects with
 * administratively prohibited or drops on output.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "addr_class.h"
#include "daemon.h"
#include "icmp_err.h"
#include "probe_coap.h"
#include "resolve.h"
#include "util.h"

/* The decision, from outcomes written by hand. */

static struct cd_coap_outcome
outcome(enum cd_coap_answer a)
{
	struct cd_coap_outcome o;

	memset(&o, 0, sizeof(o));
	o.answer = a;
	o.host = "coap.cdlab.test";
	o.port = 5683;
	snprintf(o.addr, sizeof(o.addr), "198.18.100.11");
	snprintf(o.local, sizeof(o.local), "198.18.0.2");
	o.pings = 1;
	o.ms = 12;
	return o;
}

static struct cd_coap_outcome
icmp_outcome(int family, uint8_t type, uint8_t code, const char *from)
{
	struct cd_coap_outcome o = outcome(CD_COAP_ICMP);

	o.icmp.family = family;
	o.icmp.type = type;
	o.icmp.code = code;
	o.icmp.has_offender = from != NULL;
	if (from != NULL)
		snprintf(o.icmp.offender, sizeof(o.icmp.offender), "%s", from);
	return o;
}

static void
expect(const struct cd_coap_outcome *o, const char *finding,
    const char *result, const char *in_detail)
{
	struct cd_probe_verdict v;

	cd_coap_decide(o, &v);
	assert_string_equal(v.finding, finding);
	assert_string_equal(v.result, result);
	assert_non_null(strstr(v.detail, in_detail));
	assert_true(v.summary[0] != '\0');
}

static void
test_decide_answers(void **state)
{
	struct cd_coap_outcome o;

	(void)state;
	o = outcome(CD_COAP_RESET);
	expect(&o, "coap.ok", "ok", "a Reset");
	o = outcome(CD_COAP_ACK);
	expect(&o, "coap.ok", "ok", "an empty ACK");
}

/* A router that answers every name with itself: not the cloud's path. */
static void
test_decide_not_internet(void **state)
{
	struct cd_coap_outcome o;

	(void)state;
	o = outcome(CD_COAP_NOT_INTERNET);
	o.why = "this host's own address";
	expect(&o, "coap.udp_unverified", "not_internet",
	    "(this host's own address), not an address on the internet");
}

static void
test_decide_prohibited(void **state)
{
	struct cd_coap_outcome o;

	(void)state;
	/* From the target or a router: prohibited is a firewall either way. */
	for (uint8_t code = 9; code <= 13; code++) {
		if (code == 11 || code == 12)
			continue;
		o = icmp_outcome(AF_INET, 3, code, "198.18.100.11");
		expect(&o, "coap.udp_blocked", "blocked",
		    "administratively prohibited");
	}
	o = icmp_outcome(AF_INET6, 1, 1, "2001:db8::1");
	expect(&o, "coap.udp_blocked", "blocked", "ICMPv6 type 1 code 1");
}

static void
test_decide_port_unreachable(void **state)
{
	struct cd_coap_outcome o;

	(void)state;
	/* From the target itself: it got through; nothing listens. */
	o = icmp_outcome(AF_INET, 3, 3, "198.18.100.11");
	expect(&o, "coap.ok", "ok", "got through");
	o = icmp_outcome(AF_INET6, 1, 4, NULL);
	snprintf(o.addr, sizeof(o.addr), "2001:db8::1");
	expect(&o, "coap.ok", "ok", "got through");
	/* From a router on the way: a REJECT rule. */
	o = icmp_outcome(AF_INET, 3, 3, "198.18.0.1");
	expect(&o, "coap.udp_blocked", "blocked", "not from the target");
}

static void
test_decide_unreachable(void **state)
{
	struct cd_coap_outcome o;

	(void)state;
	o = icmp_outcome(AF_INET, 3, 1, "198.18.0.1");
	expect(&o, "coap.udp_blocked", "blocked", "from 198.18.0.1");
	o = icmp_outcome(AF_INET, 3, 0, "198.18.0.1");
	expect(&o, "coap.udp_blocked", "blocked", "network or host");
	/* Our own stack found no next hop: not a firewall. */
	o = icmp_outcome(AF_INET, 3, 1, "198.18.0.2");
	expect(&o, "coap.udp_unverified", "unverified", "not a firewall");
	/* Time exceeded proves nothing either way. */
	o = icmp_outcome(AF_INET, 11, 0, "198.18.0.1");
	expect(&o, "coap.udp_unverified", "unverified", "type 11 code 0");
}

static void
test_decide_silence_and_failures(void **state)
{
	struct cd_coap_outcome o;

	(void)state;
	o = outcome(CD_COAP_SILENT);
	o.pings = 3;
	o.ms = 8750;
	expect(&o, "coap.udp_unverified", "unverified", "3 CoAP ping "
	    "transmissions");
	o = outcome(CD_COAP_ICMP_UNKNOWN);
	expect(&o, "coap.udp_unverified", "unverified", "could not be read");
	o = outcome(CD_COAP_SEND_FAILED);
	o.errnum = EPERM;
	expect(&o, "coap.udp_blocked", "blocked", "local firewall");
	o.errnum = ENETUNREACH;
	expect(&o, "coap.udp_unverified", "failed", strerror(ENETUNREACH));
	o = outcome(CD_COAP_UNRESOLVED);
	o.why = "Name or service not known";
	expect(&o, "coap.udp_unverified", "failed", "does not resolve");
}

static void
test_icmp_classify(void **state)
{
	(void)state;
	assert_int_equal(cd_icmp_classify(AF_INET, 3, 3), CD_ICMP_PORT_UNREACH);
	assert_int_equal(cd_icmp_classify(AF_INET, 3, 13), CD_ICMP_PROHIBITED);
	assert_int_equal(cd_icmp_classify(AF_INET, 3, 10), CD_ICMP_PROHIBITED);
	assert_int_equal(cd_icmp_classify(AF_INET, 3, 9), CD_ICMP_PROHIBITED);
	assert_int_equal(cd_icmp_classify(AF_INET, 3, 1), CD_ICMP_UNREACH);
	assert_int_equal(cd_icmp_classify(AF_INET, 3, 4), CD_ICMP_OTHER);
	assert_int_equal(cd_icmp_classify(AF_INET, 11, 0), CD_ICMP_OTHER);
	assert_int_equal(cd_icmp_classify(AF_INET6, 1, 1), CD_ICMP_PROHIBITED);
	assert_int_equal(cd_icmp_classify(AF_INET6, 1, 4),
	    CD_ICMP_PORT_UNREACH);
	assert_int_equal(cd_icmp_classify(AF_INET6, 1, 3), CD_ICMP_UNREACH);
	/* ICMPv4's numbers mean nothing in ICMPv6 and the reverse. */
	assert_int_equal(cd_icmp_classify(AF_INET6, 3, 13), CD_ICMP_OTHER);
	assert_int_equal(cd_icmp_classify(AF_INET, 1, 1), CD_ICMP_OTHER);
}

/* The probe on a loop. */

/* In a forked child a failure must end the child, not run more tests. */
static bool in_child;

#define REQUIRE(c) do {							\
	if (!(c)) {							\
		if (in_child) {						\
			fprintf(stderr, "%s:%d: %s\n", __FILE__,	\
			    __LINE__, #c);				\
			_exit(1);					\
		}							\
		fail_msg("%s", #c);					\
	}								\
} while (0)

struct fx {
	uv_loop_t	 loop;
	struct cd_daemon d;
	bool		 done;
	uint16_t	 port;
	char		 subject[64];
	uv_udp_t	 acker;		/* the ACK-answering stack */
	bool		 has_acker;
	unsigned	 acked;
};

static void
fx_init(struct fx *fx, const char *host, uint16_t port, uint64_t timeout_ms,
    unsigned retries)
{
	struct cd_config	*cfg = cd_config_new_default();
	struct sockaddr_in	 lo = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	REQUIRE(cfg != NULL);
	/* The test's servers on 127.0.0.1 stand for the internet. */
	cd_addr_count_as_internet((struct sockaddr *)&lo, 32);
	memset(fx, 0, sizeof(*fx));
	REQUIRE(uv_loop_init(&fx->loop) == 0);
	cd_setstr(&cfg->cloud.coap_host, host);
	cfg->cloud.coap_port = port;
	cfg->probes.timeout_ms = timeout_ms;
	cfg->probes.retries = retries;
	cd_daemon_init(&fx->d, &fx->loop, cfg, NULL);
	fx->d.findings.sink = NULL;
	fx->port = port;
	snprintf(fx->subject, sizeof(fx->subject), "cloud:%s:%u", host, port);
}

static void
run_done(void *arg)
{
	((struct fx *)arg)->done = true;
}

/* Run the coap probe once; returns how long it took, in ms. */
static uint64_t
fx_run(struct fx *fx)
{
	char		err[256];
	uint64_t	t0 = uv_hrtime();

	fx->done = false;
	REQUIRE(cd_prober_run(&fx->d.prober, "coap", run_done, fx, err,
	    sizeof(err)) == 0);
	while (!fx->done && uv_run(&fx->loop, UV_RUN_ONCE) != 0)
		;
	REQUIRE(fx->done);
	return (uv_hrtime() - t0) / 1000000;
}

static void
fx_free(struct fx *fx)
{
	if (fx->has_acker)
		uv_close((uv_handle_t *)&fx->acker, NULL);
	cd_prober_close(&fx->d.prober);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	cd_daemon_free(&fx->d);
	/* Every handle the probe opened is closed again. */
	REQUIRE(uv_loop_close(&fx->loop) == 0);
}

static bool
active(struct fx *fx, const char *id)
{
	struct cd_finding *f = cd_finding_find(&fx->d.findings, id,
	    fx->subject);

	return f != NULL && f->active;
}

static const struct cd_probe_result *
result(struct fx *fx)
{
	for (struct cd_probe_result *r = fx->d.state.probes; r != NULL;
	    r = r->next)
		if (strcmp(r->name, "coap") == 0)
			return r;
	REQUIRE(!"no coap probe result");
	return NULL;
}

static void
expect_only(struct fx *fx, const char *id)
{
	static const char *const ids[] = {
		"coap.ok", "coap.udp_blocked", "coap.udp_unverified",
	};

	for (size_t i = 0; i < nitems(ids); i++)
		if (active(fx, ids[i]) != (strcmp(ids[i], id) == 0))
			fail_msg("%s is %s; detail: %s", ids[i],
			    active(fx, ids[i]) ? "active" : "not active",
			    result(fx)->detail);
}

/* A free UDP port on 127.0.0.1, and optionally the socket holding it. */
static uint16_t
udp_port(int *keep)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	socklen_t		len = sizeof(sin);
	int			fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	REQUIRE(fd >= 0);
	REQUIRE(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	REQUIRE(getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
	if (keep != NULL)
		*keep = fd;
	else
		close(fd);
	return ntohs(sin.sin_port);
}

/* Ping port until a Reset comes back: the server is up. */
static bool
coap_answers(uint16_t port)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	struct timeval		tv = { 0, 100000 };
	uint8_t			ping[4] = { 0x40, 0, 0x12, 0x34 }, buf[16];
	int			fd;
	bool			ok = false;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		for (int i = 0; i < 50 && !ok; i++) {
			ok = send(fd, ping, sizeof(ping), 0) == 4 &&
			    recv(fd, buf, sizeof(buf), 0) >= 4 &&
			    buf[0] == 0x70;
			if (!ok)
				usleep(100000);	/* refused: not up yet */
		}
	close(fd);
	return ok;
}

static pid_t
coap_server_start(uint16_t port)
{
	char	portstr[8];
	pid_t	pid;

	snprintf(portstr, sizeof(portstr), "%u", port);
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		dup2(null, 2);
		execlp("coap-server-notls", "coap-server-notls", "-A",
		    "127.0.0.1", "-p", portstr, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	if (!coap_answers(port)) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static void
test_probe_reset(void **state)
{
	struct fx	fx;
	uint16_t	port = udp_port(NULL);
	pid_t		srv;
	uint64_t	ms;

	(void)state;
	if ((srv = coap_server_start(port)) < 0)
		skip();		/* no coap-server-notls (libcoap3-bin) */
	fx_init(&fx, "127.0.0.1", port, 2000, 2);
	ms = fx_run(&fx);
	kill(srv, SIGTERM);
	waitpid(srv, NULL, 0);
	expect_only(&fx, "coap.ok");
	assert_string_equal(result(&fx)->result, "ok");
	assert_non_null(strstr(result(&fx)->detail, "a Reset"));
	assert_true(ms < 1000);
	fx_free(&fx);
}

static void
acker_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	static char mem[256];

	(void)h;
	(void)hint;
	*buf = uv_buf_init(mem, sizeof(mem));
}

/* A stack that answers an empty CON with an empty ACK, as some do. */
static void
acker_recv(uv_udp_t *u, ssize_t n, const uv_buf_t *buf,
    const struct sockaddr *from, unsigned flags)
{
	struct fx	*fx = u->data;
	uint8_t		 ack[4];
	uv_buf_t	 out = uv_buf_init((char *)ack, sizeof(ack));

	(void)flags;
	if (n < 4 || from == NULL || ((uint8_t)buf->base[0] & 0x30) != 0)
		return;
	ack[0] = 0x60;
	ack[1] = 0x00;
	ack[2] = (uint8_t)buf->base[2];
	ack[3] = (uint8_t)buf->base[3];
	if (uv_udp_try_send(u, &out, 1, from) == 4)
		fx->acked++;
}

static void
test_probe_ack(void **state)
{
	struct fx		fx;
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	int			len = sizeof(sin);

	(void)state;
	fx_init(&fx, "127.0.0.1", 0, 2000, 2);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	uv_udp_init(&fx.loop, &fx.acker);
	fx.acker.data = &fx;
	fx.has_acker = true;
	assert_int_equal(uv_udp_bind(&fx.acker, (struct sockaddr *)&sin, 0),
	    0);
	uv_udp_getsockname(&fx.acker, (struct sockaddr *)&sin, &len);
	fx.port = ntohs(sin.sin_port);
	fx.d.cfg->cloud.coap_port = fx.port;
	snprintf(fx.subject, sizeof(fx.subject), "cloud:127.0.0.1:%u",
	    fx.port);
	uv_udp_recv_start(&fx.acker, acker_alloc, acker_recv);
	assert_true(fx_run(&fx) < 1000);
	assert_true(fx.acked >= 1);
	expect_only(&fx, "coap.ok");
	assert_non_null(strstr(result(&fx)->detail, "an empty ACK"));
	fx_free(&fx);
}

static void
test_probe_port_unreachable(void **state)
{
	struct fx	fx;
	uint16_t	port = udp_port(NULL);	/* closed again */

	(void)state;
	fx_init(&fx, "127.0.0.1", port, 2000, 2);
	assert_true(fx_run(&fx) < 1000);
	/* Port unreachable from the target: not blocked, it got through. */
	expect_only(&fx, "coap.ok");
	assert_non_null(strstr(result(&fx)->detail, "type 3 code 3"));
	assert_non_null(strstr(result(&fx)->detail, "got through"));
	fx_free(&fx);
}

static unsigned
drain_count(int fd)
{
	uint8_t		buf[64];
	unsigned	n = 0;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

/* The name resolves to this host (127.0.0.2 is not exempt): no ping. */
static void
test_probe_not_internet(void **state)
{
	struct fx fx;

	(void)state;
	fx_init(&fx, "127.0.0.2", 5683, 500, 0);
	fx_run(&fx);
	expect_only(&fx, "coap.udp_unverified");
	assert_string_equal(result(&fx)->result, "not_internet");
	assert_non_null(strstr(result(&fx)->detail,
	    "127.0.0.2 (this host's own address)"));
	fx_free(&fx);
}

/* Only an IPv6 address: the Core cannot use it, so it is not pinged. */
static void
test_probe_ipv6_only(void **state)
{
	struct fx fx;

	(void)state;
	fx_init(&fx, "::1", 5683, 500, 0);
	fx_run(&fx);
	expect_only(&fx, "coap.udp_unverified");
	assert_string_equal(result(&fx)->result, "failed");
	assert_non_null(strstr(result(&fx)->detail, "no IPv4 address"));
	fx_free(&fx);
}

static void
test_probe_silent(void **state)
{
	struct fx	fx;
	int		fd;
	uint16_t	port = udp_port(&fd);	/* bound, never answers */
	uint64_t	ms;

	(void)state;
	fx_init(&fx, "127.0.0.1", port, 500, 0);
	ms = fx_run(&fx);
	expect_only(&fx, "coap.udp_unverified");
	assert_string_equal(result(&fx)->result, "unverified");
	/* At the run's deadline, timeout x (retries + 1), not much sooner. */
	assert_true(result(&fx)->duration_ms >= 350);
	assert_true(result(&fx)->duration_ms <= 500 + 100);
	assert_true(ms < 2000);
	/* libcoap's ping and the twin's. */
	assert_int_equal(drain_count(fd), 2);
	fx_free(&fx);
	close(fd);
}

static void
test_probe_silent_retries(void **state)
{
	struct fx	fx;
	int		fd;
	uint16_t	port = udp_port(&fd);
	uint64_t	ms;

	(void)state;
	/*
	 * timeout 2 s, 1 retry: ACK_TIMEOUT 1 s, so transmissions at 0 and
	 * 1 s, and libcoap gives up at 3 s, inside the 4 s bound.
	 */
	fx_init(&fx, "127.0.0.1", port, 2000, 1);
	ms = fx_run(&fx);
	expect_only(&fx, "coap.udp_unverified");
	assert_non_null(strstr(result(&fx)->detail, "2 CoAP ping "
	    "transmissions"));
	assert_true(result(&fx)->duration_ms >= 2900);
	assert_true(result(&fx)->duration_ms < 4000);
	assert_true(ms < 6000);
	assert_int_equal(drain_count(fd), 4);
	fx_free(&fx);
	close(fd);
}

static int
no_such_host(const char *host, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	(void)host;
	(void)service;
	(void)hints;
	(void)res;
	return EAI_NONAME;
}

static void
test_probe_unresolved(void **state)
{
	struct fx fx;

	(void)state;
	cd_resolve_getaddrinfo = no_such_host;
	fx_init(&fx, "coap.invalid", 5683, 1000, 0);
	fx_run(&fx);
	cd_resolve_getaddrinfo = getaddrinfo;
	expect_only(&fx, "coap.udp_unverified");
	assert_string_equal(result(&fx)->result, "failed");
	assert_non_null(strstr(result(&fx)->detail, "does not resolve"));
	fx_free(&fx);
}

/* A later verdict clears the earlier one. */
static void
test_probe_clears(void **state)
{
	struct fx	fx;
	int		fd;
	uint16_t	port = udp_port(&fd);

	(void)state;
	fx_init(&fx, "127.0.0.1", port, 300, 0);
	fx_run(&fx);
	expect_only(&fx, "coap.udp_unverified");
	close(fd);			/* now: port unreachable */
	fx_run(&fx);
	expect_only(&fx, "coap.ok");
	assert_false(cd_finding_find(&fx.d.findings, "coap.udp_unverified",
	    fx.subject)->active);
	fx_free(&fx);
}

/*
 * In a network namespace of its own (root only): an nft rule on a hook,
 * then the probe; the child exits 0 when finding `want` is active and the
 * probe's detail says `why`.
 */
static int
netns_child(const char *hook, const char *rule, const char *want,
    const char *why)
{
	struct fx	fx;
	uint16_t	port;
	char		cmd[512];
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

	in_child = true;
	for (size_t i = 0; i < nitems(sigs); i++)
		signal(sigs[i], SIG_DFL);
	if (unshare(CLONE_NEWNET) < 0 ||
	    system("ip link set lo up") != 0)
		return 77;
	port = udp_port(NULL);
	snprintf(cmd, sizeof(cmd), "nft add table ip t && nft add chain ip t "
	    "c '{ type filter hook %s priority 0; }' && nft add rule ip "
	    "t c udp dport %u %s", hook, port, rule);
	if (system(cmd) != 0)
		return 77;
	fx_init(&fx, "127.0.0.1", port, 1000, 0);
	fx_run(&fx);
	if (!active(&fx, want) || strstr(result(&fx)->detail, why) == NULL) {
		fprintf(stderr, "netns: want %s (%s), got: %s\n", want, why,
		    result(&fx)->detail);
		return 1;
	}
	fx_free(&fx);
	return 0;
}

static void
netns_case(const char *hook, const char *rule, const char *want,
    const char *why)
{
	pid_t	pid;
	int	st;

	if (geteuid() != 0 || system("nft --version >/dev/null 2>&1") != 0)
		skip();
	if ((pid = fork()) == 0)
		_exit(netns_child(hook, rule, want, why));
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
test_probe_prohibited(void **state)
{
	(void)state;
	/* On input: the ICMP comes back through the error queue. */
	netns_case("input", "reject with icmp type admin-prohibited",
	    "coap.udp_blocked", "type 3 code 13");
}

static void
test_probe_output_drop(void **state)
{
	(void)state;
	/* On output: the send itself fails with EPERM. */
	netns_case("output", "drop", "coap.udp_blocked", "local firewall");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide_answers),
		cmocka_unit_test(test_decide_prohibited),
		cmocka_unit_test(test_decide_port_unreachable),
		cmocka_unit_test(test_decide_not_internet),
		cmocka_unit_test(test_decide_unreachable),
		cmocka_unit_test(test_decide_silence_and_failures),
		cmocka_unit_test(test_icmp_classify),
		cmocka_unit_test(test_probe_reset),
		cmocka_unit_test(test_probe_ack),
		cmocka_unit_test(test_probe_port_unreachable),
		cmocka_unit_test(test_probe_not_internet),
		cmocka_unit_test(test_probe_ipv6_only),
		cmocka_unit_test(test_probe_silent),
		cmocka_unit_test(test_probe_silent_retries),
		cmocka_unit_test(test_probe_unresolved),
		cmocka_unit_test(test_probe_clears),
		cmocka_unit_test(test_probe_prohibited),
		cmocka_unit_test(test_probe_output_drop),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
