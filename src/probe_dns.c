/*
 * The dns probe: does cloud.host resolve, and to an address a cloud can
 * have?  getaddrinfo runs in its own thread (resolve.c), so a resolver
 * that never answers costs probes.timeout per try, not its own timeouts.
 * "No such name" is final; silence and SERVFAIL are tried again, up to
 * probes.retries times.  The Core speaks IPv4 only: its A records decide
 * (none at all is cloud.dns_failed, one this host, its networks or a
 * special-use range has is cloud.dns_hijacked); AAAA records are listed
 * beside them as information.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_config.h"
#include "probe.h"
#include "addr_class.h"
#include "probe_net.h"
#include "resolve.h"
#include "util.h"

struct dns_probe {
	struct cd_probe_run	*run;
	uv_loop_t		*loop;
	uv_timer_t		 timer;		/* this try's timeout */
	struct cd_resolve	*lookup;
	char			*host;
	char			 subject[300];
	unsigned		 tries;
	struct cd_local		 local;
};

static const char *const dns_ids[] = {
	"cloud.dns_failed", "cloud.dns_hijacked", NULL,
};

static void	dns_try(struct dns_probe *q);

static void
dns_freed(uv_handle_t *h)
{
	struct dns_probe *q = h->data;

	free(q->host);
	free(q);
}

static void
dns_free(struct dns_probe *q)
{
	cd_resolve_abandon(q->lookup);
	q->lookup = NULL;
	q->run = NULL;
	uv_close((uv_handle_t *)&q->timer, dns_freed);
}

static void
dns_finish(struct dns_probe *q, const struct cd_probe_verdict *v)
{
	struct cd_probe_run *run = q->run;

	cd_probe_conclude(run, dns_ids, q->subject, v);
	dns_free(q);
}

static void
dns_failed(struct dns_probe *q, const char *word, const char *why)
{
	struct cd_probe_verdict v;

	cd_dns_decide_failed(q->host, word, &v);
	snprintf(v.detail, sizeof(v.detail), "%s: %s (%u %s, %llu ms)",
	    q->host, why, q->tries, q->tries == 1 ? "try" : "tries",
	    (unsigned long long)cd_probe_elapsed_ms(q->run));
	dns_finish(q, &v);
}

static void
dns_resolved(struct dns_probe *q, const struct addrinfo *res)
{
	struct cd_probe_verdict	v;
	struct cd_dns_count	c;
	char			addrs[768];

	cd_dns_describe(res, &q->local, addrs, sizeof(addrs), &c);
	cd_dns_decide(q->host, &c, &v);
	snprintf(v.detail, sizeof(v.detail), "%s -> %s (%llu ms)", q->host,
	    addrs, (unsigned long long)cd_probe_elapsed_ms(q->run));
	dns_finish(q, &v);
}

static void
dns_answer(void *arg, int status, const struct addrinfo *res, const char *why)
{
	struct dns_probe *q = arg;

	q->lookup = NULL;
	uv_timer_stop(&q->timer);
	if (status == 0 && res != NULL)
		dns_resolved(q, res);
	else if (status == 0)
		dns_failed(q, "failed", "no address");
	else if (cd_dns_retryable(status) && q->tries < cd_probe_tries(q->run) &&
	    cd_probe_wait_ms(q->run) > 0)
		dns_try(q);
	else
		dns_failed(q, cd_dns_retryable(status) ? "no_answer" :
		    "failed", why);
}

static void
dns_timeout(uv_timer_t *t)
{
	struct dns_probe	*q = t->data;
	char			 why[64];

	cd_resolve_abandon(q->lookup);
	q->lookup = NULL;
	if (q->tries < cd_probe_tries(q->run) && cd_probe_wait_ms(q->run) > 0) {
		dns_try(q);
		return;
	}
	snprintf(why, sizeof(why), "no answer within %llu ms",
	    (unsigned long long)q->run->timeout_ms);
	dns_failed(q, "no_answer", why);
}

static void
dns_try(struct dns_probe *q)
{
	struct addrinfo	hints = { .ai_family = AF_UNSPEC,
			    .ai_socktype = SOCK_STREAM };
	int		rc;

	q->tries++;
	rc = cd_resolve_start(q->loop, q->host, NULL, &hints, dns_answer, q,
	    &q->lookup);
	if (rc < 0) {
		dns_failed(q, "failed", strerror(-rc));
		return;
	}
	uv_timer_start(&q->timer, dns_timeout, cd_probe_wait_ms(q->run), 0);
}

static bool
dns_enabled(const struct cd_config *cfg)
{
	return cfg->probes.dns;
}

static int
dns_start(struct cd_probe_run *run)
{
	const struct cd_config	*cfg = cd_probe_cfg(run);
	struct dns_probe	*q = cd_calloc(1, sizeof(*q));

	q->run = run;
	q->loop = cd_probe_loop(run);
	q->host = cd_strdup(cfg->cloud.host);
	cd_cloud_subject(cfg, q->subject, sizeof(q->subject));
	cd_local_load(&q->local);
	uv_timer_init(q->loop, &q->timer);
	q->timer.data = q;
	run->priv = q;
	dns_try(q);
	return 0;
}

static void
dns_cancel(struct cd_probe_run *run)
{
	struct dns_probe *q = run->priv;

	if (q == NULL)
		return;
	run->priv = NULL;
	dns_free(q);
}

/* The budget is spent: this try's silence is the answer. */
static void
dns_expire(struct cd_probe_run *run)
{
	struct dns_probe *q = run->priv;

	if (q != NULL)
		dns_timeout(&q->timer);
}

const struct cd_probe_ops cd_probe_dns = {
	.name = "dns",
	.enabled = dns_enabled,
	.start = dns_start,
	.cancel = dns_cancel,
	.expire = dns_expire,
};
