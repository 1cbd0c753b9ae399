// SPDX-License-Identifier: GPL-2.0
/* Function entry and return. The attach cookie is the loader's function id;
 * nesting depth is derived by the loader from the stack pointers, which keeps
 * it right across longjmp, exceptions and signal handlers. */
#include "common.bpf.h"

static __always_inline bool func_traced(__u32 tgid)
{
	return tracing_on && tgid_traced(tgid);
}

SEC("uprobe")
int BPF_KPROBE(func_entry)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 queued;
	struct rtrace_func_entry *e;

	if (!func_traced(pid_tgid >> 32))
		return 0;
	e = reserve_event(sizeof(*e), true, &queued);
	if (!e)
		return 0;
	fill_hdr(&e->hdr, RTRACE_EV_FUNC_ENTRY, pid_tgid);
	e->cookie = bpf_get_attach_cookie(ctx);
	e->sp = PT_REGS_SP(ctx);
	/* Just pushed by the call: resident, so the read does not fail. */
	if (bpf_probe_read_user(&e->ret_addr, sizeof(e->ret_addr), (void *)e->sp))
		e->ret_addr = 0;
	submit_event(e, queued);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(func_return)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 queued;
	struct rtrace_func_return *e;

	if (!func_traced(pid_tgid >> 32))
		return 0;
	e = reserve_event(sizeof(*e), true, &queued);
	if (!e)
		return 0;
	fill_hdr(&e->hdr, RTRACE_EV_FUNC_RETURN, pid_tgid);
	e->cookie = bpf_get_attach_cookie(ctx);
	e->sp = PT_REGS_SP(ctx);
	e->ret = PT_REGS_RC(ctx);
	submit_event(e, queued);
	return 0;
}
