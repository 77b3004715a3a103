/*
 * The dns probe: which answers are bogus (cloud.dns_hijacked), which
 * failures are final, and the probe on a loop against a stand-in resolver
 * that answers, fails, or hangs past every timeout.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "addr_class.h"
#include "probe_fixture.h"
#include "probe_net.h"
#include "resolve.h"
#include "util.h"

#define SUBJECT	"cloud:cloud.cdlab.test:5683"

static const char *
classify(const char *addr)
{
	struct addrinfo	hints = { .ai_flags = AI_NUMERICHOST }, *res;
	static char	what[64];
	const char	*w;

	assert_int_equal(getaddrinfo(addr, NULL, &hints, &res), 0);
	w = cd_addr_bogus(res->ai_addr);
	snprintf(what, sizeof(what), "%s", w ? w : "-");
	freeaddrinfo(res);
	return what;
}

static void
test_classes_v4(void **state)
{
	(void)state;
	assert_string_equal(classify("0.1.2.3"), "this network");
	assert_string_equal(classify("10.0.0.1"), "private");
	assert_string_equal(classify("100.63.255.255"), "-");
	assert_string_equal(classify("100.64.0.1"), "shared (CGNAT)");
	assert_string_equal(classify("100.127.255.255"), "shared (CGNAT)");
	assert_string_equal(classify("100.128.0.0"), "-");
	assert_string_equal(classify("127.0.0.1"), "loopback");
	assert_string_equal(classify("169.254.1.1"), "link-local");
	assert_string_equal(classify("172.15.255.255"), "-");
	assert_string_equal(classify("172.16.0.0"), "private");
	assert_string_equal(classify("172.31.255.255"), "private");
	assert_string_equal(classify("172.32.0.0"), "-");
	assert_string_equal(classify("192.168.1.1"), "private");
	assert_string_equal(classify("192.169.0.1"), "-");
	assert_string_equal(classify("54.208.229.4"), "-");
	/* The test lab's range is not flagged. */
	assert_string_equal(classify("198.18.0.1"), "-");
	assert_string_equal(classify("198.18.100.10"), "-");
	assert_string_equal(classify("198.19.255.255"), "-");
}

static void
test_classes_v6(void **state)
{
	(void)state;
	assert_string_equal(classify("::1"), "loopback");
	assert_string_equal(classify("::"), "unspecified");
	assert_string_equal(classify("fc00::1"), "unique local");
	assert_string_equal(classify("fdff:ffff::1"), "unique local");
	assert_string_equal(classify("fbff::1"), "-");
	assert_string_equal(classify("fe80::1"), "link-local");
	assert_string_equal(classify("febf::1"), "link-local");
	assert_string_equal(classify("fec0::1"), "-");
	assert_string_equal(classify("2600:1f18::1"), "-");
	assert_string_equal(classify("::ffff:10.1.2.3"), "private");
	assert_string_equal(classify("::ffff:198.18.100.10"), "-");
}

static const char *
where(const char *addr, const struct cd_local *l)
{
	struct addrinfo	hints = { .ai_flags = AI_NUMERICHOST }, *res;
	static char	buf[80];
	const char	*what;
	enum cd_where	w;

	assert_int_equal(getaddrinfo(addr, NULL, &hints, &res), 0);
	w = cd_addr_where(res->ai_addr, l, &what);
	snprintf(buf, sizeof(buf), "%s%s%s", w == CD_WHERE_INTERNET ?
	    "internet" : w == CD_WHERE_HOST ? "host" : "local",
	    what ? ": " : "", what ? what : "");
	freeaddrinfo(res);
	return buf;
}

static void
local_add(struct cd_local *l, enum cd_local_kind kind, const char *addr,
    unsigned plen)
{
	struct addrinfo	hints = { .ai_flags = AI_NUMERICHOST }, *res;

	assert_int_equal(getaddrinfo(addr, NULL, &hints, &res), 0);
	cd_local_add(l, kind, res->ai_addr, plen);
	freeaddrinfo(res);
}

/* Unreached means unreached: this host, its gateway, its networks. */
static void
test_where(void **state)
{
	struct cd_local l = { .n = 0 };

	(void)state;
	local_add(&l, CD_LOCAL_SELF, "198.18.1.1", 32);
	local_add(&l, CD_LOCAL_LAN, "198.18.1.1", 24);
	local_add(&l, CD_LOCAL_SELF, "198.18.0.2", 32);
	local_add(&l, CD_LOCAL_LAN, "198.18.0.2", 24);
	local_add(&l, CD_LOCAL_GATEWAY, "198.18.0.1", 32);
	assert_string_equal(where("198.18.1.1", &l),
	    "host: this host's own address");
	assert_string_equal(where("::ffff:198.18.1.1", &l),
	    "host: this host's own address");
	assert_string_equal(where("198.18.0.1", &l),
	    "host: this host's gateway");
	assert_string_equal(where("198.18.1.77", &l),
	    "local: on this host's own network");
	assert_string_equal(where("192.168.1.1", &l), "local: private");
	assert_string_equal(where("100.64.0.1", &l), "local: shared (CGNAT)");
	assert_string_equal(where("192.0.2.1", &l), "local: documentation");
	assert_string_equal(where("224.0.0.1", &l), "local: multicast");
	/* 198.18.0.0/15 beyond this host's networks is the internet. */
	assert_string_equal(where("198.18.100.10", &l), "internet");
	assert_string_equal(where("54.208.229.4", &l), "internet");
	assert_string_equal(where("2001:db8::10", &l), "local: documentation");
	assert_string_equal(where("54.208.229.4", NULL), "internet");
	assert_string_equal(where("10.0.0.1", NULL), "local: private");
}

static void
test_retryable(void **state)
{
	(void)state;
	assert_false(cd_dns_retryable(EAI_NONAME));	/* NXDOMAIN: final */
	assert_false(cd_dns_retryable(EAI_FAIL));
	assert_true(cd_dns_retryable(EAI_AGAIN));	/* SERVFAIL, timeout */
	assert_true(cd_dns_retryable(EAI_SYSTEM));
}

/* --- a stand-in resolver ------------------------------------------------ */

enum mode { ANSWER, FAIL_NONAME, FAIL_AGAIN, HANG };

static struct {
	enum mode	 mode;
	const char	*addrs;		/* comma-separated numeric answers */
	int		 calls;
	sem_t		 release, returned;
} fake;

static int
append(const char *addr, struct addrinfo **tail)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST,
			    .ai_socktype = SOCK_STREAM };

	return getaddrinfo(addr, NULL, &hints, tail);
}

static int
fake_gai(const char *host, const char *service, const struct addrinfo *hints,
    struct addrinfo **res)
{
	char	 buf[256], *p, *tok;
	struct addrinfo **tail = res;

	(void)service;
	(void)hints;
	if (strcmp(host, "cloud.cdlab.test") != 0)	/* no cmocka off the main thread */
		return EAI_FAIL;
	__atomic_add_fetch(&fake.calls, 1, __ATOMIC_SEQ_CST);
	switch (fake.mode) {
	case FAIL_NONAME:
		return EAI_NONAME;
	case FAIL_AGAIN:
		return EAI_AGAIN;
	case HANG:
		sem_wait(&fake.release);
		sem_post(&fake.returned);
		return EAI_AGAIN;
	default:
		break;
	}
	snprintf(buf, sizeof(buf), "%s", fake.addrs);
	*res = NULL;
	for (p = buf; (tok = strsep(&p, ",")) != NULL;) {
		if (append(tok, tail) != 0)
			return EAI_FAIL;
		while (*tail != NULL)
			tail = &(*tail)->ai_next;
	}
	return 0;
}

static int
setup(void **state)
{
	struct pfx *fx = pfx_new();

	memset(&fake, 0, sizeof(fake));
	sem_init(&fake.release, 0, 0);
	sem_init(&fake.returned, 0, 0);
	cd_resolve_getaddrinfo = fake_gai;
	fx->cfg->probes.dns = true;
	cd_setstr(&fx->cfg->cloud.host, "cloud.cdlab.test");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	pfx_free(*state);
	cd_resolve_getaddrinfo = getaddrinfo;
	sem_destroy(&fake.release);
	sem_destroy(&fake.returned);
	return 0;
}

/* --- the probe on a loop ------------------------------------------------ */

static void
test_resolves(void **state)
{
	struct pfx			*fx = *state;
	const struct cd_probe_result	*r;

	fake.addrs = "198.18.100.10";
	pfx_run(fx, "dns");
	r = pfx_result(fx, "dns");
	assert_non_null(r);
	assert_string_equal(r->result, "ok");
	assert_non_null(strstr(r->detail, "cloud.cdlab.test -> 198.18.100.10"));
	assert_int_equal(pfx_count_active(fx, "cloud.dns"), 0);
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 0);
}

/* Resolve to addrs: the result word, and finding id active. */
static const struct cd_finding *
resolve_to(struct pfx *fx, const char *addrs, const char *result,
    const char *id)
{
	const struct cd_finding *f;

	fake.addrs = addrs;
	pfx_run(fx, "dns");
	assert_string_equal(pfx_result(fx, "dns")->result, result);
	f = pfx_finding(fx, id, SUBJECT);
	assert_non_null(f);
	assert_true(f->active);
	return f;
}

static void
test_hijacked_then_cleared(void **state)
{
	struct pfx		*fx = *state;
	const struct cd_finding	*f;

	f = resolve_to(fx, "192.168.1.1,198.18.100.10,fd12:3456::1",
	    "hijacked", "cloud.dns_hijacked");
	assert_int_equal(f->severity, CD_SEV_WARNING);
	assert_non_null(strstr(f->detail, "192.168.1.1 (private)"));
	/* IPv6 is information: the Core speaks IPv4 only. */
	assert_non_null(strstr(f->detail,
	    "fd12:3456::1 (IPv6, information only; "));
	assert_null(strstr(f->detail, "198.18.100.10 ("));
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 1);

	fake.addrs = "198.18.100.10";
	pfx_run(fx, "dns");
	assert_false(pfx_active(fx, "cloud.dns_hijacked", SUBJECT));
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 0);
}

/* Only AAAA records: the Core, IPv4 only, cannot reach the cloud. */
static void
test_ipv6_only(void **state)
{
	struct pfx		*fx = *state;
	const struct cd_finding	*f;

	f = resolve_to(fx, "2600:1f18::10", "no_ipv4", "cloud.dns_failed");
	assert_non_null(strstr(f->summary, "no IPv4 address"));
	assert_non_null(strstr(f->detail,
	    "2600:1f18::10 (IPv6, information only)"));
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 2);

	/* With an A record beside it, the AAAA is information only. */
	fake.addrs = "2600:1f18::10,198.18.100.10";
	pfx_run(fx, "dns");
	assert_string_equal(pfx_result(fx, "dns")->result, "ok");
	assert_false(pfx_active(fx, "cloud.dns_failed", SUBJECT));
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 0);
}

static void
test_nxdomain_is_final(void **state)
{
	struct pfx		*fx = *state;
	const struct cd_finding	*f;

	fake.mode = FAIL_NONAME;
	pfx_run(fx, "dns");
	assert_int_equal(fake.calls, 1);
	assert_string_equal(pfx_result(fx, "dns")->result, "failed");
	f = pfx_finding(fx, "cloud.dns_failed", SUBJECT);
	assert_non_null(f);
	assert_true(f->active);
	assert_int_equal(f->severity, CD_SEV_ERROR);
	assert_non_null(strstr(f->detail, "cloud.cdlab.test: "));
	assert_int_equal(cd_findings_exit_code(&fx->d.findings), 2);

	fake.mode = ANSWER;
	fake.addrs = "198.18.100.10";
	pfx_run(fx, "dns");
	assert_false(pfx_active(fx, "cloud.dns_failed", SUBJECT));
}

static void
test_servfail_retried(void **state)
{
	struct pfx *fx = *state;

	fake.mode = FAIL_AGAIN;
	fx->cfg->probes.retries = 2;
	pfx_run(fx, "dns");
	assert_int_equal(fake.calls, 3);
	assert_string_equal(pfx_result(fx, "dns")->result, "no_answer");
	assert_true(pfx_active(fx, "cloud.dns_failed", SUBJECT));
	assert_non_null(strstr(pfx_result(fx, "dns")->detail, "3 tries"));
}

/*
 * A resolver that never answers: the probe gives up after timeout x
 * (retries + 1), and the lookups that answer later are ignored safely.
 */
static void
test_hung_resolver_bounded(void **state)
{
	struct pfx	*fx = *state;
	uint64_t	 ms;

	fake.mode = HANG;
	ms = pfx_run(fx, "dns");
	assert_in_range(ms, 295, 300 + 150);
	assert_int_equal(fake.calls, 2);
	assert_string_equal(pfx_result(fx, "dns")->result, "no_answer");
	assert_non_null(strstr(pfx_result(fx, "dns")->detail,
	    "no answer within 150 ms"));
	assert_true(pfx_active(fx, "cloud.dns_failed", SUBJECT));
	for (int i = 0; i < 2; i++)
		sem_post(&fake.release);
	for (int i = 0; i < 2; i++)
		sem_wait(&fake.returned);
	pfx_spin(fx, 50);
	assert_string_equal(pfx_result(fx, "dns")->result, "no_answer");
}

static void
test_hung_resolver_cancelled(void **state)
{
	struct pfx	*fx = *state;
	char		 err[128];

	fake.mode = HANG;
	assert_int_equal(cd_prober_run(&fx->d.prober, "dns", NULL, NULL, err,
	    sizeof(err)), 0);
	pfx_spin(fx, 50);
	cd_prober_close(&fx->d.prober);
	assert_string_equal(pfx_result(fx, "dns")->result, "cancelled");
	sem_post(&fake.release);
	sem_wait(&fake.returned);
	pfx_spin(fx, 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes_v4),
		cmocka_unit_test(test_classes_v6),
		cmocka_unit_test(test_retryable),
		cmocka_unit_test(test_where),
		cmocka_unit_test_setup_teardown(test_ipv6_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hijacked_then_cleared,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_nxdomain_is_final, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_servfail_retried, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hung_resolver_bounded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hung_resolver_cancelled,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
