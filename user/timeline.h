/* SPDX-License-Identifier: GPL-2.0 */
/* Reorders events from all CPUs into one timestamp order. The ring buffer
 * delivers records in reservation order; stamps taken on different CPUs can
 * be a little out of order, so events wait in a min-heap until no earlier one
 * can still arrive. Within a thread the order is always exact.
 */
#ifndef RTRACE_TIMELINE_H
#define RTRACE_TIMELINE_H

#include <stddef.h>
#include <linux/types.h>

/* Records mostly arrive in time order: those that do wait in a queue (O(1)),
 * only those earlier than the queue's last go into the heap. */
struct timeline {
	struct timeline_item *heap;
	size_t len, cap;
	struct timeline_item *run;	/* circular, in time order */
	size_t run_head, run_len, run_cap;
	__u64 next_seq;
	/* Records are copied into chunks one after another, not each into a malloc of its
	 * own (the consumer's time was a fifth malloc and free); a chunk goes once its last
	 * record is released. */
	struct timeline_chunk *cur, *spare;
	size_t bytes;		/* of the records waiting */
};

struct timeline_item {
	__u64 ts;
	__u64 seq;		/* arrival order: ties keep it */
	void *data;
	size_t size;
	struct timeline_chunk *chunk;	/* where data is */
};

/* Copies the record in. Returns 0 or -ENOMEM. */
int timeline_push(struct timeline *tl, __u64 ts, const void *data, size_t size);
/* Copies in each record of what one ring buffer record carries: a single
 * record, or a batch of them end to end, each sized by its rtrace_hdr.
 * Returns 0, -EINVAL when a size does not fit (what came before it is in),
 * or -ENOMEM. */
int timeline_push_records(struct timeline *tl, const void *data, size_t size);
/* Pops the earliest record with ts <= up_to into *out, whose data stays until
 * timeline_release(). Returns 1 if one was popped, 0 if none is due. */
int timeline_pop(struct timeline *tl, __u64 up_to, struct timeline_item *out);
/* Gives back the memory of a popped record. */
void timeline_release(struct timeline *tl, const struct timeline_item *item);
/* Records waiting. */
size_t timeline_waiting(const struct timeline *tl);
void timeline_free(struct timeline *tl);

#endif
