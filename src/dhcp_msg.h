/*
 * The DHCP probe's messages: the DISCOVER it sends (built here, byte by
 * byte, as a raw Ethernet frame) and the OFFERs it reads back from a
 * capture (decoded with decode.h, then matched to our xid and MAC).
 */
#ifndef CD_DHCP_MSG_H
#define CD_DHCP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CD_DHCP_PAYLOAD_MIN	300	/* BOOTP's minimum: some servers need it */
#define CD_DHCP_FRAME_HDRS	(14 + 20 + 8)	/* Ethernet, IPv4, UDP */
#define CD_DHCP_FRAME_MAX	(CD_DHCP_FRAME_HDRS + 576)

/*
 * The probe's client MAC from seed (the machine ID): the same on every
 * run on one host, never anyone's real address: locally administered
 * (bit 1 of the first byte set), unicast (bit 0 clear).
 */
void	cd_dhcp_probe_mac(const void *seed, size_t len, uint8_t mac[6]);

/*
 * A DHCPDISCOVER's UDP payload: client MAC mac, transaction xid, secs,
 * the broadcast flag set, asking for option 114 (captive portal) among
 * others.  Never a REQUEST: no lease is taken.  Returns its length, or 0
 * when len is too small.
 */
size_t	cd_dhcp_discover(uint8_t *buf, size_t len, const uint8_t mac[6],
	    uint32_t xid, uint16_t secs);

/*
 * The payload in UDP from 0.0.0.0:68 to 255.255.255.255:67, in IPv4, in
 * an Ethernet broadcast frame from mac.  Returns the frame's length, or 0
 * when len is too small.
 */
size_t	cd_dhcp_frame(uint8_t *buf, size_t len, const uint8_t mac[6],
	    const uint8_t *payload, size_t plen);

/* One OFFER, as the probe reports it. */
struct cd_dhcp_offer {
	uint8_t		src_mac[6];	/* the frame's sender */
	uint8_t		src_ip[4];
	bool		has_server_id;
	uint8_t		server_id[4];	/* option 54 */
	uint8_t		yiaddr[4];	/* the address offered */
	bool		has_lease;
	uint32_t	lease_s;	/* option 51 */
	char		portal_url[256];/* option 114, "" when absent */
};

/*
 * A captured frame (pcap link type dlt): 0 and *o when it is a DHCPOFFER
 * for xid and mac; 1 and *o when it is a server's OFFER or ACK to another
 * client (the server is alive); -ENOENT when it is something else (our
 * own DISCOVER, a client's message); -EBADMSG damaged or cut short.
 */
int	cd_dhcp_offer_parse(int dlt, const uint8_t *p, size_t caplen,
	    size_t wirelen, uint32_t xid, const uint8_t mac[6],
	    struct cd_dhcp_offer *o);

#endif
