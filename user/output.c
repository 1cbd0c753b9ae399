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
#include "go_abi.h"
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
	/* A goroutine's state (Go calls pair per goroutine, wherever they run): its g, and tid
	 * the thread it was last seen on. 0 in a thread's state. */
	__u64 g;
	/* A thread's: the goroutine last seen on it, whose depth indents its syscalls. */
	struct tid_state *cur_go;
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
	struct tid_state **gos;		/* goroutines, by (tgid, g); allocated one by one */
	size_t nr_gos, gos_cap;
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
		if (o->held_tid && !o->held_tid->g) {
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

static size_t go_slot(__u32 tgid, __u64 g, size_t cap)
{
	return (size_t)(((g ^ tgid) * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

/* The state of goroutine @g of process @tgid; created when @create. NULL on ENOMEM. */
static struct tid_state *go_find(struct output *o, __u32 tgid, __u64 g, bool create)
{
	struct tid_state *gs;
	size_t i;

	if (!o->gos_cap || (create && (o->nr_gos + 1) * 2 > o->gos_cap)) {
		size_t n = o->gos_cap ? o->gos_cap * 2 : 64;
		struct tid_state **grown = calloc(n, sizeof(*grown));

		if (!grown)
			return NULL;
		for (i = 0; i < o->gos_cap; i++) {
			size_t j;

			if (!o->gos[i])
				continue;
			for (j = go_slot(o->gos[i]->tgid, o->gos[i]->g, n); grown[j];
			     j = (j + 1) & (n - 1))
				;
			grown[j] = o->gos[i];
		}
		free(o->gos);
		o->gos = grown;
		o->gos_cap = n;
	}
	for (i = go_slot(tgid, g, o->gos_cap); o->gos[i]; i = (i + 1) & (o->gos_cap - 1))
		if (o->gos[i]->g == g && o->gos[i]->tgid == tgid)
			return o->gos[i];
	if (!create)
		return NULL;
	gs = calloc(1, sizeof(*gs));
	if (!gs)
		return NULL;
	gs->g = g;
	gs->tgid = tgid;
	o->gos[i] = gs;
	o->nr_gos++;
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
	if (o->opts.no_args) {
		f->proto = NULL;
		f->go_proto = NULL;
	}
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
		for (i = indent_of(t); i > 0; i--)
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

static bool is_go_rec(const void *rec)
{
	__u32 type = ((const struct rtrace_hdr *)rec)->type;

	return type == RTRACE_EV_GO_ENTRY || type == RTRACE_EV_GO_RETURN;
}

/* The values a Go entry or RET record holds, its captures parsed into @cap. */
static void go_values_of(const struct rtrace_go_call *e, size_t size,
			 struct sysdecode_capture *cap, struct go_values *v)
{
	memset(cap, 0, RTRACE_MAX_FUNC_CAPTURES * sizeof(*cap));
	parse_captures(e + 1, size - sizeof(*e), e->nr_captures, cap, RTRACE_MAX_FUNC_CAPTURES);
	v->regs = e->regs;
	v->cap = cap;
}

/* print_call_args() of a Go entry: by Go's register ABI, or its 9 integer registers. */
static bool go_call_args(struct output *o, const struct output_func *f,
			 const struct rtrace_go_call *e, size_t size, bool json)
{
	struct sysdecode_capture cap[RTRACE_MAX_FUNC_CAPTURES];
	struct dwarf_format_opts d;
	struct go_values v;
	int i;

	if (f->go_proto) {
		go_values_of(e, size, cap, &v);
		dwarf_opts(o, json, &d);
		go_format_args(o->out, f->go_proto, &v, &d);
		return true;
	}
	if (!o->opts.raw_args)
		return false;
	fputs(json ? "[" : "", o->out);
	for (i = 0; i < GO_NR_INT_REGS; i++)
		fprintf(o->out, json ? "%s%llu" : "%s%#llx", i ? ", " : "",
			(unsigned long long)e->regs[i]);
	fputs(json ? "]" : "", o->out);
	return true;
}

/* The arguments of a call: typed from DWARF, the registers with --args=raw
 * when there are no types, else nothing. JSON: an object, an array, or
 * nothing (returns false). */
static bool print_call_args(struct output *o, const struct output_func *f, const void *rec,
			    size_t size, bool json)
{
	struct sysdecode_capture cap[RTRACE_MAX_FUNC_CAPTURES] = {};
	struct dwarf_value_src src = { .cap = cap };
	const struct rtrace_func_entry *e = rec;
	struct dwarf_format_opts d;
	int i;

	if (is_go_rec(rec))
		return go_call_args(o, f, rec, size, json);
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

/* The cookie of an entry or return record (C or Go: the same place). */
static __u64 rec_cookie(const void *rec)
{
	return is_go_rec(rec) ? ((const struct rtrace_go_call *)rec)->cookie :
				((const struct rtrace_func_entry *)rec)->cookie;
}

/* `name(args)` of a call entry record. */
static void print_call(struct output *o, const void *rec, size_t size)
{
	struct output_func f;

	func_info(o, rec_cookie(rec), &f);
	fprintf(o->out, "%s(", f.name);
	print_call_args(o, &f, rec, size, false);
	fputc(')', o->out);
}

/* The results of a Go RET record: ` = 7`, ` = (6, 3)`; ` = rax` without DWARF; JSON
 * `"ret":...,"ret_raw":n`. */
static void go_ret_value(struct output *o, const struct output_func *f,
			 const struct rtrace_go_call *e, size_t size, bool json)
{
	struct sysdecode_capture cap[RTRACE_MAX_FUNC_CAPTURES];
	struct dwarf_format_opts d;
	struct go_values v;

	if (!f->go_proto) {
		fprintf(o->out, json ? ",\"ret\":%lld" : " = %lld", (long long)e->regs[0]);
		return;
	}
	if (!go_proto_has_results(f->go_proto)) {
		fputs(json ? ",\"ret\":null" : "", o->out);
		return;
	}
	fputs(json ? ",\"ret\":" : " = ", o->out);
	go_values_of(e, size, cap, &v);
	dwarf_opts(o, json, &d);
	go_format_results(o->out, f->go_proto, &v, &d);
	if (json)
		fprintf(o->out, ",\"ret_raw\":%lld", (long long)e->regs[0]);
}

/* ` = value` of a return, typed when DWARF knows it; nothing for void. */
static void print_ret_value(struct output *o, const struct output_func *f, const void *rec,
			    size_t size)
{
	const struct rtrace_func_return *e = rec;
	struct dwarf_format_opts d;

	if (is_go_rec(rec)) {
		go_ret_value(o, f, rec, size, false);
		return;
	}
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
static void json_ret_value(struct output *o, const struct output_func *f, const void *rec,
			   size_t size)
{
	const struct rtrace_func_return *e = rec;
	struct dwarf_format_opts d;

	if (is_go_rec(rec)) {
		go_ret_value(o, f, rec, size, true);
		return;
	}
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

/* A goroutine's records say which: `"g":"0x..."`. */
static void json_g(struct output *o, const struct tid_state *t)
{
	if (t->g)
		fprintf(o->out, ",\"g\":\"%#llx\"", (unsigned long long)t->g);
}

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
			      const void *ret, size_t ret_size, const char *value_text,
			      long long ns)
{
	struct output_func f;

	func_info(o, cookie, &f);
	print_prefix(o, t, ts, true);
	fprintf(o->out, "} %s", f.name);
	if (ret)
		print_ret_value(o, &f, ret, ret_size);
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
			json_g(o, t);
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
		print_return_line(o, t, fr->cookie, ts, NULL, 0, "? <unwound>", -1);
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

/* Whether this entry shows the thread left its newest frame without a return. */
static bool entry_unwinds_top(const struct tid_state *t, const struct call_ev *c)
{
	__u64 top_sp;

	if (!t->depth)
		return false;
	top_sp = t->frames[t->depth - 1].sp;
	return top_sp < c->sp || (top_sp == c->sp && !is_trampoline(c->ret_addr));
}

static void json_call(struct output *o, struct tid_state *t, const struct call_ev *c, int depth,
		      bool returns)
{
	struct output_func f;

	func_info(o, c->cookie, &f);
	json_begin(o, "call", c->ts, t->tgid, t->tid);
	fputs(",\"name\":", o->out);
	json_str(o->out, f.name);
	fputs(",\"module\":", o->out);
	json_str(o->out, f.module);
	if (f.proto || f.go_proto || o->opts.raw_args) {
		fputs(",\"args\":", o->out);
		print_call_args(o, &f, c->rec, c->size, true);
	}
	json_g(o, t);
	fprintf(o->out, ",\"depth\":%d%s}\n", depth, returns ? "" : ",\"returns\":false");
}

static void on_func_entry(struct output *o, struct tid_state *t, const struct call_ev *c)
{
	__u64 id = c->cookie & RTRACE_COOKIE_ID_MASK;

	unwind_to(o, t, c->sp, c->ts, !is_trampoline(c->ret_addr));
	if (c->cookie & RTRACE_COOKIE_NORET) {
		/* No return probe: a mark in the timeline, no frame. */
		if (o->opts.summary) {
			count_func(o, id, 0);
		} else if (o->opts.json) {
			json_call(o, t, c, t->depth, false);
		} else {
			print_prefix(o, t, c->ts, true);
			print_call(o, c->rec, c->size);
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
	t->frames[t->depth++] = (struct frame){ c->cookie, c->sp, c->ts };
	if (o->opts.summary)
		return;
	if (o->opts.json) {
		json_call(o, t, c, t->depth - 1, true);
		return;
	}
	/* Held until we know whether anything happens inside it. */
	if (c->size > t->call_rec_size || !t->call_rec) {
		void *grown = realloc(t->call_rec, c->size);

		if (!grown)
			return;
		t->call_rec = grown;
	}
	memcpy(t->call_rec, c->rec, c->size);
	t->call_rec_size = c->size;
	o->held = HELD_CALL;
	o->held_tid = t;
}

static void on_func_return(struct output *o, struct tid_state *t, const struct call_ev *c)
{
	struct output_func f;
	struct frame fr;

	func_info(o, c->cookie, &f);
	unwind_to(o, t, c->sp, c->ts, false);
	/* Go entries and RET sites carry different flags: the ids pair. */
	if (!t->depth || ((t->frames[t->depth - 1].cookie ^ c->cookie) & RTRACE_COOKIE_ID_MASK) ||
	    t->frames[t->depth - 1].sp != c->sp) {
		/* Its entry happened before we attached. */
		o->stats.unmatched_returns++;
		if (o->opts.summary)
			return;
		if (o->opts.json) {
			json_begin(o, "return", c->ts, t->tgid, t->tid);
			fputs(",\"name\":", o->out);
			json_str(o->out, f.name);
			json_ret_value(o, &f, c->rec, c->size);
			json_g(o, t);
			fprintf(o->out, ",\"depth\":%d,\"entry_seen\":false}\n", t->depth);
			return;
		}
		print_return_line(o, t, c->cookie, c->ts, c->rec, c->size, NULL, -1);
		return;
	}
	fr = t->frames[--t->depth];
	if (o->opts.summary) {
		count_func(o, c->cookie & RTRACE_COOKIE_ID_MASK, c->ts - fr.ts);
		return;
	}
	if (o->opts.json) {
		json_begin(o, "return", c->ts, t->tgid, t->tid);
		fputs(",\"name\":", o->out);
		json_str(o->out, f.name);
		json_ret_value(o, &f, c->rec, c->size);
		json_g(o, t);
		fprintf(o->out, ",\"dur_ns\":%llu,\"depth\":%d}\n",
			(unsigned long long)(c->ts - fr.ts), t->depth);
		return;
	}
	if (o->held_tid == t && o->held == HELD_CALL) {
		/* Nothing happened inside: one line, like uftrace's leaf calls. */
		o->held = HELD_NONE;
		o->held_tid = NULL;
		print_prefix(o, t, fr.ts, true);
		print_call(o, t->call_rec, t->call_rec_size);
		print_ret_value(o, &f, c->rec, c->size);
		print_duration(o, c->ts - fr.ts);
		fputc('\n', o->out);
		return;
	}
	print_return_line(o, t, c->cookie, c->ts, c->rec, c->size, NULL, c->ts - fr.ts);
}

/* runtime.goexit1: the goroutine is done; frames it left (runtime.Goexit) are gone. */
static void on_go_exit(struct output *o, const struct rtrace_go_exit *e)
{
	struct tid_state *gs = go_find(o, e->hdr.tgid, e->g, false);

	if (!gs || !gs->depth)
		return;
	if (o->held != HELD_NONE && o->held_tid != gs)
		flush_held(o);
	gs->tid = e->hdr.tid;
	unwind_to(o, gs, ~0ULL, e->hdr.ts_ns, true);
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
		t->cur_go = NULL;
	}
	for (i = 0; i < o->gos_cap; i++)
		if (o->gos[i] && o->gos[i]->tgid == e->hdr.tgid)
			o->gos[i]->depth = 0;
	if (o->held_tid && o->held_tid->g && o->held_tid->tgid == e->hdr.tgid) {
		o->held = HELD_NONE;
		o->held_tid = NULL;
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
	bool go = h->type == RTRACE_EV_GO_ENTRY || h->type == RTRACE_EV_GO_RETURN;
	struct tid_state *t, *gs = NULL;
	struct call_ev c;

	if (size < sizeof(*h))
		return -EINVAL;
	o->stats.records++;
	t = tid_find(o, h->tid, h->tgid, true);
	if (!t)
		return -ENOMEM;
	if (go) {
		/* Goroutines move between threads: their calls pair in their own state, shown
		 * on the thread they ran on. */
		if (size < sizeof(struct rtrace_go_call))
			return -EINVAL;
		gs = go_find(o, h->tgid, ((const struct rtrace_go_call *)data)->g, true);
		if (!gs)
			return -ENOMEM;
		gs->tid = h->tid;
		t->cur_go = gs;
		t = gs;
	}
	if ((h->type == RTRACE_EV_FUNC_ENTRY && size >= sizeof(struct rtrace_func_entry)) ||
	    (h->type == RTRACE_EV_FUNC_RETURN && size >= sizeof(struct rtrace_func_return)) || go)
		call_ev_of(data, size, &c);
	/* Whatever prints next and is not the held line's completion prints it
	 * open. Process events print nothing of their own here (exit closes the
	 * held syscall itself), nor do goroutine ends (on_go_exit() sees to it). */
	if (o->held != HELD_NONE && h->type != RTRACE_EV_EXEC && h->type != RTRACE_EV_FORK &&
	    h->type != RTRACE_EV_EXIT && h->type != RTRACE_EV_GO_EXIT) {
		bool ret = h->type == RTRACE_EV_FUNC_RETURN || h->type == RTRACE_EV_GO_RETURN;
		bool entry = h->type == RTRACE_EV_FUNC_ENTRY || h->type == RTRACE_EV_GO_ENTRY;
		bool completes = o->held_tid == t &&
				 ((o->held == HELD_SYSCALL && h->type == RTRACE_EV_SYS_EXIT) ||
				  (o->held == HELD_CALL && ret) ||
				  (o->held == HELD_CALL && entry && entry_unwinds_top(t, &c)));

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
		on_func_entry(o, t, &c);
		break;
	case RTRACE_EV_FUNC_RETURN:
		if (size < sizeof(struct rtrace_func_return))
			return -EINVAL;
		on_func_return(o, t, &c);
		break;
	case RTRACE_EV_GO_ENTRY:
		on_func_entry(o, t, &c);
		break;
	case RTRACE_EV_GO_RETURN:
		on_func_return(o, t, &c);
		break;
	case RTRACE_EV_GO_EXIT:
		if (size < sizeof(struct rtrace_go_exit))
			return -EINVAL;
		on_go_exit(o, data);
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
	for (i = 0; i < o->gos_cap; i++) {
		if (!o->gos[i])
			continue;
		free(o->gos[i]->frames);
		free(o->gos[i]->call_rec);
		free(o->gos[i]);
	}
	free(o->gos);
	if (o->scratch)
		fclose(o->scratch);
	free(o->scratch_buf);
	sysdecode_fds_free(o->fds);
	symbolizer_free(o->syms);
	free(o->tids);
	free(o->func_counts);
	free(o);
}
