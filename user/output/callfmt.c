// SPDX-License-Identifier: GPL-2.0
/* Function calls as text or JSON: names from the loader's function table,
 * arguments and results typed by DWARF (C) or Go's register ABI. */
#include <stdint.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include "callfmt.h"
#include "dwarf/dwarf_args.h"
#include "dwarf/go_abi.h"
#include "proc/procview.h"
#include "util/json.h"
#include "rtrace.h"
#include "util/util.h"

#define CF_ANCHORS	64	/* where modules are mapped, by process and module */

/* A process, a module of its, and where that is mapped: a probed function's address
 * and its file offset (0 and no module when unknown). */
struct anchor {
	int pid;
	const char *module;	/* the function table's: one string per module */
	__u64 addr, off;
};

struct callfmt {
	struct output_opts opts;
	func_info_fn funcs;
	void *funcs_ctx;
	struct procview *view;		/* the process, live or as recorded */
	char name_buf[32];
	/* The values being shown: their process, the module of the function called */
	struct anchor sym;
	/* From entries, for returns: a return record does not say where its module is */
	struct anchor anchors[CF_ANCHORS];
	char sym_buf[256];
	/* callfmt_ask_ahead(): DWARF_ASKS_* | CF_ASKS_KNOWN by function id, and where the
	 * printing goes */
	signed char *asks;
	size_t nr_asks;
	FILE *null;
};

#define CF_ASKS_KNOWN	0x40
#define CF_ASKS_RET	(DWARF_ASKS_SYM_RET | DWARF_ASKS_STR_RET)

struct callfmt *callfmt_new(const struct output_opts *opts, func_info_fn funcs, void *funcs_ctx,
			    struct procview *view)
{
	struct callfmt *cf = calloc(1, sizeof(*cf));

	if (!cf)
		return NULL;
	cf->opts = *opts;
	cf->view = view;
	cf->funcs = funcs;
	cf->funcs_ctx = funcs_ctx;
	return cf;
}

void callfmt_free(struct callfmt *cf)
{
	if (!cf)
		return;
	if (cf->null)
		fclose(cf->null);
	free(cf->asks);
	free(cf);
}

void callfmt_func(struct callfmt *cf, __u64 cookie, struct output_func *f)
{
	memset(f, 0, sizeof(*f));
	cookie &= RTRACE_COOKIE_ID_MASK;
	if (!cf->funcs || !cf->funcs(cf->funcs_ctx, cookie, f)) {
		snprintf(cf->name_buf, sizeof(cf->name_buf), "func_%llu", (unsigned long long)cookie);
		f->name = cf->name_buf;
		f->module = "";
	}
	if (cf->opts.no_args) {
		f->proto = NULL;
		f->go_proto = NULL;
	}
}

const char *callfmt_name(struct callfmt *cf, __u64 cookie)
{
	struct output_func f;

	callfmt_func(cf, cookie, &f);
	return f.name;
}

static struct anchor *anchor_slot(struct callfmt *cf, int pid, const char *module)
{
	unsigned long long h = ((__u32)pid ^ (uintptr_t)module) * 0x9e3779b97f4a7c15ULL;

	return &cf->anchors[(h >> 32) % CF_ANCHORS];
}

/* An entry's values: of its process, and its probe tells where its module is mapped. */
static void entry_ctx(struct callfmt *cf, const struct output_func *f,
		      const struct rtrace_func_entry *e)
{
	cf->sym = (struct anchor){ e->hdr.tgid, f->module, e->ip, f->offset };
	*anchor_slot(cf, e->hdr.tgid, f->module) = cf->sym;
}

/* A return's: of its own process, not of the values shown last (another process's,
 * maybe); its module where an entry last saw it mapped. */
static void ret_ctx(struct callfmt *cf, const struct output_func *f,
		    const struct rtrace_func_return *e)
{
	const struct anchor *a = anchor_slot(cf, e->hdr.tgid, f->module);

	if (a->pid == (int)e->hdr.tgid && a->module == f->module)
		cf->sym = *a;
	else
		cf->sym = (struct anchor){ .pid = e->hdr.tgid };
}

static const char *symbolize_arg(void *ctx, unsigned long long addr)
{
	struct callfmt *cf = ctx;

	return procview_sym(cf->view, cf->sym.pid, cf->sym.module, cf->sym.addr, cf->sym.off, addr,
			    cf->sym_buf, sizeof(cf->sym_buf));
}

static long read_const_arg(void *ctx, unsigned long long addr, void *buf, size_t len)
{
	struct callfmt *cf = ctx;

	return procview_const(cf->view, cf->sym.pid, cf->sym.module, cf->sym.addr, cf->sym.off,
			      addr, buf, len);
}

static void dwarf_opts(struct callfmt *cf, bool json, struct dwarf_format_opts *d)
{
	memset(d, 0, sizeof(*d));
	d->string_limit = cf->opts.string_limit;
	d->deref = cf->opts.deref;
	d->json = json;
	d->sym = symbolize_arg;
	d->read_const = read_const_arg;
	d->sym_ctx = cf;
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
	sysdecode_captures(e + 1, size - sizeof(*e), e->nr_captures, cap, RTRACE_MAX_FUNC_CAPTURES);
	v->regs = e->regs;
	v->cap = cap;
}

/* callfmt_args() of a Go entry: by Go's register ABI, or its 9 integer registers. */
static bool go_call_args(struct callfmt *cf, FILE *out, const struct output_func *f,
			 const struct rtrace_go_call *e, size_t size, bool json)
{
	struct sysdecode_capture cap[RTRACE_MAX_FUNC_CAPTURES];
	struct dwarf_format_opts d;
	struct go_values v;
	int i;

	if (f->go_proto) {
		go_values_of(e, size, cap, &v);
		dwarf_opts(cf, json, &d);
		go_format_args(out, f->go_proto, &v, &d);
		return true;
	}
	if (!cf->opts.raw_args)
		return false;
	fputs(json ? "[" : "", out);
	for (i = 0; i < GO_NR_INT_REGS; i++)
		fprintf(out, json ? "%s%llu" : "%s%#llx", i ? ", " : "",
			(unsigned long long)e->regs[i]);
	fputs(json ? "]" : "", out);
	return true;
}

bool callfmt_args(struct callfmt *cf, FILE *out, const struct output_func *f, const void *rec,
		  size_t size, bool json)
{
	struct sysdecode_capture cap[RTRACE_MAX_FUNC_CAPTURES] = {};
	struct dwarf_value_src src = { .cap = cap };
	const struct rtrace_func_entry *e = rec;
	struct dwarf_format_opts d;
	int i;

	if (is_go_rec(rec))
		return go_call_args(cf, out, f, rec, size, json);
	if (f->proto) {
		sysdecode_captures(e + 1, size - sizeof(*e), e->nr_captures, cap,
				 RTRACE_MAX_FUNC_CAPTURES);
		memcpy(src.args, e->args, sizeof(src.args));
		entry_ctx(cf, f, e);
		dwarf_opts(cf, json, &d);
		dwarf_format_args(out, f->proto, &src, &d);
		return true;
	}
	if (!cf->opts.raw_args)
		return false;
	fputs(json ? "[" : "", out);
	for (i = 0; i < 6; i++)
		fprintf(out, json ? "%s%llu" : "%s%#llx", i ? ", " : "",
			(unsigned long long)e->args[i]);
	fputs(json ? "]" : "", out);
	return true;
}

/* The cookie of an entry or return record (C or Go: the same place). */
static __u64 rec_cookie(const void *rec)
{
	return is_go_rec(rec) ? ((const struct rtrace_go_call *)rec)->cookie :
				((const struct rtrace_func_entry *)rec)->cookie;
}

void callfmt_call(struct callfmt *cf, FILE *out, const void *rec, size_t size)
{
	struct output_func f;

	callfmt_func(cf, rec_cookie(rec), &f);
	fprintf(out, "%s(", f.name);
	callfmt_args(cf, out, &f, rec, size, false);
	fputc(')', out);
}

/* The results of a Go RET record: ` = 7`, ` = (6, 3)`; ` = rax` without DWARF; JSON
 * `"ret":...,"ret_raw":n`. */
static void go_ret_value(struct callfmt *cf, FILE *out, const struct output_func *f,
			 const struct rtrace_go_call *e, size_t size, bool json)
{
	struct sysdecode_capture cap[RTRACE_MAX_FUNC_CAPTURES];
	struct dwarf_format_opts d;
	struct go_values v;

	if (!f->go_proto) {
		fprintf(out, json ? ",\"ret\":%lld" : " = %lld", (long long)e->regs[0]);
		return;
	}
	if (!go_proto_has_results(f->go_proto)) {
		fputs(json ? ",\"ret\":null" : "", out);
		return;
	}
	fputs(json ? ",\"ret\":" : " = ", out);
	go_values_of(e, size, cap, &v);
	dwarf_opts(cf, json, &d);
	go_format_results(out, f->go_proto, &v, &d);
	if (json)
		fprintf(out, ",\"ret_raw\":%lld", (long long)e->regs[0]);
}

/* A C function's result by its type, with the string a char * result pointed to when BPF
 * read it at the return. */
static void c_ret_value(struct callfmt *cf, FILE *out, const struct output_func *f,
			const struct rtrace_func_return *e, size_t size, bool json)
{
	struct sysdecode_capture cap[1] = {};
	struct dwarf_format_opts d;

	sysdecode_captures(e + 1, size - sizeof(*e), e->nr_captures, cap, 1);
	ret_ctx(cf, f, e);
	dwarf_opts(cf, json, &d);
	dwarf_format_ret_cap(out, f->proto, e->ret, e->ret2, cap, &d);
}

void callfmt_ret(struct callfmt *cf, FILE *out, const struct output_func *f, const void *rec,
		 size_t size)
{
	const struct rtrace_func_return *e = rec;

	if (is_go_rec(rec)) {
		go_ret_value(cf, out, f, rec, size, false);
		return;
	}
	if (e->cookie & RTRACE_COOKIE_TAIL) {
		/* Left by a jmp to another function: its value is that one's. */
		fputs(" = ? <tail call>", out);
		return;
	}
	if (!f->proto) {
		fprintf(out, " = %lld", (long long)e->ret);
		return;
	}
	if (!dwarf_proto_has_ret(f->proto))
		return;
	fputs(" = ", out);
	c_ret_value(cf, out, f, e, size, false);
}

void callfmt_json_ret(struct callfmt *cf, FILE *out, const struct output_func *f,
		      const void *rec, size_t size)
{
	const struct rtrace_func_return *e = rec;

	if (is_go_rec(rec)) {
		go_ret_value(cf, out, f, rec, size, true);
		return;
	}
	fputs(",\"ret\":", out);
	if (e->cookie & RTRACE_COOKIE_TAIL) {
		fputs("null,\"tail_call\":true", out);
		return;
	}
	if (!f->proto)
		fprintf(out, "%lld", (long long)e->ret);
	else if (!dwarf_proto_has_ret(f->proto))
		fputs("null", out);
	else
		c_ret_value(cf, out, f, e, size, true);
	if (f->proto) {
		fputs(",\"ret_raw\":", out);
		json_int(out, e->ret);
	}
}

bool callfmt_sys_args_json(struct callfmt_text *t, FILE *out, const char *key,
			   const struct sysdecode_call *call, const struct sysdecode_opts *decode,
			   struct sysdecode_fds *fds)
{
	if (!t->f)
		t->f = open_memstream(&t->buf, &t->size);
	if (!t->f)
		return false;
	rewind(t->f);
	sysdecode_args(t->f, call, decode, fds);
	fputc('\0', t->f);
	fflush(t->f);
	fputs(key, out);
	json_str(out, t->buf);
	return true;
}

void callfmt_text_free(struct callfmt_text *t)
{
	if (t->f)
		fclose(t->f);
	free(t->buf);
}

/* What showing the calls of @cookie's function may ask (DWARF_ASKS_*), found once. */
static unsigned int asks_of(struct callfmt *cf, __u64 cookie)
{
	signed char *known = id_byte(&cf->asks, &cf->nr_asks, cookie & RTRACE_COOKIE_ID_MASK);
	struct output_func f;
	unsigned int asks;

	if (known && *known)
		return *known & ~CF_ASKS_KNOWN;
	callfmt_func(cf, cookie, &f);
	asks = dwarf_proto_asks(f.proto, cf->opts.deref);
	if (known)
		*known = asks | CF_ASKS_KNOWN;
	return asks;
}

/* Whether BPF could not read a capture among the @n blocks of @len bytes at @blocks: a
 * string there is read from the process's file instead (dwarf_format.c). */
static bool any_fault(const void *blocks, size_t len, unsigned int n)
{
	struct sysdecode_capture cap[RTRACE_MAX_FUNC_CAPTURES] = {};
	int i;

	sysdecode_captures(blocks, len, n, cap, RTRACE_MAX_FUNC_CAPTURES);
	for (i = 0; i < RTRACE_MAX_FUNC_CAPTURES; i++)
		if (cap[i].present && (cap[i].flags & RTRACE_CAPF_FAULT))
			return true;
	return false;
}

static ssize_t discard(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	(void)buf;
	return size;
}

/* An entry's arguments, printed if they ask: a function pointer, a string BPF missed. */
static void ask_entry(struct callfmt *cf, const struct rtrace_func_entry *e, size_t size)
{
	unsigned int asks = asks_of(cf, e->cookie);
	struct output_func f;

	if (!asks)
		return;
	callfmt_func(cf, e->cookie, &f);
	if ((asks & DWARF_ASKS_SYM_ARGS) ||
	    ((asks & DWARF_ASKS_STR_ARGS) && any_fault(e + 1, size - sizeof(*e), e->nr_captures)))
		callfmt_args(cf, cf->null, &f, e, size, false);
	else if (asks & CF_ASKS_RET)
		entry_ctx(cf, &f, e);	/* where its module is, for its return */
}

/* A return's result, likewise. */
static void ask_ret(struct callfmt *cf, const struct rtrace_func_return *e, size_t size)
{
	unsigned int asks = asks_of(cf, e->cookie);
	struct output_func f;

	if ((asks & DWARF_ASKS_SYM_RET) ||
	    ((asks & DWARF_ASKS_STR_RET) && any_fault(e + 1, size - sizeof(*e), e->nr_captures))) {
		callfmt_func(cf, e->cookie, &f);
		callfmt_ret(cf, cf->null, &f, e, size);
	}
}

void callfmt_ask_ahead(struct callfmt *cf, const void *rec, size_t size)
{
	__u32 type;

	if (size < sizeof(struct rtrace_hdr))
		return;
	type = ((const struct rtrace_hdr *)rec)->type;
	if (!cf->null) {
		cf->null = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = discard });
		if (!cf->null)
			return;
		__fsetlocking(cf->null, FSETLOCKING_BYCALLER);
	}
	/* Go's values name no function and read no constant memory */
	if (type == RTRACE_EV_FUNC_ENTRY && size >= sizeof(struct rtrace_func_entry))
		ask_entry(cf, rec, size);
	else if (type == RTRACE_EV_FUNC_RETURN && size >= sizeof(struct rtrace_func_return) &&
		 !(((const struct rtrace_func_return *)rec)->cookie & RTRACE_COOKIE_TAIL))
		ask_ret(cf, rec, size);
}
