/* SPDX-License-Identifier: GPL-2.0 */
/* -c with nothing else to show: calls, errors and time per syscall and per function
 * added up here, in per-CPU maps, with no record per event; the loader reads the sums
 * at the end (user/tracer_counts.c). Pairs as the loader's state does: a syscall's exit
 * with its thread's enter of the same number; a return with the frame entered at its sp
 * (frames left by longjmp or exceptions dropped by stack pointer, uncounted, as the loader
 * leaves unwound frames out of -c). C functions only: with Go functions the loader counts. */
#ifndef RTRACE_COUNTS_BPF_H
#define RTRACE_COUNTS_BPF_H

#include "filter.bpf.h"

#define COUNT_MAX_FRAMES	64	/* deeper calls: counted at entry, not timed */

const volatile bool count_only __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RTRACE_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct rtrace_count_val);
} sys_counts SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);		/* sized by the loader: function ids */
	__type(key, __u32);
	__type(value, struct rtrace_count_val);
} func_counts SEC(".maps") __weak;

struct count_frame {
	__u64 sp;		/* entry sp */
	__u64 ts;
	__u64 id;
};

struct count_task {
	struct rtrace_count_acc acc;	/* first: the loader reads it (rtrace.h) */
	__u64 sys_ts;		/* the enter time of the syscall under way; 0: none */
	__u32 sys_nr;
	__u32 depth;		/* frames under way, the first COUNT_MAX_FRAMES kept */
	struct count_frame frames[COUNT_MAX_FRAMES];
};

THREAD_MAP(count_tasks, struct count_task);
_Static_assert(__builtin_offsetof(struct count_task, acc) == 0, "the loader reads it first");

/* Uprobe programs can be preempted on their CPU by another task's: atomic adds, to a
 * per-CPU line that no other CPU writes, so without contention. */
static __always_inline void count_add(void *map, __u32 key, __u64 calls, __u64 errors, __u64 ns)
{
	struct rtrace_count_val *v = bpf_map_lookup_elem(map, &key);

	if (!v)
		return;
	if (calls)
		__sync_fetch_and_add(&v->calls, calls);
	if (errors)
		__sync_fetch_and_add(&v->errors, errors);
	if (ns)
		__sync_fetch_and_add(&v->ns, ns);
}

/* The thread's sums so far into the per-CPU ones. */
static __always_inline void count_flush(struct count_task *t)
{
	if (t->acc.id && t->acc.calls)
		count_add(&func_counts, t->acc.id - 1, t->acc.calls, 0, t->acc.ns);
	t->acc.calls = 0;
	t->acc.ns = 0;
}

/* A timed return of function @id: in the thread's own sums while it keeps returning from
 * the same function (a loop, a recursion), no atomic; only this thread's programs touch
 * them. */
static __always_inline void count_acc(struct count_task *t, __u64 id, __u64 ns)
{
	if (t->acc.id != id + 1) {
		count_flush(t);
		t->acc.id = id + 1;
	}
	t->acc.calls++;
	t->acc.ns += ns;
}

static __always_inline void count_sys_enter(long nr)
{
	struct count_task *t = THREAD_STATE(count_tasks, (__u32)bpf_get_current_pid_tgid(), true);

	/* counted at its enter: one that never returns (exit_group) counts too */
	count_add(&sys_counts, nr, 1, 0, 0);
	if (!t)
		return;
	t->sys_nr = nr;
	t->sys_ts = bpf_ktime_get_ns();
}

static __always_inline void count_sys_exit(long nr, long ret)
{
	struct count_task *t = THREAD_STATE(count_tasks, (__u32)bpf_get_current_pid_tgid(), false);
	__u64 errors = ret < 0 && ret >= -4095;

	if (t && t->sys_ts && t->sys_nr == nr) {
		count_add(&sys_counts, nr, 0, errors, bpf_ktime_get_ns() - t->sys_ts);
		t->sys_ts = 0;
		return;
	}
	/* entered before tracing began */
	count_add(&sys_counts, nr, 1, errors, 0);
}

#define COUNT_FRAME_SP(i)	t->frames[i].sp

/* The kept frames the thread is still in at an entry (@entry) or a return at entry sp @sp. */
static __always_inline __u32 count_unwind(struct count_task *t, __u64 sp, bool entry)
{
	return FRAMES_UNWIND(t->depth, COUNT_MAX_FRAMES, COUNT_FRAME_SP, sp, entry);
}

static __always_inline void count_entry(struct task_struct *task, __u64 sp, __u64 cookie)
{
	__u64 id = cookie & RTRACE_COOKIE_ID_MASK;
	struct count_frame *fr;
	struct count_task *t;
	__u32 depth;

	if (cookie & RTRACE_COOKIE_NORET) {
		count_add(&func_counts, id, 1, 0, 0);	/* no return probe: counted, not timed */
		return;
	}
	t = THREAD_STATE(count_tasks, task->pid, true);
	if (!t)
		return;
	depth = count_unwind(t, sp, true);
	if (depth >= COUNT_MAX_FRAMES) {
		count_add(&func_counts, id, 1, 0, 0);
		t->depth = depth;
		return;
	}
	fr = &t->frames[depth & (COUNT_MAX_FRAMES - 1)];
	fr->sp = sp;
	fr->id = id;
	fr->ts = bpf_ktime_get_ns();
	t->depth = depth + 1;
}

/* A return of the frame entered at @sp: the function its entry recorded there. */
static __always_inline void count_return(struct task_struct *task, __u64 sp)
{
	struct count_task *t = THREAD_STATE(count_tasks, task->pid, false);
	struct count_frame *fr;
	__u32 depth;

	if (!t)
		return;
	depth = count_unwind(t, sp, false);
	t->depth = depth;
	if (!depth)
		return;		/* entered before tracing began, or deeper than kept */
	fr = &t->frames[(depth - 1) & (COUNT_MAX_FRAMES - 1)];
	if (fr->sp != sp)
		return;
	count_acc(t, fr->id, bpf_ktime_get_ns() - fr->ts);
	t->depth = depth - 1;
}

#endif
