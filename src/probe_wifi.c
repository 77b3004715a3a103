/*
 * The wifi probe: one Wi-Fi inspection (wifi.c) per run, against the
 * kernel over nl80211 and the configured hostapd.conf / UCI files.  The
 * netlink dumps may wait on the socket (bounded by a receive timeout, see
 * wifi_nl80211.c), so they run on libuv's thread pool; the files (a few
 * kilobytes) and the decisions then run on the loop.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>

#include "cd_config.h"
#include "probe.h"
#include "util.h"
#include "wifi.h"

struct wifi_job {
	uv_work_t		 work;
	struct cd_probe_run	*run;
	struct cd_wifi_kread	 kr;
	bool			 cancelled;
};

static bool
wifi_enabled(const struct cd_config *cfg)
{
	return cfg->probes.wifi;
}

/* On a worker thread: only the kernel read, no daemon state. */
static void
wifi_work(uv_work_t *w)
{
	struct wifi_job *job = container_of(w, struct wifi_job, work);

	cd_wifi_kread(&cd_wifi_nl80211, &job->kr);
}

static void
wifi_after(uv_work_t *w, int status)
{
	struct wifi_job		*job = container_of(w, struct wifi_job, work);
	struct cd_probe_run	*run = job->run;
	struct cd_wifi_outcome	 out;

	if (!job->cancelled && status == 0) {
		cd_wifi_inspect_read(cd_probe_cfg(run), &job->kr,
		    cd_probe_findings(run), cd_probe_state(run), cd_now_ms(),
		    &out);
		cd_probe_done(run, CD_REACH_UNKNOWN, out.result, out.detail);
	}
	cd_wifi_kread_free(&job->kr);
	free(job);
}

static int
wifi_start(struct cd_probe_run *run)
{
	struct wifi_job		*job = cd_calloc(1, sizeof(*job));
	int			 rc;

	job->run = run;
	if ((rc = uv_queue_work(cd_probe_loop(run), &job->work, wifi_work,
	    wifi_after)) < 0) {
		free(job);
		return rc;
	}
	run->priv = job;
	return 0;
}

/* A job already running finishes on its thread; its result is dropped. */
static void
wifi_cancel(struct cd_probe_run *run)
{
	struct wifi_job *job = run->priv;

	if (job == NULL)
		return;
	job->cancelled = true;
	run->priv = NULL;
	uv_cancel((uv_req_t *)&job->work);
}

const struct cd_probe_ops cd_probe_wifi = {
	.name = "wifi",
	.enabled = wifi_enabled,
	.start = wifi_start,
	.cancel = wifi_cancel,
};
