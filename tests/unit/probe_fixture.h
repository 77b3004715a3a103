/*
 * A daemon on a private loop for the probe tests: the default
 * configuration with every probe off and short timeouts; a test turns on
 * what it probes, runs it as `probe NAME` would, and looks at the findings
 * and the probes list a user would see.
 */
#ifndef PROBE_FIXTURE_H
#define PROBE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "daemon.h"

struct pfx {
	uv_loop_t		 loop;
	struct cd_daemon	 d;
	struct cd_config	*cfg;		/* == d.cfg */
	int			 answered;
};

struct pfx *pfx_new(void);
/* Close everything; fails the test if a handle was left open. */
void	pfx_free(struct pfx *fx);
/* Run one probe (NULL: all enabled) to the end; returns the elapsed ms. */
uint64_t pfx_run(struct pfx *fx, const char *probe);
/* Run the loop for ms more milliseconds (servers, late callbacks). */
void	pfx_spin(struct pfx *fx, uint64_t ms);

const struct cd_finding *pfx_finding(struct pfx *fx, const char *id,
	    const char *subject);
bool	pfx_active(struct pfx *fx, const char *id, const char *subject);
/* Active findings whose id starts with prefix. */
int	pfx_count_active(struct pfx *fx, const char *prefix);
const struct cd_probe_result *pfx_result(struct pfx *fx, const char *name);

#endif
