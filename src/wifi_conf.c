/*
 * The configuration's view of the Wi-Fi: the parts hostapd.conf and UCI
 * readers share.  Radios and networks go in growing arrays; every file
 * read is kept once, so findings can say "FILE:LINE" long after parsing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "wifi.h"

#define WIFI_CONF_MAXSIZE	(1024 * 1024)	/* no Wi-Fi config is larger */
#define WIFI_CONF_MAXITEMS	256		/* radios or networks per run */

const char *
cd_wifi_conf_file(struct cd_wifi_conf *conf, const char *path)
{
	char **v;

	for (size_t i = 0; i < conf->nfiles; i++)
		if (strcmp(conf->files[i], path) == 0)
			return conf->files[i];
	v = realloc(conf->files, (conf->nfiles + 1) * sizeof(*v));
	if (v == NULL)
		abort();
	conf->files = v;
	v[conf->nfiles] = cd_strdup(path);
	return v[conf->nfiles++];
}

/* Grow an array by one zeroed element; NULL past WIFI_CONF_MAXITEMS. */
static void *
grow(void *arr, size_t *n, size_t size)
{
	char *p;

	if (*n >= WIFI_CONF_MAXITEMS)
		return NULL;
	if ((p = realloc(arr, (*n + 1) * size)) == NULL)
		abort();
	memset(p + *n * size, 0, size);
	(*n)++;
	return p;
}

struct cd_wifi_radio *
cd_wifi_conf_radio(struct cd_wifi_conf *conf, const char *file, int line)
{
	struct cd_wifi_radio *arr, *r;

	arr = grow(conf->radios, &conf->nradios, sizeof(*arr));
	if (arr == NULL) {
		log_warnx("%s:%d: more than %d radios; the rest are ignored",
		    file, line, WIFI_CONF_MAXITEMS);
		return NULL;
	}
	conf->radios = arr;
	r = &arr[conf->nradios - 1];
	r->file = file;
	r->line = line;
	return r;
}

struct cd_wifi_bss *
cd_wifi_conf_bss(struct cd_wifi_conf *conf, size_t radio, const char *file,
    int line)
{
	struct cd_wifi_bss *arr, *b;

	arr = grow(conf->bss, &conf->nbss, sizeof(*arr));
	if (arr == NULL) {
		log_warnx("%s:%d: more than %d networks; the rest are ignored",
		    file, line, WIFI_CONF_MAXITEMS);
		return NULL;
	}
	conf->bss = arr;
	b = &arr[conf->nbss - 1];
	b->radio = radio;
	b->file = file;
	b->line = line;
	b->ap = true;
	return b;
}

void
cd_wifi_setting(struct cd_wifi_setting *s, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->text, sizeof(s->text), fmt, ap);
	va_end(ap);
	s->line = line;
}

/*
 * The whole file, NUL-terminated, in *buf.  Small files only: a reader
 * that runs every probe interval must not stall on a huge or endless one
 * (a FIFO or /dev/zero named by mistake is refused, not read).
 */
static int
read_whole(const char *path, char **buf, size_t *len)
{
	struct stat	 sb;
	ssize_t		 n;
	size_t		 got = 0;
	char		*p = NULL;
	int		 fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return -errno;
	if (fstat(fd, &sb) < 0) {
		rc = -errno;
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = S_ISDIR(sb.st_mode) ? -EISDIR : -EINVAL;
		goto fail;
	}
	rc = -EFBIG;
	if (sb.st_size > WIFI_CONF_MAXSIZE)
		goto fail;
	p = cd_calloc(1, (size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, p + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	p[got] = '\0';
	close(fd);
	*buf = p;
	*len = got;
	return 0;
fail:
	close(fd);
	free(p);
	return rc;
}

int
cd_wifi_read_lines(const char *path, char **buf, size_t *len)
{
	int rc;

	if ((rc = read_whole(path, buf, len)) < 0 && rc != -ENOENT)
		log_warnx("%s: %s", path, strerror(-rc));
	return rc;
}

void
cd_wifi_each_line(char *buf, size_t len, cd_wifi_line_fn *fn, void *ctx)
{
	char	*s, *nl;
	int	 line = 0;

	for (s = buf; s < buf + len; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(buf + len - s))) == NULL)
			nl = buf + len;
		*nl = '\0';
		fn(ctx, ++line, s);
	}
}

void
cd_wifi_conf_free(struct cd_wifi_conf *conf)
{
	for (size_t i = 0; i < conf->nfiles; i++)
		free(conf->files[i]);
	free(conf->files);
	free(conf->radios);
	free(conf->bss);
	memset(conf, 0, sizeof(*conf));
}
