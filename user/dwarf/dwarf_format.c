/* SPDX-License-Identifier: GPL-2.0 */
/* Printing function arguments and return values by their DWARF types, as text
 * (`n=15, s="abc", e=RED`) or JSON, from the registers and memory one call recorded. Every value
 * is read from a byte view that knows which eightbytes were in xmm registers (not readable from
 * a uprobe): those print as `<double: n/a>`, never as a number.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_priv.h"
#include "util/json.h"
#include "util/quote.h"

typedef unsigned long long u64;

#define MAX_NEST	8	/* structs by value inside structs */

struct fctx {
	FILE *out;
	const struct dwarf_format_opts *o;
	unsigned int slimit;
	bool json;
};

/* Bytes of one value: registers laid out as eightbytes, or captured memory. */
struct view {
	const unsigned char *data;
	unsigned int len;
	unsigned int sse;	/* bit k: eightbyte k was in an xmm register */
};

static void print_value(struct fctx *c, const struct dtype *t, const struct view *v,
			unsigned int off, int depth);

/* ---- JSON and text atoms ---- */

static void json_key(struct fctx *c, const char *name)
{
	json_str(c->out, name);
	fputc(':', c->out);
}

static void unknown(struct fctx *c)
{
	fputs(c->json ? "null" : "?", c->out);
}

/* A value that was in an xmm register. */
static void not_available(struct fctx *c, const struct dtype *t)
{
	if (c->json)
		fputs("null", c->out);
	else
		fprintf(c->out, "<%s: n/a>", t->name ? t->name : t->kind == DT_ARRAY ? "vector" :
					   "float");
}

static void print_addr(struct fctx *c, u64 v)
{
	if (!v)
		fputs(c->json ? "null" : "NULL", c->out);
	else if (c->json)
		fprintf(c->out, "\"%#llx\"", v);
	else
		fprintf(c->out, "%#llx", v);
}

/* A pointer we could not follow: the address, and why. */
static void print_unreadable(struct fctx *c, u64 v)
{
	print_addr(c, v);
	if (!c->json)
		fputs(" <unreadable>", c->out);
}

/* ---- reading the view ---- */

static bool view_has(const struct view *v, unsigned int off, unsigned int size)
{
	return v->data && off <= v->len && size <= v->len - off;
}

/* Whether any byte of [off, off + size) came from an xmm register. */
static bool view_sse(const struct view *v, unsigned int off, unsigned int size)
{
	unsigned int eb;

	if (!v->sse || !size)
		return false;
	for (eb = off / 8; eb <= (off + size - 1) / 8 && eb < 32; eb++)
		if (v->sse & (1u << eb))
			return true;
	return false;
}

/* Little-endian @size (1..8) bytes at @off, sign-extended if @sign. */
static u64 read_int(const struct view *v, unsigned int off, unsigned int size, bool sign)
{
	u64 x = 0;

	memcpy(&x, v->data + off, size);
	if (size < 8) {
		u64 top = 1ULL << (size * 8 - 1);

		x &= (top << 1) - 1;
		if (sign && (x & top))
			x |= ~((top << 1) - 1);
	}
	return x;
}

/* ---- scalars ---- */

static void print_char(struct fctx *c, unsigned char ch)
{
	static const char esc[] = "\a\b\f\n\r\t\v\\'";
	static const char name[] = "abfnrtv\\'";
	const char *e = ch ? strchr(esc, ch) : NULL;

	if (c->json) {
		if (ch)
			json_quote(c->out, &ch, 1, 1, false);
		else	/* json_quote stops at a NUL */
			fputs("\"\\u0000\"", c->out);
		return;
	}
	if (e)
		fprintf(c->out, "'\\%c'", name[e - esc]);
	else if (ch >= ' ' && ch < 0x7f)
		fprintf(c->out, "'%c'", ch);
	else
		fprintf(c->out, "'\\%o'", ch);
}

static void print_enum(struct fctx *c, const struct dtype *t, u64 val)
{
	u64 mask = t->size >= 8 ? ~0ULL : (1ULL << (t->size * 8)) - 1, mv = val & mask, rest;
	unsigned int i;
	bool first = true;

	for (i = 0; i < t->nr; i++) {
		if (t->enums[i].val == mv && t->enums[i].name) {
			if (c->json)
				json_str(c->out, t->enums[i].name);
			else
				fputs(t->enums[i].name, c->out);
			return;
		}
	}
	if (!t->flags || !mv) {
		fprintf(c->out, t->is_signed ? "%lld" : "%llu", val);
		return;
	}
	/* A|B, then the bits no enumerator names */
	rest = mv;
	if (c->json)
		fputc('"', c->out);
	for (i = 0; i < t->nr && rest; i++) {
		u64 e = t->enums[i].val;

		if (!e || (e & rest) != e || !t->enums[i].name)
			continue;
		fputs(first ? "" : "|", c->out);
		if (c->json)
			json_chars(c->out, (const unsigned char *)t->enums[i].name,
				   strlen(t->enums[i].name));
		else
			fputs(t->enums[i].name, c->out);
		rest &= ~e;
		first = false;
	}
	if (rest)
		fprintf(c->out, "%s%#llx", first ? "" : "|", rest);
	if (c->json)
		fputc('"', c->out);
}

/* An integer-class scalar (already sign-extended or masked to its width). */
static void print_scalar(struct fctx *c, const struct dtype *t, u64 val)
{
	switch (t->kind) {
	case DT_BOOL:
		if (val <= 1)
			fputs(val ? "true" : "false", c->out);
		else
			fprintf(c->out, "%llu", val);
		break;
	case DT_ENUM:
		print_enum(c, t, val);
		break;
	case DT_PTR:
		if (val && t->target && t->target->kind == DT_FUNC && c->o->sym) {
			const char *s = c->o->sym(c->o->sym_ctx, val);

			if (s) {
				if (c->json)
					json_str(c->out, s);
				else
					fputs(s, c->out);
				break;
			}
		}
		print_addr(c, val);
		break;
	case DT_INT:
		if (t->plain_char) {
			print_char(c, val);
			break;
		}
		fprintf(c->out, t->is_signed ? "%lld" : "%llu", val);
		break;
	case DT_OPAQUE:
		if (c->json)
			fprintf(c->out, "\"%#llx\"", val);
		else
			fprintf(c->out, "%#llx", val);
		break;
	default:
		unknown(c);
	}
}

static void print_int128(struct fctx *c, const unsigned char *p, bool sign)
{
	unsigned __int128 x;
	char buf[48], *s = buf + sizeof(buf) - 1;
	bool neg = false;

	memcpy(&x, p, 16);
	if (sign && (__int128)x < 0) {
		neg = true;
		x = -x;
	}
	*s = '\0';
	do {
		*--s = '0' + (int)(x % 10);
		x /= 10;
	} while (x);
	if (neg)
		*--s = '-';
	fputs(s, c->out);
}

/* The shortest decimal that reads back as the same value. */
static void print_float(struct fctx *c, const struct dtype *t, const unsigned char *p)
{
	char buf[64];
	int prec;

	if (t->decimal || (t->size != 4 && t->size != 8 && !t->x87)) {
		unknown(c);	/* _Decimal*, _Float128: no printf for them */
		return;
	}
	if (t->x87) {
		long double x;

		memcpy(&x, p, 10);
		if (!isfinite(x))
			goto nonfinite;
		for (prec = 1; prec < 21; prec++) {
			snprintf(buf, sizeof(buf), "%.*Lg", prec, x);
			if (strtold(buf, NULL) == x)
				break;
		}
	} else if (t->size == 4) {
		float x;

		memcpy(&x, p, 4);
		if (!isfinite(x))
			goto nonfinite;
		for (prec = 1; prec < 9; prec++) {
			snprintf(buf, sizeof(buf), "%.*g", prec, x);
			if (strtof(buf, NULL) == x)
				break;
		}
	} else {
		double x;

		memcpy(&x, p, 8);
		if (!isfinite(x))
			goto nonfinite;
		for (prec = 1; prec < 17; prec++) {
			snprintf(buf, sizeof(buf), "%.*g", prec, x);
			if (strtod(buf, NULL) == x)
				break;
		}
	}
	fputs(buf, c->out);
	return;
nonfinite:
	/* JSON has no inf/nan */
	if (c->json) {
		fputs("null", c->out);
	} else {
		double d;

		if (t->x87) {
			long double x;

			memcpy(&x, p, 10);
			d = x;
		} else if (t->size == 4) {
			float x;

			memcpy(&x, p, 4);
			d = x;
		} else {
			memcpy(&d, p, 8);
		}
		fputs(isnan(d) ? "nan" : d < 0 ? "-inf" : "inf", c->out);
	}
}

static void print_complex(struct fctx *c, const struct dtype *t, const unsigned char *p)
{
	struct dtype part = { .kind = DT_FLOAT, .size = t->size / 2, .x87 = t->x87 };

	fputs(c->json ? "[" : "", c->out);
	print_float(c, &part, p);
	fputs(c->json ? "," : " + ", c->out);
	print_float(c, &part, p + part.size);
	fputs(c->json ? "]" : "i", c->out);
}

/* ---- aggregates ---- */

static void print_bitfield(struct fctx *c, const struct dt_field *f, const struct view *v,
			   unsigned int off)
{
	unsigned int nbytes = (f->bit_off + f->bit_size + 7) / 8;
	unsigned __int128 w = 0;
	bool sign = (f->type->kind == DT_INT || f->type->kind == DT_ENUM) && f->type->is_signed;
	u64 x;

	if (!view_has(v, off + f->off, nbytes)) {
		unknown(c);
		return;
	}
	memcpy(&w, v->data + off + f->off, nbytes);
	x = (u64)(w >> f->bit_off);
	if (f->bit_size < 64) {
		x &= (1ULL << f->bit_size) - 1;
		if (sign && (x >> (f->bit_size - 1)))
			x |= ~((1ULL << f->bit_size) - 1);
	}
	print_scalar(c, f->type, x);
}

static void print_fields(struct fctx *c, const struct dtype *t, const struct view *v,
			 unsigned int off, int depth, bool *first)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++) {
		const struct dt_field *f = &t->fields[i];

		if (!f->name) {
			/* anonymous struct/union members and base classes: their fields inline */
			if ((f->type->kind == DT_STRUCT || f->type->kind == DT_UNION) &&
			    f->type->complete && depth < MAX_NEST)
				print_fields(c, f->type, v, off + f->off, depth + 1, first);
			continue;
		}
		if (!*first)
			fputs(c->json ? "," : ", ", c->out);
		*first = false;
		if (c->json)
			json_key(c, f->name);
		else
			fprintf(c->out, "%s=", f->name);
		if (f->bit_size)
			print_bitfield(c, f, v, off);
		else
			print_value(c, f->type, v, off + f->off, depth + 1);
	}
}

static void print_struct(struct fctx *c, const struct dtype *t, const struct view *v,
			 unsigned int off, int depth)
{
	bool first = true;

	if (!t->complete || t->declaration || depth > MAX_NEST) {
		unknown(c);
		return;
	}
	fputc('{', c->out);
	print_fields(c, t, v, off, depth, &first);
	fputc('}', c->out);
}

static void print_array(struct fctx *c, const struct dtype *t, const struct view *v,
			unsigned int off, int depth)
{
	const struct dtype *e = t->target;
	unsigned int i, n;

	if (t->vector) {
		if (view_sse(v, off, t->size)) {
			not_available(c, t);
			return;
		}
	}
	if (!e || !e->size) {
		fputs("[]", c->out);
		return;
	}
	if (e->kind == DT_INT && e->is_char && !t->vector) {
		/* char name[16]: a string, as strace shows such fields */
		unsigned int have = off < v->len ? v->len - off : 0;

		if (!v->data || !have) {
			unknown(c);
			return;
		}
		if (have > t->count)
			have = t->count;
		if (c->json)
			json_quote(c->out, v->data + off, have, c->slimit, have < t->count);
		else
			quote_c(c->out, v->data + off, have, c->slimit, QUOTE_0TERM,
				 have < t->count);
		return;
	}
	n = t->count < c->slimit ? t->count : c->slimit;
	fputc('[', c->out);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(c->json ? "," : ", ", c->out);
		print_value(c, e, v, off + i * e->size, depth + 1);
	}
	if (n < t->count && !c->json)
		fputs(", ...", c->out);
	fputc(']', c->out);
}

static void print_value(struct fctx *c, const struct dtype *t, const struct view *v,
			unsigned int off, int depth)
{
	bool agg = t->kind == DT_STRUCT || t->kind == DT_UNION || (t->kind == DT_ARRAY &&
								   !t->vector);

	/* aggregates go field by field: only the fields in xmm eightbytes are lost */
	if (!agg && view_sse(v, off, t->size ? t->size : 1)) {
		not_available(c, t);
		return;
	}
	if (!agg && (!t->size || !view_has(v, off, t->size))) {
		unknown(c);
		return;
	}
	switch (t->kind) {
	case DT_INT:
		if (t->size == 16) {
			print_int128(c, v->data + off, t->is_signed);
			break;
		}
		/* fallthrough */
	case DT_BOOL:
	case DT_ENUM:
	case DT_PTR:
	case DT_OPAQUE:
		print_scalar(c, t, read_int(v, off, t->size > 8 ? 8 : t->size,
					    t->is_signed && t->kind != DT_PTR));
		break;
	case DT_FLOAT:
		print_float(c, t, v->data + off);
		break;
	case DT_COMPLEX:
		print_complex(c, t, v->data + off);
		break;
	case DT_STRUCT:
	case DT_UNION:
		print_struct(c, t, v, off, depth);
		break;
	case DT_ARRAY:
		print_array(c, t, v, off, depth);
		break;
	default:
		unknown(c);
	}
}

/* ---- arguments ---- */

static const struct sysdecode_capture *get_cap(const struct dwarf_value_src *v, int idx)
{
	if (!v || !v->cap || idx < 0 || idx >= RTRACE_MAX_FUNC_CAPTURES || !v->cap[idx].present)
		return NULL;
	return &v->cap[idx];
}

/* A string BPF could not read, from the read-only file it is mapped from
 * (constant: what the program saw). Returns false when it is not there. */
static bool print_const_str(struct fctx *c, u64 ptr)
{
	unsigned char buf[RTRACE_CAPTURE_MAX];
	size_t want = c->slimit + 1 < sizeof(buf) ? c->slimit + 1 : sizeof(buf), len;
	long n;

	if (!c->o->read_const)
		return false;
	n = c->o->read_const(c->o->sym_ctx, ptr, buf, want);
	if (n <= 0)
		return false;
	len = strnlen((const char *)buf, n);
	if (c->json)
		json_quote(c->out, buf, len, c->slimit, len == (size_t)n);
	else
		quote_c(c->out, buf, len, c->slimit, QUOTE_0TERM, len == (size_t)n);
	return true;
}

/* The string or struct a pointer points to, from its capture; false if there is none. */
static bool print_pointee(struct fctx *c, const struct dtype *target, u64 ptr,
			  const struct sysdecode_capture *mem, bool value)
{
	struct view mv;

	if (!mem)
		return false;
	if (!ptr) {
		print_addr(c, 0);
		return true;
	}
	if ((mem->flags & RTRACE_CAPF_FAULT) || !mem->data) {
		if (!dt_is_string_target(target) || !print_const_str(c, ptr))
			print_unreadable(c, ptr);
		return true;
	}
	if (dt_is_string_target(target)) {
		if (c->json)
			json_quote(c->out, mem->data, mem->len, c->slimit,
				   mem->flags & RTRACE_CAPF_TRUNC);
		else
			quote_c(c->out, mem->data, mem->len, c->slimit, QUOTE_0TERM,
				 mem->flags & RTRACE_CAPF_TRUNC);
		return true;
	}
	if (!dt_is_deref_target(target))
		return false;
	mv = (struct view){ .data = mem->data, .len = mem->len };
	if (!value && !c->json)
		fputc('&', c->out);
	print_struct(c, target, &mv, 0, 0);
	return true;
}

static void print_param(struct fctx *c, const struct dwarf_proto *p, const struct dwarf_param *pa,
			const struct dwarf_value_src *v)
{
	int d = c->o->deref ? 1 : 0;
	const struct sysdecode_capture *stack;
	unsigned char buf[16] = { 0 };
	struct view vw = { 0 };
	unsigned int k;
	u64 ptr;

	if (!v) {
		unknown(c);
		return;
	}
	switch (pa->loc) {
	case LOC_REGS:
		for (k = 0; k < pa->neb && k < 2; k++) {
			if (pa->eb[k].kind == EB_INT)
				memcpy(buf + 8 * k, &v->args[pa->eb[k].reg % 6], 8);
			else if (pa->eb[k].kind == EB_SSE)
				vw.sse |= 1u << k;
		}
		vw.data = buf;
		vw.len = 8 * pa->neb;
		break;
	case LOC_STACK:
		stack = get_cap(v, p->stack_cap[d]);
		if (!stack || (stack->flags & RTRACE_CAPF_FAULT) || !stack->data ||
		    stack->len <= pa->stack_off) {
			unknown(c);
			return;
		}
		vw.data = (const unsigned char *)stack->data + pa->stack_off;
		vw.len = stack->len - pa->stack_off;
		break;
	case LOC_NONE:
		fputs("{}", c->out);
		return;
	default:
		unknown(c);
		return;
	}

	if (pa->by_ref || pa->type->kind == DT_PTR) {
		const struct dtype *target = pa->by_ref ? pa->type : pa->type->target;

		if (view_sse(&vw, 0, 8) || !view_has(&vw, 0, 8)) {
			unknown(c);
			return;
		}
		ptr = read_int(&vw, 0, 8, false);
		if (print_pointee(c, target, ptr, get_cap(v, pa->mem_cap[d]), pa->by_ref))
			return;
		if (pa->by_ref)
			print_addr(c, ptr);
		else
			print_scalar(c, pa->type, ptr);
		return;
	}
	print_value(c, pa->type, &vw, 0, 0);
}

static void init_ctx(struct fctx *c, FILE *out, const struct dwarf_format_opts *o)
{
	c->out = out;
	c->o = o;
	c->slimit = o->string_limit ? o->string_limit : DWARF_STRING_LIMIT;
	c->json = o->json;
}

void dwarf_format_args(FILE *out, const struct dwarf_proto *p, const struct dwarf_value_src *v,
		       const struct dwarf_format_opts *o)
{
	static const struct dwarf_format_opts defaults;
	struct fctx c;
	unsigned int i;

	init_ctx(&c, out, o ? o : &defaults);
	if (!p) {
		if (c.json)
			fputs("{}", out);
		return;
	}
	if (c.json)
		fputc('{', out);
	for (i = 0; i < p->nr_params; i++) {
		const struct dwarf_param *pa = &p->params[i];

		if (i)
			fputs(c.json ? "," : ", ", out);
		if (c.json)
			json_key(&c, pa->name);
		else
			fprintf(out, "%s=", pa->name);
		print_param(&c, p, pa, v);
	}
	if (c.json)
		fputc('}', out);
	else if (p->variadic)
		fputs(p->nr_params ? ", ..." : "...", out);
}

/* ---- return values ---- */

bool dwarf_format_ret_cap(FILE *out, const struct dwarf_proto *p, unsigned long long rax,
			  unsigned long long rdx, const struct sysdecode_capture *cap,
			  const struct dwarf_format_opts *o)
{
	static const struct dwarf_format_opts defaults;
	const u64 regs[2] = { rax, rdx };
	unsigned char buf[16] = { 0 };
	struct view vw = { .data = buf };
	struct fctx c;
	unsigned int k;

	if (!p || p->ret_loc == RET_VOID)
		return false;
	init_ctx(&c, out, o ? o : &defaults);
	switch (p->ret_loc) {
	case RET_MEM:
		/* the callee returns the address of the caller's buffer it filled */
		if (c.json)
			fprintf(out, "\"%#llx\"", rax);
		else
			fprintf(out, "&%#llx", rax);
		return true;
	case RET_X87:
		/* st0 (and st1): every field not available */
		vw.sse = ~0u;
		vw.len = sizeof(buf);
		print_value(&c, p->ret, &vw, 0, 0);
		return true;
	case RET_REGS:
		break;
	default:
		if (c.json)
			fprintf(out, "\"%#llx\"", rax);
		else
			fprintf(out, "%#llx", rax);
		return true;
	}
	for (k = 0; k < p->ret_neb && k < 2; k++) {
		if (p->ret_eb[k].kind == EB_INT)
			memcpy(buf + 8 * k, &regs[p->ret_eb[k].reg & 1], 8);
		else if (p->ret_eb[k].kind == EB_SSE)
			vw.sse |= 1u << k;
	}
	vw.len = 8 * p->ret_neb;
	if (p->ret->kind == DT_PTR && !vw.sse &&
	    print_pointee(&c, p->ret->target, rax, cap && cap->present ? cap : NULL, false))
		return true;
	print_value(&c, p->ret, &vw, 0, 0);
	return true;
}

bool dwarf_format_ret(FILE *out, const struct dwarf_proto *p, unsigned long long rax,
		      unsigned long long rdx, const struct dwarf_format_opts *o)
{
	return dwarf_format_ret_cap(out, p, rax, rdx, NULL, o);
}

/* ---- what printing asks ---- */

/* Whether printing a value of @t may name a function pointer: print_value()'s walk. */
static bool names_code(const struct dtype *t, int depth)
{
	unsigned int i;

	if (!t)
		return false;
	switch (t->kind) {
	case DT_PTR:
		return t->target && t->target->kind == DT_FUNC;
	case DT_ARRAY:
		return t->count && names_code(t->target, depth + 1);
	case DT_STRUCT:
	case DT_UNION:
		/* print_struct()'s limits */
		if (!t->complete || t->declaration || depth > MAX_NEST)
			return false;
		for (i = 0; i < t->nr; i++)
			if (names_code(t->fields[i].type, depth + 1))
				return true;
		return false;
	default:
		return false;
	}
}

/* What print_param() may ask for @pa, its pointee from capture mem_cap[@d]. */
static unsigned int param_asks(const struct dwarf_param *pa, int d)
{
	const struct dtype *target;
	unsigned int asks = 0;

	if (pa->loc != LOC_REGS && pa->loc != LOC_STACK)
		return 0;
	if (!pa->by_ref && pa->type->kind != DT_PTR)
		return names_code(pa->type, 0) ? DWARF_ASKS_SYM_ARGS : 0;
	target = pa->by_ref ? pa->type : pa->type->target;
	if (pa->mem_cap[d] >= 0 && dt_is_string_target(target))
		asks |= DWARF_ASKS_STR_ARGS;
	if (pa->mem_cap[d] >= 0 && dt_is_deref_target(target) && names_code(target, 0))
		asks |= DWARF_ASKS_SYM_ARGS;
	if (!pa->by_ref && names_code(pa->type, 0))
		asks |= DWARF_ASKS_SYM_ARGS;
	return asks;
}

unsigned int dwarf_proto_asks(const struct dwarf_proto *p, bool deref)
{
	struct rtrace_func_spec spec;
	unsigned int i, asks = 0;

	if (!p)
		return 0;
	for (i = 0; i < p->nr_params; i++)
		asks |= param_asks(&p->params[i], deref ? 1 : 0);
	if (p->ret_loc == RET_REGS && names_code(p->ret, 0))
		asks |= DWARF_ASKS_SYM_RET;
	/* a char * result: captured at the return, read from the file where that faulted */
	if (dwarf_proto_ret_captures(p, &spec) > 0)
		asks |= DWARF_ASKS_STR_RET;
	return asks;
}
