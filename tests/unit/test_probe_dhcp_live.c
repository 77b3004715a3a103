/*
 * The dhcp probe on a real loop (as root, each case in a network
 * namespace of its own) against dnsmasq: one server behind a bridge, one
 * on the probe's own interface (the router's case), two servers, a second
 * one 1 s slower than the first, none, one too busy to answer the probe,
 * a link that is not Ethernet; and without CAP_NET_RAW.  Its live capture
 * needs the kernel's packet ring, which qemu-user does not emulate: it
 * runs natively only (scripts/cross says so).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

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

#include "daemon.h"
#include "decode.h"
#include "dhcp_msg.h"
#include "probe_dhcp.h"
#include "util.h"

/*
 * The probe on a loop, in a child process (in a network namespace of its
 * own, as root).  A child must not return into cmocka's runner: its
 * checks print and exit, and a crash kills it.
 */

#define REQUIRE(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c);	\
		_exit(1);						\
	}								\
} while (0)

struct fx {
	uv_loop_t	 loop;
	struct cd_daemon d;
	bool		 done;
	char		 subject[64];
	pid_t		 servers[3];
	int		 nservers;
};

static void
child_prepare(struct fx *fx)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

	for (size_t i = 0; i < nitems(sigs); i++)
		signal(sigs[i], SIG_DFL);
	memset(fx, 0, sizeof(*fx));
}

static void
fx_init(struct fx *fx, const char *iface, uint64_t timeout_ms,
    unsigned retries)
{
	struct cd_config *cfg = cd_config_new_default();

	REQUIRE(cfg != NULL);
	REQUIRE(uv_loop_init(&fx->loop) == 0);
	cd_setstr(&cfg->interfaces.lan, iface);
	cfg->probes.timeout_ms = timeout_ms;
	cfg->probes.retries = retries;
	cd_daemon_init(&fx->d, &fx->loop, cfg, NULL);
	fx->d.findings.sink = NULL;
	snprintf(fx->subject, sizeof(fx->subject), "dhcp:%s", iface);
}

static void
run_done(void *arg)
{
	((struct fx *)arg)->done = true;
}

static uint64_t
fx_run(struct fx *fx)
{
	char		err[256];
	uint64_t	t0 = uv_hrtime();

	fx->done = false;
	REQUIRE(cd_prober_run(&fx->d.prober, "dhcp", run_done, fx, err,
	    sizeof(err)) == 0);
	while (!fx->done && uv_run(&fx->loop, UV_RUN_ONCE) != 0)
		;
	REQUIRE(fx->done);
	return (uv_hrtime() - t0) / 1000000;
}

static int
fx_free(struct fx *fx)
{
	cd_prober_close(&fx->d.prober);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	cd_daemon_free(&fx->d);
	return uv_loop_close(&fx->loop);
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
		if (strcmp(r->name, "dhcp") == 0)
			return r;
	return NULL;
}

/* Child-side checks: print why and fail the child, never longjmp. */
#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s; probe said: %s\n", __FILE__,	\
		    __LINE__, #c, result(fx) ? result(fx)->detail : "-");	\
		return 1;						\
	}								\
} while (0)

static int
sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	char	cmd[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* br0 (the probe's), with servers' veths vA, vB as its ports. */
static int
lan_setup(void)
{
	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	return sh("exec >/dev/null 2>&1; ip link set lo up && "
	    "ip link add br0 type bridge && ip link set br0 up && "
	    "ip addr add 198.18.200.3/24 dev br0 && "
	    "for s in A B; do ip link add v$s type veth peer name p$s && "
	    "ip link set p$s master br0 && ip link set p$s up && "
	    "ip link set v$s up || exit 1; done && "
	    "ip addr add 198.18.200.1/24 dev vA && "
	    "ip addr add 198.18.200.2/24 dev vB") == 0 ? 0 : -1;
}

/* How many sockets listen on UDP port 67 in this namespace. */
static int
dhcp_listeners(void)
{
	char	line[256];
	int	n = 0;
	FILE	*f = fopen("/proc/self/net/udp", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, ":0043 ") != NULL)
			n++;
	fclose(f);
	return n;
}

static void
server_start(struct fx *fx, const char *iface, const char *range,
    const char *extra)
{
	char	ifopt[64], rangeopt[128], more[256], *argv[24];
	pid_t	pid;
	int	want = dhcp_listeners() + 1, argc = 0;

	snprintf(ifopt, sizeof(ifopt), "--interface=%s", iface);
	snprintf(rangeopt, sizeof(rangeopt), "--dhcp-range=%s,120", range);
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		dup2(null, 2);
		const char *fixed[] = { "dnsmasq", "--keep-in-foreground",
		    "--conf-file=/dev/null", "--port=0", "--bind-interfaces",
		    "--no-ping", "--leasefile-ro", "--pid-file=",
		    "--user=root", ifopt, rangeopt };

		for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
			argv[argc++] = (char *)fixed[i];
		/* extra: more options, separated by spaces */
		snprintf(more, sizeof(more), "%s",
		    extra != NULL ? extra : "--log-facility=/dev/null");
		for (char *a = strtok(more, " "); a != NULL && argc < 23;
		    a = strtok(NULL, " "))
			argv[argc++] = a;
		argv[argc] = NULL;
		execvp("dnsmasq", argv);
		_exit(127);
	}
	REQUIRE(pid > 0);
	fx->servers[fx->nservers++] = pid;
	for (int i = 0; i < 100 && dhcp_listeners() < want; i++)
		usleep(20000);
}

static void
server_stop(struct fx *fx, int i)
{
	REQUIRE(fx->servers[i] > 0);
	kill(fx->servers[i], SIGTERM);
	waitpid(fx->servers[i], NULL, 0);
	fx->servers[i] = 0;
}

/* A case that failed half-way leaves no dnsmasq behind. */
static void
servers_stop(struct fx *fx)
{
	for (int i = 0; i < fx->nservers; i++)
		if (fx->servers[i] > 0)
			server_stop(fx, i);
}

static int
child_one_server(struct fx *fx)
{
	uint64_t ms;

	fx_init(fx, "br0", 5000, 1);
	server_start(fx, "vA", "198.18.200.100,198.18.200.149", NULL);
	ms = fx_run(fx);
	server_stop(fx, 0);
	CHECK(strcmp(result(fx)->result, "ok") == 0);
	CHECK(!active(fx, "dhcp.no_offer"));
	CHECK(!active(fx, "dhcp.multiple_servers"));
	CHECK(strstr(result(fx)->detail, "server 198.18.200.1 ") != NULL);
	CHECK(strstr(result(fx)->detail, "offered 198.18.200.1") != NULL);
	/*
	 * Done at the ping-check window (the offer came at once), not at
	 * the timeout (5 s x 2).
	 */
	CHECK(result(fx)->duration_ms >= 3400);
	CHECK(result(fx)->duration_ms < 3700);
	CHECK(ms < 5000);
	CHECK(fx_free(fx) == 0);
	return 0;
}

/* The router's case: the server runs on the probe's own interface. */
static int
child_local_server(struct fx *fx)
{
	fx_init(fx, "br0", 1000, 0);
	server_start(fx, "br0", "198.18.200.100,198.18.200.149", NULL);
	fx_run(fx);
	server_stop(fx, 0);
	CHECK(strcmp(result(fx)->result, "ok") == 0);
	CHECK(strstr(result(fx)->detail, "server 198.18.200.3 ") != NULL);
	CHECK(fx_free(fx) == 0);
	return 0;
}

static int
child_two_servers(struct fx *fx)
{
	fx_init(fx, "br0", 1000, 0);
	server_start(fx, "vA", "198.18.200.100,198.18.200.149", NULL);
	server_start(fx, "vB", "198.18.200.150,198.18.200.199",
	    "--dhcp-option=114,http://portal.cdlab.test/api");
	fx_run(fx);
	CHECK(strcmp(result(fx)->result, "multiple_servers") == 0);
	CHECK(active(fx, "dhcp.multiple_servers"));
	CHECK(!active(fx, "dhcp.no_offer"));
	CHECK(strstr(result(fx)->detail, "server 198.18.200.1 ") != NULL);
	CHECK(strstr(result(fx)->detail, "server 198.18.200.2 ") != NULL);
	CHECK(strstr(result(fx)->detail, "(option 114): "
	    "http://portal.cdlab.test/api") != NULL);
	CHECK(cd_findings_exit_code(&fx->d.findings) == 1);
	/* The rogue one goes: the finding clears. */
	server_stop(fx, 1);
	fx_run(fx);
	server_stop(fx, 0);
	CHECK(strcmp(result(fx)->result, "ok") == 0);
	CHECK(!active(fx, "dhcp.multiple_servers"));
	CHECK(fx_free(fx) == 0);
	return 0;
}

/*
 * A second server that answers 1 s after the first (as one that must ping
 * the address first does, 3 s in dnsmasq): still heard.
 */
static int
child_slow_second_server(struct fx *fx)
{
	fx_init(fx, "br0", 1000, 1);
	server_start(fx, "vA", "198.18.200.100,198.18.200.149", NULL);
	server_start(fx, "vB", "198.18.200.150,198.18.200.199",
	    "--dhcp-reply-delay=1");
	fx_run(fx);
	server_stop(fx, 0);
	server_stop(fx, 1);
	CHECK(strcmp(result(fx)->result, "multiple_servers") == 0);
	CHECK(strstr(result(fx)->detail, "server 198.18.200.2 ") != NULL);
	CHECK(fx_free(fx) == 0);
	return 0;
}

/* Another client's DISCOVER from who on iface, every 100 ms for ms. */
static pid_t
other_client(const char *iface, const uint8_t who[6], unsigned ms)
{
	uint8_t			 payload[300], f[CD_DHCP_FRAME_MAX];
	struct sockaddr_ll	 to = { .sll_family = AF_PACKET };
	size_t			 n;
	pid_t			 pid;
	int			 fd;

	if ((pid = fork()) != 0)
		return pid;
	n = cd_dhcp_discover(payload, sizeof(payload), who, 0x5a5a, 0);
	n = cd_dhcp_frame(f, sizeof(f), who, payload, n);
	to.sll_ifindex = (int)if_nametoindex(iface);
	to.sll_halen = 6;
	memset(to.sll_addr, 0xff, 6);
	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) < 0)
		_exit(1);
	for (unsigned t = 0; t < ms; t += 100) {
		(void)sendto(fd, f, n, 0, (struct sockaddr *)&to, sizeof(to));
		usleep(100000);
	}
	_exit(0);
}

/*
 * A server that answers only the MACs it knows (as one with a full pool
 * answers only its leases' renewals): no offer for the probe, but offers
 * to another client meanwhile.  There is a server, and it is busy: not
 * dhcp.no_offer.
 */
static int
child_busy_server(struct fx *fx)
{
	const uint8_t	known[6] = { 0x02, 0x5a, 0, 0, 0, 0x99 };
	pid_t		pid;

	fx_init(fx, "br0", 500, 1);
	server_start(fx, "vA", "198.18.200.100,198.18.200.149",
	    "--log-facility=/dev/null --dhcp-host=02:5a:00:00:00:99 "
	    "--dhcp-ignore=tag:!known");
	pid = other_client("vB", known, 1500);
	fx_run(fx);
	waitpid(pid, NULL, 0);
	server_stop(fx, 0);
	CHECK(strcmp(result(fx)->result, "busy") == 0);
	CHECK(active(fx, "dhcp.server_busy"));
	CHECK(!active(fx, "dhcp.no_offer"));
	CHECK(strstr(result(fx)->detail, "answer") != NULL);
	CHECK(strstr(result(fx)->detail, "server 198.18.200.1 ") != NULL);
	CHECK(cd_findings_exit_code(&fx->d.findings) == 1);
	CHECK(fx_free(fx) == 0);
	return 0;
}

static int
child_no_server(struct fx *fx)
{
	uint64_t ms;

	fx_init(fx, "br0", 400, 1);
	ms = fx_run(fx);
	CHECK(strcmp(result(fx)->result, "no_offer") == 0);
	CHECK(active(fx, "dhcp.no_offer"));
	CHECK(cd_findings_exit_code(&fx->d.findings) == 2);
	CHECK(strstr(result(fx)->detail, "sent 2 times on br0") != NULL);
	/*
	 * At the run's deadline: not timeout x (retries + 1) = 800 ms, but
	 * the probe's floor, long enough for a server that pings first.
	 */
	CHECK(result(fx)->duration_ms >= CD_DHCP_MIN_BUDGET_MS - 50);
	CHECK(result(fx)->duration_ms <= CD_DHCP_MIN_BUDGET_MS + 100);
	CHECK(ms < CD_DHCP_MIN_BUDGET_MS + 1000);
	CHECK(fx_free(fx) == 0);
	return 0;
}

/* Linux's "any" is no Ethernet link: nothing to send the frame on. */
static int
child_not_ethernet(struct fx *fx)
{
	fx_init(fx, "any", 500, 0);
	fx_run(fx);
	CHECK(strcmp(result(fx)->result, "failed") == 0);
	CHECK(strstr(result(fx)->detail, "not an Ethernet interface") != NULL);
	CHECK(!active(fx, "dhcp.no_offer"));
	CHECK(fx_free(fx) == 0);
	return 0;
}

static void
netns_case(int (*child)(struct fx *))
{
	struct fx	fx;
	pid_t		pid;
	int		st;

	if (geteuid() != 0 || system("command -v dnsmasq >/dev/null") != 0)
		skip();
	if ((pid = fork()) == 0) {
		int rc;

		child_prepare(&fx);
		rc = lan_setup() < 0 ? 77 : child(&fx);
		servers_stop(&fx);
		_exit(rc);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
test_probe_one_server(void **state)
{
	(void)state;
	netns_case(child_one_server);
}

static void
test_probe_local_server(void **state)
{
	(void)state;
	netns_case(child_local_server);
}

static void
test_probe_two_servers(void **state)
{
	(void)state;
	netns_case(child_two_servers);
}

static void
test_probe_slow_second_server(void **state)
{
	(void)state;
	netns_case(child_slow_second_server);
}

static void
test_probe_no_server(void **state)
{
	(void)state;
	netns_case(child_no_server);
}

static void
test_probe_busy_server(void **state)
{
	(void)state;
	netns_case(child_busy_server);
}

static void
test_probe_not_ethernet(void **state)
{
	(void)state;
	netns_case(child_not_ethernet);
}

/* Without CAP_NET_RAW: the result says so; no finding about the LAN. */
static int
child_no_privilege(struct fx *fx)
{
	if (geteuid() == 0 && setresuid(65534, 65534, 65534) < 0)
		return 77;
	fx_init(fx, "lo", 500, 0);
	fx_run(fx);
	CHECK(strcmp(result(fx)->result, "failed") == 0);
	CHECK(strstr(result(fx)->detail, "CAP_NET_RAW") != NULL);
	CHECK(!active(fx, "dhcp.no_offer"));
	CHECK(fx_free(fx) == 0);
	return 0;
}

static void
test_probe_no_privilege(void **state)
{
	struct fx	fx;
	pid_t		pid;
	int		st;

	(void)state;
	if ((pid = fork()) == 0) {
		child_prepare(&fx);
		_exit(child_no_privilege(&fx));
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_no_privilege),
		cmocka_unit_test(test_probe_one_server),
		cmocka_unit_test(test_probe_local_server),
		cmocka_unit_test(test_probe_two_servers),
		cmocka_unit_test(test_probe_slow_second_server),
		cmocka_unit_test(test_probe_no_server),
		cmocka_unit_test(test_probe_busy_server),
		cmocka_unit_test(test_probe_not_ethernet),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
