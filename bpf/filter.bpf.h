/* SPDX-License-Identifier: GPL-2.0 */
/* --max-depth, --sample and --tid applied where the records are made: what the
 * loader would hide costs no record, no copy and no decoding. Depth is
 * reckoned as the loader reckons it (user/output/state.c), by the stack
 * pointer at each entry: a frame is left once a later entry or return has its
 * sp above the frame's, so longjmp and exceptions unwind here too. The loader
 * keeps its own filters: a frame this side is unsure of is shown, and the
 * loader decides. C functions only: Go frames pair per goroutine, in the loader. */
#ifndef RTRACE_FILTER_BPF_H
#define RTRACE_FILTER_BPF_H

#include "thread.bpf.h"

#define FILTER_MAX_DEPTH	RTRACE_FILTER_MAX_DEPTH

const volatile __u32 filter_tid __weak;		/* --tid: 0 for all threads */
const volatile __u32 filter_max_depth __weak;	/* --max-depth: 0 or 1..FILTER_MAX_DEPTH */
const volatile __u32 filter_sample __weak;	/* --sample N: 0 for all */
/* Outermost calls so far, of all threads: --sample keeps the ones counted 0 mod N. */
__u64 filter_outermost __weak;

struct frame_filter {
	/* Entry sp of the outermost hidden call under way (deeper than --max-depth, or
	 * not sampled): all that happens below it on the stack is hidden. 0: none. */
	__u64 hidden_sp;
	__u32 hidden_n;		/* hidden frames at hidden_sp: tail calls add to it */
	__u32 depth;		/* shown calls under way, at most the frames kept */
	__u64 sp[FILTER_MAX_DEPTH];	/* their entry sps, outermost first */
};

THREAD_MAP(frame_filters, struct frame_filter);

static __always_inline bool filter_thread(__u64 pid_tgid)
{
	return !filter_tid || (__u32)pid_tgid == filter_tid;
}

static __always_inline bool filter_frames(void)
{
	return filter_max_depth || filter_sample;
}

/* Whether a frame whose entry sp is @sp is still under way when another function is
 * entered at the same sp: only if that entry is a tail call from it, its return address
 * slot holding the uretprobe trampoline (the first slot of a page; a real return address
 * practically never is), as the loader and the kernel decide. Rare: a frame's return
 * drops it first. */
static __always_inline bool filter_tail_called(__u64 sp)
{
	__u64 ret = 0;

	return !bpf_probe_read_user(&ret, sizeof(ret), (void *)sp) && ret && !(ret & 4095);
}

/* The frames of @nr kept (at most @max, a power of 2) a thread is still in at an entry
 * (@entry) or a return at @sp: those entered above it on the stack, and at it if
 * tail-called into. FRAME_SP(i) is frame i's entry sp. The filters and -c reckon so, as the
 * loader does. A macro, not a function over both frame layouts: the code each gets is what
 * 6.1's verifier took of each before (a shared function over a stride it did not). */
#define FRAMES_UNWIND(nr, max, FRAME_SP, sp, entry)					\
({											\
	__u32 __depth = (nr) > (max) ? (max) : (nr);					\
	int __i;									\
											\
	for (__i = 0; __i < (max) && __depth; __i++) {					\
		__u64 __top = FRAME_SP((__depth - 1) & ((max) - 1));			\
											\
		if (__top > (sp) || (__top == (sp) && (!(entry) || filter_tail_called(sp)))) \
			break;								\
		__depth--;								\
	}										\
	__depth;									\
})

#define FILTER_FRAME_SP(i)	f->sp[i]

static __always_inline __u32 filter_unwind(struct frame_filter *f, __u64 sp, bool entry)
{
	return FRAMES_UNWIND(f->depth, FILTER_MAX_DEPTH, FILTER_FRAME_SP, sp, entry);
}

/* A C function entered at @sp: whether its record is made. A @mark (no return probe)
 * opens no frame and is not an outermost call to sample. */
static __always_inline bool filter_entry(struct task_struct *task, __u64 sp, bool mark)
{
	__u32 keep = filter_max_depth ?: 1, depth;
	struct frame_filter *f;

	if (!filter_frames())
		return true;
	f = THREAD_STATE(frame_filters, task->pid, true);
	if (!f)
		return true;
	if (f->hidden_sp) {
		if (sp < f->hidden_sp)
			return false;
		if (sp == f->hidden_sp && filter_tail_called(sp)) {
			f->hidden_n++;
			return false;
		}
		f->hidden_sp = 0;	/* left */
	}
	depth = filter_unwind(f, sp, true);
	f->depth = depth;
	if (mark)
		return true;
	if (depth >= keep) {
		if (!filter_max_depth)
			return true;	/* --sample alone: inside a sampled call */
		f->hidden_sp = sp;
		f->hidden_n = 1;
		return false;
	}
	if (!depth && filter_sample &&
	    __sync_fetch_and_add(&filter_outermost, 1) % filter_sample) {
		f->hidden_sp = sp;
		f->hidden_n = 1;
		return false;
	}
	f->sp[depth & (FILTER_MAX_DEPTH - 1)] = sp;
	f->depth = depth + 1;
	return true;
}

/* A C function whose frame was entered at @sp returns: whether its record is made. */
static __always_inline bool filter_return(struct task_struct *task, __u64 sp)
{
	struct frame_filter *f;
	__u32 depth;

	if (!filter_frames())
		return true;
	f = THREAD_STATE(frame_filters, task->pid, false);
	if (!f)
		return true;
	if (f->hidden_sp) {
		if (sp <= f->hidden_sp) {
			if (sp == f->hidden_sp && !--f->hidden_n)
				f->hidden_sp = 0;
			return false;
		}
		f->hidden_sp = 0;	/* left */
	}
	depth = filter_unwind(f, sp, false);
	if (depth && f->sp[(depth - 1) & (FILTER_MAX_DEPTH - 1)] == sp)
		depth--;
	f->depth = depth;
	return true;
}

/* A syscall of the thread whose user registers are @regs: whether its records are made.
 * Inside a hidden call, its sp is below the call's entry sp. */
static __always_inline bool filter_syscall(struct pt_regs *regs)
{
	struct frame_filter *f;

	if (!filter_frames())
		return true;
	f = THREAD_STATE(frame_filters, (__u32)bpf_get_current_pid_tgid(), false);
	return !f || !f->hidden_sp || regs->sp >= f->hidden_sp;
}

#endif
