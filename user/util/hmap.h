/* SPDX-License-Identifier: GPL-2.0 */
/* An open-addressing hash map from non-zero unsigned long long keys to
 * non-NULL pointers. */
#ifndef RTRACE_HMAP_H
#define RTRACE_HMAP_H

#include <stddef.h>

struct hmap {
	unsigned long long *keys;
	void **vals;
	size_t cap, nr;			/* zeroed: empty */
};

/* A key for a NUL-terminated string (FNV-1a), never zero. */
static inline unsigned long long hmap_hash_str(const char *s)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h | 1;
}

/* The value stored under @key, or NULL. */
void *hmap_get(const struct hmap *h, unsigned long long key);
/* Stores @val under @key, replacing any value. Returns 0 or -ENOMEM. */
int hmap_put(struct hmap *h, unsigned long long key, void *val);
/* Frees the table (not the values); @h is empty again. */
void hmap_free(struct hmap *h);

#endif
