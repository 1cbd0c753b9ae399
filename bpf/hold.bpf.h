/* SPDX-License-Identifier: GPL-2.0 */
/* --min-duration where records are made, for leaf calls: a C function's entry (one without
 * captured memory) waits in its thread's storage. The thread's next entry or syscall shows
 * the call has something inside: the entry goes on (held_release). Its own return sends both
 * if the call took --min-duration, and neither is ever recorded if not. The loader applies
 * --min-duration to the rest (calls with something inside, syscalls) as before. */
#ifndef RTRACE_HOLD_BPF_H
#define RTRACE_HOLD_BPF_H

#include "thread.bpf.h"

const volatile __u64 filter_min_dur_ns __weak;	/* --min-duration: 0 for none */

struct held_entry {
	__u64 held;		/* an entry waits in e */
	struct rtrace_func_entry e;
};

THREAD_MAP(held_entries, struct held_entry);

/* Sends the entry @h holds, if any: its call is not a leaf. */
static __always_inline void held_send(struct held_entry *h)
{
	struct rtrace_func_entry *e;
	struct batch *b;

	if (!h->held)
		return;
	h->held = 0;
	e = record_begin(&b, sizeof(*e));
	if (!e)
		return;
	__builtin_memcpy(e, &h->e, sizeof(*e));
	record_end(b, e, sizeof(*e));
}

/* Something happens in the thread of @task (an entry, a syscall): what it holds goes on. */
static __always_inline void held_release(struct task_struct *task)
{
	struct held_entry *h;

	if (!filter_min_dur_ns)
		return;
	h = THREAD_STATE(held_entries, task->pid, false);
	if (h)
		held_send(h);
}

/* A return of the frame entered at @sp: false when the call was a leaf shorter than
 * --min-duration (its held entry and the return both go unrecorded). */
static __always_inline bool held_return(struct task_struct *task, __u64 sp, __u64 cookie)
{
	struct held_entry *h;

	if (!filter_min_dur_ns)
		return true;
	h = THREAD_STATE(held_entries, task->pid, false);
	if (!h || !h->held)
		return true;
	if (h->e.sp == sp && !((h->e.cookie ^ cookie) & RTRACE_COOKIE_ID_MASK) &&
	    bpf_ktime_get_ns() - h->e.hdr.ts_ns < filter_min_dur_ns) {
		h->held = 0;
		return false;
	}
	held_send(h);	/* a longer call, or a frame left without its return */
	return true;
}

#endif
