// SPDX-License-Identifier: GPL-2.0
/* An in-order queue and a binary min-heap, both ordered by (timestamp, arrival). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "rtrace.h"
#include "timeline.h"

#define CHUNK_SIZE	(1U << 20)

struct timeline_chunk {
	size_t used, cap;
	size_t live;		/* records in it not yet released */
	unsigned char data[];
};

/* Room for @size bytes of a record, 8-aligned, in the current chunk or a new one. */
static void *chunk_alloc(struct timeline *tl, size_t size, struct timeline_chunk **where)
{
	struct timeline_chunk *c = tl->cur;
	size_t need = (size + 7) & ~7UL;

	if (c && !c->live)
		c->used = 0;	/* all released: start again at its beginning */
	if (!c || c->used + need > c->cap) {
		if (c && !c->live)
			free(c);	/* too small for this record */
		/* a full chunk with records in it goes when its last is released */
		c = NULL;
		if (tl->spare && need <= tl->spare->cap) {
			c = tl->spare;
			tl->spare = NULL;
		} else {
			size_t cap = need > CHUNK_SIZE ? need : CHUNK_SIZE;

			c = malloc(sizeof(*c) + cap);
			if (!c) {
				tl->cur = NULL;
				return NULL;
			}
			c->cap = cap;
		}
		c->used = 0;
		c->live = 0;
		tl->cur = c;
	}
	*where = c;
	c->live++;
	c->used += need;
	return c->data + c->used - need;
}

static void chunk_put(struct timeline *tl, struct timeline_chunk *c)
{
	if (--c->live || c == tl->cur)
		return;
	if (!tl->spare && c->cap == CHUNK_SIZE)
		tl->spare = c;
	else
		free(c);
}

void timeline_release(struct timeline *tl, const struct timeline_item *item)
{
	if (item->chunk)
		chunk_put(tl, item->chunk);
}

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

static struct timeline_item *run_at(const struct timeline *tl, size_t i)
{
	return &tl->run[(tl->run_head + i) % tl->run_cap];
}

static int run_append(struct timeline *tl, const struct timeline_item *item)
{
	if (tl->run_len == tl->run_cap) {
		size_t cap = tl->run_cap ? tl->run_cap * 2 : 1024, i;
		struct timeline_item *grown = malloc(cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		for (i = 0; i < tl->run_len; i++)
			grown[i] = *run_at(tl, i);
		free(tl->run);
		tl->run = grown;
		tl->run_cap = cap;
		tl->run_head = 0;
	}
	*run_at(tl, tl->run_len++) = *item;
	return 0;
}

static int heap_push(struct timeline *tl, const struct timeline_item *item)
{
	size_t i;

	if (tl->len == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 1024;
		struct timeline_item *grown = realloc(tl->heap, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		tl->heap = grown;
		tl->cap = cap;
	}
	tl->heap[tl->len] = *item;
	for (i = tl->len++; i > 0 && item_before(&tl->heap[i], &tl->heap[(i - 1) / 2]);
	     i = (i - 1) / 2)
		swap_items(&tl->heap[i], &tl->heap[(i - 1) / 2]);
	return 0;
}

int timeline_push(struct timeline *tl, __u64 ts, const void *data, size_t size)
{
	struct timeline_item item = { .ts = ts, .seq = tl->next_seq, .size = size };
	int err;

	item.data = chunk_alloc(tl, size, &item.chunk);
	if (!item.data)
		return -ENOMEM;
	memcpy(item.data, data, size);
	if (!tl->run_len || ts >= run_at(tl, tl->run_len - 1)->ts)
		err = run_append(tl, &item);
	else
		err = heap_push(tl, &item);
	if (err) {
		chunk_put(tl, item.chunk);
		return err;
	}
	tl->next_seq++;
	tl->bytes += size;
	return 0;
}

static void heap_pop(struct timeline *tl, struct timeline_item *out)
{
	size_t i = 0;

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
}

int timeline_pop(struct timeline *tl, __u64 up_to, struct timeline_item *out)
{
	const struct timeline_item *first = NULL;
	bool from_run = false;

	if (tl->run_len) {
		first = run_at(tl, 0);
		from_run = true;
	}
	if (tl->len && (!first || item_before(&tl->heap[0], first))) {
		first = &tl->heap[0];
		from_run = false;
	}
	if (!first || first->ts > up_to)
		return 0;
	if (!from_run) {
		heap_pop(tl, out);
		tl->bytes -= out->size;
		return 1;
	}
	*out = *first;
	tl->bytes -= out->size;
	tl->run_head = (tl->run_head + 1) % tl->run_cap;
	tl->run_len--;
	return 1;
}

size_t timeline_waiting(const struct timeline *tl)
{
	return tl->len + tl->run_len;
}

void timeline_free(struct timeline *tl)
{
	/* Each chunk goes with its last record, the current one at the end; records still
	 * popped and not released keep theirs (a leak, not a use after free). */
	while (tl->len)
		chunk_put(tl, tl->heap[--tl->len].chunk);
	while (tl->run_len)
		chunk_put(tl, run_at(tl, --tl->run_len)->chunk);
	if (tl->cur && !tl->cur->live)
		free(tl->cur);
	free(tl->spare);
	free(tl->heap);
	free(tl->run);
	memset(tl, 0, sizeof(*tl));
}

int timeline_push_records(struct timeline *tl, const void *data, size_t size)
{
	const struct rtrace_hdr *h;
	size_t off = 0;
	int err;

	while (size - off >= sizeof(*h)) {
		h = (const void *)((const char *)data + off);
		if (h->size < sizeof(*h) || h->size > size - off)
			return -EINVAL;
		err = timeline_push(tl, h->ts_ns, h, h->size);
		if (err)
			return err;
		/* BPF places records 8-aligned. */
		off += (h->size + 7) & ~7UL;
	}
	return 0;
}
