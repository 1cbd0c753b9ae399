// SPDX-License-Identifier: GPL-2.0
/* A binary min-heap ordered by (timestamp, arrival). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "timeline.h"

static bool item_before(const struct timeline_item *a, const struct timeline_item *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void swap_items(struct timeline_item *a, struct timeline_item *b)
{
	struct timeline_item t = *a;

	*a = *b;
	*b = t;
}

int timeline_push(struct timeline *tl, __u64 ts, const void *data, size_t size)
{
	struct timeline_item *item;
	size_t i;

	if (tl->len == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 1024;
		struct timeline_item *grown = realloc(tl->heap, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		tl->heap = grown;
		tl->cap = cap;
	}
	item = &tl->heap[tl->len];
	item->data = malloc(size);
	if (!item->data)
		return -ENOMEM;
	memcpy(item->data, data, size);
	item->size = size;
	item->ts = ts;
	item->seq = tl->next_seq++;
	for (i = tl->len++; i > 0 && item_before(&tl->heap[i], &tl->heap[(i - 1) / 2]);
	     i = (i - 1) / 2)
		swap_items(&tl->heap[i], &tl->heap[(i - 1) / 2]);
	return 0;
}

int timeline_pop(struct timeline *tl, __u64 up_to, struct timeline_item *out)
{
	size_t i = 0;

	if (!tl->len || tl->heap[0].ts > up_to)
		return 0;
	*out = tl->heap[0];
	tl->heap[0] = tl->heap[--tl->len];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, min = i;

		if (l < tl->len && item_before(&tl->heap[l], &tl->heap[min]))
			min = l;
		if (r < tl->len && item_before(&tl->heap[r], &tl->heap[min]))
			min = r;
		if (min == i)
			break;
		swap_items(&tl->heap[i], &tl->heap[min]);
		i = min;
	}
	return 1;
}

void timeline_free(struct timeline *tl)
{
	while (tl->len)
		free(tl->heap[--tl->len].data);
	free(tl->heap);
	memset(tl, 0, sizeof(*tl));
}
