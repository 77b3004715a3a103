/* libFuzzer target: a configuration file through the YAML loader. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cd_config.h"
#include "memfile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_config	*cfg = NULL;
	char			 path[64], err[512];
	int			 fd, rc;

	fd = memfile(data, size, path, sizeof(path));
	err[0] = 'x';
	rc = cd_config_load(path, &cfg, err, sizeof(err));
	close(fd);
	/* Either a configuration, or an error message and none. */
	if ((rc == 0) != (cfg != NULL) || (rc < 0 && err[0] == '\0') ||
	    memchr(err, '\0', sizeof(err)) == NULL)
		abort();
	cd_config_free(cfg);
	return 0;
}
