#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <netinet/in.h>

#include "addr_class.h"
#include "probe_fixture.h"
#include "util.h"

struct pfx *
pfx_new(void)
{
	struct pfx		*fx = calloc(1, sizeof(*fx));
	struct cd_config	*cfg = cd_config_new_default();
	struct sockaddr_in	 lo = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	assert_non_null(fx);
	assert_non_null(cfg);
	/* The tests' servers on 127.0.0.1 stand for the internet. */
	cd_addr_count_as_internet((struct sockaddr *)&lo, 32);
	cfg->probes.coap = cfg->probes.handshake = cfg->probes.dns = false;
	cfg->probes.dhcp = cfg->probes.portal = cfg->probes.wifi = false;
	cfg->probes.timeout_ms = 150;
	cfg->probes.retries = 1;
	cfg->sniff.enabled = false;
	cd_setstr(&cfg->state_dir, "");	/* no history in a system path */
	cd_setstr(&cfg->cloud.host, "127.0.0.1");
	cd_setstr(&cfg->portal.url, "http://127.0.0.1:9/generate_204");
	assert_int_equal(uv_loop_init(&fx->loop), 0);
	cd_daemon_init(&fx->d, &fx->loop, cfg, "test.yaml");
	fx->d.findings.sink = NULL;
	fx->cfg = cfg;
	return fx;
}

static void
walk_open(uv_handle_t *h, void *arg)
{
	if (!uv_is_closing(h))
		(*(int *)arg)++;
}

void
pfx_free(struct pfx *fx)
{
	int open = 0;

	cd_prober_close(&fx->d.prober);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	uv_walk(&fx->loop, walk_open, &open);
	assert_int_equal(open, 0);
	cd_daemon_free(&fx->d);
	assert_int_equal(uv_loop_close(&fx->loop), 0);
	free(fx);
}

static void
answered(void *arg)
{
	((struct pfx *)arg)->answered++;
}

uint64_t
pfx_run(struct pfx *fx, const char *probe)
{
	char		err[256];
	uint64_t	t0 = uv_hrtime();
	int		want = fx->answered + 1;

	assert_int_equal(cd_prober_run(&fx->d.prober, probe, answered, fx,
	    err, sizeof(err)), 0);
	while (fx->answered < want)
		uv_run(&fx->loop, UV_RUN_ONCE);
	return (uv_hrtime() - t0) / 1000000;
}

static void
spin_done(uv_timer_t *t)
{
	*(int *)t->data = 1;
}

void
pfx_spin(struct pfx *fx, uint64_t ms)
{
	uv_timer_t	t;
	int		done = 0;

	uv_timer_init(&fx->loop, &t);
	t.data = &done;
	uv_timer_start(&t, spin_done, ms, 0);
	while (!done)
		uv_run(&fx->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&fx->loop, UV_RUN_NOWAIT);
}

const struct cd_finding *
pfx_finding(struct pfx *fx, const char *id, const char *subject)
{
	return cd_finding_find(&fx->d.findings, id, subject);
}

bool
pfx_active(struct pfx *fx, const char *id, const char *subject)
{
	const struct cd_finding *f = pfx_finding(fx, id, subject);

	return f != NULL && f->active;
}

int
pfx_count_active(struct pfx *fx, const char *prefix)
{
	const struct cd_finding	*f;
	int			 n = 0;

	for (f = fx->d.findings.head; f != NULL; f = f->next)
		n += f->active && strncmp(f->id, prefix, strlen(prefix)) == 0;
	return n;
}

const struct cd_probe_result *
pfx_result(struct pfx *fx, const char *name)
{
	const struct cd_probe_result *r;

	for (r = fx->d.state.probes; r != NULL; r = r->next)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}
