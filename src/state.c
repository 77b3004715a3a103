#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "util.h"

static void
device_free(struct cd_device *d)
{
	free(d->ip);
	free(d->device_id);
	free(d);
}

static void
probe_free(struct cd_probe_result *p)
{
	free(p->name);
	free(p->result);
	free(p->detail);
	free(p);
}

void
cd_state_free(struct cd_state *st)
{
	struct cd_device	*d, *dn;
	struct cd_probe_result	*p, *pn;

	for (d = st->devices; d != NULL; d = dn) {
		dn = d->next;
		device_free(d);
	}
	for (p = st->probes; p != NULL; p = pn) {
		pn = p->next;
		probe_free(p);
	}
	st->devices = NULL;
	st->probes = NULL;
}

struct cd_device *
cd_state_device(struct cd_state *st, const char *mac, int64_t now)
{
	struct cd_device **dp, *d;

	for (dp = &st->devices; *dp != NULL; dp = &(*dp)->next)
		if (strcmp((*dp)->mac, mac) == 0)
			return *dp;
	d = cd_calloc(1, sizeof(*d));
	strncpy(d->mac, mac, sizeof(d->mac) - 1);
	d->first_seen = d->last_seen = now;
	d->identified_by = "oui";
	d->state = "dhcp";
	d->visibility = "broadcast_only";
	d->signal_dbm = CD_DEVICE_NO_SIGNAL;
	*dp = d;
	return d;
}

void
cd_state_device_remove(struct cd_state *st, const char *mac)
{
	struct cd_device **dp, *d;

	for (dp = &st->devices; *dp != NULL; dp = &(*dp)->next) {
		if (strcmp((*dp)->mac, mac) == 0) {
			d = *dp;
			*dp = d->next;
			device_free(d);
			return;
		}
	}
}

void
cd_state_probe_result(struct cd_state *st, const char *name, int64_t last_run,
    int64_t duration_ms, const char *result, const char *detail)
{
	struct cd_probe_result **pp, *p;

	for (pp = &st->probes; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->name, name) == 0)
			break;
	if ((p = *pp) == NULL) {
		p = cd_calloc(1, sizeof(*p));
		p->name = cd_strdup(name);
		*pp = p;
	}
	p->last_run = last_run;
	p->duration_ms = duration_ms;
	cd_setstr(&p->result, result);
	cd_setstr(&p->detail, detail);
}
