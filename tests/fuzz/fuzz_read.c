/*
 * libFuzzer target: the whole --read path on an in-memory capture file
 * (pcap or pcapng, any link type): libpcap's reader, the decoders, the
 * Core tracker, then the report as JSON and as text.  Input: the file.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "report.h"
#include "sniff.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cd_daemon	d;
static uv_loop_t	loop;
static FILE		*devnull;

/* One daemon for every input; its findings and state reset each time. */
static void
init_once(void)
{
	struct cd_config *cfg;

	if (devnull != NULL)
		return;
	if ((cfg = cd_config_new_default()) == NULL ||
	    (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	/* The captures tests/captures/gen.py writes use the lab's names. */
	cd_setstr(&cfg->cloud.host, "cloud.cdlab.test");
	cd_setstr(&cfg->sniff.internet_test_host, "198.18.100.88");
	uv_loop_init(&loop);
	cd_daemon_init(&d, &loop, cfg, NULL);
	d.findings.sink = NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			 errbuf[PCAP_ERRBUF_SIZE];
	struct cd_text_opts	 o = { .colour = 0 };
	struct json_object	*doc;
	FILE			*f;
	pcap_t			*p;

	init_once();
	if (size == 0 || (f = fmemopen((void *)(uintptr_t)data, size,
	    "rb")) == NULL)
		return 0;
	if ((p = pcap_fopen_offline(f, errbuf)) == NULL) {
		fclose(f);
		return 0;
	}
	doc = cd_offline_report(&d, p, "fuzz");
	pcap_close(p);
	if (strlen(json_object_to_json_string(doc)) == 0)
		abort();
	cd_report_text(devnull, doc, &o);
	json_object_put(doc);
	cd_findings_free(&d.findings);
	cd_state_free(&d.state);
	return 0;
}
