/* libFuzzer target: the UCI configuration loader (src/config_uci.c). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cd_config.h"
#include "config_uci.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_config	*cfg;
	char			 err[512];
	int			 rc;

	if ((cfg = cd_config_new_default()) == NULL)
		return 0;
	err[0] = '\0';
	rc = cd_cfg_uci_load(cfg, "fuzz", data, size, err, sizeof(err));
	/* 0, or an error that names the file (and its line). */
	if (rc > 0 || (rc < 0 && strncmp(err, "fuzz:", 5) != 0))
		abort();
	/* Whatever loaded must still be a configuration the daemon can use. */
	if (rc == 0 && (cfg->cloud.host == NULL || cfg->status.socket == NULL ||
	    cfg->sniff.core_ouis.n > 256))
		abort();
	cd_config_free(cfg);
	return 0;
}
