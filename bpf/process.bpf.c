// SPDX-License-Identifier: GPL-2.0
/* Process life: fork (and -f following), exec, exit of the whole group. */
#include "counts.bpf.h"
#include "hold.bpf.h"

/* Children -f could not follow: the tgid map was full. Reported at exit. */
__u64 unfollowed_children;

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid, tgid_flags = 0, flags = 0;
	struct rtrace_fork *e;

	/* A new thread joins its process's entry; only new processes matter. */
	if (!follow_forks || ptgid == ctgid || !tgid_traced(ptgid))
		return 0;
	/* The child is added before it runs, so nothing it does is missed. */
	if (bpf_map_update_elem(&traced_tgids, &ctgid, &tgid_flags, BPF_ANY)) {
		__sync_fetch_and_add(&unfollowed_children, 1);
		flags = RTRACE_FORK_UNFOLLOWED;
	}
	e = reserve_event(&proc_events, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, RTRACE_EV_FORK, ((__u64)ptgid << 32) | parent->pid, sizeof(*e));
	e->child_tgid = ctgid;
	e->flags = flags;
	/* A wakeup (~1 us, next to a fork's ~100): the loader makes the child's probes now. */
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct rtrace_exec *e;

	if (!tgid_traced(tgid))
		return 0;
	/* The launched child is rtrace's no more (sys_enter does this first
	 * when syscalls are traced, so that the execve itself shows). */
	if (await_exec_tgid == tgid)
		await_exec_tgid = 0;
	e = reserve_event(&proc_events, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, RTRACE_EV_EXEC, pid_tgid, sizeof(*e));
	e->old_tid = old_pid;
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename));
	bpf_ringbuf_submit(e, 0);	/* the new program's probes, now */
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_exit, struct task_struct *p)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct rtrace_exit *e;

	if (!tgid_traced(tgid))
		return 0;
	/* The thread's state goes with it (thread.bpf.h). */
	if (filter_frames() || count_only || filter_min_dur_ns) {
		__u32 tid = pid_tgid;
		struct count_task *t = THREAD_STATE(count_tasks, tid, false);

		/* its sums not yet added, then */
		if (t)
			count_flush(t);
		THREAD_RELEASE(frame_filters, tid);
		THREAD_RELEASE(count_tasks, tid);
		THREAD_RELEASE(held_entries, tid);
	}
	/* signal->live reaches zero when the last thread of the group exits;
	 * read through CO-RE since 6.1 has no group_dead argument here. */
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	/* Threads leaving together may all see zero: the one that removes the process says so. */
	if (bpf_map_delete_elem(&traced_tgids, &tgid))
		return 0;
	e = reserve_event(&proc_events, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, RTRACE_EV_EXIT, pid_tgid, sizeof(*e));
	e->status = BPF_CORE_READ(p, exit_code);
	submit_event(e);
	return 0;
}

/* On ld.so's _dl_debug_state, which it calls whenever its list of loaded objects changes (the
 * hook debuggers use): tells the loader at once, so that a library a -x spec waits for gets
 * its probes as soon as can be. Attached to the processes that have such specs. */
SEC("uprobe")
int BPF_KPROBE(linkmap_change)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct rtrace_hdr *e;

	if (!tgid_traced(pid_tgid >> 32))
		return 0;
	e = reserve_event(&proc_events, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(e, RTRACE_EV_LINKMAP, pid_tgid, sizeof(*e));
	bpf_ringbuf_submit(e, 0);	/* wake the loader: it has something to do now */
	return 0;
}
