/* libFuzzer target: a UDP payload through the CoAP and presence decoders. */
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
	struct cd_coap coap;
	char id[25];
	int rc;

	rc = cd_decode_coap(data, size, &coap);
	if (rc != 0 && rc != -EBADMSG)
		abort();
	if (rc == 0 && (coap.version != 1 || coap.token_len > 8 ||
	    (coap.payload != NULL && (coap.payload_len == 0 ||
	    coap.payload < data || coap.payload_len > size ||
	    coap.payload != data + size - coap.payload_len))))
		abort();
	rc = cd_decode_presence(data, size, id);
	if (rc == 0 && (size != CD_PRESENCE_LEN || strlen(id) != 24))
		abort();
	if (rc != 0 && rc != -ENOTSUP)
		abort();
	return 0;
}
