/*
 * Print corediagd's capture filter for a capture file's link type, as the
 * live capture would start with it: bench/run hands it to tcpdump so both
 * programs select the same packets.
 *
 *   bench/cd-filter [-c CONFIG] CAPTURE
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "capture.h"
#include "cd_config.h"

int
main(int argc, char **argv)
{
	char			 err[PCAP_ERRBUF_SIZE + 512];
	struct cd_config	*cfg = NULL;
	struct cd_tracker_conf	 tc;
	const char		*conf = NULL;
	char			*text;
	pcap_t			*p;
	int			 ch;

	while ((ch = getopt(argc, argv, "c:")) != -1) {
		if (ch != 'c') {
			fprintf(stderr, "usage: cd-filter [-c CONFIG] CAPTURE\n");
			return 2;
		}
		conf = optarg;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: cd-filter [-c CONFIG] CAPTURE\n");
		return 2;
	}
	if (conf != NULL && cd_config_load(conf, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (cfg == NULL && (cfg = cd_config_new_default()) == NULL)
		return 2;
	if ((p = pcap_open_offline(argv[optind], err)) == NULL) {
		fprintf(stderr, "%s: %s\n", argv[optind], err);
		return 2;
	}
	cd_tracker_conf_from(&tc, cfg);
	text = cd_capture_filter(&tc, pcap_datalink(p), NULL, 0);
	puts(text);
	free(text);
	pcap_close(p);
	cd_config_free(cfg);
	return 0;
}
