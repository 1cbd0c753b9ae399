/* SPDX-License-Identifier: GPL-2.0 */
/* Private to user/output/: a sink's own view of each thread's (and goroutine's) open
 * calls, by depth as the state's events give it: for the sinks that time calls (report,
 * export). */
#ifndef RTRACE_OUTPUT_USTACK_H
#define RTRACE_OUTPUT_USTACK_H

#include <linux/types.h>
#include "sink.h"
#include "util/hmap.h"

struct ustack_frame {
	__u64 cookie;
	__u64 entry_ts;
	__u64 child;		/* time of the traced calls and syscalls right inside */
};

struct ustack {
	struct ustack *next;	/* same hash */
	struct out_unit who;
	struct ustack_frame *frames;
	int depth;		/* frames open */
	int cap;
};

struct ustacks {
	struct hmap units;	/* hash → struct ustack chain */
};

/* @who's stack, able to hold @depth + 1 frames; NULL on ENOMEM. */
struct ustack *ustack_of(struct ustacks *us, const struct out_unit *who, int depth);
/* A call at @depth: its frame opens (what was deeper is gone). */
void ustack_push(struct ustacks *us, const struct out_event *e);
/* The frame a return or an unwind at @depth closes (NULL if none), its time charged
 * to its parent. */
struct ustack_frame *ustack_pop(struct ustacks *us, const struct out_event *e, __u64 *dur);
/* A syscall's time, charged to the call it is in. */
void ustack_charge(struct ustacks *us, const struct out_event *e, __u64 ns);
void ustacks_free(struct ustacks *us);

#endif
