/*
 * metrics.textfile: the metrics written for node_exporter's textfile
 * collector, replaced atomically (a temporary file in the same directory,
 * fsync, rename) off the loop's thread, soon after each change and every
 * CD_METRICS_REFRESH_MS for the counters.
 */
#ifndef CD_METRICS_FILE_H
#define CD_METRICS_FILE_H

#include <uv.h>

#define CD_METRICS_DEBOUNCE_MS	100	/* a burst of changes, one write */
#define CD_METRICS_REFRESH_MS	15000

struct cd_metrics_file;

/* Makes the text to write; malloc'd, or NULL to skip this write. */
typedef char	*cd_metrics_text_fn(void *arg);

struct cd_metrics_file *cd_metrics_file_open(uv_loop_t *loop,
	    const char *path, cd_metrics_text_fn *fn, void *arg);
const char *cd_metrics_file_path(const struct cd_metrics_file *m);
/* Something changed: write soon. */
void	cd_metrics_file_touch(struct cd_metrics_file *m);
/* Stop writing and remove the file: a stopped daemon reports nothing. */
void	cd_metrics_file_close(struct cd_metrics_file *m);

#endif
