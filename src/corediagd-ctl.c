/*
 * corediagd-ctl: ask the daemon over its status socket and print what it
 * says.  It only formats; every fact comes from the daemon's JSON.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cd_config.h"
#include "metrics.h"
#include "report.h"
#include "util.h"

#define CTL_TIMEOUT_MS		10000		/* report, devices, ... */
#define CTL_PROBE_TIMEOUT_MS	600000		/* probe waits for the probes */
#define CTL_MAX_ANSWER		(64 * 1024 * 1024)

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: corediagd-ctl [-s SOCKET | -c FILE] report [--json | --forum]\n"
	    "       corediagd-ctl [-s SOCKET | -c FILE] devices|probes|findings"
	    " [--json]\n"
	    "       corediagd-ctl [-s SOCKET | -c FILE] probe [NAME]\n"
	    "       corediagd-ctl [-s SOCKET | -c FILE] watch [--json]\n"
	    "       corediagd-ctl [-s SOCKET | -c FILE] metrics\n"
	    "       corediagd-ctl --version | --help\n");
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "corediagd-ctl: %s: socket path too long\n",
		    path);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "corediagd-ctl: cannot reach corediagd at %s: "
		    "%s (is the daemon running?)\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
send_line(int fd, const char *line)
{
	size_t	len = strlen(line), off = 0;
	ssize_t	n;

	while (off < len) {
		if ((n = send(fd, line + off, len - off, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

/*
 * Read one line into *buf (grown as needed).  1 with a line, 0 at EOF with
 * nothing, -1 on error or timeout (timeout_ms < 0: wait for ever).
 */
static int
read_line(int fd, char **buf, size_t *cap, size_t *len, int timeout_ms)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	ssize_t		 n;

	for (;;) {
		if (*len > 0 && memchr(*buf, '\n', *len) != NULL)
			return 1;
		if (*len + 4096 > *cap) {
			if (*cap >= CTL_MAX_ANSWER)
				return -1;
			*cap = *cap ? *cap * 2 : 65536;
			if ((*buf = realloc(*buf, *cap)) == NULL)
				return -1;
		}
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return -1;
		if ((n = read(fd, *buf + *len, *cap - *len - 1)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return *len > 0 ? 1 : 0;
		*len += (size_t)n;
		(*buf)[*len] = '\0';
	}
}

struct ctl {
	const char	*socket;
	const char	*config;	/* -c FILE: its status.socket */
	char		 sockbuf[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char	*command;
	const char	*arg;		/* probe NAME */
	bool		 json;
	bool		 forum;		/* report --forum */
	struct cd_text_opts text;
};

/* The daemon's {"error":"..."} answer, if that is what this is. */
static const char *
answer_error(struct json_object *doc)
{
	struct json_object *e;

	if (json_object_is_type(doc, json_type_object) &&
	    json_object_object_get_ex(doc, "error", &e))
		return json_object_get_string(e);
	return NULL;
}

static struct json_object *
parse_answer(const char *line)
{
	struct json_object	*doc;
	const char		*e;

	if ((doc = json_tokener_parse(line)) == NULL) {
		fprintf(stderr, "corediagd-ctl: the daemon's answer is not "
		    "JSON\n");
		return NULL;
	}
	if ((e = answer_error(doc)) != NULL) {
		fprintf(stderr, "corediagd-ctl: corediagd says: %s\n", e);
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

/* Send one command, return its parsed answer, or NULL (message printed). */
static struct json_object *
ask(const struct ctl *c, const char *line, int timeout_ms)
{
	struct json_object	*doc = NULL;
	char			*buf = NULL;
	size_t			 cap = 0, len = 0;
	int			 fd, rc;

	if ((fd = ctl_connect(c->socket)) < 0)
		return NULL;
	if (send_line(fd, line) < 0) {
		fprintf(stderr, "corediagd-ctl: %s: %s\n", c->socket,
		    strerror(errno));
		goto out;
	}
	rc = read_line(fd, &buf, &cap, &len, timeout_ms);
	if (rc <= 0) {
		fprintf(stderr, "corediagd-ctl: %s: %s\n", c->socket,
		    rc == 0 ? "the daemon closed without answering" :
		    "no answer in time");
		goto out;
	}
	doc = parse_answer(buf);
out:
	free(buf);
	close(fd);
	return doc;
}

static int
print_answer(const struct ctl *c, struct json_object *doc)
{
	int code = 0;

	if (c->json) {
		puts(json_object_to_json_string_ext(doc,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		/* The same codes as the text: 3 when no probe could run. */
		if (strcmp(c->command, "findings") == 0)
			code = cd_report_exit_code(doc);
		else if (json_object_is_type(doc, json_type_object))
			code = cd_report_doc_code(doc);
		return code;
	}
	if (strcmp(c->command, "findings") == 0) {
		cd_report_text_findings(stdout, doc, &c->text);
		return cd_report_exit_code(doc);
	}
	if (strcmp(c->command, "devices") == 0)
		cd_report_text_devices(stdout, doc, &c->text);
	else if (strcmp(c->command, "probes") == 0)
		cd_report_text_probes(stdout, doc, &c->text);
	else
		code = cd_report_text(stdout, doc, &c->text);
	return code;
}

static int
cmd_query(const struct ctl *c)
{
	struct json_object	*doc;
	char			 line[256];
	bool			 probe = strcmp(c->command, "probe") == 0;
	int			 code;

	snprintf(line, sizeof(line), "%s%s%s\n", c->command,
	    c->arg ? " " : "", c->arg ? c->arg : "");
	doc = ask(c, line, probe ? CTL_PROBE_TIMEOUT_MS : CTL_TIMEOUT_MS);
	if (doc == NULL)
		return 3;
	code = print_answer(c, doc);
	json_object_put(doc);
	if (fflush(stdout) == EOF)
		return 3;
	return code;
}

/*
 * The forum post: the daemon's report and this host's Wi-Fi files, which
 * -c FILE (or the default configuration, when readable) names.
 */
static int
cmd_forum(const struct ctl *c)
{
	struct json_object	*doc;
	struct cd_config	*cfg = NULL;
	char			 err[512];
	int			 code;

	if ((doc = ask(c, "report\n", CTL_TIMEOUT_MS)) == NULL)
		return 3;
	if (cd_config_load(c->config, &cfg, err, sizeof(err)) < 0)
		cfg = cd_config_new_default();
	code = cd_report_forum(stdout, doc, cfg);
	cd_config_free(cfg);
	json_object_put(doc);
	if (fflush(stdout) == EOF)
		return 3;
	return code;
}

/* The report as Prometheus metrics: 0 once printed, whatever it holds. */
static int
cmd_metrics(const struct ctl *c)
{
	struct json_object	*doc;
	char			*text;

	if ((doc = ask(c, "report\n", CTL_TIMEOUT_MS)) == NULL)
		return 3;
	text = cd_metrics_text(doc);
	json_object_put(doc);
	if (text == NULL || fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
		free(text);
		return 3;
	}
	free(text);
	return 0;
}

static int
watch_event(const struct ctl *c, const char *line)
{
	struct json_object *ev;

	if ((ev = parse_answer(line)) == NULL)
		return -1;
	if (c->json)
		puts(line);
	else
		cd_report_text_event(stdout, ev, &c->text);
	fflush(stdout);
	json_object_put(ev);
	return 0;
}

/* Follow finding changes until the daemon or the user ends it. */
static int
cmd_watch(const struct ctl *c)
{
	char	*buf = NULL, *nl;
	size_t	 cap = 0, len = 0, used;
	int	 fd, rc;

	if ((fd = ctl_connect(c->socket)) < 0)
		return 3;
	if (send_line(fd, "watch\n") < 0) {
		close(fd);
		return 3;
	}
	while ((rc = read_line(fd, &buf, &cap, &len, -1)) > 0) {
		if ((nl = memchr(buf, '\n', len)) == NULL) {	/* EOF */
			rc = watch_event(c, buf);
			break;
		}
		*nl = '\0';
		used = (size_t)(nl - buf) + 1;
		if ((rc = watch_event(c, buf)) < 0)
			break;
		memmove(buf, buf + used, len - used);
		len -= used;
		buf[len] = '\0';
	}
	free(buf);
	close(fd);
	return rc < 0 ? 3 : 0;
}

/*
 * The daemon's socket: -s, else $COREDIAGD_SOCKET, else -c FILE's
 * status.socket, else this build's default (corediagd-ctl(8), FILES).
 */
static void
find_socket(struct ctl *c)
{
	struct cd_config	*cfg;
	const char		*env;
	char			 err[512];

	if (c->socket != NULL)
		return;
	if ((env = getenv("COREDIAGD_SOCKET")) != NULL && env[0] != '\0') {
		c->socket = env;
		return;
	}
	c->socket = CD_STATUS_DEFAULT_SOCKET;
	if (c->config == NULL)
		return;
	if (cd_config_load(c->config, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "corediagd-ctl: %s\n", err);
		exit(3);
	}
	/* The loader refuses a status.socket longer than sun_path. */
	snprintf(c->sockbuf, sizeof(c->sockbuf), "%s", cfg->status.socket);
	c->socket = c->sockbuf;
	cd_config_free(cfg);
}

static void
version(void)
{
	printf("corediagd-ctl %s\n"
	    "status socket: %s\n", PACKAGE_VERSION, CD_STATUS_DEFAULT_SOCKET);
}

static void
parse_args(int argc, char **argv, struct ctl *c)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "forum", no_argument, NULL, 'F' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const commands[] = { "report", "findings",
	    "devices", "probes", "probe", "watch", "metrics" };
	int ch;
	size_t i;

	while ((ch = getopt_long(argc, argv, "s:c:jVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': c->socket = optarg; break;
		case 'c': c->config = optarg; break;
		case 'j': c->json = true; break;
		case 'F': c->forum = true; break;
		case 'V': version(); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(3);
		}
	}
	c->command = optind < argc ? argv[optind++] : "report";
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(c->command, commands[i]) == 0)
			break;
	if (i == nitems(commands)) {
		fprintf(stderr, "corediagd-ctl: unknown command '%s'\n",
		    c->command);
		usage(stderr);
		exit(3);
	}
	if (c->forum && (c->json || strcmp(c->command, "report") != 0)) {
		fprintf(stderr, "corediagd-ctl: --forum goes with report, "
		    "without --json\n");
		exit(3);
	}
	if (optind < argc && strcmp(c->command, "probe") == 0)
		c->arg = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "corediagd-ctl: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		exit(3);
	}
}

int
main(int argc, char **argv)
{
	struct ctl c;

	memset(&c, 0, sizeof(c));
	parse_args(argc, argv, &c);
	find_socket(&c);
	/* https://no-color.org: any NO_COLOR turns colour off. */
	c.text.colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	if (strcmp(c.command, "watch") == 0)
		return cmd_watch(&c);
	if (strcmp(c.command, "metrics") == 0)
		return cmd_metrics(&c);
	if (c.forum)
		return cmd_forum(&c);
	return cmd_query(&c);
}
