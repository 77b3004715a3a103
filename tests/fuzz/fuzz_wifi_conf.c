/*
 * libFuzzer target: hostapd.conf and OpenWrt's UCI wireless file through
 * their readers.  The first byte picks the reader.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memfile.h"
#include "wifi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_wifi_conf	conf;
	char			path[64];
	int			fd;

	if (size < 1)
		return 0;
	memset(&conf, 0, sizeof(conf));
	fd = memfile(data + 1, size - 1, path, sizeof(path));
	if (data[0] & 1)
		cd_wifi_read_uci(&conf, path);
	else
		cd_wifi_read_hostapd(&conf, path);
	close(fd);
	cd_wifi_conf_free(&conf);
	return 0;
}
