/* SPDX-License-Identifier: GPL-2.0 */
/* An arena: many small allocations freed at once (a DWARF module's types and
 * prototypes live until the module closes). */
#ifndef RTRACE_ARENA_H
#define RTRACE_ARENA_H

#include <stddef.h>

struct arena_blk;

struct arena {
	struct arena_blk *head;		/* zeroed: empty */
};

/* @n zeroed bytes, aligned for any type, owned by @a; NULL on ENOMEM. */
void *arena_alloc(struct arena *a, size_t n);
/* A copy of @s owned by @a, or NULL. */
char *arena_strdup(struct arena *a, const char *s);
/* Frees everything @a handed out; @a is empty again. */
void arena_free(struct arena *a);

#endif
