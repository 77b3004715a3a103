/* The live capture.  A stub until the capture issue lands. */
#include "config.h"

#include "daemon.h"
#include "log.h"
#include "sniff.h"

int
cd_sniff_start(struct cd_daemon *d, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	if (d->cfg->sniff.enabled)
		log_warnx("sniff: passive capture is not in this build yet");
	return 0;
}

void
cd_sniff_stop(struct cd_daemon *d)
{
	(void)d;
}
