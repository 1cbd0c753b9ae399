/* SPDX-License-Identifier: GPL-2.0 */
/* A growable byte buffer (the trace writer's blocks, the reader's stored and inflated data,
 * the codec's output, encoded prototypes). */
#ifndef RTRACE_UTIL_TBUF_H
#define RTRACE_UTIL_TBUF_H

#include <errno.h>
#include <stdlib.h>

struct tbuf {
	unsigned char *p;
	size_t len, cap;
};

/* Room for @size bytes in all (doubling, so that appends cost O(1)): 0, or -ENOMEM with
 * @b unchanged. */
static inline int tbuf_reserve(struct tbuf *b, size_t size)
{
	size_t cap = b->cap * 2 > size ? b->cap * 2 : size;
	unsigned char *p;

	if (size <= b->cap)
		return 0;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

#endif
