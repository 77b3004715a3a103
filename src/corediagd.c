/*
 * corediagd: why can't my Spark Core reach its cloud?  Start-up, options,
 * privilege drop and the one libuv loop; the rest lives in the library.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cd_config.h"
#include "daemon.h"
#include "log.h"
#include "privdrop.h"
#include "sysd.h"
#include "util.h"

enum mode { MODE_DAEMON, MODE_ONCE, MODE_READ, MODE_CHECK };

/*
 * Capabilities kept after the drop.  The capture is opened before it; the
 * DHCP probe opens its own packet socket (CAP_NET_RAW, which promiscuous
 * mode through PACKET_ADD_MEMBERSHIP needs no more than) and binds a UDP
 * socket to the LAN (SO_BINDTODEVICE: CAP_NET_RAW).  Nothing needs
 * CAP_NET_ADMIN.  --read parses a file already open: nothing at all.
 */
#define CAPS_PROBES	CD_CAP_BIT(CAP_NET_RAW)
#define CAPS_READ	0

struct options {
	enum mode	 mode;
	const char	*config;
	bool		 config_given;
	bool		 config_missing;	/* the default file is absent */
	bool		 foreground;
	bool		 json;
	const char	*iface;
	const char	*capture;
	int		 verbose;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: corediagd [-c FILE] [-f] [-i IFACE] [-v]...\n"
	    "       corediagd --once [-c FILE] [--json]\n"
	    "       corediagd --read CAPTURE [--json] [-c FILE]\n"
	    "       corediagd --check-config [-c FILE]\n"
	    "       corediagd --version | --help\n");
}

/* Where this build looks by default (configure's sysconfdir, runstatedir). */
static void
version(void)
{
	printf("corediagd %s\n"
	    "configuration: %s\n"
	    "status socket: %s\n",
	    PACKAGE_VERSION, CD_CONFIG_DEFAULT_PATH, CD_STATUS_DEFAULT_SOCKET);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_ONCE = 256, OPT_READ, OPT_JSON, OPT_CHECK };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "interface", required_argument, NULL, 'i' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "read", required_argument, NULL, OPT_READ },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	o->config = CD_CONFIG_DEFAULT_PATH;
	while ((ch = getopt_long(argc, argv, "c:fi:vVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; o->config_given = true; break;
		case 'f': o->foreground = true; break;
		case 'i': o->iface = optarg; break;
		case 'v': o->verbose++; break;
		case OPT_ONCE: o->mode = MODE_ONCE; break;
		case OPT_READ: o->mode = MODE_READ; o->capture = optarg; break;
		case OPT_JSON: o->json = true; break;
		case OPT_CHECK: o->mode = MODE_CHECK; break;
		case 'V': version(); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(3);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "corediagd: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		exit(3);
	}
}

/*
 * Without -c a missing default file means "all defaults", said aloud: the
 * daemon logs it, --check-config prints it (corediagd(8), FILES).
 */
static struct cd_config *
load_config(struct options *o)
{
	struct cd_config	*cfg = NULL;
	char			 err[512];
	int			 rc;

	rc = cd_config_load(o->config, &cfg, err, sizeof(err));
	if (rc == -ENOENT && !o->config_given) {
		if ((cfg = cd_config_new_default()) == NULL)
			fatalx("out of memory");
		o->config_missing = true;
		return cfg;
	}
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		exit(3);
	}
	if (o->iface != NULL) {
		cd_setstr(&cfg->interfaces.lan, o->iface);
		cfg->interfaces.lan_given = true;
	}
	return cfg;
}

/* Before dropping root: the socket must stay removable by the new user. */
static int
give_socket(struct cd_daemon *d, char *err, size_t errlen)
{
	uid_t	uid;
	gid_t	gid;
	int	rc;

	if (geteuid() != 0 || d->cfg->user[0] == '\0')
		return 0;
	if ((rc = cd_privdrop_lookup(d->cfg->user, &uid, &gid, err,
	    errlen)) < 0)
		return rc;
	return cd_status_chown(d->status, uid, gid, err, errlen);
}

static int
run_daemon(struct cd_daemon *d, const struct options *o)
{
	char		 err[512];
	bool		 detach = !o->foreground && !cd_sd_notify_wanted();
	uv_timer_t	*watchdog;

	log_init(d->cfg->syslog.ident, d->cfg->syslog.facility,
	    o->foreground, o->verbose);
	if (o->config_missing)
		log_warnx("%s: no such file: running on built-in defaults",
		    o->config);
	if (cd_daemon_start(d, err, sizeof(err)) < 0)
		fatalx("cannot start: %s", err);
	if (give_socket(d, err, sizeof(err)) < 0 ||
	    cd_privdrop(d->cfg->user, CAPS_PROBES, err, sizeof(err)) < 0) {
		cd_daemon_stop(d);
		uv_run(d->loop, UV_RUN_DEFAULT);
		fatalx("%s", err);
	}
	if (detach) {
		if (daemon(0, 0) < 0)
			fatal("daemon");
		uv_loop_fork(d->loop);
	}
	log_notice("corediagd %s started: status socket %s", PACKAGE_VERSION,
	    d->cfg->status.socket);
	cd_sd_notify("READY=1");
	watchdog = cd_sd_watchdog_start(d->loop);
	uv_run(d->loop, UV_RUN_DEFAULT);
	cd_sd_watchdog_stop(watchdog);
	log_notice("corediagd stopped");
	return 0;
}

/*
 * The one-shot modes drop too, before any answer or packet is parsed.
 * Run by hand on a machine without the service user, they become nobody
 * rather than refuse.
 */
static void
drop_or_die(const struct cd_config *cfg, uint64_t keep)
{
	char	err[512];
	int	rc;

	rc = cd_privdrop(cfg->user, keep, err, sizeof(err));
	if (rc == -ENOENT) {
		log_warnx("corediagd: %s: running as nobody instead", err);
		rc = cd_privdrop("nobody", keep, err, sizeof(err));
	}
	if (rc < 0) {
		fprintf(stderr, "corediagd: %s\n", err);
		exit(3);
	}
}

static int
run_read(struct cd_daemon *d, const char *file, bool json)
{
	struct pcap	*p;
	int		 code;

	if ((p = cd_offline_open(file)) == NULL)
		code = 3;
	else {
		drop_or_die(d->cfg, CAPS_READ);
		code = cd_offline_read_pcap(d, p, file, json);
	}
	cd_prober_close(&d->prober);
	return code;
}

int
main(int argc, char **argv)
{
	struct options		o;
	struct cd_daemon	d;
	struct cd_config	*cfg;
	uv_loop_t		loop;
	int			code;

	memset(&o, 0, sizeof(o));
	parse_options(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	cfg = load_config(&o);
	if (o.mode == MODE_CHECK) {
		if (o.config_missing)
			printf("%s: no such file: the built-in defaults apply\n",
			    o.config);
		else
			printf("%s: configuration OK\n", o.config);
		cd_config_free(cfg);
		return 0;
	}
	uv_loop_init(&loop);
	cd_daemon_init(&d, &loop, cfg, o.config);
	switch (o.mode) {
	case MODE_ONCE:
		/* One-shot runs print their report; they do not fill syslog. */
		d.findings.sink = NULL;
		drop_or_die(cfg, CAPS_PROBES);
		code = cd_daemon_once(&d, o.json);
		break;
	case MODE_READ:
		d.findings.sink = NULL;
		code = run_read(&d, o.capture, o.json);
		break;
	default:
		code = run_daemon(&d, &o);
		break;
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	cd_daemon_free(&d);
	uv_loop_close(&loop);
	log_close();
	return code;
}
