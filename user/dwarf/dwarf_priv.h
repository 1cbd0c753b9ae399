/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by dwarf_args.c (the module, lookups, captures), dwarf_types.c (types, the
 * ABI) and dwarf_format.c (printing): types resolved from DWARF into a form the printer reads
 * without libdw, and prototypes with their entry locations.
 */
#ifndef RTRACE_DWARF_PRIV_H
#define RTRACE_DWARF_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <gelf.h>
#include <elfutils/libdw.h>

#include "dwarf_args.h"
#include "go_abi.h"
#include "util/arena.h"
#include "util/hmap.h"

enum dt_kind {
	DT_UNKNOWN = 0,
	DT_VOID,
	DT_INT,		/* any integer, incl. __int128 and the char types */
	DT_BOOL,
	DT_FLOAT,	/* float, double, long double, _Float128, decimal floats */
	DT_COMPLEX,
	DT_ENUM,
	DT_PTR,		/* pointers, C++ references, nullptr_t */
	DT_STRUCT,	/* struct and class */
	DT_UNION,
	DT_ARRAY,
	DT_FUNC,	/* a subroutine type: only behind a pointer */
	DT_OPAQUE,	/* pointers to members: printed as hex, passed as integers */
};

struct dtype;

struct dt_field {
	const char *name;	/* NULL: an anonymous struct/union member */
	unsigned int off;	/* bytes from the start of the aggregate */
	unsigned int bit_off;	/* bit-fields: bits from `off` (little-endian numbering) */
	unsigned int bit_size;	/* 0: not a bit-field */
	struct dtype *type;
};

struct dt_enumerator {
	const char *name;
	unsigned long long val;	/* masked to the enum's size */
};

struct dtype {
	enum dt_kind kind;
	const char *name;	/* base type name or tag; NULL when anonymous */
	unsigned int size;
	unsigned int align;
	bool is_signed;		/* DT_INT, DT_ENUM */
	bool is_char;		/* DT_INT of a char encoding (strings behind pointers) */
	bool plain_char;	/* `char` itself: printed as 'c' */
	bool x87;		/* DT_FLOAT/COMPLEX of x87 long double */
	bool decimal;		/* DT_FLOAT: _Decimal32/64/128 */
	bool vector;		/* DT_ARRAY: a GNU vector (SSE) */
	bool flags;		/* DT_ENUM: bit flags, printed A|B */
	bool complete;		/* DT_STRUCT/UNION: fields read */
	bool declaration;	/* DT_STRUCT/UNION: no definition here: size unknown */
	bool by_ref;		/* C++: passed and returned by invisible reference */
	bool is_ref;		/* DT_PTR: a C++ reference */
	struct dtype *target;	/* DT_PTR: pointee (NULL: void); DT_ARRAY: element */
	unsigned int count;	/* DT_ARRAY: elements (0: unknown) */
	unsigned int nr;	/* fields or enumerators */
	struct dt_field *fields;
	struct dt_enumerator *enums;
	Dwarf_Die die;		/* to read the fields when first needed */
};

enum dp_loc {
	LOC_UNKNOWN = 0,	/* type not classified: this and later values are unknown */
	LOC_REGS,		/* per eightbyte in `eb` */
	LOC_STACK,		/* at entry sp + 8 + stack_off */
	LOC_NONE,		/* takes no register (empty struct) */
};

enum eb_kind { EB_NONE = 0, EB_INT, EB_SSE };

struct eb_loc {
	unsigned char kind;	/* enum eb_kind */
	unsigned char reg;	/* EB_INT: 0..5 (rdi..r9), 0..1 (rax, rdx) for returns;
				 * EB_SSE: xmm N */
};

struct dwarf_param {
	const char *name;
	char *type_name;
	struct dtype *type;	/* typedefs and qualifiers peeled */
	enum dp_loc loc;
	unsigned char neb;	/* LOC_REGS: eightbytes */
	struct eb_loc eb[2];
	unsigned int stack_off;
	bool by_ref;		/* C++: the register holds the address of a copy */
	bool loc_fixed;		/* DW_AT_location at entry overrode the classification */
	/* [deref]: capture index of the string / struct behind it, or -1 */
	signed char mem_cap[2];
};

enum dp_ret { RET_VOID = 0, RET_REGS, RET_MEM, RET_X87, RET_UNKNOWN };

struct dwarf_proto {
	const char *name;
	unsigned long long addr;
	struct dtype *ret;
	char *ret_type_name;
	enum dp_ret ret_loc;
	unsigned char ret_neb;
	struct eb_loc ret_eb[2];
	struct dwarf_param *params;
	unsigned int nr_params;
	bool variadic;
	unsigned int stack_size;	/* bytes of stack-passed arguments */
	/* [deref]: the capture layout dwarf_proto_captures() hands out */
	struct rtrace_func_spec spec[2];
	int nr_caps[2];
	signed char stack_cap[2];	/* capture index of the stack block, or -1 */
};

/* Fills the capture plans of a prototype whose locations are set (dwarf_args.c). */
void dp_plan_captures(struct dwarf_proto *p);
/* Whether a pointer to @t reads as a string / is worth a struct capture. */
bool dt_is_string_target(const struct dtype *t);
bool dt_is_deref_target(const struct dtype *t);

/* ---- the module (dwarf_args.c): everything it hands out lives until dwarf_module_close() ---- */

struct cu_range {
	unsigned long long lo, hi;
	unsigned int cu;
};

struct cu_info {
	Dwarf_Die die;
	bool indexed;
	bool has_ranges;
};

/* A subprogram with code; several when DIEs share an address (aliases, folded code). */
struct fn_entry {
	Dwarf_Die die;
	struct fn_entry *next;
	struct dwarf_proto *proto;
	bool built;
};

struct dwarf_module {
	char *path;
	int fd;
	Elf *elf;
	Dwarf *dbg;
	struct arena arena;		/* what the module hands out */
	struct hmap types;	/* DIE key → struct dtype */
	struct hmap fns;	/* entry address → struct fn_entry chain */
	struct cu_info *cus;
	size_t nr_cus;
	struct cu_range *ranges;
	size_t nr_ranges;
	bool cus_read;
	bool rangeless_indexed;
};

/* The DIE of the subprogram entered at @addr (preferring one called @name). Returns whether
 * there is one. */
bool dwarf_fn_die(struct dwarf_module *m, const char *name, unsigned long long addr,
		  Dwarf_Die *die);

/* ---- types and the ABI (dwarf_types.c) ---- */

/* Whether the attribute @name of @die (integrating abstract origins) is a constant / a set
 * flag. */
bool attr_udata(Dwarf_Die *die, unsigned int name, Dwarf_Word *v);
bool attr_flag(Dwarf_Die *die, unsigned int name);
/* The resolved type of a DIE with DW_AT_type (parameter, member, function); void if none,
 * DT_UNKNOWN on errors. Never NULL. */
struct dtype *type_of(struct dwarf_module *m, Dwarf_Die *die, int depth);
/* Reads the fields of the structs a value of @t holds by value (not behind pointers). */
void complete_type(struct dwarf_module *m, struct dtype *t, int depth);
/* Places the return value and each parameter of @p (types set) per the psABI. */
void assign_locations(struct dwarf_module *m, struct dwarf_proto *p);
/* Where the DW_AT_location of @param says it is at @pc, if in one argument register. */
bool entry_location(Dwarf_Die *param, unsigned long long pc, struct eb_loc *out);
/* The C name of the type of @die (`const char *`), owned by @m; NULL on ENOMEM. */
char *die_type_name(struct dwarf_module *m, Dwarf_Die *die);

/* ---- Go prototypes (go_abi.c) ---- */

struct go_param {
	const char *name;
	const char *type_name;	/* Go's spelling: `int`, `[]int`, `error` */
	struct dtype *type;
	bool result;
	bool on_stack;
	unsigned int stack_off;	/* bytes above the return address */
	int nr_leaves;
	struct go_leaf leaves[GO_MAX_LEAVES];
	signed char cap;	/* capture of its string or slice contents, or -1 */
};

struct go_proto {
	const char *name;
	struct go_param *params;
	unsigned int nr_params;
	unsigned int nr_results;
	bool named_results;
	unsigned int args_stack;	/* bytes of stack-assigned arguments (aligned) */
	unsigned int res_stack_off;	/* where stack-assigned results start */
	unsigned int res_stack;		/* and their bytes */
	struct rtrace_func_spec spec[2];	/* entry, RET */
	int nr_caps[2];
	signed char stack_cap[2];
};

#endif
