/*
 * The portal probe: is there a captive portal between the router and the
 * internet?  One plain-HTTP GET of portal.url (libcurl on the loop, see
 * curl_uv.c), redirects not followed.  The verdict follows Chrome's
 * detector (see docs/peers-and-pitfalls.md): expect_status is online, a
 * 3xx, a 511 or another 2xx with a body is a portal, no answer or a 5xx is
 * no verdict.  Network errors are tried again, up to probes.retries times.
 * Over IPv4 only, the Core's path.  An answer from this host or its
 * gateway is the router's own web interface (many routers answer every
 * name with themselves while offline), not a portal; neither that nor one
 * from another local or special-use address counts as the internet
 * answering (internet.down).
 * libcurl is loaded by the first run (curl_dl.h); where it is missing the
 * run is `failed` and says so.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr_class.h"
#include "cd_config.h"
#include "curl_dl.h"
#include "curl_uv.h"
#include "probe.h"
#include "probe_net.h"
#include "util.h"

#define PORTAL_SUBJECT	"portal"

struct portal_probe {
	struct cd_probe_run	*run;
	const struct cd_libcurl	*lc;
	uv_loop_t		*loop;
	struct cd_curl		*curl;
	CURL			*easy;
	char			*url;
	int			 expect;
	unsigned		 tries;
	size_t			 body;
	uint64_t		 t0;		/* uv_hrtime at this try's start */
	char			 errbuf[CURL_ERROR_SIZE];
	struct cd_local		 local;
};

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct portal_probe *q = arg;

	(void)p;
	q->body += size * n;
	return size * n;
}

static CURL *
easy_new(struct portal_probe *q)
{
	const struct cd_libcurl	*lc = q->lc;
	CURL			*e;

	if ((e = lc->easy_init()) == NULL)
		return NULL;
	lc->easy_setopt(e, CURLOPT_URL, q->url);
	lc->easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	lc->easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	lc->easy_setopt(e, CURLOPT_PROXY, "");	/* the Core has no proxy */
	lc->easy_setopt(e, CURLOPT_USERAGENT, "corediagd/" PACKAGE_VERSION);
	lc->easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	lc->easy_setopt(e, CURLOPT_WRITEDATA, q);
	lc->easy_setopt(e, CURLOPT_ERRORBUFFER, q->errbuf);
	lc->easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	lc->easy_setopt(e, CURLOPT_IPRESOLVE, (long)CURL_IPRESOLVE_V4);
#if LIBCURL_VERSION_NUM >= 0x075500
	lc->easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http");
#else
	lc->easy_setopt(e, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTP);
#endif
#if LIBCURL_VERSION_NUM >= 0x075700
	/* Never wait for a hung resolver thread when a try is given up. */
	lc->easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
#endif
	return e;
}

static int
portal_try(struct portal_probe *q)
{
	q->tries++;
	q->body = 0;
	q->errbuf[0] = '\0';
	q->t0 = uv_hrtime();
	q->lc->easy_setopt(q->easy, CURLOPT_TIMEOUT_MS,
	    (long)cd_probe_wait_ms(q->run));
	return cd_curl_add(q->curl, q->easy);
}

static void
portal_free(struct portal_probe *q)
{
	if (q->easy != NULL) {
		cd_curl_remove(q->curl, q->easy);
		q->lc->easy_cleanup(q->easy);
	}
	cd_curl_free(q->curl);
	free(q->url);
	free(q);
}

static void
portal_detail(struct portal_probe *q, CURLcode rc, long status, char *buf,
    size_t len)
{
	char	*loc = NULL, tries[32] = "";
	size_t	 n;

	if (q->tries > 1)
		snprintf(tries, sizeof(tries), ", %u tries", q->tries);
	n = (size_t)snprintf(buf, len, "GET %s: ", q->url);
	if (n >= len)
		return;
	if (status <= 0) {
		snprintf(buf + n, len - n, "no answer: %s (%.1f ms%s)",
		    q->errbuf[0] ? q->errbuf : q->lc->easy_strerror(rc),
		    (double)(uv_hrtime() - q->t0) / 1e6, tries);
		return;
	}
	q->lc->easy_getinfo(q->easy, CURLINFO_REDIRECT_URL, &loc);
	snprintf(buf + n, len - n, "HTTP %ld%s%s, %zu-byte body, %d expected "
	    "(%.1f ms%s)", status, loc ? " to " : "", loc ? loc : "", q->body,
	    q->expect, (double)(uv_hrtime() - q->t0) / 1e6, tries);
}

/* Where the answer came from: CD_WHERE_INTERNET, or why not in *what. */
static enum cd_where
portal_where(struct portal_probe *q, const char **what)
{
	struct addrinfo	 hints = { .ai_flags = AI_NUMERICHOST }, *ai;
	char		*ip = NULL;
	enum cd_where	 w = CD_WHERE_INTERNET;

	*what = NULL;
	if (q->lc->easy_getinfo(q->easy, CURLINFO_PRIMARY_IP, &ip) != CURLE_OK ||
	    ip == NULL || getaddrinfo(ip, NULL, &hints, &ai) != 0)
		return w;
	w = cd_addr_where(ai->ai_addr, &q->local, what);
	freeaddrinfo(ai);
	return w;
}

static void
portal_conclude(struct portal_probe *q, CURLcode rc, long status)
{
	static const char *const ids[] = { "portal.detected", NULL };
	struct cd_probe_run	*run = q->run;
	struct cd_probe_verdict	 v;
	enum cd_where		 where = CD_WHERE_INTERNET;
	const char		*what = NULL;
	char			*ip = NULL;
	size_t			 n;

	if (status > 0)
		where = portal_where(q, &what);
	cd_portal_decide(status, q->body, q->expect, where, &v);
	portal_detail(q, rc, status, v.detail, sizeof(v.detail));
	if (where != CD_WHERE_INTERNET) {
		q->lc->easy_getinfo(q->easy, CURLINFO_PRIMARY_IP, &ip);
		n = strlen(v.detail);
		snprintf(v.detail + n, sizeof(v.detail) - n, " from %s (%s), "
		    "not the internet", ip ? ip : "?", what);
	}
	cd_probe_conclude(run, ids, PORTAL_SUBJECT, &v);
	portal_free(q);
}

static void
portal_done(void *arg, CURL *easy, CURLcode rc)
{
	struct portal_probe	*q = arg;
	long			 status = 0;

	q->lc->easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	if (status <= 0 && q->tries < cd_probe_tries(q->run) &&
	    cd_probe_wait_ms(q->run) > 0) {
		cd_curl_remove(q->curl, easy);
		if (portal_try(q) == 0)
			return;
	}
	portal_conclude(q, rc, status);
}

static bool
portal_enabled(const struct cd_config *cfg)
{
	return cfg->probes.portal;
}

static int
portal_start(struct cd_probe_run *run)
{
	const struct cd_config	*cfg = cd_probe_cfg(run);
	const struct cd_libcurl	*lc;
	struct portal_probe	*q;
	char			 err[256];
	int			 rc;

	/* No verdict either way, so no finding: the probe itself failed. */
	if ((lc = cd_libcurl_get(err, sizeof(err))) == NULL) {
		cd_probe_fail(run, err);
		return 0;
	}
	q = cd_calloc(1, sizeof(*q));
	q->run = run;
	q->lc = lc;
	q->loop = cd_probe_loop(run);
	q->url = cd_strdup(cfg->portal.url);
	q->expect = cfg->portal.expect_status;
	cd_local_load(&q->local);
	if ((rc = cd_curl_new(q->loop, portal_done, q, &q->curl)) < 0)
		goto fail;
	rc = -ENOMEM;
	if ((q->easy = easy_new(q)) == NULL || (rc = portal_try(q)) < 0)
		goto fail;
	run->priv = q;
	return 0;
fail:
	if (q->easy != NULL)
		lc->easy_cleanup(q->easy);
	q->easy = NULL;
	cd_curl_free(q->curl);
	free(q->url);
	free(q);
	return rc;
}

static void
portal_cancel(struct cd_probe_run *run)
{
	struct portal_probe *q = run->priv;

	if (q == NULL)
		return;
	run->priv = NULL;
	portal_free(q);
}

/* The budget is spent before libcurl said so: no answer in time. */
static void
portal_expire(struct cd_probe_run *run)
{
	struct portal_probe *q = run->priv;

	if (q != NULL)
		portal_conclude(q, CURLE_OPERATION_TIMEDOUT, 0);
}

const struct cd_probe_ops cd_probe_portal = {
	.name = "portal",
	.enabled = portal_enabled,
	.start = portal_start,
	.cancel = portal_cancel,
	.expire = portal_expire,
};
