/* Small helpers shared by the daemon, the client and the tests. */
#ifndef CD_UTIL_H
#define CD_UTIL_H

#include <stddef.h>
#include <stdint.h>

#ifndef nitems
#define nitems(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* Wall-clock time in milliseconds since the epoch. */
int64_t	cd_now_ms(void);

/* "2026-11-24T12:00:00Z" (UTC, RFC 3339) into buf of at least 32 bytes. */
char	*cd_rfc3339(int64_t ms, char *buf, size_t len);

/* strdup that never returns NULL for a non-NULL argument (aborts on OOM). */
char	*cd_strdup(const char *s);
void	*cd_calloc(size_t n, size_t size);

/* The value of hex digit c (any case), or -1. */
int	cd_hexval(int c);

/* Replace *dst with a copy of src (NULL allowed); returns 1 if it changed. */
int	cd_setstr(char **dst, const char *src);

#endif
