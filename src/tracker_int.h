/*
 * The tracker's insides, shared by tracker.c (Cores, findings, time),
 * tracker_lan.c (ARP, DHCP, DNS, addresses) and tracker_tcp.c (the cloud
 * session and the internet test).
 */
#ifndef CD_TRACKER_INT_H
#define CD_TRACKER_INT_H

#include "tracker.h"

#define TRK_MAX_SESS	4	/* TCP sessions followed per Core */
#define TRK_MAX_DNS	4	/* DNS queries awaiting an answer per Core */
#define TRK_MAX_CAND	16	/* cloud sessions of hosts not yet known */
#define TRK_CAND_MS	30000	/* a candidate without its nonce expires */
#define TRK_SESS_IDLE_MS (5 * 60 * 1000)
#define TRK_DHCP_STALE_MS 60000	/* a DHCP exchange silent this long is over */
/*
 * Copies of one packet closer than this count once: `tcpdump -i any`
 * records a forwarded packet on both interfaces, microseconds apart, while
 * the quickest retransmission comes 200 ms after the original.
 */
#define TRK_DUP_MS	50
#define TRK_NONCE_LEN	40
#define TRK_KEY_LEN	256
#define TRK_SESSKEY_LEN	384
#define TRK_HELLO_LEN	18
#define TRK_NEVER	INT64_MAX
#define TRK_MAX_RESTARTS 4	/* restarts remembered per Core */

enum trk_finding {
	F_SEEN,
	F_NO_LEASE,
	F_STATIC_IP,
	F_BAD_DNS,
	F_DNS_FAILED,
	F_BLOCKED,
	F_REJECTED,
	F_HS_REJECTED,
	F_KEY_MISMATCH,
	F_KEEPALIVE,
	F_LOOP,
	F_INETTEST,
	F_CLOUD_OK,
	F_OTHER_DHCP,
	F_COUNT
};

enum trk_ident { BY_OUI, BY_SESSION, BY_PRESENCE };

enum trk_state {
	ST_DHCP, ST_DNS, ST_CONNECTING, ST_HANDSHAKE, ST_ONLINE, ST_OFFLINE
};

/* Which end of a packet a Core is. */
enum trk_dir { DIR_FROM_CORE, DIR_TO_CORE };

struct trk_addr {
	int		af;		/* 0: none */
	uint8_t		ip[16];
};

/* Evidence of repeated failures, until something succeeds. */
struct trk_fail {
	unsigned	n;
	int64_t		first, last;
	struct trk_addr	peer;
	uint16_t	port;
	uint8_t		icmp_type, icmp_code;	/* 0/0: a RST */
};

struct trk_dhcp {
	bool		pending;	/* an exchange under way, no ACK yet */
	bool		judged;		/* core.no_lease raised for it */
	int64_t		start, last;
	unsigned	discovers, requests, offers, naks;
	uint8_t		server[4];	/* of the last OFFER or NAK */
	uint8_t		last_type;	/* for duplicate copies */
	uint32_t	last_xid;
	bool		has_req;	/* the address asked for */
	uint8_t		req[4];
};

struct trk_dnsq {
	bool		used;
	uint16_t	id;
	uint16_t	port;		/* the Core's */
	struct trk_addr	server;
	int64_t		t;
};

enum trk_kind { K_CLOUD, K_INETTEST };

enum trk_phase {
	P_SYN,		/* SYN sent, nothing back */
	P_OPEN,		/* SYN answered (or seen midstream) */
	P_CLOSED,	/* FIN or RST seen; kept to absorb the rest */
};

struct trk_sess {
	bool		used;
	uint8_t		kind;		/* enum trk_kind */
	uint8_t		phase;		/* enum trk_phase */
	bool		midstream;	/* no SYN seen: counts unknown */
	bool		hs_done;	/* the cloud's hello arrived */
	bool		alive;		/* core.cloud_ok earned */
	bool		ping_out;	/* an 18-byte message unanswered */
	bool		have_cseq, have_sseq;
	bool		cclosed, sclosed;
	struct trk_addr	srv;
	uint16_t	srv_port, core_port;
	uint32_t	cbase, sbase;	/* sequence number of byte 0 */
	uint32_t	cbytes, sbytes;	/* payload high-water marks */
	uint32_t	first_spay;	/* length of the first server payload */
	uint32_t	isn;
	unsigned	syns;
	int64_t		first_syn, last_syn;
	int64_t		start, last, hs_time, ping_t;
	int64_t		last_srx;	/* the cloud's last payload (or first seen) */
};

struct trk_core {
	bool		 used;
	uint8_t		 mac[6];
	char		 macstr[18];
	char		 subject[24];	/* "core:08:00:28:aa:bb:cc" */
	uint8_t		 by;		/* enum trk_ident */
	uint8_t		 state;		/* enum trk_state */
	struct trk_addr	 addr;
	char		 device_id[25];
	int64_t		 first_seen, last_seen;
	bool		 dirty;		/* devices entry to refresh */
	bool		 seen_told;	/* core.seen announced */
	uint8_t		 heard;		/* its own frames, up to 2 */
	struct trk_dhcp	 dhcp;
	bool		 leased;
	uint8_t		 lease_ip[4];
	bool		 bad_dns;
	struct trk_dnsq	 dns[TRK_MAX_DNS];
	unsigned	 dns_fail;	/* cloud-name queries failed in a row */
	struct trk_sess	 sess[TRK_MAX_SESS];
	struct trk_fail	 blocked, rejected, inet;
	int64_t		 starts[CD_TRACKER_LOOP_SESSIONS]; /* ring */
	unsigned	 nstarts;
	/* Its lease's server and DNS server (option 6), when an ACK was seen. */
	uint8_t		 lease_server[4];
	bool		 has_lease_dns;
	uint8_t		 lease_dns[4];
	/* Restarts (fresh DHCP or ARP), for the flash-cycle rule. */
	int64_t		 restarts[TRK_MAX_RESTARTS];	/* ring */
	unsigned	 nrestarts;
	bool		 on_path;	/* its unicast crosses the capture */
};

/* A TCP session to cloud.port of a host not (yet) known to be a Core. */
struct trk_cand {
	bool		used;
	uint8_t		mac[6];
	struct trk_addr	cli, srv;
	uint16_t	cli_port, srv_port;
	uint32_t	isn;
	int64_t		t;
	unsigned	syns;
	bool		nonce;		/* the server's 40 bytes came */
	uint32_t	sbase;		/* their sequence number */
	uint32_t	cbytes;		/* the client's payload since */
};

struct cd_tracker {
	struct cd_findings	*fs;
	struct cd_state		*st;
	struct cd_tracker_conf	 conf;
	int64_t			 now;		/* never goes back */
	int64_t			 next_deadline;
	unsigned		 generation;
	bool			 full_logged;
	bool			 ending;	/* cd_tracker_end: no later frame */
	/* The LAN's IPv4 subnet: from the interface, or DHCP answers seen. */
	bool			 lan_known;
	uint32_t		 lan_net, lan_mask;
	char			 lan_from[96];
	struct trk_core		*cores[CD_TRACKER_MAX_CORES];	/* dense */
	size_t			 ncores;
	struct trk_cand		 cand[TRK_MAX_CAND];
	struct cd_tracker_host	 self;		/* this host; empty in --read */
};

static inline bool
trk_mac_eq(const uint8_t *a, const uint8_t *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] &&
	    a[4] == b[4] && a[5] == b[5];
}

/* tracker.c */
struct trk_core *trk_core_find(struct cd_tracker *t, const uint8_t mac[6]);
struct trk_core *trk_core_by_ip(struct cd_tracker *t, int af,
	    const uint8_t *ip);
struct trk_core *trk_identify(struct cd_tracker *t, const uint8_t mac[6],
	    enum trk_ident by, int64_t now);
bool	trk_oui_match(const struct cd_tracker *t, const uint8_t mac[6]);
void	trk_raise(struct cd_tracker *t, struct trk_core *c, enum trk_finding f,
	    int64_t now, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void	trk_clear(struct cd_tracker *t, struct trk_core *c, enum trk_finding f,
	    int64_t now);
bool	trk_active(const struct cd_tracker *t, const struct trk_core *c,
	    enum trk_finding f);
void	trk_set_state(struct trk_core *c, enum trk_state s);
/* A packet of c seen: last_seen and the devices entry. */
void	trk_touch(struct cd_tracker *t, struct trk_core *c, int64_t now);
void	trk_heard(struct cd_tracker *t, struct trk_core *c, int64_t now);
void	trk_deadline(struct cd_tracker *t, int64_t when);
void	trk_seen_update(struct cd_tracker *t, struct trk_core *c, int64_t now);
const char *trk_ipstr(const struct trk_addr *a, char *buf, size_t len);
void	trk_addr_set(struct trk_addr *a, int af, const uint8_t *ip);
bool	trk_addr_eq(const struct trk_addr *a, int af, const uint8_t *ip);
long long trk_secs(int64_t ms);
/* Drop cores[i] and its findings (cleared at when). */
void	trk_forget(struct cd_tracker *t, size_t i, int64_t when);

/* tracker_lan.c */
void	trk_arp(struct cd_tracker *t, const struct cd_pkt *p);
void	trk_dhcp(struct cd_tracker *t, const struct cd_pkt *p);
void	trk_dns(struct cd_tracker *t, struct trk_core *c, enum trk_dir dir,
	    const struct cd_pkt *p);
void	trk_core_ip(struct cd_tracker *t, struct trk_core *c, int af,
	    const uint8_t *ip, int64_t now);
int64_t	trk_lan_tick(struct cd_tracker *t, struct trk_core *c, int64_t now);
void	trk_lan_end(struct cd_tracker *t, struct trk_core *c, int64_t now);

/* tracker_restart.c */
bool	trk_is_ping(const struct trk_sess *s, size_t len, int64_t now);
void	trk_restart(struct cd_tracker *t, struct trk_core *c, int64_t now,
	    const char *why);
bool	trk_dhcp_is_fresh(const struct cd_dhcp *d);
bool	trk_arp_is_fresh(const struct cd_arp *a);
bool	trk_loop_restarted(const struct trk_core *c, int64_t now);
void	trk_lease_seen(struct cd_tracker *t, struct trk_core *c,
	    const uint8_t ip[4], int64_t now);

/* tracker_tcp.c */
void	trk_tcp(struct cd_tracker *t, struct trk_core *c, enum trk_dir dir,
	    const struct cd_pkt *p);
void	trk_tcp_unknown(struct cd_tracker *t, const struct cd_pkt *p);
void	trk_icmp(struct cd_tracker *t, struct trk_core *c,
	    const struct cd_pkt *p);
int64_t	trk_tcp_tick(struct cd_tracker *t, struct trk_core *c, int64_t now);
int64_t	trk_cand_tick(struct cd_tracker *t, int64_t now);
void	trk_tcp_end(struct cd_tracker *t, struct trk_core *c, int64_t now);

/* tracker_self.c: this host is never a Core */
bool	trk_self_mac(const struct cd_tracker *t, const uint8_t mac[6]);
bool	trk_self_ip(const struct cd_tracker *t, int af, const uint8_t *ip);

/* tracker_vantage.c: what the capture can see of a Core, and evidence */
void	trk_path_seen(struct cd_tracker *t, struct trk_core *c,
	    enum trk_dir dir, const struct cd_pkt *p);
void	trk_dhcp_gateway(struct cd_tracker *t, struct trk_core *c,
	    const struct cd_dhcp *d);
bool	trk_dhcp_visible(const struct trk_core *c);
bool	trk_dns_visible(const struct cd_tracker *t, const struct trk_core *c,
	    const struct trk_addr *server);
void	trk_dhcp_asked(struct trk_core *c, const struct cd_dhcp *d);
void	trk_presence_online(struct cd_tracker *t, struct trk_core *c,
	    int64_t now);

#endif
