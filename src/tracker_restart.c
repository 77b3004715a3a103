/*
 * The tracker's rules for a Core that restarts (power cycle, reset, an
 * over-the-air reflash) and for its keepalive, so that neither reads as
 * a network fault (corediagd(8), "Reboots and reflashing"):
 *
 * - an 18-byte message of the Core is a ping only after the Core's idle
 *   period: its empty acknowledgements are 18 bytes too (AES padding);
 * - a fresh DHCP exchange or an ARP probe of a Core ends
 *   its cloud sessions without a verdict: it restarted, it did not lose
 *   its keepalive;
 * - sessions separated by restarts, up to CD_TRACKER_FLASH_RESTARTS of
 *   them within the loop window, are a flash cycle, not a reconnect loop.
 */
#include "config.h"

#include "log.h"
#include "tracker_int.h"
#include "util.h"

bool
trk_is_ping(const struct trk_sess *s, size_t len, int64_t now)
{
	return len == TRK_HELLO_LEN &&
	    now - s->last_srx >= CD_TRACKER_PING_IDLE_MS;
}

/* DISCOVER, or REQUEST without ciaddr (INIT-REBOOT, SELECTING): no renewal. */
bool
trk_dhcp_is_fresh(const struct cd_dhcp *d)
{
	return d->msg_type == CD_DHCPDISCOVER ||
	    (d->msg_type == CD_DHCPREQUEST && cd_get32(d->ciaddr) == 0);
}

/*
 * An ARP probe (sender 0.0.0.0): an address being taken up.  Not an
 * announcement: some stacks repeat those while they run.
 */
bool
trk_arp_is_fresh(const struct cd_arp *a)
{
	return cd_get32(a->spa) == 0;
}

static unsigned
restarts_within(const struct trk_core *c, int64_t now)
{
	unsigned n = 0;

	for (unsigned i = 0; i < TRK_MAX_RESTARTS && i < c->nrestarts; i++)
		if (now - c->restarts[i] <= CD_TRACKER_LOOP_WINDOW_MS)
			n++;
	return n;
}

/* No session since the last restart: a boot's DHCP and ARP count once. */
static bool
same_boot(const struct trk_core *c)
{
	int64_t last_start;

	if (c->nrestarts == 0)
		return false;
	last_start = c->nstarts == 0 ? INT64_MIN :
	    c->starts[(c->nstarts - 1) % CD_TRACKER_LOOP_SESSIONS];
	return c->restarts[(c->nrestarts - 1) % TRK_MAX_RESTARTS] >= last_start;
}

/*
 * The Core restarted: its cloud sessions are over, none of them judged
 * (an unanswered 18-byte message before a restart is no keepalive loss),
 * and a connect under way is abandoned, not timed out.
 */
void
trk_restart(struct cd_tracker *t, struct trk_core *c, int64_t now,
    const char *why)
{
	bool ended = false;

	for (int i = 0; i < TRK_MAX_SESS; i++) {
		struct trk_sess *s = &c->sess[i];

		if (!s->used || s->phase == P_CLOSED)
			continue;
		if (s->phase == P_SYN) {
			s->used = false;
			continue;
		}
		if (s->kind == K_CLOUD)
			ended = true;
		s->phase = P_CLOSED;
		s->ping_out = false;
		s->last = now;
	}
	if (!same_boot(c)) {
		c->restarts[c->nrestarts % TRK_MAX_RESTARTS] = now;
		c->nrestarts++;
	}
	if (!ended)
		return;
	log_debug("tracker: %s restarted (%s): its cloud session ended "
	    "without a verdict", c->macstr, why);
	trk_set_state(c, ST_DHCP);
	trk_clear(t, c, F_CLOUD_OK, now);
}

/*
 * A session starts: did the Core restart since the last one started, as
 * in a flash cycle?  Then the sessions before do not count towards a
 * reconnect loop, unless it restarted more often than a reflash does.
 */
bool
trk_loop_restarted(const struct trk_core *c, int64_t now)
{
	int64_t last_start, last_restart;

	if (c->nstarts == 0 || c->nrestarts == 0)
		return false;
	last_start = c->starts[(c->nstarts - 1) % CD_TRACKER_LOOP_SESSIONS];
	last_restart = c->restarts[(c->nrestarts - 1) % TRK_MAX_RESTARTS];
	return last_restart > last_start &&
	    restarts_within(c, now) <= CD_TRACKER_FLASH_RESTARTS;
}
