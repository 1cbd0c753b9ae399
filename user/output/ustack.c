// SPDX-License-Identifier: GPL-2.0
/* Per-unit stacks of open calls for the timing sinks. */
#include <stdlib.h>
#include <string.h>
#include "ustack.h"

struct ustack *ustack_of(struct ustacks *us, const struct out_unit *who, int depth)
{
	/* a thread by its tid, a goroutine by its process and g */
	unsigned long long h = who->g ? (who->g ^ who->tgid) * 0xff51afd7ed558ccdULL :
					who->tid * 0x9e3779b97f4a7c15ULL;
	struct ustack *u;

	h |= 1;
	if (depth < 0)
		return NULL;
	for (u = hmap_get(&us->units, h); u; u = u->next)
		if (u->who.g == who->g && u->who.tgid == who->tgid &&
		    (who->g || u->who.tid == who->tid))
			break;
	if (!u) {
		u = calloc(1, sizeof(*u));
		if (!u)
			return NULL;
		u->who = *who;
		u->next = hmap_get(&us->units, h);
		if (hmap_put(&us->units, h, u)) {
			free(u);
			return NULL;
		}
	}
	if (depth >= u->cap) {
		int cap = depth + 16;
		struct ustack_frame *grown = realloc(u->frames, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		memset(grown + u->cap, 0, (cap - u->cap) * sizeof(*grown));
		u->frames = grown;
		u->cap = cap;
	}
	return u;
}

void ustack_push(struct ustacks *us, const struct out_event *e)
{
	struct ustack *u = ustack_of(us, &e->who, e->depth);

	if (!u)
		return;
	u->frames[e->depth] = (struct ustack_frame){ e->call.cookie, e->ts, 0 };
	u->depth = e->depth + 1;
}

static void charge(struct ustacks *us, const struct out_unit *who, int depth, __u64 ns)
{
	struct ustack *u;

	if (depth <= 0)
		return;
	u = ustack_of(us, who, depth - 1);
	if (u && depth - 1 < u->depth)
		u->frames[depth - 1].child += ns;
}

struct ustack_frame *ustack_pop(struct ustacks *us, const struct out_event *e, __u64 *dur)
{
	struct ustack *u = ustack_of(us, &e->who, e->depth);

	if (!u || e->depth >= u->depth)
		return NULL;
	u->depth = e->depth;
	*dur = e->ts - u->frames[e->depth].entry_ts;
	charge(us, &e->who, e->depth, *dur);
	return &u->frames[e->depth];
}

void ustack_charge(struct ustacks *us, const struct out_event *e, __u64 ns)
{
	charge(us, &e->who, e->depth, ns);
}

void ustacks_free(struct ustacks *us)
{
	size_t i;

	for (i = 0; i < us->units.cap; i++) {
		struct ustack *u = us->units.vals[i], *next;

		for (; u; u = next) {
			next = u->next;
			free(u->frames);
			free(u);
		}
	}
	hmap_free(&us->units);
}
