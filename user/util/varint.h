/* SPDX-License-Identifier: GPL-2.0 */
/* LEB128 varints and zigzag: the trace file's record codec and its prototypes. */
#ifndef RTRACE_UTIL_VARINT_H
#define RTRACE_UTIL_VARINT_H

#include <stdbool.h>

#define VARINT_MAX	10	/* bytes of a 64-bit varint */

/* Signed differences as small unsigned numbers: 0, -1, 1, -2... as 0, 1, 2, 3... */
static inline unsigned long long zigzag(unsigned long long d)
{
	return d << 1 ^ -(d >> 63);
}

static inline unsigned long long unzigzag(unsigned long long z)
{
	return z >> 1 ^ -(z & 1);
}

/* LEB128: 7 bits a byte, low first, the top bit set on all but the last. */
static inline unsigned char *put_varint(unsigned char *p, unsigned long long v)
{
	while (v >= 0x80) {
		*p++ = v | 0x80;
		v >>= 7;
	}
	*p++ = v;
	return p;
}

/* A varint at *p (of @end): false if it runs past @end or holds more than 64 bits. */
static inline bool get_varint(const unsigned char **p, const unsigned char *end, unsigned long long *v)
{
	const unsigned char *q = *p;
	unsigned long long x = 0;
	unsigned int shift;

	for (shift = 0; q < end; shift += 7) {
		unsigned char b = *q++;

		/* the tenth byte holds bit 63 only */
		if (shift == 63 && b > 1)
			return false;
		x |= (unsigned long long)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*p = q;
			*v = x;
			return true;
		}
	}
	return false;
}

#endif
