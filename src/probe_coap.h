/*
 * The coap probe: a CoAP ping (an empty Confirmable message) over UDP to
 * cloud.coap_host:cloud.coap_port.  What came back decides the finding;
 * that decision is a pure function of the outcome, below.
 */
#ifndef CD_PROBE_COAP_H
#define CD_PROBE_COAP_H

#include <stddef.h>
#include <stdint.h>

#include "icmp_err.h"
#include "probe.h"

/* What came back for the pings. */
enum cd_coap_answer {
	CD_COAP_SILENT,		/* nothing before the pings ran out */
	CD_COAP_RESET,		/* a Reset with our message ID */
	CD_COAP_ACK,		/* an empty ACK: some stacks answer so */
	CD_COAP_ICMP,		/* an ICMP error; icmp says which */
	CD_COAP_ICMP_UNKNOWN,	/* libcoap saw one, its type was not read */
	CD_COAP_SEND_FAILED,	/* the local stack refused to send: errnum */
	CD_COAP_UNRESOLVED,	/* the host did not resolve: why */
	CD_COAP_NOT_INTERNET,	/* it resolves to this host or its gateway
				   (addr): why; no ping sent */
};

struct cd_coap_outcome {
	enum cd_coap_answer	 answer;
	const char		*host;
	uint16_t		 port;
	char			 addr[64];	/* the address pinged */
	char			 local[64];	/* ours, the pings' source */
	unsigned		 pings;		/* transmissions (libcoap's) */
	uint64_t		 ms;		/* until the answer, or waited */
	struct cd_icmp_err	 icmp;
	int			 errnum;
	const char		*why;
};

/* coap.ok, coap.udp_blocked or coap.udp_unverified, and the reach. */
void	cd_coap_decide(const struct cd_coap_outcome *o,
	    struct cd_probe_verdict *v);

#endif
