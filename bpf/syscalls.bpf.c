// SPDX-License-Identifier: GPL-2.0
/* Syscall enter/exit for traced processes. One record per edge: the loader
 * pairs them per thread, which keeps blocking calls visible while they block. */
#include "common.bpf.h"

#define NR_EXECVE	59
#define NR_EXECVEAT	322
/* Kernels >= 6.11 enter these from the uretprobe/uprobe trampolines on every
 * probe hit: rtrace's own artefacts, never the program's. */
#define NR_URETPROBE	335
#define NR_UPROBE	336

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
	__u32 *flags;

	if (!tracing_on)
		return false;
	flags = bpf_map_lookup_elem(&traced_tgids, &tgid);
	if (!flags)
		return false;
	if (*flags & RTRACE_TGID_AWAIT_EXEC) {
		if (nr != NR_EXECVE && nr != NR_EXECVEAT)
			return false;
		*flags &= ~RTRACE_TGID_AWAIT_EXEC; /* only the child itself runs here */
	}
	/* The uretprobe syscall rewrites the registers on its way out, leaving
	 * orig_ax = -1 at sys_exit: no real syscall exits with a negative nr. */
	return nr >= 0 && nr != NR_URETPROBE && nr != NR_UPROBE;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct rtrace_sys_enter *e;

	if (!traced_now(pid_tgid >> 32, id) || !syscall_wanted(id))
		return 0;
	e = reserve_event(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, RTRACE_EV_SYS_ENTER, pid_tgid);
	e->nr = id;
	e->args[0] = regs->di;
	e->args[1] = regs->si;
	e->args[2] = regs->dx;
	e->args[3] = regs->r10;
	e->args[4] = regs->r8;
	e->args[5] = regs->r9;
	submit_event(e);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	long id = regs->orig_ax;
	struct rtrace_sys_exit *e;

	if (!traced_now(pid_tgid >> 32, id) || !syscall_wanted(id))
		return 0;
	e = reserve_event(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, RTRACE_EV_SYS_EXIT, pid_tgid);
	e->nr = id;
	e->ret = ret;
	submit_event(e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
