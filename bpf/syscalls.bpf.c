// SPDX-License-Identifier: GPL-2.0
/* Syscall enter/exit for traced processes. One record per edge: the loader
 * pairs them per thread, which keeps blocking calls visible while they block. */
#include "capture.bpf.h"
#include "counts.bpf.h"
#include "hold.bpf.h"

#define NR_EXECVE	59
#define NR_EXECVEAT	322
/* Kernels >= 6.11 enter these from the uretprobe/uprobe trampolines on every
 * probe hit: rtrace's own artefacts, never the program's. */
#define NR_URETPROBE	335
#define NR_UPROBE	336

#define NR_RT_SIGRETURN	15

/* Threads inside rt_sigreturn: it restores the signal frame's registers, so
 * at sys_exit orig_ax is -1, the same as for the uretprobe syscall. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} in_sigreturn SEC(".maps");
/* At least the number of entries in in_sigreturn: while zero, an exit with
 * orig_ax -1 is the uretprobe syscall's, known without a lookup on every
 * traced return. */
__u32 sigreturns_pending;

const volatile __u64 syscall_mask[RTRACE_MAX_SYSCALLS / 64] __weak;

static __always_inline bool syscall_wanted(long nr)
{
	if (nr >= RTRACE_MAX_SYSCALLS)
		return true;	/* newer than our table: shown as syscall_NNN */
	return syscall_mask[(nr >> 6) & (RTRACE_MAX_SYSCALLS / 64 - 1)] & (1ULL << (nr & 63));
}

/* Returns true if the current thread's syscalls are to be recorded. */
static __always_inline bool traced_now(__u32 tgid, long nr)
{
	if (!tracing_on || !tgid_traced(tgid))
		return false;
	if (await_exec_tgid == tgid) {
		if (nr != NR_EXECVE && nr != NR_EXECVEAT)
			return false;
		await_exec_tgid = 0;	/* only the child itself runs here */
	}
	/* The uretprobe syscall rewrites the registers on its way out, leaving
	 * orig_ax = -1 at sys_exit: no real syscall exits with a negative nr. */
	return nr >= 0 && nr != NR_URETPROBE && nr != NR_UPROBE;
}

static __always_inline void fill_sys_enter(struct rtrace_sys_enter *e, __u64 pid_tgid,
					   struct pt_regs *regs, long id)
{
	fill_hdr(&e->hdr, RTRACE_EV_SYS_ENTER, pid_tgid, sizeof(*e));
	e->nr = id;
	e->nr_captures = 0;
	e->pad = 0;
	e->args[0] = regs->di;
	e->args[1] = regs->si;
	e->args[2] = regs->dx;
	e->args[3] = regs->r10;
	e->args[4] = regs->r8;
	e->args[5] = regs->r9;
}

static __always_inline void fill_sys_exit(struct rtrace_sys_exit *e, __u64 pid_tgid, long id,
					  long ret)
{
	fill_hdr(&e->hdr, RTRACE_EV_SYS_EXIT, pid_tgid, sizeof(*e));
	e->nr = id;
	e->ret = ret;
	e->nr_captures = 0;
	e->pad = 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct rtrace_sys_enter *e;
	struct batch *b;

	if (!traced_now(pid_tgid >> 32, id) || !syscall_wanted(id) || !filter_thread(pid_tgid) ||
	    !filter_syscall(regs))
		return 0;
	if (id == NR_RT_SIGRETURN) {
		__u32 tid = pid_tgid;
		__u8 one = 1;

		__sync_fetch_and_add(&sigreturns_pending, 1);
		bpf_map_update_elem(&in_sigreturn, &tid, &one, BPF_ANY);
	}
	if (count_only) {
		count_sys_enter(id);
		return 0;
	}
	held_release(bpf_get_current_task_btf());
	if (mask_has(capture_enter_mask, id)) {
		struct scratch *s;

		e = (void *)scratch_begin(&s);
		if (!e)
			return 0;
		fill_sys_enter(e, pid_tgid, regs, id);
		emit_with_captures(s, (void *)e, sizeof(*e), &e->nr_captures, id, false, regs, 0);
		return 0;
	}
	e = record_begin(&b, sizeof(*e));
	if (!e)
		return 0;
	fill_sys_enter(e, pid_tgid, regs, id);
	record_end(b, e, sizeof(*e));
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	long id = regs->orig_ax;
	struct rtrace_sys_exit *e;
	struct batch *b;

	if (id < 0) {
		__u32 tid = pid_tgid;

		/* rt_sigreturn, or the uretprobe syscall's own exit */
		if (!sigreturns_pending || bpf_map_delete_elem(&in_sigreturn, &tid))
			return 0;
		__sync_fetch_and_sub(&sigreturns_pending, 1);
		id = NR_RT_SIGRETURN;
	}
	if (!traced_now(pid_tgid >> 32, id) || !syscall_wanted(id) || !filter_thread(pid_tgid) ||
	    !filter_syscall(regs))
		return 0;
	if (count_only) {
		count_sys_exit(id, ret);
		return 0;
	}
	/* The arguments are still in regs: the kernel has just read or written
	 * the memory they point to, so it is resident now. */
	if (mask_has(capture_exit_mask, id)) {
		struct scratch *s;

		e = (void *)scratch_begin(&s);
		if (!e)
			return 0;
		fill_sys_exit(e, pid_tgid, id, ret);
		emit_with_captures(s, (void *)e, sizeof(*e), &e->nr_captures, id, true, regs, ret);
		return 0;
	}
	e = record_begin(&b, sizeof(*e));
	if (!e)
		return 0;
	fill_sys_exit(e, pid_tgid, id, ret);
	record_end(b, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
