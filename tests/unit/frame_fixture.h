/*
 * Building frames for the tracker's tests (test_tracker, test_tracker_rules):
 * a buffer, big-endian stores and dotted IPv4 literals.
 */
#ifndef CD_FRAME_FIXTURE_H
#define CD_FRAME_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

struct frame {
	uint8_t	b[1600];
	size_t	len;
};

void		put16(uint8_t *p, uint16_t v);
void		put32(uint8_t *p, uint32_t v);
/* The address s in host order; the test fails if s is not one. */
uint32_t	ip4(const char *s);

#endif
