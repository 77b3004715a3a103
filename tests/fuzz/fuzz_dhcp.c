/* libFuzzer target: a UDP payload through the DHCP decoder. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cd_dhcp dh;
	int rc;

	rc = cd_decode_dhcp(data, size, &dh);
	if (rc != 0 && rc != -EBADMSG && rc != -ENOTSUP)
		abort();
	/* Text fields stay terminated, lists within their arrays. */
	if (strlen(dh.hostname) >= sizeof(dh.hostname) ||
	    strlen(dh.portal_url) >= sizeof(dh.portal_url) ||
	    dh.n_routers > CD_DHCP_MAX_ADDRS || dh.n_dns > CD_DHCP_MAX_ADDRS ||
	    dh.client_id_len > CD_DHCP_CLIENT_ID_MAX)
		abort();
	return 0;
}
