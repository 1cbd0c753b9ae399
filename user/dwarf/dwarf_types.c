/* SPDX-License-Identifier: GPL-2.0 */
/* DWARF types: DIEs resolved into struct dtype (cached per module), the x86-64 SysV
 * classification of arguments and return values (psABI §3.2.3), and C type names for -v.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <dwarf.h>
#include <elfutils/libdw.h>

#include "dwarf_priv.h"

typedef unsigned long long u64;

#define MAX_DEPTH	8	/* nesting of types we follow */

/* ---- types ---- */

static struct dtype t_unknown = { .kind = DT_UNKNOWN };
static struct dtype t_void = { .kind = DT_VOID };

/* A cache key for a DIE: its offset, with the top bit for the dwz alternate file. */
static u64 die_key(struct dwarf_module *m, Dwarf_Die *die)
{
	u64 key = dwarf_dieoffset(die) + 1;

	if (die->cu && dwarf_cu_getdwarf(die->cu) != m->dbg)
		key |= 1ULL << 63;
	return key;
}

bool attr_udata(Dwarf_Die *die, unsigned int name, Dwarf_Word *v)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, name, &a) && dwarf_formudata(&a, v) == 0;
}

bool attr_flag(Dwarf_Die *die, unsigned int name)
{
	Dwarf_Attribute a;
	bool v = false;

	return dwarf_attr_integrate(die, name, &a) && dwarf_formflag(&a, &v) == 0 && v;
}

static struct dtype *get_type(struct dwarf_module *m, Dwarf_Die *in, int depth);

/* The type of a DIE with DW_AT_type (parameter, member, function, pointer): void if none. */
struct dtype *type_of(struct dwarf_module *m, Dwarf_Die *die, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(die, DW_AT_type, &a))
		return &t_void;
	if (!dwarf_formref_die(&a, &t))
		return &t_unknown;
	return get_type(m, &t, depth);
}

static unsigned int pow2_floor(unsigned int v)
{
	return v ? 1u << (31 - __builtin_clz(v)) : 1;
}

/* The name of a base type; clang calls every complex type `complex`. */
static const char *base_name(Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	Dwarf_Word enc;

	if (name && !strcmp(name, "complex") && attr_udata(die, DW_AT_encoding, &enc) &&
	    enc == DW_ATE_complex_float) {
		switch (dwarf_bytesize(die)) {
		case 8:
			return "complex float";
		case 16:
			return "complex double";
		case 32:
			return "complex long double";
		}
	}
	return name;
}

static void make_base(struct dtype *t, Dwarf_Die *die)
{
	Dwarf_Word enc = 0;
	int size = dwarf_bytesize(die);

	t->name = base_name(die);
	t->size = size > 0 ? size : 0;
	t->align = t->size ? pow2_floor(t->size > 16 ? 16 : t->size) : 1;
	attr_udata(die, DW_AT_encoding, &enc);
	switch (enc) {
	case DW_ATE_boolean:
		t->kind = DT_BOOL;
		break;
	case DW_ATE_float:
		t->kind = DT_FLOAT;
		/* long double / _Float64x are x87; _Float128 / __float128 go in SSE */
		t->x87 = t->size == 16 && !(t->name && strstr(t->name, "128"));
		break;
	case DW_ATE_complex_float:
		t->kind = DT_COMPLEX;
		t->x87 = t->size == 32 && !(t->name && strstr(t->name, "128"));
		t->align = t->size / 2 ? pow2_floor(t->size / 2 > 16 ? 16 : t->size / 2) : 1;
		break;
	case DW_ATE_decimal_float:
		t->kind = DT_FLOAT;
		t->decimal = true;
		break;
	case DW_ATE_signed_char:
	case DW_ATE_unsigned_char:
		t->is_char = t->size == 1;
		t->plain_char = t->is_char && t->name && !strcmp(t->name, "char");
		/* fallthrough */
	case DW_ATE_signed:
	case DW_ATE_unsigned:
	case DW_ATE_UTF:
		t->kind = DT_INT;
		t->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		if (t->size == 0 || t->size > 16)
			t->kind = DT_UNKNOWN;
		break;
	default:
		t->kind = DT_UNKNOWN;
	}
}

static void make_enum(struct dwarf_module *m, struct dtype *t, Dwarf_Die *die, int depth)
{
	unsigned int nonzero = 0, i = 0;
	struct dtype *under;
	bool has_zero = false, neg = false, pow2 = true;
	Dwarf_Die c;
	u64 mask;
	int size = dwarf_bytesize(die);

	t->kind = DT_ENUM;
	t->name = dwarf_diename(die);
	t->size = size > 0 && size <= 8 ? size : 4;
	t->align = t->size;
	mask = t->size == 8 ? ~0ULL : (1ULL << (t->size * 8)) - 1;
	if (dwarf_child(die, &c) == 0) {
		do {
			if (dwarf_tag(&c) == DW_TAG_enumerator)
				t->nr++;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	t->enums = t->nr ? arena_alloc(&m->arena, t->nr * sizeof(*t->enums)) : NULL;
	if (!t->enums)
		t->nr = 0;
	if (t->nr && dwarf_child(die, &c) == 0) {
		do {
			Dwarf_Attribute a;
			Dwarf_Sword sv;
			Dwarf_Word uv;

			if (dwarf_tag(&c) != DW_TAG_enumerator || i >= t->nr)
				continue;
			if (!dwarf_attr(&c, DW_AT_const_value, &a))
				continue;
			if (dwarf_whatform(&a) == DW_FORM_sdata ||
			    dwarf_whatform(&a) == DW_FORM_implicit_const) {
				if (dwarf_formsdata(&a, &sv))
					continue;
				uv = sv;
				neg |= sv < 0;
			} else if (dwarf_formudata(&a, &uv)) {
				continue;
			}
			t->enums[i].name = dwarf_diename(&c);
			t->enums[i].val = uv & mask;
			i++;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	t->nr = i;
	under = type_of(m, die, depth + 1);
	t->is_signed = under->kind == DT_INT ? under->is_signed : neg;

	/* flags: every enumerator a bit or a union of the bits, and not 0, 1, 2 counting */
	for (i = 0; i < t->nr; i++) {
		u64 v = t->enums[i].val;

		if (!v)
			has_zero = true;
		else
			nonzero++;
		if (v & (v - 1)) {
			u64 bits = 0;
			unsigned int j;

			for (j = 0; j < t->nr; j++) {
				u64 w = t->enums[j].val;

				if (w && !(w & (w - 1)))
					bits |= w;
			}
			if ((v & bits) != v)
				pow2 = false;
		}
	}
	t->flags = pow2 && nonzero >= 2 && (!has_zero || nonzero >= 3);
}

static void make_array(struct dwarf_module *m, struct dtype *t, Dwarf_Die *die, int depth)
{
	unsigned int counts[MAX_DEPTH], n = 0, i;
	struct dtype *elem = type_of(m, die, depth + 1), *inner = elem;
	Dwarf_Die c;

	if (dwarf_child(die, &c) == 0) {
		do {
			Dwarf_Word cnt = 0, ub;

			if (dwarf_tag(&c) != DW_TAG_subrange_type || n == MAX_DEPTH)
				continue;
			if (!attr_udata(&c, DW_AT_count, &cnt) &&
			    attr_udata(&c, DW_AT_upper_bound, &ub))
				cnt = ub + 1;
			counts[n++] = cnt > UINT_MAX / 2 ? 0 : cnt;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	if (!n)
		counts[n++] = 0;
	/* int a[2][3]: an array of 2 arrays of 3 */
	for (i = n - 1; i > 0; i--) {
		struct dtype *a = arena_alloc(&m->arena, sizeof(*a));

		if (!a)
			break;
		a->kind = DT_ARRAY;
		a->target = inner;
		a->count = counts[i];
		a->size = inner->size * a->count;
		a->align = inner->align ? inner->align : 1;
		inner = a;
	}
	t->kind = DT_ARRAY;
	t->target = inner;
	t->count = counts[0];
	t->size = inner->size * t->count;
	t->align = inner->align ? inner->align : 1;
	t->vector = attr_flag(die, DW_AT_GNU_vector);
	if (t->vector) {
		int bs = dwarf_bytesize(die);

		if (bs > 0)
			t->size = bs;
		t->align = pow2_floor(t->size > 16 ? 16 : t->size);
	}
}

/* Resolves a type DIE (typedefs and qualifiers peeled) into a cached struct dtype. Structs are
 * shallow (no fields) until complete_type(). Never returns NULL. */
static struct dtype *get_type(struct dwarf_module *m, Dwarf_Die *in, int depth)
{
	struct dtype *t;
	Dwarf_Word cc;
	Dwarf_Die die;
	u64 key;
	int size;

	if (dwarf_peel_type(in, &die) != 0)
		return &t_unknown;
	key = die_key(m, &die);
	t = hmap_get(&m->types, key);
	if (t)
		return t;
	if (depth > 4 * MAX_DEPTH)
		return &t_unknown;
	t = arena_alloc(&m->arena, sizeof(*t));
	/* cached before its parts so that self-references find it */
	if (!t || hmap_put(&m->types, key, t))
		return &t_unknown;
	t->die = die;
	switch (dwarf_tag(&die)) {
	case DW_TAG_base_type:
		make_base(t, &die);
		break;
	case DW_TAG_enumeration_type:
		make_enum(m, t, &die, depth);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		t->kind = DT_PTR;
		t->is_ref = dwarf_tag(&die) != DW_TAG_pointer_type;
		t->size = t->align = 8;
		t->target = type_of(m, &die, depth + 1);
		if (t->target->kind == DT_VOID)
			t->target = NULL;
		break;
	case DW_TAG_unspecified_type:
		/* C++'s nullptr_t; also what assemblers give their symbols */
		if (dwarf_diename(&die) && strstr(dwarf_diename(&die), "nullptr")) {
			t->kind = DT_PTR;
			t->size = t->align = 8;
		}
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		t->kind = dwarf_tag(&die) == DW_TAG_union_type ? DT_UNION : DT_STRUCT;
		t->name = dwarf_diename(&die);
		size = dwarf_bytesize(&die);
		t->declaration = attr_flag(&die, DW_AT_declaration) || size < 0;
		t->size = size > 0 ? size : 0;
		t->align = 1;
		t->by_ref = attr_udata(&die, DW_AT_calling_convention, &cc) &&
			    cc == DW_CC_pass_by_reference;
		break;
	case DW_TAG_array_type:
		make_array(m, t, &die, depth);
		break;
	case DW_TAG_subroutine_type:
		t->kind = DT_FUNC;
		break;
	case DW_TAG_ptr_to_member_type:
		t->kind = DT_OPAQUE;
		size = dwarf_bytesize(&die);
		t->size = size > 0 ? size : type_of(m, &die, depth + 1)->kind == DT_FUNC ? 16 : 8;
		t->align = 8;
		break;
	default:
		t->kind = DT_UNKNOWN;
	}
	return t;
}

/* A member's byte offset: a constant, or DWARF 2's DW_OP_plus_uconst expression. */
static unsigned int member_offset(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Word off;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(die, DW_AT_data_member_location, &a))
		return 0;
	if (dwarf_formudata(&a, &off) == 0)
		return off;
	if (dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 && ops[0].atom == DW_OP_plus_uconst)
		return ops[0].number;
	return 0;
}

/* Whether @die is in a C++ unit. */
static bool is_cxx(Dwarf_Die *die)
{
	Dwarf_Die cu;
	int lang;

	if (!dwarf_diecu(die, &cu, NULL, NULL))
		return false;
	lang = dwarf_srclang(&cu);
	return lang == DW_LANG_C_plus_plus || lang == DW_LANG_C_plus_plus_03 ||
	       lang == DW_LANG_C_plus_plus_11 || lang == DW_LANG_C_plus_plus_14;
}

/* Whether a constructor's parameters are just `this` and a reference to the class @name:
 * a copy or move constructor. */
static bool copy_ctor(Dwarf_Die *fn, const char *name, size_t len)
{
	unsigned int n = 0;
	bool ref = false;
	Dwarf_Die c, t, pt;
	Dwarf_Attribute a;

	if (dwarf_child(fn, &c) != 0)
		return false;
	do {
		const char *tn;

		if (dwarf_tag(&c) != DW_TAG_formal_parameter || attr_flag(&c, DW_AT_artificial))
			continue;
		n++;
		if (!dwarf_attr(&c, DW_AT_type, &a) || !dwarf_formref_die(&a, &t) ||
		    (dwarf_tag(&t) != DW_TAG_reference_type &&
		     dwarf_tag(&t) != DW_TAG_rvalue_reference_type))
			continue;
		if (!dwarf_attr(&t, DW_AT_type, &a) || !dwarf_formref_die(&a, &t) ||
		    dwarf_peel_type(&t, &pt) != 0)
			continue;
		tn = dwarf_diename(&pt);
		ref = tn && !strncmp(tn, name, len) && (tn[len] == '\0' || tn[len] == '<');
	} while (dwarf_siblingof(&c, &c) == 0);
	return n == 1 && ref;
}

/* C++ without DW_AT_calling_convention (GCC does not emit it): a class that is not trivially
 * copyable is passed by invisible reference. It is if it declares a destructor or a copy or
 * move constructor (not defaulted in the class), or has virtual functions. Members and bases
 * are checked by the caller. */
static bool cxx_by_ref(struct dtype *t)
{
	const char *name = t->name;
	size_t len;
	Dwarf_Word dflt;
	Dwarf_Die c;

	if (!name || dwarf_child(&t->die, &c) != 0)
		return false;
	len = strcspn(name, "<");
	do {
		const char *fn = dwarf_diename(&c);

		if (dwarf_tag(&c) == DW_TAG_member && fn && !strncmp(fn, "_vptr", 5))
			return true;
		if (dwarf_tag(&c) != DW_TAG_subprogram || !fn || attr_flag(&c, DW_AT_artificial))
			continue;
		if (attr_udata(&c, DW_AT_defaulted, &dflt) && dflt == DW_DEFAULTED_in_class)
			continue;
		if (fn[0] == '~' && !strncmp(fn + 1, name, len))
			return true;
		if (!strncmp(fn, name, len) && (fn[len] == '\0' || fn[len] == '<') &&
		    copy_ctor(&c, name, len))
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

static void complete_struct(struct dwarf_module *m, struct dtype *t, int depth)
{
	unsigned int n = 0, i = 0, align = 1;
	bool packed = false;
	Dwarf_Word al;
	Dwarf_Die c;

	t->complete = true;
	if (t->declaration || dwarf_child(&t->die, &c) != 0)
		goto done;
	do {
		int tag = dwarf_tag(&c);

		if ((tag == DW_TAG_member || tag == DW_TAG_inheritance) &&
		    !attr_flag(&c, DW_AT_declaration))
			n++;
	} while (dwarf_siblingof(&c, &c) == 0);
	t->fields = n ? arena_alloc(&m->arena, n * sizeof(*t->fields)) : NULL;
	if (!t->fields || dwarf_child(&t->die, &c) != 0)
		goto done;
	do {
		struct dt_field *f = &t->fields[i];
		int tag = dwarf_tag(&c);
		Dwarf_Word bits, dbo, bo;

		if ((tag != DW_TAG_member && tag != DW_TAG_inheritance) || i >= n ||
		    attr_flag(&c, DW_AT_declaration))
			continue;
		/* a base class is an unnamed member: its fields print inline */
		f->name = tag == DW_TAG_member ? dwarf_diename(&c) : NULL;
		f->type = type_of(m, &c, depth + 1);
		f->off = member_offset(&c);
		if (attr_udata(&c, DW_AT_bit_size, &bits) && bits) {
			f->bit_size = bits > 64 ? 64 : bits;
			if (attr_udata(&c, DW_AT_data_bit_offset, &dbo)) {
				f->off = dbo / 8;
				f->bit_off = dbo % 8;
			} else if (attr_udata(&c, DW_AT_bit_offset, &bo)) {
				/* DWARF 2/3 count from the storage unit's most significant bit */
				int bs = dwarf_bytesize(&c);
				unsigned int unit = bs > 0 ? (unsigned int)bs : f->type->size;

				dbo = f->off * 8ULL + unit * 8ULL - bo - bits;
				f->off = dbo / 8;
				f->bit_off = dbo % 8;
			}
		}
		complete_type(m, f->type, depth + 1);
		if (f->type->by_ref)	/* a non-trivial member or base */
			t->by_ref = true;
		if (f->type->align > align)
			align = f->type->align;
		if (!f->bit_size && f->type->align > 1 && f->off % f->type->align)
			packed = true;
		i++;
	} while (dwarf_siblingof(&c, &c) == 0);
	t->nr = i;
done:
	if (!t->by_ref && !t->declaration && !dwarf_hasattr(&t->die, DW_AT_calling_convention) &&
	    is_cxx(&t->die))
		t->by_ref = cxx_by_ref(t);
	t->align = packed ? 1 : align;
	if (attr_udata(&t->die, DW_AT_alignment, &al) && al && al <= 4096)
		t->align = al;
}

/* Reads the fields of the structs a value of @t holds by value (not behind pointers). */
void complete_type(struct dwarf_module *m, struct dtype *t, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	if ((t->kind == DT_STRUCT || t->kind == DT_UNION) && !t->complete)
		complete_struct(m, t, depth);
	else if (t->kind == DT_ARRAY && t->target)
		complete_type(m, t->target, depth + 1);
}

bool dt_is_string_target(const struct dtype *t)
{
	return t && t->kind == DT_INT && t->is_char;
}

bool dt_is_deref_target(const struct dtype *t)
{
	return t && (t->kind == DT_STRUCT || t->kind == DT_UNION) && t->complete &&
	       !t->declaration && t->size;
}

/* ---- the SysV classification ---- */

enum abi_class { AC_NONE = 0, AC_INT, AC_SSE, AC_SSEUP, AC_X87, AC_X87UP, AC_CX87, AC_MEM };

struct abi_cls {
	unsigned char c[2];
	unsigned char n;	/* eightbytes */
	bool mem;		/* MEMORY: on the stack (or returned through a hidden pointer) */
	bool x87;		/* x87 classes: stack as an argument, st0 as a return */
	bool unknown;		/* a type we cannot place: later arguments are unknown too */
};

/* psABI §3.2.3 merge of two classes of one eightbyte. */
static unsigned char merge(unsigned char a, unsigned char b)
{
	if (a == b || b == AC_NONE)
		return a;
	if (a == AC_NONE)
		return b;
	if (a == AC_MEM || b == AC_MEM)
		return AC_MEM;
	if (a == AC_INT || b == AC_INT)
		return AC_INT;
	if (a == AC_X87 || a == AC_X87UP || a == AC_CX87 || b == AC_X87 || b == AC_X87UP ||
	    b == AC_CX87)
		return AC_MEM;
	return AC_SSE;
}

static void leaf(struct abi_cls *r, unsigned int off, unsigned int align, unsigned char lo,
		 unsigned char hi, unsigned int size)
{
	unsigned int eb = off / 8;

	if ((align > 1 && off % align) || eb > 1 || (size > 8 && eb > 0)) {
		r->mem = true;
		return;
	}
	r->c[eb] = merge(r->c[eb], lo);
	if (size > 8)
		r->c[1] = merge(r->c[1], hi);
}

static void classify_at(struct dwarf_module *m, const struct dtype *t, unsigned int off,
			struct abi_cls *r, int depth)
{
	unsigned int i;

	if (depth > MAX_DEPTH) {
		r->unknown = true;
		return;
	}
	switch (t->kind) {
	case DT_INT:
	case DT_BOOL:
	case DT_ENUM:
	case DT_PTR:
	case DT_OPAQUE:
		leaf(r, off, t->align, AC_INT, AC_INT, t->size);
		break;
	case DT_FLOAT:
		if (t->x87)
			leaf(r, off, t->align, AC_X87, AC_X87UP, t->size);
		else
			leaf(r, off, t->align, AC_SSE, AC_SSEUP, t->size);
		break;
	case DT_COMPLEX:
		if (t->x87 || t->size > 16)
			leaf(r, off, t->align, AC_CX87, AC_CX87, 16);
		else if (t->size == 16)	/* complex double: two SSE eightbytes */
			leaf(r, off, t->align, AC_SSE, AC_SSE, 16);
		else
			leaf(r, off, t->align, AC_SSE, AC_SSE, t->size);
		break;
	case DT_ARRAY:
		if (t->vector) {
			if (t->size > 16)
				r->unknown = true;	/* AVX: ymm or memory, by -m flags */
			else
				leaf(r, off, t->align, AC_SSE, AC_SSEUP, t->size);
			break;
		}
		for (i = 0; i < t->count && t->target; i++)
			classify_at(m, t->target, off + i * t->target->size, r, depth + 1);
		if (!t->target)
			r->unknown = true;
		break;
	case DT_STRUCT:
	case DT_UNION:
		complete_type(m, (struct dtype *)t, depth);
		if (t->declaration) {
			r->unknown = true;
			break;
		}
		for (i = 0; i < t->nr; i++) {
			const struct dt_field *f = &t->fields[i];

			if (f->bit_size) {
				unsigned int first = f->off * 8 + f->bit_off;
				unsigned int last = first + f->bit_size - 1;

				leaf(r, off + first / 64 * 8, 1, AC_INT, AC_INT, 1);
				if (last / 64 != first / 64)
					leaf(r, off + last / 64 * 8, 1, AC_INT, AC_INT, 1);
				continue;
			}
			classify_at(m, f->type, off + f->off, r, depth + 1);
		}
		break;
	default:
		r->unknown = true;
	}
}

/* Classifies a value of type @t (an argument or a return value). */
static struct abi_cls classify(struct dwarf_module *m, struct dtype *t)
{
	struct abi_cls r = { 0 };
	unsigned int i;

	complete_type(m, t, 0);
	if (t->kind == DT_VOID || t->kind == DT_FUNC || t->kind == DT_UNKNOWN ||
	    ((t->kind == DT_STRUCT || t->kind == DT_UNION) && t->declaration)) {
		r.unknown = true;
		return r;
	}
	if (t->kind == DT_COMPLEX && t->x87) {
		/* COMPLEX_X87: the stack as an argument, st0:st1 as a return */
		r.x87 = true;
		return r;
	}
	if (t->size > 16) {
		if (t->kind == DT_ARRAY && t->vector)
			r.unknown = true;
		r.mem = true;
		return r;
	}
	r.n = (t->size + 7) / 8;
	classify_at(m, t, 0, &r, 0);
	for (i = 0; i < r.n; i++) {
		if (r.c[i] == AC_MEM)
			r.mem = true;
		if (r.c[i] == AC_X87 || r.c[i] == AC_CX87)
			r.x87 = true;
		if (r.c[i] == AC_X87UP && (i == 0 || r.c[i - 1] != AC_X87))
			r.mem = true;
		if (r.c[i] == AC_SSEUP &&
		    (i == 0 || (r.c[i - 1] != AC_SSE && r.c[i - 1] != AC_SSEUP)))
			r.c[i] = AC_SSE;
	}
	return r;
}

/* DWARF register numbers of rdi, rsi, rdx, rcx, r8, r9. */
static const unsigned char dwarf_int_regs[6] = { 5, 4, 1, 2, 8, 9 };

/* Where the location of a parameter DIE says it is at @pc: an argument register as struct
 * eb_loc, if it is a single register there. */
bool entry_location(Dwarf_Die *param, u64 pc, struct eb_loc *out)
{
	Dwarf_Attribute a;
	unsigned int reg, i;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(param, DW_AT_location, &a) ||
	    dwarf_getlocation_addr(&a, pc, &ops, &n, 1) < 1 || n != 1)
		return false;
	if (ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
		reg = ops[0].atom - DW_OP_reg0;
	else if (ops[0].atom == DW_OP_regx)
		reg = ops[0].number;
	else
		return false;
	for (i = 0; i < 6; i++) {
		if (dwarf_int_regs[i] == reg) {
			*out = (struct eb_loc){ EB_INT, i };
			return true;
		}
	}
	if (reg >= 17 && reg <= 24) {	/* xmm0-7 */
		*out = (struct eb_loc){ EB_SSE, reg - 17 };
		return true;
	}
	return false;
}

/* Places the return value and every parameter: integer and SSE registers counted apart,
 * a MEMORY return taking rdi, arguments that do not fit whole on the stack in order. */
void assign_locations(struct dwarf_module *m, struct dwarf_proto *p)
{
	unsigned int ni = 0, ns = 0, soff = 0, i, k;
	bool lost = false;
	struct abi_cls r;

	if (p->ret->kind == DT_VOID) {
		p->ret_loc = RET_VOID;
	} else {
		r = classify(m, p->ret);
		if (r.unknown) {
			p->ret_loc = RET_UNKNOWN;
			lost = true;	/* is rdi a hidden pointer? */
		} else if (p->ret->by_ref || r.mem) {
			p->ret_loc = RET_MEM;
			ni = 1;
		} else if (r.x87) {
			p->ret_loc = RET_X87;
		} else {
			unsigned int ri = 0, rs = 0;

			p->ret_loc = RET_REGS;
			p->ret_neb = r.n;
			for (k = 0; k < r.n; k++) {
				if (r.c[k] == AC_INT)
					p->ret_eb[k] = (struct eb_loc){ EB_INT, ri++ };
				else if (r.c[k] == AC_SSE)
					p->ret_eb[k] = (struct eb_loc){ EB_SSE, rs++ };
				else if (r.c[k] == AC_SSEUP)
					p->ret_eb[k] = (struct eb_loc){ EB_SSE, rs ? rs - 1 : 0 };
			}
		}
	}

	for (i = 0; i < p->nr_params; i++) {
		struct dwarf_param *pa = &p->params[i];
		unsigned int nint = 0, nsse = 0, align;

		if (lost)
			continue;	/* LOC_UNKNOWN */
		if (pa->type->kind == DT_STRUCT || pa->type->kind == DT_UNION) {
			complete_type(m, pa->type, 0);
			if (pa->type->by_ref) {
				/* C++ non-trivial class: the address of a copy, like a pointer */
				pa->by_ref = true;
				if (ni < 6) {
					pa->loc = LOC_REGS;
					pa->neb = 1;
					pa->eb[0] = (struct eb_loc){ EB_INT, ni++ };
				} else {
					pa->loc = LOC_STACK;
					pa->stack_off = soff;
					soff += 8;
				}
				continue;
			}
		}
		r = classify(m, pa->type);
		if (r.unknown) {
			lost = true;
			continue;
		}
		if (!r.mem && !r.x87 && r.n == 0) {
			pa->loc = LOC_NONE;
			continue;
		}
		for (k = 0; k < r.n; k++) {
			nint += r.c[k] == AC_INT;
			nsse += r.c[k] == AC_SSE;
		}
		if (!r.mem && !r.x87 && ni + nint <= 6 && ns + nsse <= 8) {
			pa->loc = LOC_REGS;
			pa->neb = r.n;
			for (k = 0; k < r.n; k++) {
				if (r.c[k] == AC_INT)
					pa->eb[k] = (struct eb_loc){ EB_INT, ni++ };
				else if (r.c[k] == AC_SSE)
					pa->eb[k] = (struct eb_loc){ EB_SSE, ns++ };
				else if (r.c[k] == AC_SSEUP)
					pa->eb[k] = (struct eb_loc){ EB_SSE, ns ? ns - 1 : 0 };
			}
			continue;
		}
		/* the whole argument on the stack, in 8-byte slots (16 for 16-aligned types) */
		align = pa->type->align > 8 ? (pa->type->align >= 16 ? 16 : 8) : 8;
		soff = (soff + align - 1) & ~(align - 1);
		pa->loc = LOC_STACK;
		pa->stack_off = soff;
		soff += (pa->type->size + 7) & ~7u;
	}
	p->stack_size = soff;
}

/* ---- C type names, for -v ---- */

static void type_name(Dwarf_Die *die, char *buf, size_t len, int depth);

static void append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	if (n < len)
		snprintf(buf + n, len - n, "%s", s);
}

static void type_name_of(Dwarf_Die *die, char *buf, size_t len, int depth)
{
	Dwarf_Attribute a;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(die, DW_AT_type, &a))
		append(buf, len, "void");
	else if (!dwarf_formref_die(&a, &t))
		append(buf, len, "?");
	else
		type_name(&t, buf, len, depth + 1);
}

static void type_name(Dwarf_Die *die, char *buf, size_t len, int depth)
{
	const char *name = dwarf_diename(die), *kw = NULL;
	int tag = dwarf_tag(die);
	Dwarf_Word cnt, ub;
	Dwarf_Die c;

	if (depth > MAX_DEPTH) {
		append(buf, len, "...");
		return;
	}
	switch (tag) {
	case DW_TAG_base_type:
		name = base_name(die);
		/* fallthrough */
	case DW_TAG_typedef:
	case DW_TAG_unspecified_type:
		append(buf, len, name ? name : "?");
		return;
	case DW_TAG_structure_type:
		kw = "struct ";
		break;
	case DW_TAG_class_type:
		kw = "class ";
		break;
	case DW_TAG_union_type:
		kw = "union ";
		break;
	case DW_TAG_enumeration_type:
		kw = "enum ";
		break;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type: {
		const char *q = tag == DW_TAG_const_type ? "const" : tag == DW_TAG_volatile_type ?
				"volatile" : tag == DW_TAG_restrict_type ? "restrict" : "_Atomic";
		Dwarf_Attribute a;
		Dwarf_Die t;

		/* `const char`, but `char *const` */
		if (dwarf_attr(die, DW_AT_type, &a) && dwarf_formref_die(&a, &t) &&
		    dwarf_tag(&t) == DW_TAG_pointer_type) {
			type_name(&t, buf, len, depth + 1);
			append(buf, len, buf[0] && buf[strlen(buf) - 1] == '*' ? "" : " ");
			append(buf, len, q);
		} else {
			append(buf, len, q);
			append(buf, len, " ");
			type_name_of(die, buf, len, depth);
		}
		return;
	}
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: {
		const char *star = tag == DW_TAG_pointer_type ? "*" :
				   tag == DW_TAG_reference_type ? "&" : "&&";
		Dwarf_Attribute a;
		Dwarf_Die t;

		if (dwarf_attr(die, DW_AT_type, &a) && dwarf_formref_die(&a, &t) &&
		    dwarf_tag(&t) == DW_TAG_subroutine_type) {
			type_name_of(&t, buf, len, depth);
			append(buf, len, " (*)()");
			return;
		}
		type_name_of(die, buf, len, depth);
		if (!buf[0] || buf[strlen(buf) - 1] != '*')
			append(buf, len, " ");
		append(buf, len, star);
		return;
	}
	case DW_TAG_array_type:
		type_name_of(die, buf, len, depth);
		if (dwarf_child(die, &c) == 0) {
			do {
				char n[32] = "[]";

				if (dwarf_tag(&c) != DW_TAG_subrange_type)
					continue;
				if (attr_udata(&c, DW_AT_count, &cnt))
					snprintf(n, sizeof(n), "[%llu]", (u64)cnt);
				else if (attr_udata(&c, DW_AT_upper_bound, &ub))
					snprintf(n, sizeof(n), "[%llu]", (u64)ub + 1);
				append(buf, len, n);
			} while (dwarf_siblingof(&c, &c) == 0);
		}
		return;
	case DW_TAG_subroutine_type:
		type_name_of(die, buf, len, depth);
		append(buf, len, " ()");
		return;
	default:
		append(buf, len, name ? name : "?");
		return;
	}
	append(buf, len, kw);
	append(buf, len, name ? name : "<anonymous>");
}

char *die_type_name(struct dwarf_module *m, Dwarf_Die *die)
{
	char buf[256] = "";

	type_name_of(die, buf, sizeof(buf), 0);
	return arena_strdup(&m->arena, buf);
}

