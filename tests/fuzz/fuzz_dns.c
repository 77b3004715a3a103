/* libFuzzer target: a UDP payload through the DNS decoder. */
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
	static struct cd_dns dns;
	unsigned i;
	int rc;

	rc = cd_decode_dns(data, size, &dns);
	if (rc == -EBADMSG)
		return 0;
	if (rc != 0 || dns.n_answers > CD_DNS_MAX_ANSWERS ||
	    strlen(dns.qname) >= CD_DNS_NAME_MAX ||
	    (dns.has_question && dns.qname[0] == '\0'))
		abort();
	for (i = 0; i < dns.n_answers; i++) {
		if (dns.answers[i].type == CD_DNS_CNAME &&
		    strlen(dns.answers[i].cname) >= CD_DNS_NAME_MAX)
			abort();
	}
	return 0;
}
