/*
 * The grade of a finding that another active finding explains (the
 * cause): info, with advice that names the cause.  cause_grade.c.
 */
#ifndef CD_CAUSE_GRADE_H
#define CD_CAUSE_GRADE_H

#include "findings.h"

void	cd_cause_grade(const struct cd_findings *fs,
	    const struct cd_finding *f, struct cd_finding_grade *g);

#endif
