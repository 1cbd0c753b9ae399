// SPDX-License-Identifier: GPL-2.0
/* The state machine between raw records and sinks. Syscalls pair per thread;
 * functions nest by stack pointer, so calls skipped by longjmp or exceptions
 * unwind; Go calls pair per goroutine, by their distance from the top of its
 * stack, which survives the stack being moved. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "rtrace.h"
#include "sink.h"
#include "state.h"
#include "sysdecode/sysdecode.h"

#define OUT_MAX_SINKS	4

struct frame {
	__u64 cookie;
	__u64 sp;
	__u64 ts;
};

struct tid_state {
	__u32 tid;		/* 0: free slot */
	__u32 tgid;
	bool in_syscall;	/* enter seen, exit not yet */
	struct rtrace_sys_enter enter;
	void *enter_caps;	/* capture blocks after the enter record, if any */
	size_t enter_caps_len;
	struct frame *frames;
	int depth, cap;
	/* A goroutine's state: its g, and tid the thread it was last seen on. 0 in a
	 * thread's state. */
	__u64 g;
	/* A thread's: the goroutine last seen on it, whose depth indents its syscalls. */
	struct tid_state *cur_go;
	bool unsampled;		/* --sample: its outermost call under way is not shown */
	/* --min-duration: the calls under way not shown yet, outermost first. */
	struct held_call *held;
	int nr_held, held_cap;
};

/* A call whose entry waits until it is known to have taken --min-duration: when it
 * returns, or as soon as something inside it has (a call that encloses one that
 * took TIME took TIME too). */
struct held_call {
	struct out_event e;	/* its rec points at rec */
	void *rec;
	bool shown;
};

struct out_state {
	struct out_sink *sinks[OUT_MAX_SINKS];
	int nr_sinks;
	struct tid_state *tids;
	size_t nr_slots, nr_tids;
	struct tid_state **gos;		/* goroutines, by (tgid, g); allocated one by one */
	size_t nr_gos, gos_cap;
	__u32 first_tid;
	bool multi;			/* more than one thread seen */
	__u64 last_ts;			/* the latest record's time: the end of the trace */
	struct out_filter filter;	/* 0s for none */
	__u64 first_ts;			/* the first record's time */
	__u64 outermost;		/* outermost calls so far, for --sample */
	const unsigned long long *syscall_mask;	/* -e on a trace file, or NULL */
	bool (*show_call)(void *ctx, __u64 cookie);	/* -x on a trace file, or NULL */
	void *show_ctx;
	struct output_stats stats;
	struct sysdecode_fds *fds;	/* -y */
	const struct sysdecode_call *learn_call;	/* the call OUT_SYSCALL may learn from */
};

static struct tid_state *tid_find(struct out_state *st, __u32 tid, __u32 tgid, bool create)
{
	size_t i, mask;

	if (st->nr_slots == 0 || (create && (st->nr_tids + 1) * 2 > st->nr_slots)) {
		size_t n = st->nr_slots ? st->nr_slots * 2 : 64;
		struct tid_state *old = st->tids, *grown = calloc(n, sizeof(*grown));
		size_t old_n = st->nr_slots;

		if (!grown)
			return NULL;
		st->tids = grown;
		st->nr_slots = n;
		for (i = 0; i < old_n; i++) {
			size_t j;

			if (!old[i].tid)
				continue;
			for (j = old[i].tid & (n - 1); grown[j].tid; j = (j + 1) & (n - 1))
				;
			grown[j] = old[i];
		}
		free(old);
	}
	mask = st->nr_slots - 1;
	for (i = tid & mask; st->tids[i].tid; i = (i + 1) & mask)
		if (st->tids[i].tid == tid)
			return &st->tids[i];
	if (!create)
		return NULL;
	st->tids[i].tid = tid;
	st->tids[i].tgid = tgid;
	st->nr_tids++;
	if (!st->first_tid)
		st->first_tid = tid;
	else if (tid != st->first_tid)
		st->multi = true;
	return &st->tids[i];
}

static size_t go_slot(__u32 tgid, __u64 g, size_t cap)
{
	return (size_t)(((g ^ tgid) * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

/* The state of goroutine @g of process @tgid; created when @create. NULL on ENOMEM. */
static struct tid_state *go_find(struct out_state *st, __u32 tgid, __u64 g, bool create)
{
	struct tid_state *gs;
	size_t i;

	if (!st->gos_cap || (create && (st->nr_gos + 1) * 2 > st->gos_cap)) {
		size_t n = st->gos_cap ? st->gos_cap * 2 : 64;
		struct tid_state **grown = calloc(n, sizeof(*grown));

		if (!grown)
			return NULL;
		for (i = 0; i < st->gos_cap; i++) {
			size_t j;

			if (!st->gos[i])
				continue;
			for (j = go_slot(st->gos[i]->tgid, st->gos[i]->g, n); grown[j];
			     j = (j + 1) & (n - 1))
				;
			grown[j] = st->gos[i];
		}
		free(st->gos);
		st->gos = grown;
		st->gos_cap = n;
	}
	for (i = go_slot(tgid, g, st->gos_cap); st->gos[i]; i = (i + 1) & (st->gos_cap - 1))
		if (st->gos[i]->g == g && st->gos[i]->tgid == tgid)
			return st->gos[i];
	if (!create)
		return NULL;
	gs = calloc(1, sizeof(*gs));
	if (!gs)
		return NULL;
	gs->g = g;
	gs->tgid = tgid;
	st->gos[i] = gs;
	st->nr_gos++;
	return gs;
}

/* The depth a line of @t indents to: a thread's syscalls nest in the calls of the
 * goroutine running on it. */
static int indent_of(const struct tid_state *t)
{
	if (!t->g && t->cur_go && t->cur_go->tid == t->tid)
		return t->cur_go->depth;
	return t->depth;
}

static void learn_fds(void *ctx)
{
	struct out_state *st = ctx;

	if (st->learn_call)
		sysdecode_fds_note(st->fds, st->learn_call);
	st->learn_call = NULL;
}

/* Whether the filters hide @e: another thread's (process events and losses always
 * show), or a call deeper than --max-depth (its return too, and syscalls inside it). */
static bool filtered(const struct out_state *st, const struct out_event *e)
{
	__u64 at = e->ts;

	/* --since/--until: what began in the window, a syscall or a call with its return
	 * by its start */
	if (e->type == OUT_SYSCALL && e->sys.entered)
		at = e->sys.start_ts;
	else if (e->type == OUT_RETURN && e->ret.kind != OUT_RET_NO_ENTRY)
		at = e->ret.entry_ts;
	if (e->type != OUT_END && e->type != OUT_NAME &&
	    ((st->filter.since_ns && at < st->first_ts + st->filter.since_ns) ||
	     (st->filter.until_ns && at > st->first_ts + st->filter.until_ns)))
		return true;
	switch (e->type) {
	case OUT_SYS_ENTER:
	case OUT_SYSCALL:
		if (st->syscall_mask) {
			unsigned long nr = e->sys.call->nr;

			if (nr >= RTRACE_MAX_SYSCALLS ||
			    !(st->syscall_mask[nr / 64] & (1ULL << (nr % 64))))
				return true;
		}
		return (st->filter.only_tid && e->who.tid != st->filter.only_tid) ||
		       (st->filter.max_depth && e->indent > st->filter.max_depth);
	case OUT_CALL:
	case OUT_RETURN:
		if (st->show_call &&
		    !st->show_call(st->show_ctx, e->type == OUT_CALL ? e->call.cookie : e->ret.cookie))
			return true;
		return (st->filter.only_tid && e->who.tid != st->filter.only_tid) ||
		       (st->filter.max_depth && e->depth >= st->filter.max_depth);
	default:
		return false;
	}
}

/* --sample N: 1 in N outermost calls is shown, what happens inside it too; the count
 * runs over all threads, so it is exact. */
static bool unsampled(struct out_state *st, struct tid_state *t, const struct out_event *e)
{
	if (!st->filter.sample || !t)
		return false;
	if (e->type == OUT_CALL && e->depth == 0 && e->call.returns)
		/* C calls sampled where they were recorded: shown, since BPF kept them */
		t->unsampled = st->filter.sampled_c && !t->g ? false :
			       st->outermost++ % st->filter.sample != 0;
	if (e->type == OUT_CALL || e->type == OUT_RETURN)
		return t->unsampled;
	if (e->type == OUT_SYS_ENTER || e->type == OUT_SYSCALL)
		return t->unsampled && e->indent > 0;
	return false;
}

static void deliver(struct out_state *st, const struct out_event *e)
{
	int i;

	for (i = 0; i < st->nr_sinks; i++)
		st->sinks[i]->ops->event(st->sinks[i], e);
}

/* Shows the held entries of @t's calls: something inside them took --min-duration. */
static void show_held(struct out_state *st, struct tid_state *t)
{
	int i;

	for (i = 0; t && i < t->nr_held; i++) {
		if (!t->held[i].shown)
			deliver(st, &t->held[i].e);
		t->held[i].shown = true;
	}
}

/* Drops @t's held calls at depth @depth and deeper: returned, or left. */
static void drop_held(struct tid_state *t, int depth)
{
	while (t->nr_held && t->held[t->nr_held - 1].e.depth >= depth)
		free(t->held[--t->nr_held].rec);
}

static void hold_call(struct tid_state *t, const struct out_event *e)
{
	struct held_call *h;

	drop_held(t, e->depth);
	if (t->nr_held == t->held_cap) {
		int cap = t->held_cap ? t->held_cap * 2 : 16;
		struct held_call *grown = realloc(t->held, cap * sizeof(*grown));

		if (!grown)
			return;
		t->held = grown;
		t->held_cap = cap;
	}
	h = &t->held[t->nr_held];
	h->e = *e;
	h->shown = false;
	h->rec = malloc(e->call.size);
	if (!h->rec)
		return;
	memcpy(h->rec, e->call.rec, e->call.size);
	h->e.call.rec = h->rec;
	t->nr_held++;
}

/* --min-duration: a call or a syscall shows when it took at least that long, with the
 * calls that enclose it; entries wait for that to be known (struct held_call). Without a
 * duration (no entry seen, a mark, an entry still under way at the end) nothing shows.
 * Memory: one held entry per level of nesting. */
static void hold_or_deliver(struct out_state *st, struct tid_state *t, const struct out_event *e)
{
	__u64 min = st->filter.min_dur_ns;
	struct held_call *h;

	switch (e->type) {
	case OUT_CALL:
		if (e->call.returns)
			hold_call(t, e);
		return;
	case OUT_RETURN:
		drop_held(t, e->depth + 1);
		h = t->nr_held ? &t->held[t->nr_held - 1] : NULL;
		if (!h || h->e.depth != e->depth || e->ret.kind == OUT_RET_NO_ENTRY)
			return;
		if (h->shown || e->ts - e->ret.entry_ts >= min) {
			show_held(st, t);
			deliver(st, e);
		}
		drop_held(t, e->depth);
		return;
	case OUT_SYS_ENTER:
		return;		/* shown whole, with its end */
	case OUT_SYSCALL:
		if (!e->sys.entered || e->ts - e->sys.start_ts < min)
			return;
		if (!t->g && t->cur_go && t->cur_go->tid == t->tid)
			show_held(st, t->cur_go);
		show_held(st, t);
		{
			struct out_event enter = *e;

			enter.type = OUT_SYS_ENTER;
			enter.ts = e->sys.start_ts;
			deliver(st, &enter);
		}
		deliver(st, e);
		return;
	default:
		deliver(st, e);
	}
}

/* An event of unit @t (NULL: of no thread) to every sink. */
static void emit(struct out_state *st, struct tid_state *t, struct out_event *e)
{
	if (t) {
		e->who = (struct out_unit){ t->tgid, t->tid, t->g };
		e->depth = t->depth;
		e->indent = indent_of(t);
	}
	e->multi = st->multi;
	if (e->type == OUT_SYSCALL || e->type == OUT_SYS_ENTER)
		e->sys.fds = st->fds;
	if (e->type == OUT_SYSCALL) {
		st->learn_call = e->sys.entered && e->sys.returned ? e->sys.call : NULL;
		e->sys.learn = learn_fds;
		e->sys.learn_ctx = st;
	}
	if (!unsampled(st, t, e) && !filtered(st, e)) {
		if (st->filter.min_dur_ns && t)
			hold_or_deliver(st, t, e);
		else
			deliver(st, e);
	}
	/* Learnt from whether shown or not: -y paths must not depend on the filters. */
	if (e->type == OUT_SYSCALL)
		learn_fds(st);
}

/* The call as the decoder sees it: the enter's arguments and captures, and
 * the exit's result and captures when x is given. */
static void build_call(const struct tid_state *t, const struct rtrace_sys_exit *x, size_t xsize,
		       struct sysdecode_call *call)
{
	memset(call, 0, sizeof(*call));
	call->nr = t->enter.nr;
	memcpy(call->args, t->enter.args, sizeof(call->args));
	call->pid = t->tgid;
	sysdecode_captures(t->enter_caps, t->enter_caps_len, t->enter.nr_captures, call->cap,
			 RTRACE_MAX_CAPTURES);
	if (x) {
		call->has_ret = true;
		call->ret = x->ret;
		sysdecode_captures(x + 1, xsize - sizeof(*x), x->nr_captures, call->cap,
				 RTRACE_MAX_CAPTURES);
	}
}

/* A syscall that never returns (exit, exit_group, a thread killed by exec) or
 * is still blocked at the end: its end is @ts, when that became known. */
static void end_syscall(struct out_state *st, struct tid_state *t, __u64 ts)
{
	struct sysdecode_call call;
	struct out_event e = { .type = OUT_SYSCALL };

	if (!t->in_syscall)
		return;
	t->in_syscall = false;
	build_call(t, NULL, 0, &call);
	e.ts = ts > t->enter.hdr.ts_ns ? ts : t->enter.hdr.ts_ns;
	e.sys.call = &call;
	e.sys.entered = true;
	e.sys.start_ts = t->enter.hdr.ts_ns;
	emit(st, t, &e);
}

/* Keeps the enter record, with its captures, until the exit comes. */
static void on_sys_enter(struct out_state *st, struct tid_state *t,
			 const struct rtrace_sys_enter *rec, size_t size)
{
	struct sysdecode_call call;
	struct out_event e = { .type = OUT_SYS_ENTER, .ts = rec->hdr.ts_ns };

	/* an enter without exit before: it never returned */
	end_syscall(st, t, rec->hdr.ts_ns);
	t->enter = *rec;
	t->enter_caps_len = 0;
	if (rec->nr_captures && size > sizeof(*rec)) {
		void *caps = realloc(t->enter_caps, size - sizeof(*rec));

		if (caps) {
			memcpy(caps, rec + 1, size - sizeof(*rec));
			t->enter_caps = caps;
			t->enter_caps_len = size - sizeof(*rec);
		}
	}
	t->in_syscall = true;
	build_call(t, NULL, 0, &call);
	e.sys.call = &call;
	e.sys.entered = true;
	e.sys.start_ts = rec->hdr.ts_ns;
	emit(st, t, &e);
}

static void on_sys_exit(struct out_state *st, struct tid_state *t,
			const struct rtrace_sys_exit *rec, size_t size)
{
	bool matched = t->in_syscall && t->enter.nr == rec->nr;
	struct sysdecode_call call;
	struct out_event e = { .type = OUT_SYSCALL, .ts = rec->hdr.ts_ns };

	if (t->in_syscall && !matched)
		end_syscall(st, t, rec->hdr.ts_ns);
	t->in_syscall = false;
	if (matched) {
		build_call(t, rec, size, &call);
		e.sys.entered = true;
		e.sys.start_ts = t->enter.hdr.ts_ns;
	} else {
		memset(&call, 0, sizeof(call));
		call.nr = rec->nr;
		call.pid = t->tgid;
		call.has_ret = true;
		call.ret = rec->ret;
	}
	e.sys.call = &call;
	e.sys.returned = true;
	emit(st, t, &e);
}

/* The uretprobe trampoline is the first slot of the page the kernel maps
 * for uprobes ([uprobes] in maps); a real return address follows a call
 * instruction and is practically never page-aligned. */
static bool is_trampoline(__u64 ret_addr)
{
	return ret_addr && !(ret_addr & 4095);
}

/* Drops frames the thread has left without a return: longjmp, exceptions,
 * or a uretprobe the kernel dropped. A frame is dead once the stack pointer is
 * above its entry sp (the stack grows down). A new call at the same sp is a
 * tail call from a live frame only if the slot holds the trampoline, as the
 * kernel itself decides (cleanup_return_instances). */
static void unwind_to(struct out_state *st, struct tid_state *t, __u64 sp, __u64 ts,
		      bool same_sp_dead)
{
	while (t->depth && (t->frames[t->depth - 1].sp < sp ||
			    (same_sp_dead && t->frames[t->depth - 1].sp == sp))) {
		struct frame *fr = &t->frames[--t->depth];
		struct out_event e = { .type = OUT_RETURN, .ts = ts };

		e.ret.kind = OUT_RET_UNWOUND;
		e.ret.cookie = fr->cookie;
		e.ret.entry_ts = fr->ts;
		emit(st, t, &e);
	}
}

/* An entry or a return, C or Go, in the terms frames pair by. */
struct call_ev {
	const void *rec;	/* the record, for its values */
	size_t size;
	__u64 cookie;
	__u64 sp;		/* entry sp: where the frame is */
	__u64 ret_addr;		/* entries: the return address (C), else 0 */
	__u64 ts;
};

/* A Go frame's place as an sp to compare: its distance below the top of its goroutine's
 * stack, which copystack keeps when it moves the stack to grow or shrink it, where the raw
 * sp of the entry and of its RET would differ. */
#define GO_STACK_TOP	(1ULL << 62)

static __u64 go_pos(const struct rtrace_go_call *e)
{
	if (!e->stack_hi || e->stack_hi < e->sp || e->stack_hi - e->sp >= GO_STACK_TOP)
		return e->sp;
	return GO_STACK_TOP - (e->stack_hi - e->sp);
}

/* @rec (of @size bytes, checked) as an entry or a return. */
static void call_ev_of(const void *rec, size_t size, struct call_ev *c)
{
	const struct rtrace_hdr *h = rec;

	c->rec = rec;
	c->size = size;
	c->ts = h->ts_ns;
	c->ret_addr = 0;
	switch (h->type) {
	case RTRACE_EV_FUNC_ENTRY:
		c->cookie = ((const struct rtrace_func_entry *)rec)->cookie;
		c->sp = ((const struct rtrace_func_entry *)rec)->sp;
		c->ret_addr = ((const struct rtrace_func_entry *)rec)->ret_addr;
		break;
	case RTRACE_EV_FUNC_RETURN:
		/* after the return: entry sp + 8 */
		c->cookie = ((const struct rtrace_func_return *)rec)->cookie;
		c->sp = ((const struct rtrace_func_return *)rec)->sp - 8;
		break;
	default:
		/* a RET site: sp at the return address, as at the entry */
		c->cookie = ((const struct rtrace_go_call *)rec)->cookie;
		c->sp = go_pos(rec);
	}
}

static void on_func_entry(struct out_state *st, struct tid_state *t, const struct call_ev *c)
{
	struct out_event e = { .type = OUT_CALL, .ts = c->ts };

	unwind_to(st, t, c->sp, c->ts, !is_trampoline(c->ret_addr));
	e.call.rec = c->rec;
	e.call.size = c->size;
	e.call.cookie = c->cookie;
	if (c->cookie & RTRACE_COOKIE_NORET) {
		/* No return probe: a mark in the timeline, no frame. */
		emit(st, t, &e);
		return;
	}
	if (t->depth == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		struct frame *grown = realloc(t->frames, cap * sizeof(*grown));

		if (!grown)
			return;
		t->frames = grown;
		t->cap = cap;
	}
	e.call.returns = true;
	emit(st, t, &e);	/* at the caller's depth */
	t->frames[t->depth++] = (struct frame){ c->cookie, c->sp, c->ts };
}

static void on_func_return(struct out_state *st, struct tid_state *t, const struct call_ev *c)
{
	struct out_event e = { .type = OUT_RETURN, .ts = c->ts };

	unwind_to(st, t, c->sp, c->ts, false);
	e.ret.rec = c->rec;
	e.ret.size = c->size;
	e.ret.cookie = c->cookie;
	/* Go entries and RET sites carry different flags: the ids pair. */
	if (!t->depth || ((t->frames[t->depth - 1].cookie ^ c->cookie) & RTRACE_COOKIE_ID_MASK) ||
	    t->frames[t->depth - 1].sp != c->sp) {
		/* Its entry happened before we attached. */
		st->stats.unmatched_returns++;
		e.ret.kind = OUT_RET_NO_ENTRY;
		emit(st, t, &e);
		return;
	}
	e.ret.kind = OUT_RET_PAIRED;
	e.ret.entry_ts = t->frames[--t->depth].ts;
	emit(st, t, &e);
}

/* runtime.goexit1: the goroutine is done; frames it left (runtime.Goexit) are gone. */
static void on_go_exit(struct out_state *st, const struct rtrace_go_exit *rec)
{
	struct tid_state *gs = go_find(st, rec->hdr.tgid, rec->g, false);

	if (!gs || !gs->depth)
		return;
	gs->tid = rec->hdr.tid;
	unwind_to(st, gs, ~0ULL, rec->hdr.ts_ns, true);
}

static void on_exit_event(struct out_state *st, const struct rtrace_exit *rec)
{
	struct out_event e = { .type = OUT_EXIT, .ts = rec->hdr.ts_ns };
	size_t i;

	/* Every thread of the group is gone: close what they left open. */
	for (i = 0; i < st->nr_slots; i++) {
		struct tid_state *t = &st->tids[i];

		if (!t->tid || t->tgid != rec->hdr.tgid)
			continue;
		end_syscall(st, t, rec->hdr.ts_ns);
		t->depth = 0;
		t->cur_go = NULL;
	}
	for (i = 0; i < st->gos_cap; i++)
		if (st->gos[i] && st->gos[i]->tgid == rec->hdr.tgid)
			st->gos[i]->depth = 0;
	sysdecode_fds_forget(st->fds, rec->hdr.tgid);
	e.who = (struct out_unit){ rec->hdr.tgid, rec->hdr.tid, 0 };
	e.exit.status = rec->status;
	emit(st, NULL, &e);
}

/* Records the kernel could not deliver (counted by out_stats_count()): not a thread's. */
static void on_lost(struct out_state *st, const struct rtrace_lost *rec)
{
	struct out_event e = { .type = OUT_LOST, .ts = rec->hdr.ts_ns };

	if (!rec->count)
		return;
	e.lost.count = rec->count;
	emit(st, NULL, &e);
}

/* -c's sums from BPF: not a thread's. */
static void on_count(struct out_state *st, const struct rtrace_count *rec)
{
	struct out_event e = { .type = OUT_COUNT, .ts = rec->hdr.ts_ns };

	/* ids as the summary's tables hold them: a function id beyond any table is damage */
	if ((rec->kind != RTRACE_COUNT_SYSCALL && rec->kind != RTRACE_COUNT_FUNC) ||
	    rec->id >= RTRACE_MAX_FUNCS * 64ULL)
		return;
	e.count.func = rec->kind == RTRACE_COUNT_FUNC;
	e.count.id = rec->id;
	e.count.calls = rec->val.calls;
	e.count.errors = rec->val.errors;
	e.count.ns = rec->val.ns;
	emit(st, NULL, &e);
}

int out_stats_count(struct output_stats *stats, const void *data, size_t size)
{
	const struct rtrace_hdr *h = data;

	if (size < sizeof(*h))
		return -EINVAL;
	if (h->type == RTRACE_EV_LOST) {
		if (size < sizeof(struct rtrace_lost))
			return -EINVAL;
		stats->lost += ((const struct rtrace_lost *)data)->count;
	} else if (h->type != RTRACE_EV_COUNT) {
		stats->records++;
	}
	return 0;
}

int out_state_record(struct out_state *st, const void *data, size_t size)
{
	struct rtrace_func_return v1_ret;
	const struct rtrace_hdr *h = data;
	struct out_event e = {};
	struct tid_state *t;
	struct call_ev c;
	bool go;
	int err;

	err = out_stats_count(&st->stats, data, size);
	if (err)
		return err;
	if (h->type == RTRACE_EV_LOST) {
		on_lost(st, data);
		return 0;
	}
	if (h->type == RTRACE_EV_COUNT) {
		if (size < sizeof(struct rtrace_count))
			return -EINVAL;
		on_count(st, data);
		return 0;
	}
	go = h->type == RTRACE_EV_GO_ENTRY || h->type == RTRACE_EV_GO_RETURN;
	e.ts = h->ts_ns;
	if (!st->first_ts)
		st->first_ts = h->ts_ns;
	if (h->ts_ns > st->last_ts)
		st->last_ts = h->ts_ns;
	t = tid_find(st, h->tid, h->tgid, true);
	if (!t)
		return -ENOMEM;
	if (go) {
		struct tid_state *gs;

		/* Goroutines move between threads: their calls pair in their own state, shown
		 * on the thread they ran on. */
		if (size < sizeof(struct rtrace_go_call))
			return -EINVAL;
		gs = go_find(st, h->tgid, ((const struct rtrace_go_call *)data)->g, true);
		if (!gs)
			return -ENOMEM;
		gs->tid = h->tid;
		t->cur_go = gs;
		t = gs;
	}
	switch (h->type) {
	case RTRACE_EV_SYS_ENTER:
		if (size < sizeof(struct rtrace_sys_enter))
			return -EINVAL;
		on_sys_enter(st, t, data, size);
		break;
	case RTRACE_EV_SYS_EXIT:
		if (size < sizeof(struct rtrace_sys_exit))
			return -EINVAL;
		on_sys_exit(st, t, data, size);
		break;
	case RTRACE_EV_FUNC_ENTRY:
	case RTRACE_EV_GO_ENTRY:
		if (!go && size < sizeof(struct rtrace_func_entry))
			return -EINVAL;
		call_ev_of(data, size, &c);
		on_func_entry(st, t, &c);
		break;
	case RTRACE_EV_FUNC_RETURN:
	case RTRACE_EV_GO_RETURN:
		if (!go && size < offsetof(struct rtrace_func_return, nr_captures))
			return -EINVAL;
		if (!go && size < sizeof(struct rtrace_func_return)) {
			/* a version 1 trace file's, from before char * results: none here */
			memset(&v1_ret, 0, sizeof(v1_ret));
			memcpy(&v1_ret, data, size);
			v1_ret.hdr.size = sizeof(v1_ret);
			data = &v1_ret;
			size = sizeof(v1_ret);
		}
		call_ev_of(data, size, &c);
		on_func_return(st, t, &c);
		break;
	case RTRACE_EV_GO_EXIT:
		if (size < sizeof(struct rtrace_go_exit))
			return -EINVAL;
		on_go_exit(st, data);
		break;
	case RTRACE_EV_FORK: {
		const struct rtrace_fork *f = data;

		if (size < sizeof(*f))
			return -EINVAL;
		st->multi = true;
		sysdecode_fds_fork(st->fds, h->tgid, f->child_tgid);
		e.type = OUT_FORK;
		e.fork.child_tgid = f->child_tgid;
		e.fork.followed = !(f->flags & RTRACE_FORK_UNFOLLOWED);
		emit(st, t, &e);
		break;
	}
	case RTRACE_EV_EXEC: {
		const struct rtrace_exec *x = data;

		if (size < sizeof(*x))
			return -EINVAL;
		sysdecode_fds_exec(st->fds, h->tgid);
		e.type = OUT_EXEC;
		e.exec.filename = x->filename;
		emit(st, t, &e);
		break;
	}
	case RTRACE_EV_EXIT:
		if (size < sizeof(struct rtrace_exit))
			return -EINVAL;
		on_exit_event(st, data);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

int out_state_finish(struct out_state *st)
{
	struct out_event e = { .type = OUT_END, .ts = st->last_ts };
	size_t i;
	int s, err = 0;

	emit(st, NULL, &e);
	for (i = 0; i < st->nr_slots; i++)
		if (st->tids[i].tid)
			end_syscall(st, &st->tids[i], st->last_ts);
	for (s = 0; s < st->nr_sinks; s++)
		err = st->sinks[s]->ops->finish(st->sinks[s]) ?: err;
	return err;
}

struct out_state *out_state_new(bool fd_paths, sysdecode_link_fn link, void *link_ctx)
{
	struct out_state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	if (fd_paths) {
		st->fds = sysdecode_fds_new();
		if (!st->fds) {
			free(st);
			return NULL;
		}
		sysdecode_fds_set_link(st->fds, link, link_ctx);
	}
	return st;
}

void out_state_set_filter(struct out_state *st, const struct out_filter *f)
{
	st->filter = *f;
}

void out_state_set_narrowing(struct out_state *st, const unsigned long long *syscall_mask,
			     bool (*show_call)(void *ctx, __u64 cookie), void *ctx)
{
	st->syscall_mask = syscall_mask;
	st->show_call = show_call;
	st->show_ctx = ctx;
}

int out_state_add_sink(struct out_state *st, struct out_sink *sink)
{
	if (st->nr_sinks == OUT_MAX_SINKS)
		return -E2BIG;
	st->sinks[st->nr_sinks++] = sink;
	return 0;
}

void out_state_set_name(struct out_state *st, int pid, const char *name)
{
	struct out_event e = { .type = OUT_NAME, .ts = st->last_ts };

	e.who = (struct out_unit){ pid, pid, 0 };
	e.name.name = name;
	emit(st, NULL, &e);
}

void out_state_set_cwd(struct out_state *st, int pid, const char *cwd)
{
	sysdecode_fds_set_cwd(st->fds, pid, cwd);
}

void out_state_stats(const struct out_state *st, struct output_stats *stats)
{
	*stats = st->stats;
}

void out_state_free(struct out_state *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nr_slots; i++) {
		free(st->tids[i].frames);
		free(st->tids[i].enter_caps);
		drop_held(&st->tids[i], 0);
		free(st->tids[i].held);
	}
	for (i = 0; i < st->gos_cap; i++) {
		if (!st->gos[i])
			continue;
		free(st->gos[i]->frames);
		drop_held(st->gos[i], 0);
		free(st->gos[i]->held);
		free(st->gos[i]);
	}
	free(st->gos);
	sysdecode_fds_free(st->fds);
	free(st->tids);
	free(st);
}
