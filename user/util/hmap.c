// SPDX-License-Identifier: GPL-2.0
/* Linear probing, grown to keep the load under 3/4. */
#include <errno.h>
#include <stdlib.h>
#include "hmap.h"

static size_t hmap_pos(const struct hmap *h, unsigned long long key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & (h->cap - 1);
}

void *hmap_get(const struct hmap *h, unsigned long long key)
{
	size_t i;

	if (!h->cap)
		return NULL;
	for (i = hmap_pos(h, key); h->vals[i]; i = (i + 1) & (h->cap - 1))
		if (h->keys[i] == key)
			return h->vals[i];
	return NULL;
}

int hmap_put(struct hmap *h, unsigned long long key, void *val)
{
	size_t i;

	if ((h->nr + 1) * 4 > h->cap * 3) {
		struct hmap n = { .cap = h->cap ? h->cap * 2 : 64 };

		n.keys = calloc(n.cap, sizeof(*n.keys));
		n.vals = calloc(n.cap, sizeof(*n.vals));
		if (!n.keys || !n.vals) {
			free(n.keys);
			free(n.vals);
			return -ENOMEM;
		}
		for (i = 0; i < h->cap; i++)
			if (h->vals[i])
				hmap_put(&n, h->keys[i], h->vals[i]);
		free(h->keys);
		free(h->vals);
		*h = n;
	}
	for (i = hmap_pos(h, key); h->vals[i]; i = (i + 1) & (h->cap - 1)) {
		if (h->keys[i] == key) {
			h->vals[i] = val;
			return 0;
		}
	}
	h->keys[i] = key;
	h->vals[i] = val;
	h->nr++;
	return 0;
}

void hmap_free(struct hmap *h)
{
	free(h->keys);
	free(h->vals);
	*h = (struct hmap){};
}
