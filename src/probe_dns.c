/*
 * The dns probe: does cloud.host resolve, and to an address a cloud can
 * have?  getaddrinfo runs in its own thread (resolve.c), so a resolver
 * that never answers costs probes.timeout per try, not its own timeouts.
 * "No such name" is final; silence and SERVFAIL are tried again, up to
 * probes.retries times.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd_config.h"
#include "daemon.h"
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
	uint64_t		 timeout_ms;
	unsigned		 tries, max_tries;
	uint64_t		 t0;		/* uv_now at the first try */
};

static void	dns_try(struct dns_probe *q);

bool
cd_dns_retryable(int status)
{
	switch (status) {
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
	case EAI_FAIL:
	case EAI_SERVICE:
	case EAI_FAMILY:
	case EAI_BADFLAGS:
		return false;
	default:
		return true;
	}
}

int
cd_dns_describe(const struct addrinfo *res, char *buf, size_t len)
{
	const struct addrinfo	*ai;
	const char		*what;
	char			 addr[64];
	size_t			 n = 0;
	int			 bogus = 0;

	buf[0] = '\0';
	for (ai = res; ai != NULL && n < len; ai = ai->ai_next) {
		cd_addr_str(ai->ai_addr, addr, sizeof(addr));
		what = cd_addr_bogus(ai->ai_addr);
		bogus += what != NULL;
		n += (size_t)snprintf(buf + n, len - n, "%s%s%s%s%s",
		    n ? ", " : "", addr, what ? " (" : "", what ? what : "",
		    what ? ")" : "");
	}
	return bogus;
}

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
dns_finish(struct dns_probe *q, const char *word, const char *detail,
    enum cd_probe_reach reach)
{
	struct cd_probe_run *run = q->run;

	run->priv = NULL;
	run->reach = reach;
	dns_free(q);
	cd_probe_done(run, word, detail);
}

/* The name does not resolve, or resolves where no cloud is: one or none. */
static const char *const dns_family[] = {
	"cloud.dns_failed", "cloud.dns_hijacked", NULL,
};

static void
dns_failed(struct dns_probe *q, const char *word, const char *why)
{
	char	summary[320], detail[512];

	snprintf(summary, sizeof(summary), "%s does not resolve", q->host);
	snprintf(detail, sizeof(detail), "%s: %s (%u %s, %llu ms)", q->host,
	    why, q->tries, q->tries == 1 ? "try" : "tries",
	    (unsigned long long)(uv_now(q->loop) - q->t0));
	cd_probe_raise_one(q->run, dns_family, "cloud.dns_failed", q->subject,
	    summary, detail);
	dns_finish(q, word, detail, CD_REACH_NONE);
}

static void
dns_resolved(struct dns_probe *q, const struct addrinfo *res)
{
	char	addrs[768], summary[400], detail[1024];
	int	bogus;

	bogus = cd_dns_describe(res, addrs, sizeof(addrs));
	snprintf(detail, sizeof(detail), "%s -> %s (%llu ms)", q->host, addrs,
	    (unsigned long long)(uv_now(q->loop) - q->t0));
	snprintf(summary, sizeof(summary), "%s resolves to an address "
	    "no public cloud has", q->host);
	cd_probe_raise_one(q->run, dns_family, bogus > 0 ?
	    "cloud.dns_hijacked" : NULL, q->subject, summary, detail);
	dns_finish(q, bogus ? "hijacked" : "ok", detail, CD_REACH_ANSWERED);
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
	else if (cd_dns_retryable(status) && q->tries < q->max_tries)
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
	if (q->tries < q->max_tries) {
		dns_try(q);
		return;
	}
	snprintf(why, sizeof(why), "no answer within %llu ms",
	    (unsigned long long)q->timeout_ms);
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
	uv_timer_start(&q->timer, dns_timeout, q->timeout_ms, 0);
}

static bool
dns_enabled(const struct cd_config *cfg)
{
	return cfg->probes.dns;
}

static int
dns_start(struct cd_probe_run *run)
{
	const struct cd_config	*cfg = cd_probe_daemon(run)->cfg;
	struct dns_probe	*q = cd_calloc(1, sizeof(*q));

	q->run = run;
	q->loop = cd_probe_daemon(run)->loop;
	q->host = cd_strdup(cfg->cloud.host);
	cd_cloud_subject(cfg, q->subject, sizeof(q->subject));
	q->timeout_ms = cfg->probes.timeout_ms;
	q->max_tries = cfg->probes.retries + 1;
	q->t0 = uv_now(q->loop);
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

const struct cd_probe_ops cd_probe_dns = {
	.name = "dns",
	.enabled = dns_enabled,
	.start = dns_start,
	.cancel = dns_cancel,
};
