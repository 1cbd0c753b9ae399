// SPDX-License-Identifier: GPL-2.0
/* Go functions: entries, returns and goroutine ends. A uretprobe would rewrite the return
 * address on a goroutine stack, which the runtime copies when it grows and walks for
 * tracebacks: returns are uprobes on each RET instruction instead, and frames pair per
 * goroutine (r14 holds the g under ABIInternal) by their distance from the top of the
 * goroutine's stack, which copystack keeps. Arguments and results are in Go's integer
 * registers (rax, rbx, rcx, rdi, rsi, r8-r11); BPF copies what the loader's plan asks for
 * (map go_specs): the bytes of strings and slices, the stack-passed arguments. */
#include "capture.bpf.h"

#define EFLAGS_CF	0x001
#define EFLAGS_ZF	0x040

/* Capture plans of Go functions: key id * 2 for the entry, id * 2 + 1 for the RET sites. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);		/* sized by the loader */
	__type(key, __u64);
	__type(value, struct rtrace_func_spec);
} go_specs SEC(".maps");

/* Where g.stack.hi is in runtime.g (the loader reads it from DWARF when it can). */
const volatile __u32 go_stack_hi_off = 8;

static __always_inline bool go_traced(__u32 tgid)
{
	return tracing_on && tgid_traced(tgid) && await_exec_tgid != tgid;
}

static __always_inline void fill_go(struct rtrace_go_call *e, struct pt_regs *ctx, __u32 type,
				    __u64 pid_tgid, __u64 cookie)
{
	fill_hdr(&e->hdr, type, pid_tgid, sizeof(*e));
	e->cookie = cookie;
	e->sp = ctx->sp;
	e->g = ctx->r14;
	/* The g is heap memory the goroutine runs on: resident. */
	if (bpf_probe_read_user(&e->stack_hi, sizeof(e->stack_hi),
				(void *)(ctx->r14 + go_stack_hi_off)))
		e->stack_hi = 0;
	e->regs[0] = ctx->ax;
	e->regs[1] = ctx->bx;
	e->regs[2] = ctx->cx;
	e->regs[3] = ctx->di;
	e->regs[4] = ctx->si;
	e->regs[5] = ctx->r8;
	e->regs[6] = ctx->r9;
	e->regs[7] = ctx->r10;
	e->regs[8] = ctx->r11;
	e->ip = ctx->ip;
	e->nr_captures = 0;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
}

/* Copies one value's memory into the scratch buffer at *off: a string's or slice's bytes
 * (pointer and length in registers), or the stack-passed arguments. Returns 1 if it wrote
 * a block. */
static __always_inline int take_go_capture(__u8 *buf, __u32 *off, int idx,
					   const struct rtrace_func_capture_spec *cs,
					   const struct rtrace_go_call *e)
{
	__u32 o = *off & OFF_MASK, data = (o + sizeof(struct rtrace_capture)) & OFF_MASK, lim;
	__u32 room;
	struct rtrace_capture *c;
	__u64 ptr, want;
	__u8 flags = 0;

	switch (cs->src) {
	case RTRACE_FCAP_GO_REG:
		if (cs->reg >= 9 || cs->len_reg >= 9)
			return 0;
		ptr = e->regs[cs->reg];
		want = e->regs[cs->len_reg] * (cs->off > 0 ? cs->off : 1);
		/* A negative length is no length a live value has. */
		if ((__s64)e->regs[cs->len_reg] < 0)
			want = 0;
		break;
	case RTRACE_FCAP_STACK:
		ptr = e->sp + cs->off;
		want = cs->size;
		break;
	default:
		return 0;
	}
	c = (void *)&buf[o];
	c->idx = idx;
	c->pad = 0;
	c->len = 0;
	/* What the captures before it left of the record, at most (as take_func_capture). */
	lim = capture_limit(cs->size);
	room = capture_room(data);
	if (lim > room)
		lim = room;
	if (want > lim) {
		want = lim;
		flags = RTRACE_CAPF_TRUNC;
	}
	if (want && !ptr) {
		flags = RTRACE_CAPF_FAULT;
		want = 0;
	}
	if (want) {
		bound_size(want);
		/* Not resident (never touched): say so, never garbage. */
		if (bpf_probe_read_user(&buf[data], want, (void *)ptr)) {
			flags = RTRACE_CAPF_FAULT;
			want = 0;
		}
	}
	c->len = want;
	c->flags = flags;
	*off = o + sizeof(*c) + ((c->len + 7) & ~7U);
	return 1;
}

static __always_inline int go_event(struct pt_regs *ctx, __u32 type)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = (__u64)task->tgid << 32 | (__u32)task->pid, cookie, key;
	struct rtrace_go_call *e;
	struct batch *b;

	if (!go_traced(pid_tgid >> 32))
		return 0;
	cookie = bpf_get_attach_cookie(ctx);
	if (!cookie_for(cookie, pid_tgid >> 32))
		return 0;
	/* On the stack check's `jbe`: taken, it goes to morestack, which grows the stack and
	 * restarts the function from its first instruction: that pass is the call. */
	if ((cookie & RTRACE_COOKIE_GO_SPLIT) && (ctx->flags & (EFLAGS_CF | EFLAGS_ZF)))
		return 0;
	if (cookie & RTRACE_COOKIE_CAPTURE) {
		struct rtrace_func_spec *spec;
		struct scratch *s;
		__u32 off = sizeof(*e);
		int i;

		key = (cookie & RTRACE_COOKIE_ID_MASK) * 2 + (type == RTRACE_EV_GO_RETURN);
		spec = bpf_map_lookup_elem(&go_specs, &key);
		if (!spec)
			return 0;
		e = (void *)scratch_begin(&s);
		if (!e)
			return 0;
		fill_go(e, ctx, type, pid_tgid, cookie);
#pragma unroll
		for (i = 0; i < RTRACE_MAX_FUNC_CAPTURES; i++)
			e->nr_captures += take_go_capture((void *)e, &off, i, &spec->cap[i], e);
		scratch_end(s, (void *)e, off);
		return 0;
	}
	e = record_begin(&b, sizeof(*e));
	if (!e)
		return 0;
	fill_go(e, ctx, type, pid_tgid, cookie);
	record_end(b, e, sizeof(*e));
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(go_entry)
{
	return go_event(ctx, RTRACE_EV_GO_ENTRY);
}

/* On a RET instruction: sp points at the return address, as at the entry. */
SEC("uprobe")
int BPF_KPROBE(go_return)
{
	return go_event(ctx, RTRACE_EV_GO_RETURN);
}

/* runtime.goexit1: the goroutine in r14 is done; frames it left open (runtime.Goexit) are
 * gone, and its g may be reused. */
SEC("uprobe")
int BPF_KPROBE(go_exit)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = (__u64)task->tgid << 32 | (__u32)task->pid;
	__u64 cookie = bpf_get_attach_cookie(ctx);
	struct rtrace_go_exit *e;
	struct batch *b;

	if (!go_traced(pid_tgid >> 32) || !cookie_for(cookie, pid_tgid >> 32))
		return 0;
	if ((cookie & RTRACE_COOKIE_GO_SPLIT) &&
	    (ctx->flags & (EFLAGS_CF | EFLAGS_ZF)))
		return 0;
	e = record_begin(&b, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, RTRACE_EV_GO_EXIT, pid_tgid, sizeof(*e));
	e->g = ctx->r14;
	record_end(b, e, sizeof(*e));
	return 0;
}
