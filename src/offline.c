/*
 * --read: a capture file analysed offline.  Every record goes through the
 * path the live capture uses (decode, then the Core tracker) with the
 * file's own packet times as the clock; at the end the timeouts still
 * pending are judged at the last packet's time, and the exchanges the
 * capture cut short are judged when their evidence is decisive already
 * (cd_tracker_end), so a file gives the same findings however fast and
 * whenever it is read.
 *
 * No capture filter is applied: the tracker ignores what the live filter
 * would have dropped, and every record is decoded, so damage anywhere in
 * the file is counted.  A record libpcap cannot read (a truncated file)
 * ends the read: what came before it counts.  The report's "generated"
 * is the last packet's time, so the same file gives the same document.
 *
 * A pcapng file also records what its capture dropped (Interface
 * Statistics Blocks, which libpcap's reader skips): read again from the
 * start once libpcap is done with it, each interface that dropped
 * packets raises sniff.drops, as the live capture does.
 */
#include "config.h"

#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "daemon.h"
#include "log.h"
#include "pcapng_stats.h"
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

/* "sniff:eth0", or "sniff:1" for an interface the file leaves unnamed. */
static void
drops_subject(const struct cd_pcapng_if *pi, char *buf, size_t len)
{
	if (pi->name[0] != '\0')
		snprintf(buf, len, "sniff:%s", pi->name);
	else
		snprintf(buf, len, "sniff:%" PRIu32, pi->id);
}

/*
 * Of the interfaces from ifs[from] on with this subject (one per section
 * that describes it), the one that recorded the most drops.  Sections
 * follow each other when ring-buffer files are concatenated, each with
 * counters cumulative since the capture began: the largest is the
 * truest, and adding them would count drops twice.  NULL if the subject
 * already came up before ifs[from].
 */
static const struct cd_pcapng_if *
drops_worst(const struct cd_pcapng_drops *pd, unsigned from,
    const char *subject)
{
	const struct cd_pcapng_if	*best = NULL;
	char				 s[CD_PCAPNG_NAME_MAX + 16];
	unsigned			 i;

	for (i = 0; i < pd->nifs; i++) {
		if (!pd->ifs[i].has_drops)
			continue;
		drops_subject(&pd->ifs[i], s, sizeof(s));
		if (strcmp(s, subject) != 0)
			continue;
		if (i < from)
			return NULL;
		if (best == NULL || cd_pcapng_if_dropped(&pd->ifs[i]) >=
		    cd_pcapng_if_dropped(best))
			best = &pd->ifs[i];
	}
	return best;
}

static void
raise_drops(struct cd_daemon *d, const struct cd_pcapng_if *pi,
    const char *subject, int64_t when)
{
	struct cd_finding_spec	spec;
	char			detail[256], on[CD_PCAPNG_NAME_MAX + 16];

	if (pi->name[0] != '\0')
		snprintf(on, sizeof(on), "%s", pi->name);
	else
		snprintf(on, sizeof(on), "interface %" PRIu32, pi->id);
	snprintf(detail, sizeof(detail), "the capture file records %" PRIu64
	    " packets dropped on %s (%" PRIu64 " by the interface, %" PRIu64
	    " by the OS)", cd_pcapng_if_dropped(pi), on, pi->ifdrop,
	    pi->osdrop);
	memset(&spec, 0, sizeof(spec));
	spec.id = "sniff.drops";
	spec.subject = subject;
	spec.summary = "the capture dropped packets";
	spec.detail = detail;
	spec.severity = CD_SEV_DEFAULT;
	spec.source = CD_SRC_SNIFF;
	cd_finding_raise(&d->findings, &spec, pi->ts_valid ? pi->ts_ms : when);
}

/*
 * sniff.drops for each interface whose ISBs record drops, at its last
 * ISB's time (else when).  The total dropped, or -1 when the file
 * records no drop counters (not pcapng, no ISB, not seekable).
 */
static int64_t
file_drops(struct cd_daemon *d, pcap_t *p, int64_t when)
{
	struct cd_pcapng_drops		*pd;
	const struct cd_pcapng_if	*pi;
	FILE				*f = pcap_file(p);
	char				 subject[CD_PCAPNG_NAME_MAX + 16];
	uint64_t			 total = 0;
	bool				 any = false;

	/* libpcap is done with its stream; a pipe cannot be read again. */
	if (f == NULL || fseeko(f, 0, SEEK_SET) != 0)
		return -1;
	pd = cd_calloc(1, sizeof(*pd));
	if (cd_pcapng_drops(f, pd) < 0) {	/* not pcapng */
		free(pd);
		return -1;
	}
	for (unsigned i = 0; i < pd->nifs; i++) {
		if (!pd->ifs[i].has_drops)
			continue;
		drops_subject(&pd->ifs[i], subject, sizeof(subject));
		if ((pi = drops_worst(pd, i, subject)) == NULL)
			continue;
		any = true;
		total = cd_pcapng_if_dropped(pi) > UINT64_MAX - total ?
		    UINT64_MAX : total + cd_pcapng_if_dropped(pi);
		if (cd_pcapng_if_dropped(pi) > 0)
			raise_drops(d, pi, subject, when);
	}
	if (pd->damaged)
		log_debug("pcapng: blocks unreadable after block %lu",
		    pd->blocks);
	free(pd);
	return any ? (int64_t)(total > INT64_MAX ? INT64_MAX : total) : -1;
}

static struct json_object *
summary(const struct cd_capture *cap, const char *name, const char *error,
    int64_t dropped)
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
	json_object_object_add(o, "dropped", dropped >= 0 ?
	    json_object_new_int64(dropped) : NULL);
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
	int64_t			 end, dropped;
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
	end = cap.packets > 0 ? cap.last_ms : cd_now_ms();
	if (cap.packets > 0)
		cd_tracker_end(cap.trk, cap.last_ms);
	cd_tracker_free(cap.trk);
	dropped = file_drops(d, p, end);
	doc = cd_report_json(&d->findings, &d->state, d->host, end);
	json_object_object_add(doc, "capture", summary(&cap, name, error,
	    dropped));
	return doc;
}

pcap_t *
cd_offline_open(const char *file)
{
	char	 errbuf[PCAP_ERRBUF_SIZE];
	pcap_t	*p;

	if ((p = pcap_open_offline(file, errbuf)) == NULL)
		fprintf(stderr, "corediagd: %s: cannot read capture: %s\n",
		    file, errbuf);
	return p;
}

int
cd_offline_read(struct cd_daemon *d, const char *file, bool json)
{
	pcap_t	*p;

	if ((p = cd_offline_open(file)) == NULL)
		return 3;
	return cd_offline_read_pcap(d, p, file, json);
}

int
cd_offline_read_pcap(struct cd_daemon *d, pcap_t *p, const char *file,
    bool json)
{
	struct json_object	*doc, *cap, *err = NULL;
	int			 code;
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
