/*
 * libFuzzer target: the pcapng block walk (src/pcapng_stats.c) on an
 * in-memory file.  Input: the file.  Besides the sanitizers, what it
 * returns must be sane: interfaces within bounds, names printable and
 * terminated, times only when valid and within year 9999.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng_stats.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_if(const struct cd_pcapng_drops *pd, const struct cd_pcapng_if *pi)
{
	size_t n = strnlen(pi->name, sizeof(pi->name));

	if (n == sizeof(pi->name) || pi->section >= pd->sections)
		abort();
	for (size_t i = 0; i < n; i++)
		if (pi->name[i] < 0x20 || pi->name[i] > 0x7e)
			abort();
	if (pi->ts_valid && (pi->ts_ms < 0 || pi->ts_ms > 253402300799999LL))
		abort();
	if (!pi->has_drops && (pi->ifdrop != 0 || pi->osdrop != 0))
		abort();
	if (cd_pcapng_if_dropped(pi) < pi->ifdrop)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cd_pcapng_drops	pd;
	FILE				*f;
	int				 rc;

	if (size == 0 || (f = fmemopen((void *)(uintptr_t)data, size,
	    "rb")) == NULL)
		return 0;
	rc = cd_pcapng_drops(f, &pd);
	fclose(f);
	if (rc == -EINVAL)
		return 0;
	if (rc != 0 || pd.nifs > CD_PCAPNG_MAX_IFS ||
	    (pd.sections == 0 && !pd.damaged) ||
	    pd.blocks > size / 12)
		abort();
	for (unsigned i = 0; i < pd.nifs; i++)
		check_if(&pd, &pd.ifs[i]);
	return 0;
}
