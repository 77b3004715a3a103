/*
 * --read: a capture file analysed offline.  Every record goes through the
 * path the live capture uses (decode, then the Core tracker) with the
 * file's own packet times as the clock; at the end the timeouts still
 * pending are judged at the last packet's time, so a file gives the same
 * findings however fast and whenever it is read.
 *
 * No capture filter is applied: the tracker ignores what the live filter
 * would have dropped, and every record is decoded, so damage anywhere in
 * the file is counted.  A record libpcap cannot read (a truncated file)
 * ends the read: what came before it counts.  The report's "generated"
 * is the last packet's time, so the same file gives the same document.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "daemon.h"
#include "log.h"
#include "report.h"
#include "sniff.h"
#include "util.h"

static struct json_object *
json_time(int64_t ms, bool valid)
{
	char buf[32];

	return valid ? json_object_new_string(cd_rfc3339(ms, buf,
	    sizeof(buf))) : NULL;
}

static struct json_object *
summary(const struct cd_capture *cap, const char *name, const char *error)
{
	struct json_object	*o = json_object_new_object();
	bool			 any = cap->packets > 0;

	json_object_object_add(o, "file", json_object_new_string(name));
	json_object_object_add(o, "link_type",
	    json_object_new_string(cd_capture_dlt_name(cap->dlt)));
	json_object_object_add(o, "packets",
	    json_object_new_int64((int64_t)cap->packets));
	json_object_object_add(o, "damaged",
	    json_object_new_int64((int64_t)cap->damaged));
	json_object_object_add(o, "unsupported",
	    json_object_new_int64((int64_t)cap->unsupported));
	json_object_object_add(o, "first_packet", json_time(cap->first_ms,
	    any));
	json_object_object_add(o, "last_packet", json_time(cap->last_ms, any));
	json_object_object_add(o, "error", error != NULL ?
	    json_object_new_string(error) : NULL);
	return o;
}

struct json_object *
cd_offline_report(struct cd_daemon *d, struct pcap *p, const char *name)
{
	struct cd_tracker_conf	 tc;
	struct cd_capture	 cap;
	struct json_object	*doc;
	const char		*error = NULL;
	int			 n;

	memset(&cap, 0, sizeof(cap));
	cd_tracker_conf_from(&tc, d->cfg);
	cap.p = p;
	cap.dlt = pcap_datalink(p);
	cap.trk = cd_tracker_new(&d->findings, &d->state, &tc);
	while ((n = pcap_dispatch(p, -1, cd_capture_handler,
	    (u_char *)&cap)) > 0)
		;
	if (n == PCAP_ERROR) {
		/* The record that broke the read is damaged too. */
		error = pcap_geterr(p);
		cap.damaged++;
	}
	if (cap.packets > 0)
		cd_tracker_tick(cap.trk, cap.last_ms);
	cd_tracker_free(cap.trk);
	doc = cd_report_json(&d->findings, &d->state, d->host,
	    cap.packets > 0 ? cap.last_ms : cd_now_ms());
	json_object_object_add(doc, "capture", summary(&cap, name, error));
	return doc;
}

int
cd_offline_read(struct cd_daemon *d, const char *file, bool json)
{
	char			 errbuf[PCAP_ERRBUF_SIZE];
	struct json_object	*doc, *cap, *err = NULL;
	pcap_t			*p;
	int			 code;

	if ((p = pcap_open_offline(file, errbuf)) == NULL) {
		fprintf(stderr, "corediagd: %s: cannot read capture: %s\n",
		    file, errbuf);
		return 3;
	}
	if (!cd_capture_dlt_supported(pcap_datalink(p)))
		fprintf(stderr, "corediagd: %s: link type %s is not one corediagd "
		    "reads (Ethernet, Linux cooked, raw IP): nothing analysed\n",
		    file, cd_capture_dlt_name(pcap_datalink(p)));
	doc = cd_offline_report(d, p, file);
	pcap_close(p);
	if (json_object_object_get_ex(doc, "capture", &cap) &&
	    json_object_object_get_ex(cap, "error", &err) && err != NULL)
		fprintf(stderr, "corediagd: %s: read stopped: %s\n", file,
		    json_object_get_string(err));
	code = cd_daemon_print(doc, json);
	json_object_put(doc);
	return code;
}
