// SPDX-License-Identifier: GPL-2.0
/* Formats the ordered event stream. Text follows strace (a syscall line is
 * held back until its exit so that it prints whole unless another thread
 * interleaves, then it shows as <unfinished ...>/<... resumed>); functions
 * nest by stack pointer, so calls skipped by longjmp or exceptions unwind. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "constmem.h"
#include "output.h"
#include "rtrace.h"
#include "syscalls.h"
#include "dwarf_args.h"
#include "json.h"
#include "symbolize.h"
#include "sysdecode.h"

struct frame {
	__u64 cookie;
	__u64 sp;
	__u64 ts;
};

struct tid_state {
	__u32 tid;		/* 0: free slot */
	__u32 tgid;
	bool in_syscall;	/* enter seen, exit not yet */
	bool unfinished;	/* the enter was printed as <unfinished ...> */
	struct rtrace_sys_enter enter;
	void *enter_caps;	/* capture blocks after the enter record, if any */
	size_t enter_caps_len;
	void *call_rec;		/* the held call's entry record, with its captures */
	size_t call_rec_size;
	struct frame *frames;
	int depth, cap;
};

enum held_kind { HELD_NONE, HELD_SYSCALL, HELD_CALL };

struct count_row {
	__u64 calls, errors, ns;
};

struct output {
	FILE *out;
	struct output_opts opts;
	func_info_fn funcs;
	void *funcs_ctx;
	struct tid_state *tids;
	size_t nr_slots, nr_tids;
	__u32 first_tid;
	bool multi;		/* more than one thread seen: prefix lines */
	/* A line waiting for the event that may complete it. */
	enum held_kind held;
	struct tid_state *held_tid;
	__u64 last_line_ts;
	struct output_stats stats;
	struct count_row sys_counts[RTRACE_MAX_SYSCALLS];
	struct count_row *func_counts;
	size_t nr_func_counts;
	struct sysdecode_opts decode;
	struct sysdecode_fds *fds;	/* -y */
	struct symbolizer *syms;	/* function pointer arguments */
	int sym_pid;			/* the process whose argument is being shown */
	const char *sym_module;		/* ... the module of the function called */
	__u64 sym_func_addr;		/* ... the called function's address */
	__u64 sym_func_off;		/* ... and its file offset in that module */
	char sym_buf[256];
	FILE *scratch;			/* JSON: decoded arguments, then escaped */
	char *scratch_buf;
	size_t scratch_size;
};

static struct tid_state *tid_find(struct output *o, __u32 tid, __u32 tgid, bool create)
{
	size_t i, mask;

	if (o->nr_slots == 0 || (create && (o->nr_tids + 1) * 2 > o->nr_slots)) {
		size_t n = o->nr_slots ? o->nr_slots * 2 : 64;
		struct tid_state *old = o->tids, *grown = calloc(n, sizeof(*grown));
		size_t old_n = o->nr_slots;

		if (!grown)
			return NULL;
		o->tids = grown;
		o->nr_slots = n;
		for (i = 0; i < old_n; i++) {
			size_t j;

			if (!old[i].tid)
				continue;
			for (j = old[i].tid & (n - 1); grown[j].tid; j = (j + 1) & (n - 1))
				;
			grown[j] = old[i];
		}
		free(old);
		/* Slots moved: a held pointer must follow its thread. */
		if (o->held_tid) {
			__u32 t = o->held_tid->tid;

			o->held_tid = NULL;
			o->held_tid = tid_find(o, t, 0, false);
		}
	}
	mask = o->nr_slots - 1;
	for (i = tid & mask; o->tids[i].tid; i = (i + 1) & mask)
		if (o->tids[i].tid == tid)
			return &o->tids[i];
	if (!create)
		return NULL;
	o->tids[i].tid = tid;
	o->tids[i].tgid = tgid;
	o->nr_tids++;
	if (!o->first_tid)
		o->first_tid = tid;
	else if (tid != o->first_tid)
		o->multi = true;
	return &o->tids[i];
}

/* What the loader knows of a cookie's function; a made-up name if nothing. */
static void func_info(struct output *o, __u64 cookie, struct output_func *f)
{
	static char buf[32];

	memset(f, 0, sizeof(*f));
	cookie &= RTRACE_COOKIE_ID_MASK;
	if (!o->funcs || !o->funcs(o->funcs_ctx, cookie, f)) {
		snprintf(buf, sizeof(buf), "func_%llu", (unsigned long long)cookie);
		f->name = buf;
		f->module = "";
	}
	if (o->opts.no_args)
		f->proto = NULL;
}

static const char *func_name(struct output *o, __u64 cookie)
{
	struct output_func f;

	func_info(o, cookie, &f);
	return f.name;
}

/* ---- text ---- */

static void print_prefix(struct output *o, const struct tid_state *t, __u64 ts, bool indent)
{
	__s64 wall = (__s64)ts + o->opts.wall_offset_ns;
	int i;

	if (o->multi || o->opts.prefix_tids)
		fprintf(o->out, "[pid %5u] ", t->tid);
	if (o->opts.timestamps == 3) {
		fprintf(o->out, "%lld.%06lld ", (long long)(wall / 1000000000),
			(long long)(wall % 1000000000) / 1000);
	} else if (o->opts.timestamps) {
		time_t secs = wall / 1000000000;
		struct tm tm;

		localtime_r(&secs, &tm);
		fprintf(o->out, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
		if (o->opts.timestamps == 2)
			fprintf(o->out, ".%06lld", (long long)(wall % 1000000000) / 1000);
		fputc(' ', o->out);
	}
	if (o->opts.relative) {
		__u64 d = o->last_line_ts && ts > o->last_line_ts ? ts - o->last_line_ts : 0;

		fprintf(o->out, "%6llu.%06llu ", d / 1000000000, (d % 1000000000) / 1000);
	}
	o->last_line_ts = ts;
	if (indent)
		for (i = 0; i < t->depth; i++)
			fputs("  ", o->out);
}

static bool is_error(__s64 ret)
{
	return ret < 0 && ret >= -4095;
}

/* Fills cap[] from the capture blocks that follow a record's fixed part. */
static void parse_captures(const void *blocks, size_t len, unsigned int n,
			   struct sysdecode_capture *cap, unsigned int max)
{
	const unsigned char *p = blocks, *end = p + len;

	while (n-- && p && p + sizeof(struct rtrace_capture) <= end) {
		const struct rtrace_capture *c = (const void *)p;
		const unsigned char *data = p + sizeof(*c);

		if (c->idx < max && data + c->len <= end)
			cap[c->idx] = (struct sysdecode_capture){ data, c->len, c->flags, true };
		p = data + ((c->len + 7) & ~7U);
	}
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
	parse_captures(t->enter_caps, t->enter_caps_len, t->enter.nr_captures, call->cap,
		       RTRACE_MAX_CAPTURES);
	if (x) {
		call->has_ret = true;
		call->ret = x->ret;
		parse_captures(x + 1, xsize - sizeof(*x), x->nr_captures, call->cap,
			       RTRACE_MAX_CAPTURES);
	}
}

/* `name(args` as strace writes it. */
static void print_sys_call(struct output *o, const struct sysdecode_call *call)
{
	char buf[32];

	fprintf(o->out, "%s(", syscall_name(call->nr, buf, sizeof(buf)));
	sysdecode_args(o->out, call, &o->decode, o->fds);
}

static void print_duration(struct output *o, __u64 ns)
{
	fprintf(o->out, " <%llu.%06llu>", ns / 1000000000, (ns % 1000000000) / 1000);
}

static const char *symbolize_arg(void *ctx, unsigned long long addr)
{
	struct output *o = ctx;
	__u64 bias;
	const char *name;

	if (!o->syms)
		o->syms = symbolizer_new();
	name = symbolize(o->syms, o->sym_pid, addr, o->sym_buf, sizeof(o->sym_buf));
	/* The process may be gone by now: a function of the called function's
	 * own module still resolves through the probe's address. */
	bias = o->sym_func_addr - o->sym_func_off;
	if (!name && o->sym_module && addr > bias)
		name = symbolize_offset(o->syms, o->sym_module, addr - bias, o->sym_buf,
					sizeof(o->sym_buf));
	return name;
}

static long read_const_arg(void *ctx, unsigned long long addr, void *buf, size_t len)
{
	struct output *o = ctx;

	return constmem_read(o->sym_pid, o->sym_module, o->sym_func_addr, o->sym_func_off, addr,
			     buf, len);
}

static void dwarf_opts(struct output *o, bool json, struct dwarf_format_opts *d)
{
	memset(d, 0, sizeof(*d));
	d->string_limit = o->opts.string_limit;
	d->deref = o->opts.deref;
	d->json = json;
	d->sym = symbolize_arg;
	d->read_const = read_const_arg;
	d->sym_ctx = o;
}

/* The arguments of a call: typed from DWARF, the registers with --args=raw
 * when there are no types, else nothing. JSON: an object, an array, or
 * nothing (returns false). */
static bool print_call_args(struct output *o, const struct output_func *f,
			    const struct rtrace_func_entry *e, size_t size, bool json)
{
	struct sysdecode_capture cap[RTRACE_MAX_FUNC_CAPTURES] = {};
	struct dwarf_value_src src = { .cap = cap };
	struct dwarf_format_opts d;
	int i;

	if (f->proto) {
		parse_captures(e + 1, size - sizeof(*e), e->nr_captures, cap,
			       RTRACE_MAX_FUNC_CAPTURES);
		memcpy(src.args, e->args, sizeof(src.args));
		o->sym_pid = e->hdr.tgid;
		o->sym_module = f->module;
		o->sym_func_addr = e->ip;
		o->sym_func_off = f->offset;
		dwarf_opts(o, json, &d);
		dwarf_format_args(o->out, f->proto, &src, &d);
		return true;
	}
	if (!o->opts.raw_args)
		return false;
	fputs(json ? "[" : "", o->out);
	for (i = 0; i < 6; i++)
		fprintf(o->out, json ? "%s%llu" : "%s%#llx", i ? ", " : "",
			(unsigned long long)e->args[i]);
	fputs(json ? "]" : "", o->out);
	return true;
}

/* `name(args)` of a call entry record. */
static void print_call(struct output *o, const struct rtrace_func_entry *e, size_t size)
{
	struct output_func f;

	func_info(o, e->cookie, &f);
	fprintf(o->out, "%s(", f.name);
	print_call_args(o, &f, e, size, false);
	fputc(')', o->out);
}

/* ` = value` of a return, typed when DWARF knows it; nothing for void. */
static void print_ret_value(struct output *o, const struct output_func *f,
			    const struct rtrace_func_return *e)
{
	struct dwarf_format_opts d;

	if (e->cookie & RTRACE_COOKIE_TAIL) {
		/* Left by a jmp to another function: its value is that one's. */
		fputs(" = ? <tail call>", o->out);
		return;
	}
	if (!f->proto) {
		fprintf(o->out, " = %lld", (long long)e->ret);
		return;
	}
	if (!dwarf_proto_has_ret(f->proto))
		return;
	fputs(" = ", o->out);
	dwarf_opts(o, false, &d);
	dwarf_format_ret(o->out, f->proto, e->ret, e->ret2, &d);
}

/* JSON `"ret":value,"ret_raw":n` of a return. */
static void json_ret_value(struct output *o, const struct output_func *f,
			   const struct rtrace_func_return *e)
{
	struct dwarf_format_opts d;

	fputs(",\"ret\":", o->out);
	if (e->cookie & RTRACE_COOKIE_TAIL) {
		fputs("null,\"tail_call\":true", o->out);
		return;
	}
	if (!f->proto)
		fprintf(o->out, "%lld", (long long)e->ret);
	else if (!dwarf_proto_has_ret(f->proto))
		fputs("null", o->out);
	else {
		dwarf_opts(o, true, &d);
		dwarf_format_ret(o->out, f->proto, e->ret, e->ret2, &d);
	}
	if (f->proto)
		fprintf(o->out, ",\"ret_raw\":%lld", (long long)e->ret);
}

/* Prints the held line in its open form: the event that would have
 * completed it did not come next. */
static void flush_held(struct output *o)
{
	struct tid_state *t = o->held_tid;
	enum held_kind kind = o->held;

	o->held = HELD_NONE;
	o->held_tid = NULL;
	if (kind == HELD_SYSCALL) {
		struct sysdecode_call call;

		build_call(t, NULL, 0, &call);
		print_prefix(o, t, t->enter.hdr.ts_ns, true);
		print_sys_call(o, &call);
		fputs(" <unfinished ...>\n", o->out);
		t->unfinished = true;
	} else if (kind == HELD_CALL) {
		struct frame *fr = &t->frames[t->depth - 1];

		t->depth--;	/* the open line sits at the caller's depth */
		print_prefix(o, t, fr->ts, true);
		t->depth++;
		print_call(o, t->call_rec, t->call_rec_size);
		fputs(" {\n", o->out);
	}
}

/* ---- JSON ---- */

static void json_begin(struct output *o, const char *type, __u64 ts, __u32 tgid, __u32 tid)
{
	fprintf(o->out, "{\"type\":\"%s\",\"ts_ns\":%lld,\"pid\":%u,\"tid\":%u", type,
		(long long)ts + o->opts.wall_offset_ns, tgid, tid);
}

static int sys_nargs(__u32 nr)
{
	const struct syscall_info *si = syscall_info(nr);

	return si ? si->nargs : 6;
}

/* The decoded argument list as a JSON string. */
static void json_decoded_args(struct output *o, const struct sysdecode_call *call)
{
	if (!o->scratch) {
		o->scratch = open_memstream(&o->scratch_buf, &o->scratch_size);
		if (!o->scratch)
			return;
	}
	rewind(o->scratch);
	sysdecode_args(o->scratch, call, &o->decode, o->fds);
	fputc('\0', o->scratch);
	fflush(o->scratch);
	fputs(",\"args_str\":", o->out);
	json_str(o->out, o->scratch_buf);
}

/* One record per syscall: with_enter false when its entry was not seen
 * (it began before we attached); ex NULL when it never returned. */
static void json_syscall(struct output *o, struct tid_state *t, bool with_enter,
			 const struct rtrace_sys_exit *ex, size_t xsize)
{
	struct sysdecode_call call;
	char buf[32];
	__u32 nr = with_enter ? t->enter.nr : ex->nr;
	int i, n = sys_nargs(nr);

	json_begin(o, "syscall", with_enter ? t->enter.hdr.ts_ns : ex->hdr.ts_ns, t->tgid, t->tid);
	fputs(",\"name\":", o->out);
	json_str(o->out, syscall_name(nr, buf, sizeof(buf)));
	fprintf(o->out, ",\"nr\":%u,\"args\":[", nr);
	for (i = 0; with_enter && i < n && i < 6; i++)
		fprintf(o->out, "%s%llu", i ? "," : "", (unsigned long long)t->enter.args[i]);
	fputc(']', o->out);
	if (with_enter) {
		build_call(t, ex, xsize, &call);
		json_decoded_args(o, &call);
	}
	if (ex) {
		fprintf(o->out, ",\"ret\":%lld", (long long)ex->ret);
		if (is_error(ex->ret)) {
			const char *name = strerrorname_np(-ex->ret);

			fputs(",\"errno\":", o->out);
			json_str(o->out, name ? name : "?");
		}
	} else {
		fputs(",\"ret\":null", o->out);
	}
	if (with_enter && ex)
		fprintf(o->out, ",\"dur_ns\":%llu",
			(unsigned long long)(ex->hdr.ts_ns - t->enter.hdr.ts_ns));
	if (!with_enter)
		fputs(",\"resumed\":true", o->out);
	fputs("}\n", o->out);
	if (with_enter)
		sysdecode_fds_note(o->fds, &call);
}

/* ---- events ---- */

static void count_syscall(struct output *o, __u32 nr, __s64 ret, __u64 ns)
{
	struct count_row *row = &o->sys_counts[nr % RTRACE_MAX_SYSCALLS];

	row->calls++;
	row->ns += ns;
	if (is_error(ret))
		row->errors++;
}

static void count_func(struct output *o, __u64 cookie, __u64 ns)
{
	if (cookie >= o->nr_func_counts) {
		size_t n = cookie + 64;
		struct count_row *grown = realloc(o->func_counts, n * sizeof(*grown));

		if (!grown)
			return;
		memset(grown + o->nr_func_counts, 0, (n - o->nr_func_counts) * sizeof(*grown));
		o->func_counts = grown;
		o->nr_func_counts = n;
	}
	o->func_counts[cookie].calls++;
	o->func_counts[cookie].ns += ns;
}

/* A syscall that never returns (exit, exit_group, a thread killed by exec)
 * or is still blocked at the end: shown as strace does, `= ?`. */
static void end_syscall(struct output *o, struct tid_state *t)
{
	struct sysdecode_call call;

	if (!t->in_syscall)
		return;
	t->in_syscall = false;
	if (o->opts.summary) {
		count_syscall(o, t->enter.nr, 0, 0);
		return;
	}
	if (o->opts.json) {
		json_syscall(o, t, true, NULL, 0);
		return;
	}
	if (o->held_tid == t)
		o->held = HELD_NONE, o->held_tid = NULL;
	else if (t->unfinished) {
		char buf[32];

		print_prefix(o, t, t->enter.hdr.ts_ns, true);
		fprintf(o->out, "<... %s resumed>) = ?\n",
			syscall_name(t->enter.nr, buf, sizeof(buf)));
		t->unfinished = false;
		return;
	}
	build_call(t, NULL, 0, &call);
	print_prefix(o, t, t->enter.hdr.ts_ns, true);
	print_sys_call(o, &call);
	fputs(") = ?\n", o->out);
}

/* Keeps the enter record, with its captures, until the exit comes. */
static void on_sys_enter(struct output *o, struct tid_state *t, const struct rtrace_sys_enter *e,
			 size_t size)
{
	end_syscall(o, t);	/* an enter without exit before: it never returned */
	t->enter = *e;
	t->enter_caps_len = 0;
	if (e->nr_captures && size > sizeof(*e)) {
		void *caps = realloc(t->enter_caps, size - sizeof(*e));

		if (caps) {
			memcpy(caps, e + 1, size - sizeof(*e));
			t->enter_caps = caps;
			t->enter_caps_len = size - sizeof(*e);
		}
	}
	t->in_syscall = true;
	t->unfinished = false;
	if (o->opts.summary || o->opts.json)
		return;
	o->held = HELD_SYSCALL;
	o->held_tid = t;
}

static void on_sys_exit(struct output *o, struct tid_state *t, const struct rtrace_sys_exit *e,
			size_t size)
{
	bool matched = t->in_syscall && t->enter.nr == e->nr;
	struct sysdecode_call call;
	char buf[32];

	if (t->in_syscall && !matched)
		end_syscall(o, t);
	t->in_syscall = false;
	if (o->opts.summary) {
		count_syscall(o, e->nr, e->ret, matched ? e->hdr.ts_ns - t->enter.hdr.ts_ns : 0);
		return;
	}
	if (o->opts.json) {
		json_syscall(o, t, matched, e, size);
		return;
	}
	if (matched)
		build_call(t, e, size, &call);
	if (matched && o->held_tid == t && o->held == HELD_SYSCALL) {
		o->held = HELD_NONE;
		o->held_tid = NULL;
		print_prefix(o, t, t->enter.hdr.ts_ns, true);
		print_sys_call(o, &call);
		fputs(") = ", o->out);
	} else {
		/* Resumed after other output, or entered before we attached. */
		print_prefix(o, t, e->hdr.ts_ns, true);
		fprintf(o->out, "<... %s resumed>) = ", syscall_name(e->nr, buf, sizeof(buf)));
	}
	if (matched) {
		/* Learn first: a returned fd shows its new path (-y). */
		sysdecode_fds_note(o->fds, &call);
		sysdecode_ret_ex(o->out, &call, &o->decode, o->fds);
	} else {
		struct sysdecode_call bare = { .nr = e->nr, .has_ret = true, .ret = e->ret };

		sysdecode_ret(o->out, &bare);
	}
	if (o->opts.durations && matched)
		print_duration(o, e->hdr.ts_ns - t->enter.hdr.ts_ns);
	fputc('\n', o->out);
	t->unfinished = false;
}

/* `} name = value <dur>` closing a call (ret NULL: value_text instead). */
static void print_return_line(struct output *o, struct tid_state *t, __u64 cookie, __u64 ts,
			      const struct rtrace_func_return *ret, const char *value_text,
			      long long ns)
{
	struct output_func f;

	func_info(o, cookie, &f);
	print_prefix(o, t, ts, true);
	fprintf(o->out, "} %s", f.name);
	if (ret)
		print_ret_value(o, &f, ret);
	else
		fprintf(o->out, " = %s", value_text);
	if (ns >= 0)
		print_duration(o, ns);
	fputc('\n', o->out);
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
static void unwind_to(struct output *o, struct tid_state *t, __u64 sp, __u64 ts, bool same_sp_dead)
{
	while (t->depth && (t->frames[t->depth - 1].sp < sp ||
			    (same_sp_dead && t->frames[t->depth - 1].sp == sp))) {
		struct frame *fr = &t->frames[--t->depth];

		if (o->opts.summary)
			continue;
		if (o->opts.json) {
			json_begin(o, "return", ts, t->tgid, t->tid);
			fputs(",\"name\":", o->out);
			json_str(o->out, func_name(o, fr->cookie));
			fprintf(o->out, ",\"ret\":null,\"unwound\":true,\"depth\":%d}\n", t->depth);
			continue;
		}
		if (o->held_tid == t && o->held == HELD_CALL) {
			/* Never printed open: show it as one unwound line. */
			o->held = HELD_NONE;
			o->held_tid = NULL;
			print_prefix(o, t, fr->ts, true);
			print_call(o, t->call_rec, t->call_rec_size);
			fputs(" = ? <unwound>\n", o->out);
			continue;
		}
		print_return_line(o, t, fr->cookie, ts, NULL, "? <unwound>", -1);
	}
}

/* Whether this entry shows the thread left its newest frame without a return. */
static bool entry_unwinds_top(const struct tid_state *t, const struct rtrace_func_entry *e)
{
	__u64 top_sp;

	if (!t->depth)
		return false;
	top_sp = t->frames[t->depth - 1].sp;
	return top_sp < e->sp || (top_sp == e->sp && !is_trampoline(e->ret_addr));
}

static void json_call(struct output *o, struct tid_state *t, const struct rtrace_func_entry *e,
		      size_t size, int depth, bool returns)
{
	struct output_func f;

	func_info(o, e->cookie, &f);
	json_begin(o, "call", e->hdr.ts_ns, t->tgid, t->tid);
	fputs(",\"name\":", o->out);
	json_str(o->out, f.name);
	fputs(",\"module\":", o->out);
	json_str(o->out, f.module);
	if (f.proto || o->opts.raw_args) {
		fputs(",\"args\":", o->out);
		print_call_args(o, &f, e, size, true);
	}
	fprintf(o->out, ",\"depth\":%d%s}\n", depth, returns ? "" : ",\"returns\":false");
}

static void on_func_entry(struct output *o, struct tid_state *t, const struct rtrace_func_entry *e,
			  size_t size)
{
	__u64 id = e->cookie & RTRACE_COOKIE_ID_MASK;

	unwind_to(o, t, e->sp, e->hdr.ts_ns, !is_trampoline(e->ret_addr));
	if (e->cookie & RTRACE_COOKIE_NORET) {
		/* No return probe: a mark in the timeline, no frame. */
		if (o->opts.summary) {
			count_func(o, id, 0);
		} else if (o->opts.json) {
			json_call(o, t, e, size, t->depth, false);
		} else {
			print_prefix(o, t, e->hdr.ts_ns, true);
			print_call(o, e, size);
			fputs(" ...\n", o->out);
		}
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
	t->frames[t->depth++] = (struct frame){ e->cookie, e->sp, e->hdr.ts_ns };
	if (o->opts.summary)
		return;
	if (o->opts.json) {
		json_call(o, t, e, size, t->depth - 1, true);
		return;
	}
	/* Held until we know whether anything happens inside it. */
	if (size > t->call_rec_size || !t->call_rec) {
		void *grown = realloc(t->call_rec, size);

		if (!grown)
			return;
		t->call_rec = grown;
	}
	memcpy(t->call_rec, e, size);
	t->call_rec_size = size;
	o->held = HELD_CALL;
	o->held_tid = t;
}

static void on_func_return(struct output *o, struct tid_state *t, const struct rtrace_func_return *e)
{
	__u64 entry_sp = e->sp - 8;
	struct output_func f;
	struct frame fr;

	func_info(o, e->cookie, &f);
	unwind_to(o, t, entry_sp, e->hdr.ts_ns, false);
	/* The same function: an exit probe's cookie may say it was a tail call. */
	if (!t->depth ||
	    (t->frames[t->depth - 1].cookie & RTRACE_COOKIE_ID_MASK) !=
		    (e->cookie & RTRACE_COOKIE_ID_MASK) ||
	    t->frames[t->depth - 1].sp != entry_sp) {
		/* Its entry happened before we attached. */
		o->stats.unmatched_returns++;
		if (o->opts.summary)
			return;
		if (o->opts.json) {
			json_begin(o, "return", e->hdr.ts_ns, t->tgid, t->tid);
			fputs(",\"name\":", o->out);
			json_str(o->out, f.name);
			json_ret_value(o, &f, e);
			fprintf(o->out, ",\"depth\":%d,\"entry_seen\":false}\n", t->depth);
			return;
		}
		print_return_line(o, t, e->cookie, e->hdr.ts_ns, e, NULL, -1);
		return;
	}
	fr = t->frames[--t->depth];
	if (o->opts.summary) {
		count_func(o, e->cookie & RTRACE_COOKIE_ID_MASK, e->hdr.ts_ns - fr.ts);
		return;
	}
	if (o->opts.json) {
		json_begin(o, "return", e->hdr.ts_ns, t->tgid, t->tid);
		fputs(",\"name\":", o->out);
		json_str(o->out, f.name);
		json_ret_value(o, &f, e);
		fprintf(o->out, ",\"dur_ns\":%llu,\"depth\":%d}\n",
			(unsigned long long)(e->hdr.ts_ns - fr.ts), t->depth);
		return;
	}
	if (o->held_tid == t && o->held == HELD_CALL) {
		/* Nothing happened inside: one line, like uftrace's leaf calls. */
		o->held = HELD_NONE;
		o->held_tid = NULL;
		print_prefix(o, t, fr.ts, true);
		print_call(o, t->call_rec, t->call_rec_size);
		print_ret_value(o, &f, e);
		print_duration(o, e->hdr.ts_ns - fr.ts);
		fputc('\n', o->out);
		return;
	}
	print_return_line(o, t, e->cookie, e->hdr.ts_ns, e, NULL, e->hdr.ts_ns - fr.ts);
}

static void on_exit_event(struct output *o, const struct rtrace_exit *e)
{
	size_t i;
	int sig = e->status & 0x7f, code = (e->status >> 8) & 0xff;

	/* Every thread of the group is gone: close what they left open. */
	for (i = 0; i < o->nr_slots; i++) {
		struct tid_state *t = &o->tids[i];

		if (!t->tid || t->tgid != e->hdr.tgid)
			continue;
		end_syscall(o, t);
		t->depth = 0;
	}
	sysdecode_fds_forget(o->fds, e->hdr.tgid);
	if (o->opts.summary)
		return;
	if (o->opts.json) {
		json_begin(o, "exit", e->hdr.ts_ns, e->hdr.tgid, e->hdr.tid);
		if (sig)
			fprintf(o->out, ",\"signal\":\"SIG%s\",\"signo\":%d%s}\n",
				sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", sig,
				e->status & 0x80 ? ",\"core_dumped\":true" : "");
		else
			fprintf(o->out, ",\"code\":%d}\n", code);
		return;
	}
	if (o->multi || o->opts.prefix_tids)
		fprintf(o->out, "[pid %5u] ", e->hdr.tgid);
	if (sig)
		fprintf(o->out, "+++ killed by SIG%s%s +++\n", sigabbrev_np(sig) ?: "?",
			e->status & 0x80 ? " (core dumped)" : "");
	else
		fprintf(o->out, "+++ exited with %d +++\n", code);
}

int output_event(struct output *o, const void *data, size_t size)
{
	const struct rtrace_hdr *h = data;
	struct tid_state *t;

	if (size < sizeof(*h))
		return -EINVAL;
	o->stats.records++;
	t = tid_find(o, h->tid, h->tgid, true);
	if (!t)
		return -ENOMEM;
	/* Whatever prints next and is not the held line's completion prints it
	 * open. Process events print nothing of their own here (exit closes the
	 * held syscall itself). */
	if (o->held != HELD_NONE && h->type != RTRACE_EV_EXEC && h->type != RTRACE_EV_FORK &&
	    h->type != RTRACE_EV_EXIT) {
		bool completes = o->held_tid == t &&
				 ((o->held == HELD_SYSCALL && h->type == RTRACE_EV_SYS_EXIT) ||
				  (o->held == HELD_CALL && h->type == RTRACE_EV_FUNC_RETURN) ||
				  (o->held == HELD_CALL && h->type == RTRACE_EV_FUNC_ENTRY &&
				   size >= sizeof(struct rtrace_func_entry) &&
				   entry_unwinds_top(t, data)));

		if (!completes)
			flush_held(o);
	}
	switch (h->type) {
	case RTRACE_EV_SYS_ENTER:
		if (size < sizeof(struct rtrace_sys_enter))
			return -EINVAL;
		on_sys_enter(o, t, data, size);
		break;
	case RTRACE_EV_SYS_EXIT:
		if (size < sizeof(struct rtrace_sys_exit))
			return -EINVAL;
		on_sys_exit(o, t, data, size);
		break;
	case RTRACE_EV_FUNC_ENTRY:
		if (size < sizeof(struct rtrace_func_entry))
			return -EINVAL;
		on_func_entry(o, t, data, size);
		break;
	case RTRACE_EV_FUNC_RETURN:
		if (size < sizeof(struct rtrace_func_return))
			return -EINVAL;
		on_func_return(o, t, data);
		break;
	case RTRACE_EV_FORK: {
		const struct rtrace_fork *f = data;

		if (size < sizeof(*f))
			return -EINVAL;
		o->multi = true;
		sysdecode_fds_fork(o->fds, h->tgid, f->child_tgid);
		if (o->opts.summary)
			break;
		if (o->opts.json) {
			json_begin(o, "fork", h->ts_ns, h->tgid, h->tid);
			fprintf(o->out, ",\"child_pid\":%u,\"followed\":%s}\n", f->child_tgid,
				f->flags & RTRACE_FORK_UNFOLLOWED ? "false" : "true");
		} else if (f->flags & RTRACE_FORK_UNFOLLOWED) {
			if (o->held != HELD_NONE)
				flush_held(o);
			fprintf(o->out, "--- process %u not followed (tgid map full) ---\n",
				f->child_tgid);
		}
		break;
	}
	case RTRACE_EV_EXEC: {
		const struct rtrace_exec *x = data;

		if (size < sizeof(*x))
			return -EINVAL;
		sysdecode_fds_exec(o->fds, h->tgid);
		if (o->opts.json && !o->opts.summary) {
			json_begin(o, "exec", h->ts_ns, h->tgid, h->tid);
			fputs(",\"filename\":", o->out);
			json_str(o->out, x->filename);
			fputs("}\n", o->out);
		}
		break;
	}
	case RTRACE_EV_EXIT:
		if (size < sizeof(struct rtrace_exit))
			return -EINVAL;
		on_exit_event(o, data);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

void output_lost(struct output *o, __u64 count, __u64 ts_ns)
{
	if (!count)
		return;
	o->stats.lost += count;
	if (o->opts.summary)
		return;
	if (o->held != HELD_NONE)
		flush_held(o);
	if (o->opts.json)
		fprintf(o->out, "{\"type\":\"lost\",\"ts_ns\":%lld,\"count\":%llu}\n",
			(long long)ts_ns + o->opts.wall_offset_ns, (unsigned long long)count);
	else
		fprintf(o->out, "--- lost %llu events (ring buffer full; see --buffer-size) ---\n",
			(unsigned long long)count);
}

static int cmp_rows_by_time(const void *a, const void *b)
{
	const struct { struct count_row row; const char *name; } *x = a, *y = b;

	if (x->row.ns != y->row.ns)
		return x->row.ns < y->row.ns ? 1 : -1;
	if (x->row.calls != y->row.calls)
		return x->row.calls < y->row.calls ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* strace -c's table, then the same for functions. */
static void print_table(struct output *o, const char *title, struct count_row *rows, size_t n,
			bool syscalls)
{
	struct { struct count_row row; const char *name; } *sorted = calloc(n, sizeof(*sorted));
	__u64 total_ns = 0, total_calls = 0, total_errors = 0;
	size_t i, m = 0;
	char (*names)[128] = calloc(n, 128);

	if (!sorted || !names)
		goto cleanup;
	for (i = 0; i < n; i++) {
		if (!rows[i].calls)
			continue;
		sorted[m].row = rows[i];
		sorted[m].name = syscalls ? syscall_name(i, names[i], 128) : func_name(o, i);
		if (!syscalls) {
			snprintf(names[i], 128, "%s", sorted[m].name);
			sorted[m].name = names[i];
		}
		total_ns += rows[i].ns;
		total_calls += rows[i].calls;
		total_errors += rows[i].errors;
		m++;
	}
	if (!m)
		goto cleanup;
	qsort(sorted, m, sizeof(*sorted), cmp_rows_by_time);
	fprintf(o->out, "%% time     seconds  usecs/call     calls    errors %s\n", title);
	fputs("------ ----------- ----------- --------- --------- ----------------\n", o->out);
	for (i = 0; i < m; i++) {
		struct count_row *r = &sorted[i].row;

		fprintf(o->out, "%6.2f %11.6f %11llu %9llu ",
			total_ns ? 100.0 * r->ns / total_ns : 0.0, r->ns / 1e9,
			(unsigned long long)(r->ns / 1000 / r->calls), (unsigned long long)r->calls);
		if (r->errors)
			fprintf(o->out, "%9llu %s\n", (unsigned long long)r->errors, sorted[i].name);
		else
			fprintf(o->out, "%9s %s\n", "", sorted[i].name);
	}
	fputs("------ ----------- ----------- --------- --------- ----------------\n", o->out);
	fprintf(o->out, "100.00 %11.6f %11llu %9llu ", total_ns / 1e9,
		(unsigned long long)(total_ns / 1000 / total_calls), (unsigned long long)total_calls);
	if (total_errors)
		fprintf(o->out, "%9llu total\n", (unsigned long long)total_errors);
	else
		fprintf(o->out, "%9s total\n", "");
cleanup:
	free(names);
	free(sorted);
}

void output_finish(struct output *o)
{
	size_t i;

	if (o->held != HELD_NONE)
		flush_held(o);
	for (i = 0; i < o->nr_slots; i++)
		if (o->tids[i].tid)
			end_syscall(o, &o->tids[i]);
	if (o->opts.summary) {
		print_table(o, "syscall", o->sys_counts, RTRACE_MAX_SYSCALLS, true);
		if (o->nr_func_counts) {
			fputc('\n', o->out);
			print_table(o, "function", o->func_counts, o->nr_func_counts, false);
		}
	}
	fflush(o->out);
}

struct output *output_new(FILE *out, const struct output_opts *opts, func_info_fn funcs,
			  void *funcs_ctx)
{
	struct output *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->out = out;
	o->opts = *opts;
	o->funcs = funcs;
	o->funcs_ctx = funcs_ctx;
	o->decode.string_limit = opts->string_limit;
	o->decode.fd_paths = opts->fd_paths;
	if (opts->fd_paths) {
		o->fds = sysdecode_fds_new();
		if (!o->fds) {
			free(o);
			return NULL;
		}
	}
	return o;
}

void output_set_cwd(struct output *o, int pid, const char *cwd)
{
	sysdecode_fds_set_cwd(o->fds, pid, cwd);
}

void output_get_stats(const struct output *o, struct output_stats *st)
{
	*st = o->stats;
}

void output_free(struct output *o)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; i < o->nr_slots; i++) {
		free(o->tids[i].frames);
		free(o->tids[i].enter_caps);
		free(o->tids[i].call_rec);
	}
	if (o->scratch)
		fclose(o->scratch);
	free(o->scratch_buf);
	sysdecode_fds_free(o->fds);
	symbolizer_free(o->syms);
	free(o->tids);
	free(o->func_counts);
	free(o);
}
