// SPDX-License-Identifier: GPL-2.0
/* Function entry and return. The attach cookie is the loader's function id;
 * nesting depth is derived by the loader from the stack pointers, which keeps
 * it right across longjmp, exceptions and signal handlers. Argument values
 * are decoded in userspace: BPF records the integer argument registers and
 * copies only the memory the DWARF types ask for (map func_specs). */
#include "capture.bpf.h"
#include "counts.bpf.h"
#include "hold.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);		/* sized by the loader */
	__type(key, __u64);
	__type(value, struct rtrace_func_spec);
} func_specs SEC(".maps");

static __always_inline bool func_traced(__u32 tgid)
{
	/* The launched child runs rtrace's own libc until its execve. */
	return tracing_on && tgid_traced(tgid) && await_exec_tgid != tgid;
}

/* Whether a frame the kernel still expects to return has its entry at sp:
 * only then can the slot at sp hold the uretprobe trampoline (a tail call
 * from that live frame). The kernel's own per-thread list answers that from
 * kernel memory, sparing the read of user memory (~150 ns) on almost every
 * call. Newest first; entries below sp are frames left by longjmp that the
 * kernel has yet to drop. Unsure answers say yes: the read decides. */
static __always_inline bool return_pending_at(struct task_struct *task, __u64 sp)
{
	struct return_instance *ri;
	struct uprobe_task *utask;
	int i;

	/* Kernel internals, no ABI: on a kernel that renamed one of these,
	 * CO-RE makes this "unsure" at load, and the walk below dead code the
	 * verifier skips, instead of a relocation that fails the load. */
	if (!bpf_core_field_exists(task->utask) ||
	    !bpf_core_field_exists(struct uprobe_task, return_instances) ||
	    !bpf_core_field_exists(struct return_instance, stack) ||
	    !bpf_core_field_exists(struct return_instance, next))
		return true;
	utask = task->utask;
	if (!utask)
		return false;
	ri = utask->return_instances;
	for (i = 0; i < 4; i++) {
		if (!ri || ri->stack > sp)
			return false;
		if (ri->stack == sp)
			return true;
		ri = ri->next;
	}
	return true;
}

static __always_inline void fill_entry(struct rtrace_func_entry *e, struct pt_regs *ctx,
				       struct task_struct *task, __u64 pid_tgid, __u64 cookie)
{
	fill_hdr(&e->hdr, RTRACE_EV_FUNC_ENTRY, pid_tgid, sizeof(*e));
	e->cookie = cookie;
	e->sp = PT_REGS_SP(ctx);
	/* Just pushed by the call: resident, so the read does not fail. Zero
	 * tells the loader no live frame can have its entry at this sp. */
	e->ret_addr = 0;
	if (return_pending_at(task, e->sp) &&
	    bpf_probe_read_user(&e->ret_addr, sizeof(e->ret_addr), (void *)e->sp))
		e->ret_addr = 0;
	e->args[0] = ctx->di;
	e->args[1] = ctx->si;
	e->args[2] = ctx->dx;
	e->args[3] = ctx->cx;
	e->args[4] = ctx->r8;
	e->args[5] = ctx->r9;
	e->ip = PT_REGS_IP(ctx);
	e->nr_captures = 0;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
}

/* Copies one argument's memory (a string, a struct behind a pointer, a
 * stack-passed value) into the record at buf + *off. Returns 1 if it wrote
 * a block. */
static __always_inline int take_func_capture(__u8 *buf, __u32 *off, int idx,
					     const struct rtrace_func_capture_spec *cs,
					     const struct rtrace_func_entry *e)
{
	__u32 o = *off & OFF_MASK, data = (o + sizeof(struct rtrace_capture)) & OFF_MASK;
	__u32 lim, room;
	struct rtrace_capture *c;
	__u64 ptr = 0;
	__u8 flags = 0;
	long n;

	switch (cs->src) {
	case RTRACE_FCAP_REG:
		if (cs->reg >= 6)
			return 0;
		ptr = e->args[cs->reg & 7];
		break;
	case RTRACE_FCAP_STACK:
		ptr = e->sp + cs->off;
		break;
	case RTRACE_FCAP_STACK_PTR:
		if (bpf_probe_read_user(&ptr, sizeof(ptr), (void *)(e->sp + cs->off)))
			ptr = 0;
		break;
	default:
		return 0;
	}
	c = (void *)&buf[o];
	c->idx = idx;
	c->pad = 0;
	c->len = 0;
	if (ptr && cs->src == RTRACE_FCAP_REG)
		ptr += cs->off;
	if (!ptr) {
		flags = RTRACE_CAPF_FAULT;
		goto done;
	}
	/* The captures before this one may have taken most of the record: this
	 * one gets what is left, shown as cut, and the record never wraps. */
	lim = capture_limit(cs->size);
	room = capture_room(data);
	if (cs->kind == RTRACE_CAP_STR) {
		n = take_str(buf, data, lim < room ? lim : room, ptr, &flags);
		c->len = n < 0 ? 0 : n;
	} else {
		if (lim > room) {
			lim = room;
			flags = RTRACE_CAPF_TRUNC;
		}
		/* Not resident (paged out, never touched): say so, never garbage. */
		bound_size(lim);
		if (bpf_probe_read_user(&buf[data], lim, (void *)ptr))
			flags = RTRACE_CAPF_FAULT;
		else
			c->len = lim;
	}
done:
	c->flags = flags;
	*off = o + sizeof(*c) + ((c->len + 7) & ~7U);
	return 1;
}

SEC("uprobe")
int BPF_KPROBE(func_entry)
{
	/* Both ids from the task, which the entry needs anyway: a helper call
	 * fewer (each costs ~10 ns with this kernel's return thunks). */
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = (__u64)task->tgid << 32 | (__u32)task->pid, cookie, id;
	struct rtrace_func_entry *e;
	struct batch *b;

	if (!func_traced(pid_tgid >> 32) || !filter_thread(pid_tgid))
		return 0;
	cookie = bpf_get_attach_cookie(ctx);
	if (!cookie_for(cookie, pid_tgid >> 32) ||
	    !filter_entry(task, PT_REGS_SP(ctx), cookie & RTRACE_COOKIE_NORET))
		return 0;
	if (count_only) {
		count_entry(task, PT_REGS_SP(ctx), cookie);
		return 0;
	}
	id = (cookie & RTRACE_COOKIE_ID_MASK) * 2;
	if (filter_min_dur_ns) {
		struct held_entry *h = THREAD_STATE(held_entries, task->pid, true);

		if (h) {
			held_send(h);	/* the call it holds has this one inside */
			/* a plain entry waits to know whether its call is a short leaf */
			if (!(cookie & (RTRACE_COOKIE_CAPTURE | RTRACE_COOKIE_NORET))) {
				fill_entry(&h->e, ctx, task, pid_tgid, cookie);
				h->held = 1;
				return 0;
			}
		}
	}
	if (cookie & RTRACE_COOKIE_CAPTURE) {
		/* none: captures at its return only */
		struct rtrace_func_spec *spec = bpf_map_lookup_elem(&func_specs, &id);
		struct scratch *s;
		__u32 off = sizeof(*e);
		int i;

		if (!spec)
			goto plain;
		e = (void *)scratch_begin(&s);
		if (!e)
			return 0;
		fill_entry(e, ctx, task, pid_tgid, cookie);
#pragma unroll
		for (i = 0; i < RTRACE_MAX_FUNC_CAPTURES; i++)
			e->nr_captures += take_func_capture((void *)e, &off, i, &spec->cap[i], e);
		scratch_end(s, (void *)e, off);
		return 0;
	}
plain:
	e = record_begin(&b, sizeof(*e));
	if (!e)
		return 0;
	fill_entry(e, ctx, task, pid_tgid, cookie);
	record_end(b, e, sizeof(*e));
	return 0;
}

static __always_inline void fill_return(struct rtrace_func_return *e, struct pt_regs *ctx,
					__u64 pid_tgid, __u64 cookie, __u64 sp)
{
	fill_hdr(&e->hdr, RTRACE_EV_FUNC_RETURN, pid_tgid, sizeof(*e));
	e->cookie = cookie;
	e->sp = sp;
	e->ret = PT_REGS_RC(ctx);
	e->ret2 = ctx->dx;
	e->nr_captures = 0;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
}

/* The string a char * result points to, read at the return, when the caller has yet to
 * touch it: what ltrace shows. Returns 1 if it wrote a block. */
static __always_inline int take_ret_capture(__u8 *buf, __u32 *off,
					    const struct rtrace_func_capture_spec *cs, __u64 ptr)
{
	__u32 o = *off & OFF_MASK, data = (o + sizeof(struct rtrace_capture)) & OFF_MASK;
	__u32 lim = capture_limit(cs->size), room = capture_room(data);
	struct rtrace_capture *c = (void *)&buf[o];
	__u8 flags = 0;
	long n;

	if (cs->src != RTRACE_FCAP_RET || cs->kind != RTRACE_CAP_STR)
		return 0;
	c->idx = 0;
	c->pad = 0;
	c->len = 0;
	if (!ptr) {
		flags = RTRACE_CAPF_FAULT;
	} else {
		n = take_str(buf, data, lim < room ? lim : room, ptr, &flags);
		c->len = n < 0 ? 0 : n;
	}
	c->flags = flags;
	*off = o + sizeof(*c) + ((c->len + 7) & ~7U);
	return 1;
}

/* The return record, from the uretprobe or from a probe on the function's way out (at a ret
 * or a tail-call jmp, sp still pointing at the return address: the record says sp + 8, as if
 * returned). */
static __always_inline void emit_return(struct pt_regs *ctx, __u64 sp)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = (__u64)task->tgid << 32 | (__u32)task->pid;
	struct rtrace_func_return *e;
	struct batch *b;
	__u64 cookie, id;

	if (!func_traced(pid_tgid >> 32) || !filter_thread(pid_tgid))
		return;
	if (count_only) {
		/* the frame entered at sp names the function, its entry passed cookie_for():
		 * a helper call fewer, -c's budget is tight */
		count_return(task, sp - 8);
		return;
	}
	cookie = bpf_get_attach_cookie(ctx);
	if (!cookie_for(cookie, pid_tgid >> 32) || !filter_return(task, sp - 8))
		return;
	if (!held_return(task, sp - 8, cookie))
		return;
	id = (cookie & RTRACE_COOKIE_ID_MASK) * 2 + 1;
	if ((cookie & (RTRACE_COOKIE_CAPTURE | RTRACE_COOKIE_TAIL)) == RTRACE_COOKIE_CAPTURE) {
		/* none: captures at its entry only */
		struct rtrace_func_spec *spec = bpf_map_lookup_elem(&func_specs, &id);
		struct scratch *s;
		__u32 off = sizeof(*e);

		if (!spec)
			goto plain;
		e = (void *)scratch_begin(&s);
		if (!e)
			return;
		fill_return(e, ctx, pid_tgid, cookie, sp);
		e->nr_captures = take_ret_capture((void *)e, &off, &spec->cap[0], e->ret);
		scratch_end(s, (void *)e, off);
		return;
	}
plain:
	e = record_begin(&b, sizeof(*e));
	if (!e)
		return;
	fill_return(e, ctx, pid_tgid, cookie, sp);
	record_end(b, e, sizeof(*e));
}

SEC("uretprobe")
int BPF_KRETPROBE(func_return)
{
	emit_return(ctx, PT_REGS_SP(ctx));
	return 0;
}

/* Returns without a uretprobe, whose hijacked return address an exception's unwinder would
 * meet (funcs.c: RET sites). */
SEC("uprobe")
int BPF_KPROBE(func_exit)
{
	emit_return(ctx, PT_REGS_SP(ctx) + 8);
	return 0;
}
