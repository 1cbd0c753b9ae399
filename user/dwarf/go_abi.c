// SPDX-License-Identifier: GPL-2.0
/* Go's register ABI over DWARF types (dwarf_types.c reads them): which register or stack
 * slot holds each base value of an argument or result, what BPF must copy for strings and
 * slices, and how to print the values one call recorded the way Go writes them.
 *
 * Go's DWARF names its types as Go does: `string` and `[]T` are structs of (str, len) and
 * (array, len, cap), interfaces are `runtime.iface`/`runtime.eface` structs behind typedefs
 * (`error`), maps and channels are pointers. Results are formal parameters flagged
 * DW_AT_variable_parameter, named `~r0`, `~r1`... unless the source names them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>

#include "dwarf_priv.h"
#include "go_abi.h"
#include "util/json.h"
#include "util/quote.h"

typedef unsigned long long u64;

#define IMG_MAX		1024	/* bytes of one value we print, at most */
#define SLICE_ELEMS	16	/* elements of a slice BPF copies, at most */
#define MAX_NEST	6

static const char *const int_regs[GO_NR_INT_REGS] = {
	"rax", "rbx", "rcx", "rdi", "rsi", "r8", "r9", "r10", "r11",
};

enum gkind { GK_OTHER, GK_STRING, GK_SLICE, GK_IFACE };

static enum gkind go_kind(const struct dtype *t)
{
	if (t->kind != DT_STRUCT || !t->name || !t->complete)
		return GK_OTHER;
	if (!strcmp(t->name, "string") && t->nr == 2)
		return GK_STRING;
	if (!strncmp(t->name, "[]", 2) && t->nr == 3)
		return GK_SLICE;
	if ((!strcmp(t->name, "runtime.iface") || !strcmp(t->name, "runtime.eface")) && t->nr == 2)
		return GK_IFACE;
	return GK_OTHER;
}

/* A func value is a pointer to its closure, whatever DWARF makes of its type. */
static unsigned int go_size(const struct dtype *t)
{
	return t->kind == DT_FUNC ? 8 : t->size;
}

static bool leaf(unsigned int off, unsigned int size, bool fp, unsigned int *ni, unsigned int *nf,
		 struct go_leaf *lv, int *n)
{
	unsigned int *next = fp ? nf : ni;

	if (*next >= (fp ? GO_NR_FP_REGS : GO_NR_INT_REGS))
		return false;
	lv[(*n)++] = (struct go_leaf){ .off = off, .size = size, .reg = (*next)++, .fp = fp };
	return true;
}

/* The register-assignment of the ABI, recursively; false when it fails. */
static bool assign(const struct dtype *t, unsigned int off, unsigned int *ni, unsigned int *nf,
		   struct go_leaf *lv, int *n, int depth)
{
	unsigned int i;

	if (depth > MAX_NEST)
		return false;
	switch (t->kind) {
	case DT_INT:
	case DT_BOOL:
	case DT_ENUM:
		return t->size && t->size <= 8 && leaf(off, t->size, false, ni, nf, lv, n);
	case DT_PTR:
	case DT_FUNC:
	case DT_OPAQUE:
		return leaf(off, 8, false, ni, nf, lv, n);
	case DT_FLOAT:
		return (t->size == 4 || t->size == 8) && leaf(off, t->size, true, ni, nf, lv, n);
	case DT_COMPLEX:
		return (t->size == 8 || t->size == 16) &&
		       leaf(off, t->size / 2, true, ni, nf, lv, n) &&
		       leaf(off + t->size / 2, t->size / 2, true, ni, nf, lv, n);
	case DT_STRUCT:
		if (!t->complete || t->declaration)
			return false;
		for (i = 0; i < t->nr; i++)
			if (t->fields[i].bit_size ||
			    !assign(t->fields[i].type, off + t->fields[i].off, ni, nf, lv, n,
				    depth + 1))
				return false;
		return true;
	case DT_ARRAY:
		if (t->count == 0)
			return true;
		return t->count == 1 && t->target &&
		       assign(t->target, off, ni, nf, lv, n, depth + 1);
	default:
		return false;
	}
}

int go_abi_assign(const struct dtype *t, unsigned int *ni, unsigned int *nf,
		  struct go_leaf *leaves)
{
	unsigned int i = *ni, f = *nf;
	int n = 0;

	if (!go_size(t) || !assign(t, 0, &i, &f, leaves, &n, 0))
		return -1;
	*ni = i;
	*nf = f;
	return n;
}

static unsigned int align_up(unsigned int v, unsigned int a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

/* Places each argument, then each result, per the ABI. */
static void place(struct go_proto *p)
{
	unsigned int ni, nf, off = 0, pass, i;

	for (pass = 0; pass < 2; pass++) {
		ni = nf = 0;
		if (pass)
			p->res_stack_off = off;
		for (i = 0; i < p->nr_params; i++) {
			struct go_param *pa = &p->params[i];

			if (pa->result != pass)
				continue;
			pa->nr_leaves = go_abi_assign(pa->type, &ni, &nf, pa->leaves);
			if (pa->nr_leaves >= 0)
				continue;
			pa->nr_leaves = 0;
			pa->on_stack = true;
			off = align_up(off, pa->type->align ?: 1);
			pa->stack_off = off;
			off += go_size(pa->type);
		}
		off = align_up(off, 8);
		if (!pass)
			p->args_stack = off;
		else
			p->res_stack = off - p->res_stack_off;
	}
}

static void add_cap(struct go_proto *p, int d, unsigned char src, unsigned char reg,
		    unsigned char len_reg, int off, unsigned int size)
{
	struct rtrace_func_capture_spec *c = &p->spec[d].cap[p->nr_caps[d]++];

	c->kind = RTRACE_CAP_FIXED;
	c->src = src;
	c->reg = reg;
	c->len_reg = len_reg;
	c->off = off;
	c->size = size > RTRACE_CAPTURE_MAX ? RTRACE_CAPTURE_MAX : size;
}

/* The element type of a slice type, if its elements print from plain memory. */
static const struct dtype *slice_elem(const struct dtype *t)
{
	const struct dtype *e = t->fields[0].type;

	if (e->kind != DT_PTR || !e->target)
		return NULL;
	e = e->target;
	switch (e->kind) {
	case DT_INT:
	case DT_BOOL:
	case DT_FLOAT:
	case DT_PTR:
		return e->size && e->size <= 8 ? e : NULL;
	default:
		return NULL;
	}
}

/* The stack block first (those values have no other source), then strings, then slices. */
static void plan_captures(struct go_proto *p)
{
	unsigned int i, pass;
	int d;

	for (d = 0; d < 2; d++) {
		p->stack_cap[d] = -1;
		if (!d && p->args_stack) {
			p->stack_cap[d] = p->nr_caps[d];
			add_cap(p, d, RTRACE_FCAP_STACK, 0, 0, 8, p->args_stack);
		} else if (d && p->res_stack) {
			p->stack_cap[d] = p->nr_caps[d];
			add_cap(p, d, RTRACE_FCAP_STACK, 0, 0, 8 + p->res_stack_off, p->res_stack);
		}
		for (pass = 0; pass < 2; pass++) {
			for (i = 0; i < p->nr_params; i++) {
				struct go_param *pa = &p->params[i];
				enum gkind k = go_kind(pa->type);
				const struct dtype *e;

				if (pa->result != d || pa->on_stack ||
				    p->nr_caps[d] == RTRACE_MAX_FUNC_CAPTURES)
					continue;
				if (!pass && k == GK_STRING && pa->nr_leaves == 2) {
					pa->cap = p->nr_caps[d];
					add_cap(p, d, RTRACE_FCAP_GO_REG, pa->leaves[0].reg,
						pa->leaves[1].reg, 1, 0);
				} else if (pass && k == GK_SLICE && pa->nr_leaves == 3 &&
					   (e = slice_elem(pa->type))) {
					pa->cap = p->nr_caps[d];
					add_cap(p, d, RTRACE_FCAP_GO_REG, pa->leaves[0].reg,
						pa->leaves[1].reg, e->size, e->size * SLICE_ELEMS);
				}
			}
		}
	}
}

const struct go_proto *go_proto_find(struct dwarf_module *m, const char *name,
				     unsigned long long addr)
{
	Dwarf_Die fn, cu, c, td;
	Dwarf_Attribute a;
	struct go_proto *p;
	unsigned int n = 0, i = 0;

	if (!dwarf_fn_die(m, name, addr, &fn) || !dwarf_diecu(&fn, &cu, NULL, NULL) ||
	    dwarf_srclang(&cu) != DW_LANG_Go) {
		errno = ENOENT;
		return NULL;
	}
	p = arena_alloc(&m->arena, sizeof(*p));
	if (!p)
		goto nomem;
	p->name = dwarf_diename(&fn);
	if (dwarf_child(&fn, &c) == 0) {
		do
			n += dwarf_tag(&c) == DW_TAG_formal_parameter;
		while (dwarf_siblingof(&c, &c) == 0);
	}
	p->params = n ? arena_alloc(&m->arena, n * sizeof(*p->params)) : NULL;
	if (n && !p->params)
		goto nomem;
	if (n && dwarf_child(&fn, &c) == 0) {
		do {
			struct go_param *pa = &p->params[i];

			if (dwarf_tag(&c) != DW_TAG_formal_parameter || i >= n)
				continue;
			pa->name = dwarf_diename(&c) ?: "?";
			pa->result = attr_flag(&c, DW_AT_variable_parameter);
			pa->type = type_of(m, &c, 0);
			complete_type(m, pa->type, 0);
			if (go_kind(pa->type) == GK_SLICE && pa->type->fields[0].type->target)
				complete_type(m, pa->type->fields[0].type->target, 1);
			pa->type_name = "?";
			if (dwarf_attr(&c, DW_AT_type, &a) && dwarf_formref_die(&a, &td) &&
			    dwarf_diename(&td))
				pa->type_name = dwarf_diename(&td);
			pa->cap = -1;
			if (pa->result) {
				p->nr_results++;
				if (strncmp(pa->name, "~r", 2))
					p->named_results = true;
			}
			i++;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	p->nr_params = i;
	place(p);
	plan_captures(p);
	return p;
nomem:
	errno = ENOMEM;
	return NULL;
}

int go_proto_captures(const struct go_proto *p, bool at_ret, struct rtrace_func_spec *spec)
{
	if (!p) {
		memset(spec, 0, sizeof(*spec));
		return 0;
	}
	*spec = p->spec[at_ret];
	return p->nr_caps[at_ret];
}

unsigned int go_proto_arg_regs(const struct go_proto *p)
{
	unsigned int mask = 0, i;
	int k;

	for (i = 0; p && i < p->nr_params; i++)
		for (k = 0; !p->params[i].result && k < p->params[i].nr_leaves; k++)
			if (!p->params[i].leaves[k].fp)
				mask |= 1u << p->params[i].leaves[k].reg;
	return mask;
}

unsigned int go_proto_nr_params(const struct go_proto *p)
{
	return p ? p->nr_params : 0;
}

int go_proto_param(const struct go_proto *p, unsigned int i, const char **name, bool *result,
		   const struct go_leaf **leaves)
{
	const struct go_param *pa = &p->params[i];

	*name = pa->name;
	*result = pa->result;
	*leaves = pa->leaves;
	return pa->on_stack ? -1 : pa->nr_leaves;
}

bool go_proto_has_results(const struct go_proto *p)
{
	return p && p->nr_results;
}

/* ---- printing ---- */

/* One value's bytes in its memory layout, and which of them we have. */
struct img {
	unsigned char data[IMG_MAX];
	unsigned char state[IMG_MAX];	/* IMG_HAVE, IMG_FP (was in an xmm), IMG_NONE */
	unsigned int len;
};

enum { IMG_NONE = 0, IMG_HAVE, IMG_FP };

struct gctx {
	FILE *out;
	const struct dwarf_format_opts *o;
	unsigned int slimit;
	bool json;
};

/* IMG_HAVE when every byte of [off, off + size) is there, IMG_FP if one was in an xmm. */
static int img_state(const struct img *im, unsigned int off, unsigned int size)
{
	unsigned int i;
	int st = IMG_HAVE;

	if (!size || off > im->len || size > im->len - off)
		return IMG_NONE;
	for (i = off; i < off + size; i++) {
		if (im->state[i] == IMG_FP)
			return IMG_FP;
		if (im->state[i] != IMG_HAVE)
			st = IMG_NONE;
	}
	return st;
}

static u64 img_u64(const struct img *im, unsigned int off, unsigned int size, bool sign)
{
	u64 x = 0;

	memcpy(&x, im->data + off, size > 8 ? 8 : size);
	if (size < 8) {
		u64 top = 1ULL << (size * 8 - 1);

		x &= (top << 1) - 1;
		if (sign && (x & top))
			x |= ~((top << 1) - 1);
	}
	return x;
}

static void unknown(struct gctx *c)
{
	fputs(c->json ? "null" : "?", c->out);
}

static void print_ptr(struct gctx *c, u64 v)
{
	if (!v)
		fputs(c->json ? "null" : "nil", c->out);
	else
		fprintf(c->out, c->json ? "\"%#llx\"" : "%#llx", v);
}

static void print_float(struct gctx *c, const struct dtype *t, const unsigned char *p)
{
	double d;
	float f;
	char buf[64];
	int prec;

	if (t->size == 4) {
		memcpy(&f, p, 4);
		d = f;
	} else {
		memcpy(&d, p, 8);
	}
	if (d != d || d - d != 0) {	/* NaN, inf: JSON has neither */
		fputs(c->json ? "null" : d != d ? "NaN" : d > 0 ? "+Inf" : "-Inf", c->out);
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (t->size == 4 ? strtof(buf, NULL) == f : strtod(buf, NULL) == d)
			break;
	}
	fputs(buf, c->out);
}

static void quote(struct gctx *c, const unsigned char *s, size_t len, bool more)
{
	if (c->json) {
		size_t n = len < c->slimit ? len : c->slimit;

		/* json_chars, not json_quote: a Go string has a length, and NULs in it */
		fputc('"', c->out);
		json_chars(c->out, s, n);
		fputs(more || len > n ? "...\"" : "\"", c->out);
		return;
	}
	quote_c(c->out, s, len, c->slimit, 0, more);
}

static void print_value(struct gctx *c, const struct dtype *t, const struct img *im,
			unsigned int off, const struct sysdecode_capture *mem, int depth);

static void print_string(struct gctx *c, const struct img *im, unsigned int off,
			 const struct sysdecode_capture *mem)
{
	u64 ptr = img_u64(im, off, 8, false), len = img_u64(im, off + 8, 8, false);

	if (!len) {
		fputs("\"\"", c->out);
		return;
	}
	if (mem && !(mem->flags & RTRACE_CAPF_FAULT) && mem->data) {
		quote(c, mem->data, mem->len, mem->len < len);
		return;
	}
	if (c->json)
		fprintf(c->out, "{\"ptr\":\"%#llx\",\"len\":%llu}", ptr, len);
	else
		fprintf(c->out, "string(%#llx, len=%llu)%s", ptr, len, mem ? " <unreadable>" : "");
}

static void print_slice(struct gctx *c, const struct dtype *t, const struct img *im,
			unsigned int off, const struct sysdecode_capture *mem, int depth)
{
	u64 ptr = img_u64(im, off, 8, false), len = img_u64(im, off + 8, 8, false);
	u64 cap = img_u64(im, off + 16, 8, false), i, n;
	const struct dtype *e = slice_elem(t);
	struct img *ev;

	if (!ptr && !len) {
		fprintf(c->out, c->json ? "null" : "%s(nil)", t->name);
		return;
	}
	ev = e && mem && !(mem->flags & RTRACE_CAPF_FAULT) && mem->data ? malloc(sizeof(*ev)) :
							      NULL;
	if (!ev) {
		if (c->json)
			fprintf(c->out, "{\"len\":%llu,\"cap\":%llu}", len, cap);
		else
			fprintf(c->out, "%s{len=%llu, cap=%llu}", t->name, len, cap);
		return;
	}
	n = mem->len / e->size;
	if (n > len)
		n = len;
	if (n > c->slimit)
		n = c->slimit;
	ev->len = mem->len < IMG_MAX ? mem->len : IMG_MAX;
	memcpy(ev->data, mem->data, ev->len);
	memset(ev->state, IMG_HAVE, ev->len);
	fprintf(c->out, c->json ? "[" : "%s{", c->json ? "" : t->name);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(c->json ? "," : ", ", c->out);
		print_value(c, e, ev, i * e->size, NULL, depth + 1);
	}
	if (n < len && !c->json)
		fprintf(c->out, "%s... (len=%llu)", n ? ", " : "", len);
	fputs(c->json ? "]" : "}", c->out);
	free(ev);
}

static void print_struct(struct gctx *c, const struct dtype *t, const struct img *im,
			 unsigned int off, int depth)
{
	unsigned int i;

	if (!t->complete || depth > MAX_NEST) {
		unknown(c);
		return;
	}
	fputc('{', c->out);
	for (i = 0; i < t->nr; i++) {
		const struct dt_field *f = &t->fields[i];

		if (i)
			fputs(c->json ? "," : ", ", c->out);
		if (c->json)
			fprintf(c->out, "\"%s\":", f->name ? f->name : "?");
		else
			fprintf(c->out, "%s=", f->name ? f->name : "?");
		print_value(c, f->type, im, off + f->off, NULL, depth + 1);
	}
	fputc('}', c->out);
}

static void print_value(struct gctx *c, const struct dtype *t, const struct img *im,
			unsigned int off, const struct sysdecode_capture *mem, int depth)
{
	unsigned int size = go_size(t), i, n;
	int st = img_state(im, off, size);

	if (t->kind == DT_STRUCT || (t->kind == DT_ARRAY && t->count > 1)) {
		/* go by parts: only those that were in xmm registers are lost */
	} else if (st == IMG_FP) {
		if (c->json)
			fputs("null", c->out);
		else
			fprintf(c->out, "<%s: n/a>", t->name ? t->name : "float");
		return;
	} else if (st != IMG_HAVE && t->kind != DT_ARRAY) {
		unknown(c);
		return;
	}
	switch (t->kind) {
	case DT_INT:
	case DT_ENUM:
		fprintf(c->out, t->is_signed ? "%lld" : "%llu",
			img_u64(im, off, size, t->is_signed));
		break;
	case DT_BOOL:
		fputs(img_u64(im, off, size, false) ? "true" : "false", c->out);
		break;
	case DT_PTR:
	case DT_FUNC:
	case DT_OPAQUE:
		print_ptr(c, img_u64(im, off, 8, false));
		break;
	case DT_FLOAT:
		if (t->size == 4 || t->size == 8)
			print_float(c, t, im->data + off);
		else
			unknown(c);
		break;
	case DT_COMPLEX: {
		struct dtype part = { .kind = DT_FLOAT, .size = t->size / 2 };

		fputs(c->json ? "[" : "(", c->out);
		print_float(c, &part, im->data + off);
		fputs(c->json ? "," : "+", c->out);
		print_float(c, &part, im->data + off + part.size);
		fputs(c->json ? "]" : "i)", c->out);
		break;
	}
	case DT_STRUCT:
		switch (go_kind(t)) {
		case GK_STRING:
			if (img_state(im, off, 16) != IMG_HAVE)
				unknown(c);
			else
				print_string(c, im, off, mem);
			break;
		case GK_SLICE:
			if (img_state(im, off, 24) != IMG_HAVE)
				unknown(c);
			else
				print_slice(c, t, im, off, mem, depth);
			break;
		case GK_IFACE:
			if (img_state(im, off, 16) != IMG_HAVE) {
				unknown(c);
			} else if (!img_u64(im, off, 8, false) && !img_u64(im, off + 8, 8, false)) {
				fputs(c->json ? "null" : "nil", c->out);
			} else if (c->json) {
				fprintf(c->out, "{\"type\":\"%#llx\",\"data\":\"%#llx\"}",
					img_u64(im, off, 8, false), img_u64(im, off + 8, 8, false));
			} else {
				fprintf(c->out, "{type=%#llx, data=%#llx}",
					img_u64(im, off, 8, false), img_u64(im, off + 8, 8, false));
			}
			break;
		default:
			print_struct(c, t, im, off, depth);
		}
		break;
	case DT_ARRAY:
		if (!t->target || !go_size(t->target)) {
			fputs("[]", c->out);
			break;
		}
		n = t->count < c->slimit ? t->count : c->slimit;
		fputc('[', c->out);
		for (i = 0; i < n; i++) {
			if (i)
				fputs(c->json ? "," : ", ", c->out);
			print_value(c, t->target, im, off + i * go_size(t->target), NULL,
				    depth + 1);
		}
		if (n < t->count && !c->json)
			fputs(", ...", c->out);
		fputc(']', c->out);
		break;
	default:
		unknown(c);
	}
}

static const struct sysdecode_capture *get_cap(const struct go_values *v, int idx)
{
	if (!v->cap || idx < 0 || idx >= RTRACE_MAX_FUNC_CAPTURES || !v->cap[idx].present)
		return NULL;
	return &v->cap[idx];
}

/* Builds @pa's memory image from its registers or the stack block. */
static void build_img(const struct go_proto *p, const struct go_param *pa,
		      const struct go_values *v, struct img *im)
{
	const struct sysdecode_capture *stack;
	unsigned int size = go_size(pa->type);
	int k;

	im->len = size < IMG_MAX ? size : IMG_MAX;
	memset(im->state, IMG_NONE, im->len);
	if (!pa->on_stack) {
		for (k = 0; k < pa->nr_leaves; k++) {
			const struct go_leaf *l = &pa->leaves[k];

			if (l->off + l->size > im->len)
				continue;
			memset(im->state + l->off, l->fp ? IMG_FP : IMG_HAVE, l->size);
			if (!l->fp)
				memcpy(im->data + l->off, &v->regs[l->reg], l->size);
		}
		return;
	}
	stack = get_cap(v, p->stack_cap[pa->result]);
	if (!stack || (stack->flags & RTRACE_CAPF_FAULT) || !stack->data)
		return;
	/* the block starts at the first stack-assigned argument, or result */
	{
		unsigned int at = pa->stack_off - (pa->result ? p->res_stack_off : 0), n;

		if (at >= stack->len)
			return;
		n = stack->len - at < im->len ? stack->len - at : im->len;
		memcpy(im->data, (const unsigned char *)stack->data + at, n);
		memset(im->state, IMG_HAVE, n);
	}
}

static void print_param(struct gctx *c, const struct go_proto *p, const struct go_param *pa,
			const struct go_values *v)
{
	struct img *im = malloc(sizeof(*im));

	if (!im) {
		unknown(c);
		return;
	}
	build_img(p, pa, v, im);
	if (go_kind(pa->type) == GK_IFACE && img_state(im, 0, 16) == IMG_HAVE && !c->json &&
	    (img_u64(im, 0, 8, false) || img_u64(im, 8, 8, false)))
		fprintf(c->out, "%s(%#llx)", pa->type_name, img_u64(im, 8, 8, false));
	else
		print_value(c, pa->type, im, 0, get_cap(v, pa->cap), 0);
	free(im);
}

static void init_ctx(struct gctx *c, FILE *out, const struct dwarf_format_opts *o)
{
	static const struct dwarf_format_opts defaults;

	c->out = out;
	c->o = o ? o : &defaults;
	c->slimit = c->o->string_limit ? c->o->string_limit : DWARF_STRING_LIMIT;
	c->json = c->o->json;
}

void go_format_args(FILE *out, const struct go_proto *p, const struct go_values *v,
		    const struct dwarf_format_opts *o)
{
	struct gctx c;
	unsigned int i;
	bool first = true;

	init_ctx(&c, out, o);
	if (c.json)
		fputc('{', out);
	for (i = 0; p && i < p->nr_params; i++) {
		const struct go_param *pa = &p->params[i];

		if (pa->result)
			continue;
		if (!first)
			fputs(c.json ? "," : ", ", out);
		first = false;
		fprintf(out, c.json ? "\"%s\":" : "%s=", pa->name);
		print_param(&c, p, pa, v);
	}
	if (c.json)
		fputc('}', out);
}

bool go_format_results(FILE *out, const struct go_proto *p, const struct go_values *v,
		       const struct dwarf_format_opts *o)
{
	struct gctx c;
	unsigned int i;
	bool first = true, many;

	if (!go_proto_has_results(p))
		return false;
	init_ctx(&c, out, o);
	many = p->nr_results > 1;
	if (many)
		fputc(c.json ? '{' : '(', out);
	for (i = 0; i < p->nr_params; i++) {
		const struct go_param *pa = &p->params[i];

		if (!pa->result)
			continue;
		if (!first)
			fputs(c.json ? "," : ", ", out);
		first = false;
		if (many && c.json)
			fprintf(out, "\"%s\":", pa->name);
		else if (many && p->named_results)
			fprintf(out, "%s=", pa->name);
		print_param(&c, p, pa, v);
	}
	if (many)
		fputc(c.json ? '}' : ')', out);
	return true;
}

static void describe_param(FILE *out, const struct go_param *pa)
{
	int k;

	fprintf(out, "%s %s@", pa->type_name, pa->name);
	if (pa->on_stack) {
		fprintf(out, "stack+%u", pa->stack_off);
		return;
	}
	if (!pa->nr_leaves)
		fputs("none", out);
	for (k = 0; k < pa->nr_leaves; k++) {
		if (k)
			fputc(':', out);
		if (pa->leaves[k].fp)
			fprintf(out, "x%u", pa->leaves[k].reg);
		else
			fputs(int_regs[pa->leaves[k].reg % GO_NR_INT_REGS], out);
	}
}

void go_proto_describe(FILE *out, const struct go_proto *p)
{
	unsigned int i, n = 0;

	if (!p)
		return;
	fprintf(out, "%s(", p->name ? p->name : "?");
	for (i = 0; i < p->nr_params; i++) {
		if (p->params[i].result)
			continue;
		fputs(n++ ? ", " : "", out);
		describe_param(out, &p->params[i]);
	}
	fputs(") -> (", out);
	for (i = 0, n = 0; i < p->nr_params; i++) {
		if (!p->params[i].result)
			continue;
		fputs(n++ ? ", " : "", out);
		describe_param(out, &p->params[i]);
	}
	fputc(')', out);
}

/* The byte offset of member @name of the struct @s, or -1. Its type in *type. */
static int member_off(Dwarf_Die *s, const char *name, Dwarf_Die *type)
{
	Dwarf_Attribute a;
	Dwarf_Word off;
	Dwarf_Die c;

	if (dwarf_child(s, &c) != 0)
		return -1;
	do {
		if (dwarf_tag(&c) != DW_TAG_member || !dwarf_diename(&c) ||
		    strcmp(dwarf_diename(&c), name))
			continue;
		if (!attr_udata(&c, DW_AT_data_member_location, &off))
			return -1;
		if (type && !(dwarf_attr(&c, DW_AT_type, &a) && dwarf_formref_die(&a, type)))
			return -1;
		return (int)off;
	} while (dwarf_siblingof(&c, &c) == 0);
	return -1;
}

unsigned int go_stack_hi_offset(struct dwarf_module *m)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, c, st;
	Dwarf_Half ver;
	uint8_t ut;
	int stack, hi;

	while (m && m->dbg && dwarf_get_units(m->dbg, cu, &cu, &ver, &ut, &cudie, NULL) == 0) {
		if (dwarf_child(&cudie, &c) != 0)
			continue;
		do {
			if (dwarf_tag(&c) != DW_TAG_structure_type || !dwarf_diename(&c) ||
			    strcmp(dwarf_diename(&c), "runtime.g"))
				continue;
			stack = member_off(&c, "stack", &st);
			hi = stack < 0 ? -1 : member_off(&st, "hi", NULL);
			return hi < 0 ? 8 : stack + hi;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	return 8;
}
