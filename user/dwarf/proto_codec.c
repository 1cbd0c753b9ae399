// SPDX-License-Identifier: GPL-2.0
/* Prototypes as bytes (proto_codec.h; the layout is in docs/trace-format.md).
 *
 * Only what the printers read is kept. Types reached by value from an argument (fields,
 * array elements) go whole, as does the pointee of an argument or return that is itself a
 * pointer (--deref prints that struct); any other pointer keeps a shallow copy of its target:
 * kind, name, size and flags, which is all the printers look at there. So every type refers
 * only to types written before it, and the table is a DAG by construction, checked again by
 * the decoder, which also bounds its depth and the work of printing any value of it.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_priv.h"
#include "proto_codec.h"
#include "util/arena.h"
#include "util/hmap.h"
#include "util/varint.h"

#define MAX_TYPES	(1U << 16)
#define MAX_MEMBERS	(1U << 16)	/* fields or enumerators of one type */
#define MAX_PARAMS	1024
#define MAX_NAME	4096
#define ENC_DEPTH	24	/* the encoder writes deeper types shallow */
#define MAX_DEPTH	32	/* the decoder refuses deeper ones */
/* Values printed for one value of a type, at most: fields and array elements, all levels. */
#define MAX_WEIGHT	(1ULL << 22)
#define MAX_LEAF_OFF	(1U << 16)	/* a Go leaf's offset in its value */

enum { ABI_C = 1, ABI_GO = 2 };

enum {
	TF_SIGNED = 1 << 0, TF_CHAR = 1 << 1, TF_PLAIN_CHAR = 1 << 2, TF_X87 = 1 << 3,
	TF_DECIMAL = 1 << 4, TF_VECTOR = 1 << 5, TF_FLAGS = 1 << 6, TF_COMPLETE = 1 << 7,
	TF_DECL = 1 << 8, TF_BY_REF = 1 << 9, TF_IS_REF = 1 << 10,
	TF_ALL = (1 << 11) - 1,
};

/* How a type is written: its target shallow, whole, or (a pointer argument's) whole too. */
enum { M_SHALLOW = 0, M_FULL = 1, M_TOP = 2 };

struct proto_store {
	struct arena arena;
};

/* ---- encoding ---- */

struct enc {
	struct tbuf types;	/* the type table, without its count */
	struct tbuf body;	/* the prototype */
	struct hmap seen;	/* type << 2 | mode -> index + 1, or BUSY */
	unsigned int nr;
	int err;
};

#define BUSY	((void *)UINTPTR_MAX)

static void put_uv(struct enc *e, struct tbuf *b, unsigned long long v)
{
	if (e->err || (e->err = tbuf_reserve(b, b->len + VARINT_MAX)))
		return;
	b->len = put_varint(b->p + b->len, v) - b->p;
}

/* A small signed value (a capture index, -1 for none). */
static void put_sv(struct enc *e, struct tbuf *b, long long v)
{
	put_uv(e, b, zigzag(v));
}

/* 0 for NULL, else the length + 1 and the bytes. */
static void put_str(struct enc *e, struct tbuf *b, const char *s)
{
	size_t n = s ? strnlen(s, MAX_NAME) : 0;

	put_uv(e, b, s ? n + 1 : 0);
	if (!s || e->err || (e->err = tbuf_reserve(b, b->len + n)))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static unsigned int type_flags(const struct dtype *t, int mode)
{
	return (t->is_signed ? TF_SIGNED : 0) | (t->is_char ? TF_CHAR : 0) |
	       (t->plain_char ? TF_PLAIN_CHAR : 0) | (t->x87 ? TF_X87 : 0) |
	       (t->decimal ? TF_DECIMAL : 0) | (t->vector ? TF_VECTOR : 0) |
	       (t->flags ? TF_FLAGS : 0) | (t->complete && mode ? TF_COMPLETE : 0) |
	       (t->declaration ? TF_DECL : 0) | (t->by_ref ? TF_BY_REF : 0) |
	       (t->is_ref ? TF_IS_REF : 0);
}

/* Writes @t (and first what it refers to) once per mode. Returns its reference: index + 1,
 * 0 for NULL or on error. */
static unsigned int enc_type(struct enc *e, const struct dtype *t, int mode, int depth)
{
	bool members = false;
	unsigned long long key;
	unsigned int target = 0, *refs = NULL, i, ref = 0;
	void *seen;

	if (!t || e->err)
		return 0;
	if (depth > ENC_DEPTH)
		mode = M_SHALLOW;
	if (mode == M_TOP && t->kind != DT_PTR)
		mode = M_FULL;
	key = (unsigned long long)(uintptr_t)t << 2 | mode;
	seen = hmap_get(&e->seen, key);
	if (seen == BUSY)	/* a type holding itself by value: not from sane DWARF */
		return enc_type(e, t, M_SHALLOW, depth);
	if (seen)
		return (unsigned int)(uintptr_t)seen;
	if (e->nr >= MAX_TYPES) {
		e->err = -E2BIG;
		return 0;
	}
	if (mode != M_SHALLOW) {
		if ((e->err = hmap_put(&e->seen, key, BUSY)))
			return 0;
		target = enc_type(e, t->target, t->kind == DT_PTR && mode != M_TOP ? M_SHALLOW :
					     M_FULL, depth + 1);
		members = t->nr && (t->kind == DT_ENUM ? t->enums != NULL :
				    (t->kind == DT_STRUCT || t->kind == DT_UNION) && t->complete &&
				    t->fields != NULL);
		if (members && t->kind != DT_ENUM) {
			refs = calloc(t->nr, sizeof(*refs));
			if (!refs)
				e->err = -ENOMEM;
			for (i = 0; !e->err && i < t->nr; i++)
				refs[i] = enc_type(e, t->fields[i].type, M_FULL, depth + 1);
		}
	}
	if (e->err)
		goto out;
	put_uv(e, &e->types, t->kind);
	put_uv(e, &e->types, type_flags(t, mode));
	put_str(e, &e->types, t->name);
	put_uv(e, &e->types, t->size);
	put_uv(e, &e->types, t->align);
	put_uv(e, &e->types, t->count);
	put_uv(e, &e->types, target);
	put_uv(e, &e->types, members ? t->nr : 0);
	for (i = 0; members && i < t->nr; i++) {
		if (t->kind == DT_ENUM) {
			put_str(e, &e->types, t->enums[i].name);
			put_uv(e, &e->types, t->enums[i].val);
			continue;
		}
		put_str(e, &e->types, t->fields[i].name);
		put_uv(e, &e->types, t->fields[i].off);
		put_uv(e, &e->types, t->fields[i].bit_off);
		put_uv(e, &e->types, t->fields[i].bit_size);
		put_uv(e, &e->types, refs[i]);
	}
	ref = ++e->nr;
	if (!e->err)
		e->err = hmap_put(&e->seen, key, (void *)(uintptr_t)ref);
out:
	free(refs);
	return e->err ? 0 : ref;
}

static void put_eb(struct enc *e, const struct eb_loc *eb)
{
	put_uv(e, &e->body, eb->kind);
	put_uv(e, &e->body, eb->reg);
}

static void enc_c(struct enc *e, const struct dwarf_proto *p)
{
	unsigned int ret = enc_type(e, p->ret, M_TOP, 0), i, k;

	put_str(e, &e->body, p->name);
	put_uv(e, &e->body, ret);
	put_str(e, &e->body, p->ret_type_name);
	put_uv(e, &e->body, p->ret_loc);
	put_uv(e, &e->body, p->ret_neb);
	for (k = 0; k < 2; k++)
		put_eb(e, &p->ret_eb[k]);
	put_uv(e, &e->body, p->variadic);
	put_uv(e, &e->body, p->stack_size);
	for (k = 0; k < 2; k++)
		put_sv(e, &e->body, p->stack_cap[k]);
	put_uv(e, &e->body, p->nr_params);
	for (i = 0; i < p->nr_params; i++) {
		const struct dwarf_param *pa = &p->params[i];

		put_str(e, &e->body, pa->name);
		put_str(e, &e->body, pa->type_name);
		put_uv(e, &e->body, enc_type(e, pa->type, M_TOP, 0));
		put_uv(e, &e->body, pa->loc);
		put_uv(e, &e->body, pa->neb);
		for (k = 0; k < 2; k++)
			put_eb(e, &pa->eb[k]);
		put_uv(e, &e->body, pa->stack_off);
		put_uv(e, &e->body, pa->by_ref | pa->loc_fixed << 1);
		for (k = 0; k < 2; k++)
			put_sv(e, &e->body, pa->mem_cap[k]);
	}
}

static void enc_go(struct enc *e, const struct go_proto *p)
{
	unsigned int i, k, n;

	put_str(e, &e->body, p->name);
	put_uv(e, &e->body, p->nr_params);
	put_uv(e, &e->body, p->nr_results);
	put_uv(e, &e->body, p->named_results);
	put_uv(e, &e->body, p->args_stack);
	put_uv(e, &e->body, p->res_stack_off);
	put_uv(e, &e->body, p->res_stack);
	for (k = 0; k < 2; k++)
		put_sv(e, &e->body, p->stack_cap[k]);
	for (i = 0; i < p->nr_params; i++) {
		const struct go_param *pa = &p->params[i];

		put_str(e, &e->body, pa->name);
		put_str(e, &e->body, pa->type_name);
		put_uv(e, &e->body, enc_type(e, pa->type, M_TOP, 0));
		put_uv(e, &e->body, pa->result | pa->on_stack << 1);
		put_uv(e, &e->body, pa->stack_off);
		put_sv(e, &e->body, pa->cap);
		n = pa->nr_leaves < 0 ? 0 : pa->nr_leaves > GO_MAX_LEAVES ? GO_MAX_LEAVES :
								   pa->nr_leaves;
		put_uv(e, &e->body, n);
		for (k = 0; k < n; k++) {
			put_uv(e, &e->body, pa->leaves[k].off);
			put_uv(e, &e->body, pa->leaves[k].size);
			put_uv(e, &e->body, pa->leaves[k].reg);
			put_uv(e, &e->body, pa->leaves[k].fp);
		}
	}
}

/* abi, the number of types, the types, the prototype. */
static int encode(const struct dwarf_proto *p, const struct go_proto *g, struct tbuf *out)
{
	struct enc e = {};
	size_t need;
	int err;

	if (p)
		enc_c(&e, p);
	else
		enc_go(&e, g);
	err = e.err;
	need = 1 + VARINT_MAX + e.types.len + e.body.len;
	if (!err && need > PROTO_MAX_BYTES)
		err = -E2BIG;
	if (!err)
		err = tbuf_reserve(out, out->len + need);
	if (!err) {
		out->p[out->len++] = p ? ABI_C : ABI_GO;
		out->len = put_varint(out->p + out->len, e.nr) - out->p;
		if (e.types.len)
			memcpy(out->p + out->len, e.types.p, e.types.len);
		out->len += e.types.len;
		if (e.body.len)
			memcpy(out->p + out->len, e.body.p, e.body.len);
		out->len += e.body.len;
	}
	free(e.types.p);
	free(e.body.p);
	hmap_free(&e.seen);
	return err;
}

int dwarf_proto_encode(const struct dwarf_proto *p, struct tbuf *out)
{
	return p && out ? encode(p, NULL, out) : -EINVAL;
}

int go_proto_encode(const struct go_proto *g, struct tbuf *out)
{
	return g && out ? encode(NULL, g, out) : -EINVAL;
}

/* ---- decoding: every byte is hostile ---- */

struct dec {
	const unsigned char *p, *end;
	struct arena *a;
	bool bad;
	bool go;		/* names printed in JSON unescaped must not need escaping */
	struct dtype **types;
	unsigned char *depth;
	unsigned long long *weight;
	unsigned int nr;
};

static unsigned long long get_uv(struct dec *d, unsigned long long max)
{
	unsigned long long v;

	if (d->bad || !get_varint(&d->p, d->end, &v) || v > max) {
		d->bad = true;
		return 0;
	}
	return v;
}

static int get_sv(struct dec *d, int min, int max)
{
	long long v = (long long)unzigzag(get_uv(d, ULLONG_MAX));

	if (v < min || v > max)
		d->bad = true;
	return d->bad ? -1 : (int)v;
}

/* A count of items that take a byte each at least. */
static unsigned int get_count(struct dec *d, unsigned int max)
{
	unsigned int n = get_uv(d, max);

	if (n > (size_t)(d->end - d->p))
		d->bad = true;
	return d->bad ? 0 : n;
}

/* A name: no control bytes (nor, for @plain, quotes or backslashes: Go's printer writes
 * some names into JSON as they are). */
static const char *get_str(struct dec *d, bool required, bool plain)
{
	unsigned long long n1 = get_uv(d, MAX_NAME + 1);
	char *s;
	size_t i;

	if (!d->bad && !n1 && !required)
		return NULL;
	if (d->bad || !n1 || n1 - 1 > (size_t)(d->end - d->p)) {
		d->bad = true;
		return NULL;
	}
	for (i = 0; i < n1 - 1; i++) {
		unsigned char c = d->p[i];

		if (c < 0x20 || c == 0x7f || (plain && (c == '"' || c == '\\'))) {
			d->bad = true;
			return NULL;
		}
	}
	s = arena_alloc(d->a, n1);
	if (!s) {
		d->bad = true;
		return NULL;
	}
	memcpy(s, d->p, n1 - 1);
	d->p += n1 - 1;
	return s;
}

/* A reference to a type decoded before the @below-th: its index, or -1 for none. */
static int get_ref(struct dec *d, unsigned int below, bool required)
{
	unsigned int r = get_uv(d, below);

	if (!r && required)
		d->bad = true;
	return d->bad || !r ? -1 : (int)r - 1;
}

static unsigned long long sat_add(unsigned long long a, unsigned long long b)
{
	return a + b < a || a + b > MAX_WEIGHT ? MAX_WEIGHT + 1 : a + b;
}

static unsigned long long sat_mul(unsigned long long a, unsigned long long b)
{
	return b && a > (MAX_WEIGHT + 1) / b ? MAX_WEIGHT + 1 : a * b;
}

/* Fields or enumerators of type @i. */
static void dec_members(struct dec *d, struct dtype *t, unsigned int i)
{
	unsigned int k;

	if (!t->nr)
		return;
	if (t->kind == DT_ENUM) {
		t->enums = arena_alloc(d->a, t->nr * sizeof(*t->enums));
		for (k = 0; t->enums && !d->bad && k < t->nr; k++) {
			t->enums[k].name = get_str(d, false, false);
			t->enums[k].val = get_uv(d, ULLONG_MAX);
		}
		d->bad |= !t->enums;
		return;
	}
	if (t->kind != DT_STRUCT && t->kind != DT_UNION) {
		d->bad = true;
		return;
	}
	t->fields = arena_alloc(d->a, t->nr * sizeof(*t->fields));
	d->bad |= !t->fields;
	for (k = 0; !d->bad && k < t->nr; k++) {
		struct dt_field *f = &t->fields[k];
		int ref;

		f->name = get_str(d, false, d->go);
		f->off = get_uv(d, UINT_MAX);
		f->bit_off = get_uv(d, 128);
		f->bit_size = get_uv(d, 64);
		/* the printer reads a bit-field through 16 bytes */
		if (f->bit_size && f->bit_off + f->bit_size > 128)
			d->bad = true;
		ref = get_ref(d, i, true);
		if (d->bad)
			return;
		f->type = d->types[ref];
		if (d->depth[ref] >= d->depth[i])
			d->depth[i] = d->depth[ref] + 1;
		d->weight[i] = sat_add(d->weight[i], d->weight[ref]);
	}
}

static struct dtype *dec_type(struct dec *d, unsigned int i)
{
	struct dtype *t = arena_alloc(d->a, sizeof(*t));
	unsigned int flags;
	int target;

	if (!t) {
		d->bad = true;
		return NULL;
	}
	t->kind = get_uv(d, DT_OPAQUE);
	flags = get_uv(d, TF_ALL);
	t->name = get_str(d, false, false);
	t->size = get_uv(d, UINT_MAX);
	t->align = get_uv(d, UINT_MAX);
	t->count = get_uv(d, UINT_MAX);
	target = get_ref(d, i, false);
	t->nr = get_count(d, MAX_MEMBERS);
	if (d->bad)
		return NULL;
	t->is_signed = flags & TF_SIGNED;
	t->is_char = flags & TF_CHAR;
	t->plain_char = flags & TF_PLAIN_CHAR;
	t->x87 = flags & TF_X87;
	t->decimal = flags & TF_DECIMAL;
	t->vector = flags & TF_VECTOR;
	t->flags = flags & TF_FLAGS;
	t->complete = flags & TF_COMPLETE;
	t->declaration = flags & TF_DECL;
	t->by_ref = flags & TF_BY_REF;
	t->is_ref = flags & TF_IS_REF;
	/* the printer reads an x87 value's 10 bytes (twice for a complex) */
	if (t->x87 && ((t->kind == DT_FLOAT && t->size < 10) ||
		       (t->kind == DT_COMPLEX && t->size < 20)))
		d->bad = true;
	d->depth[i] = 1;
	d->weight[i] = 1;
	if (target >= 0) {
		unsigned long long n = t->kind == DT_ARRAY ? t->count : 1;

		t->target = d->types[target];
		d->depth[i] = d->depth[target] + 1;
		/* a char array prints as one string */
		if (t->kind == DT_ARRAY && t->target->is_char)
			n = 1;
		d->weight[i] = sat_add(1, sat_mul(d->weight[target], n ? n : 1));
	}
	dec_members(d, t, i);
	if (d->depth[i] > MAX_DEPTH || d->weight[i] > MAX_WEIGHT)
		d->bad = true;
	return d->bad ? NULL : t;
}

static void dec_types(struct dec *d)
{
	unsigned int i;

	d->nr = get_count(d, MAX_TYPES);
	if (d->bad || !d->nr)
		return;
	d->types = calloc(d->nr, sizeof(*d->types));
	d->depth = calloc(d->nr, sizeof(*d->depth));
	d->weight = calloc(d->nr, sizeof(*d->weight));
	if (!d->types || !d->depth || !d->weight) {
		d->bad = true;
		return;
	}
	for (i = 0; i < d->nr && !d->bad; i++)
		d->types[i] = dec_type(d, i);
}

static struct dtype *type_ref(struct dec *d)
{
	int r = get_ref(d, d->nr, true);

	return r < 0 ? NULL : d->types[r];
}

static void get_eb(struct dec *d, struct eb_loc *eb)
{
	eb->kind = get_uv(d, EB_SSE);
	eb->reg = get_uv(d, 15);
}

/* Room for @n parameters of @size bytes (NULL for none, or when already bad). */
static void *get_params(struct dec *d, unsigned int n, size_t size)
{
	void *params;

	if (d->bad || !n)
		return NULL;
	params = arena_alloc(d->a, n * size);
	d->bad |= !params;
	return params;
}

static struct dwarf_proto *dec_c(struct dec *d)
{
	struct dwarf_proto *p = arena_alloc(d->a, sizeof(*p));
	unsigned int i, k;

	if (!p)
		return NULL;
	p->name = get_str(d, false, false);
	p->ret = type_ref(d);
	p->ret_type_name = (char *)get_str(d, false, false);
	p->ret_loc = get_uv(d, RET_UNKNOWN);
	p->ret_neb = get_uv(d, 2);
	for (k = 0; k < 2; k++)
		get_eb(d, &p->ret_eb[k]);
	p->variadic = get_uv(d, 1);
	p->stack_size = get_uv(d, UINT_MAX);
	for (k = 0; k < 2; k++)
		p->stack_cap[k] = get_sv(d, -1, RTRACE_MAX_FUNC_CAPTURES - 1);
	p->nr_params = get_count(d, MAX_PARAMS);
	p->params = get_params(d, p->nr_params, sizeof(*p->params));
	for (i = 0; i < p->nr_params && !d->bad; i++) {
		struct dwarf_param *pa = &p->params[i];
		unsigned int flags;

		pa->name = get_str(d, true, false);
		pa->type_name = (char *)get_str(d, false, false);
		pa->type = type_ref(d);
		pa->loc = get_uv(d, LOC_NONE);
		pa->neb = get_uv(d, 2);
		for (k = 0; k < 2; k++)
			get_eb(d, &pa->eb[k]);
		pa->stack_off = get_uv(d, UINT_MAX);
		flags = get_uv(d, 3);
		pa->by_ref = flags & 1;
		pa->loc_fixed = flags & 2;
		for (k = 0; k < 2; k++)
			pa->mem_cap[k] = get_sv(d, -1, RTRACE_MAX_FUNC_CAPTURES - 1);
	}
	return d->bad ? NULL : p;
}

static struct go_proto *dec_go(struct dec *d)
{
	struct go_proto *p = arena_alloc(d->a, sizeof(*p));
	unsigned int i, k, results = 0;

	if (!p)
		return NULL;
	p->name = get_str(d, false, false);
	p->nr_params = get_count(d, MAX_PARAMS);
	p->nr_results = get_uv(d, MAX_PARAMS);
	p->named_results = get_uv(d, 1);
	p->args_stack = get_uv(d, UINT_MAX);
	p->res_stack_off = get_uv(d, UINT_MAX);
	p->res_stack = get_uv(d, UINT_MAX);
	for (k = 0; k < 2; k++)
		p->stack_cap[k] = get_sv(d, -1, RTRACE_MAX_FUNC_CAPTURES - 1);
	p->params = get_params(d, p->nr_params, sizeof(*p->params));
	for (i = 0; i < p->nr_params && !d->bad; i++) {
		struct go_param *pa = &p->params[i];
		unsigned int flags;

		pa->name = get_str(d, true, true);
		pa->type_name = get_str(d, true, false);
		pa->type = type_ref(d);
		flags = get_uv(d, 3);
		pa->result = flags & 1;
		pa->on_stack = flags & 2;
		results += pa->result;
		pa->stack_off = get_uv(d, UINT_MAX);
		pa->cap = get_sv(d, -1, RTRACE_MAX_FUNC_CAPTURES - 1);
		pa->nr_leaves = get_uv(d, GO_MAX_LEAVES);
		for (k = 0; k < (unsigned int)pa->nr_leaves && !d->bad; k++) {
			struct go_leaf *l = &pa->leaves[k];

			l->off = get_uv(d, MAX_LEAF_OFF);
			l->size = get_uv(d, 8);
			l->reg = get_uv(d, GO_NR_FP_REGS - 1);
			l->fp = get_uv(d, 1);
			if (!l->fp && l->reg >= GO_NR_INT_REGS)
				d->bad = true;
		}
	}
	if (results != p->nr_results)
		d->bad = true;
	return d->bad ? NULL : p;
}

struct proto_store *proto_store_new(void)
{
	return calloc(1, sizeof(struct proto_store));
}

void proto_store_free(struct proto_store *s)
{
	if (!s)
		return;
	arena_free(&s->arena);
	free(s);
}

int proto_decode(struct proto_store *s, const void *buf, size_t len,
		 const struct dwarf_proto **p, const struct go_proto **g)
{
	struct dec d = { .p = buf, .end = (const unsigned char *)buf + len };
	const void *out = NULL;
	unsigned char abi;
	int err = -EINVAL;

	*p = NULL;
	*g = NULL;
	if (!s || !buf || len < 2 || len > PROTO_MAX_BYTES)
		return -EINVAL;
	/* what a refused prototype took stays in the store until it is freed: bounded by
	 * the bytes read */
	d.a = &s->arena;
	abi = *d.p++;
	d.go = abi == ABI_GO;
	if (abi != ABI_C && abi != ABI_GO)
		goto out;
	dec_types(&d);
	if (!d.bad)
		out = d.go ? (const void *)dec_go(&d) : (const void *)dec_c(&d);
	if (d.bad || !out || d.p != d.end)
		goto out;
	if (d.go)
		*g = out;
	else
		*p = out;
	err = 0;
out:
	free(d.types);
	free(d.depth);
	free(d.weight);
	return err;
}
