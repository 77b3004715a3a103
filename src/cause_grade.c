/*
 * One cause, one finding: a finding that another active finding about the
 * same subject explains is lowered to info, and its advice names the
 * cause instead of its own remedies.  A Core whose key the cloud refuses
 * retries without end, so core.reconnect_loop follows core.key_mismatch;
 * its own advice (power supply, signal, the CC3000 update) would send the
 * owner the wrong way.  See corediagd(8), FINDINGS.
 */
#include "config.h"

#include <string.h>

#include "cause_grade.h"
#include "util.h"

static const struct cd_cause {
	const char	*id;		/* the consequence */
	const char	*by;		/* its cause, same subject */
	const char	*advice;
} causes[] = {
	{ "core.reconnect_loop", "core.key_mismatch",
	  "the Core retries because the cloud does not accept its keys: "
	  "fix core.key_mismatch first" },
	{ "core.reconnect_loop", "core.handshake_rejected",
	  "the Core retries because the cloud refuses its handshake: "
	  "fix core.handshake_rejected first" },
};

void
cd_cause_grade(const struct cd_findings *fs, const struct cd_finding *f,
    struct cd_finding_grade *g)
{
	const struct cd_finding *c;

	for (size_t i = 0; i < nitems(causes); i++) {
		if (strcmp(causes[i].id, f->id) != 0)
			continue;
		c = cd_finding_find(fs, causes[i].by, f->subject);
		if (c == NULL || !c->active)
			continue;
		g->severity = CD_SEV_INFO;
		g->advice = causes[i].advice;
		return;
	}
}
