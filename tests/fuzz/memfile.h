/*
 * For readers that take a path: the fuzz input as a file in memory,
 * named /proc/self/fd/N (a regular file, as the readers require).
 * Include config.h first (it defines _GNU_SOURCE, for memfd_create).
 */
#ifndef CD_FUZZ_MEMFILE_H
#define CD_FUZZ_MEMFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int
memfile(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
