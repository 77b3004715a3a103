/*
 * libFuzzer target: nl80211 interface and station answers through the
 * dump callbacks.  The input is records: a flag byte (bit 0: station),
 * a length byte, then that many bytes of attributes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wifi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_wifi_kernel	k;
	size_t			len;

	memset(&k, 0, sizeof(k));
	while (size >= 2) {
		len = data[1];
		if (len > size - 2)
			len = size - 2;
		cd_wifi_nl_parse(&k, data[0] & 1, data + 2, len);
		data += 2 + len;
		size -= 2 + len;
	}
	for (size_t i = 0; i < k.n; i++) {
		if (memchr(k.ifs[i].name, '\0', sizeof(k.ifs[i].name)) == NULL ||
		    k.ifs[i].ssid_len > sizeof(k.ifs[i].ssid))
			abort();
		for (size_t j = 0; j < k.ifs[i].nsta; j++)
			if (strlen(k.ifs[i].sta[j].mac) != 17)
				abort();
	}
	cd_wifi_kernel_free(&k);
	return 0;
}
