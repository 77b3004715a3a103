/*
 * --read: a capture file analysed offline.  The passive analysis (decoders
 * and the Core tracker) plugs in here; until it does, packets are counted.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdio.h>

#include "daemon.h"
#include "log.h"
#include "report.h"

struct capture_stats {
	unsigned long	packets;
	unsigned long	damaged;
};

static int
read_all(pcap_t *p, const char *file, struct capture_stats *cs)
{
	struct pcap_pkthdr	*h;
	const u_char		*data;
	int			 rc;

	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		cs->packets++;
		if (h->caplen > h->len)
			cs->damaged++;
	}
	if (rc == PCAP_ERROR) {
		/* A truncated file ends the read; what came before counts. */
		fprintf(stderr, "corediagd: %s: after packet %lu: %s\n", file,
		    cs->packets, pcap_geterr(p));
		cs->damaged++;
	}
	return 0;
}

int
cd_offline_read(struct cd_daemon *d, const char *file, bool json)
{
	char			 errbuf[PCAP_ERRBUF_SIZE];
	struct capture_stats	 cs = { 0, 0 };
	struct json_object	*doc, *cap;
	pcap_t			*p;
	int			 code;

	if ((p = pcap_open_offline(file, errbuf)) == NULL) {
		fprintf(stderr, "corediagd: %s: cannot read capture: %s\n",
		    file, errbuf);
		return 3;
	}
	read_all(p, file, &cs);
	pcap_close(p);
	fprintf(stderr, "corediagd: %s: passive analysis is not in this "
	    "build yet: packets were counted, not analysed\n", file);
	doc = cd_daemon_report(d);
	cap = json_object_new_object();
	json_object_object_add(cap, "file", json_object_new_string(file));
	json_object_object_add(cap, "packets",
	    json_object_new_int64((int64_t)cs.packets));
	json_object_object_add(cap, "damaged",
	    json_object_new_int64((int64_t)cs.damaged));
	json_object_object_add(doc, "capture", cap);
	code = cd_daemon_print(doc, json);
	json_object_put(doc);
	return code;
}
