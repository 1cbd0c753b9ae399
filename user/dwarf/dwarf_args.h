/* SPDX-License-Identifier: GPL-2.0 */
/* Function prototypes from DWARF (libdw): where each argument of a traced function is at entry
 * under the x86-64 SysV ABI, what BPF must copy for it, and how to print the values that one call
 * recorded, by type.
 */
#ifndef RTRACE_DWARF_ARGS_H
#define RTRACE_DWARF_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#include "rtrace.h"
#include "sysdecode/sysdecode.h"

#define DWARF_STRING_LIMIT	32	/* -s default, as strace */

/* The DWARF of one ELF module; types and prototypes are cached in it. */
struct dwarf_module;
/* One function's parameters and return type, with their locations at entry. */
struct dwarf_proto;

struct dwarf_open_opts {
	/* Root of separate debug files; NULL means "/usr/lib/debug". */
	const char *debug_dir;
};

/* Opens the DWARF of the ELF file @path: from @debug_path if not NULL (struct elf_syms's
 * debug_path), else from the file itself, else from its separate debug file found by build-id
 * (/usr/lib/debug/.build-id/xx/yyyy.debug) or .gnu_debuglink (dir/, dir/.debug/,
 * /usr/lib/debug/dir/, checked by CRC or build-id). Nothing is read until a lookup.
 * Returns the module, or NULL with errno set: ENODATA when no DWARF was found, ENOEXEC when @path
 * is not ELF, open(2)'s errors, ENOMEM.
 */
struct dwarf_module *dwarf_module_open(const char *path, const char *debug_path);

/* dwarf_module_open() with options (@opts may be NULL). Same returns. */
struct dwarf_module *dwarf_module_open_opts(const char *path, const char *debug_path,
					    const struct dwarf_open_opts *opts);

/* The file the DWARF is read from (@path or a debug file). Owned by the module. */
const char *dwarf_module_path(const struct dwarf_module *m);

/* Frees the module and every prototype it returned; NULL is a no-op. */
void dwarf_module_close(struct dwarf_module *m);

/* The prototype of the function at @addr (its st_value) called @name (the symbol name; used to
 * pick among DIEs at one address, and alone when @addr is 0). Returns NULL (errno ENOENT) when
 * DWARF has no subprogram there, and for functions whose real ABI DWARF does not describe:
 * `.isra.`/`.constprop.`/`.part.`/`.cold` clones and DW_CC_nocall. Owned by the module.
 */
const struct dwarf_proto *dwarf_proto_find(struct dwarf_module *m, const char *name,
					   unsigned long long addr);

/* Fills @spec with what BPF must copy at entry for @p: the string behind each char * argument,
 * with @deref the struct behind each struct pointer, and one block of the stack-passed
 * arguments. When more than RTRACE_MAX_FUNC_CAPTURES are wanted, the stack block goes first,
 * then strings, then structs, in argument order; the rest print as addresses. Unused slots are
 * zeroed. Returns the number of captures (0..RTRACE_MAX_FUNC_CAPTURES; 0 for a NULL @p), or
 * -EINVAL for a NULL @spec.
 */
int dwarf_proto_captures(const struct dwarf_proto *p, bool deref, struct rtrace_func_spec *spec);
/* What BPF copies at the return of @p: the string a char * result points to. Returns the
 * number of captures (0 or 1), or -EINVAL for a NULL @spec. */
int dwarf_proto_ret_captures(const struct dwarf_proto *p, struct rtrace_func_spec *spec);

/* What one call recorded. */
struct dwarf_value_src {
	unsigned long long args[6];	/* rdi, rsi, rdx, rcx, r8, r9 at entry */
	/* By capture index, RTRACE_MAX_FUNC_CAPTURES of them, as dwarf_proto_captures() laid out
	 * with the same deref; NULL when nothing was captured. */
	const struct sysdecode_capture *cap;
};

struct dwarf_format_opts {
	unsigned int string_limit;	/* -s; 0 means DWARF_STRING_LIMIT */
	bool deref;			/* --deref: the captures were planned with deref */
	bool json;
	/* Names a code address for function pointers (NULL: unknown); may be NULL itself. */
	const char *(*sym)(void *ctx, unsigned long long addr);
	/* Reads constant memory at addr that BPF could not (a string in a page
	 * not yet touched): bytes read or -errno; may be NULL. */
	long (*read_const)(void *ctx, unsigned long long addr, void *buf, size_t len);
	void *sym_ctx;
};

/* Writes the argument list of one call, without parentheses: `n=15, name="abc", p=0x7ffd1234,
 * e=RED, f=A|B, d=<double: n/a>, ...` or with o->json the object `{"n":15,"name":"abc",...}`
 * (NULL and unreadable values as null, pointers as "0x..." strings, enums as names, structs as
 * objects). Values that were not recorded print as `?` (JSON null). Writes nothing for a NULL @p
 * (`{}` in JSON). @o may be NULL (text, defaults).
 */
void dwarf_format_args(FILE *out, const struct dwarf_proto *p, const struct dwarf_value_src *v,
		       const struct dwarf_format_opts *o);

/* Writes the return value of @p from rax/rdx by type: `610`, `true`, `RED`, `NULL`, `0x...`,
 * `{a=1, b=2}` (16-byte structs in rax:rdx), `&0x...` (a struct returned in memory: rax holds its
 * address), `<double: n/a>` (SSE and x87 returns); a JSON value with o->json. Returns false and
 * writes nothing when @p is NULL or returns void, so the caller can print its own.
 */
bool dwarf_format_ret(FILE *out, const struct dwarf_proto *p, unsigned long long rax,
		      unsigned long long rdx, const struct dwarf_format_opts *o);

/* dwarf_format_ret() with the string a char * return points to, if something captured it at
 * exit (@cap may be NULL: the pointer is printed). Same returns.
 */
bool dwarf_format_ret_cap(FILE *out, const struct dwarf_proto *p, unsigned long long rax,
			  unsigned long long rdx, const struct sysdecode_capture *cap,
			  const struct dwarf_format_opts *o);

/* What printing a call of @p (arguments with @deref's captures, then its result) may ask its
 * o->sym and o->read_const: */
enum {
	DWARF_ASKS_SYM_ARGS = 1,	/* a function pointer's name, in the arguments */
	DWARF_ASKS_STR_ARGS = 2,	/* a string, where a capture faulted (BPF could not
					 * read it at the entry) */
	DWARF_ASKS_SYM_RET = 4,		/* ... in the result */
	DWARF_ASKS_STR_RET = 8,
};
/* The DWARF_ASKS_* that printing @p's calls may ask (a bit set for what it may ask, never
 * clear for what it does); 0 for a NULL @p. */
unsigned int dwarf_proto_asks(const struct dwarf_proto *p, bool deref);

/* The DWARF name of the function. */
const char *dwarf_proto_name(const struct dwarf_proto *p);
/* The number of named parameters. */
unsigned int dwarf_proto_nr_params(const struct dwarf_proto *p);
/* The name of parameter @i (`argN`, from 1, when DWARF has none); NULL if out of range. */
const char *dwarf_proto_param_name(const struct dwarf_proto *p, unsigned int i);
/* The C type of parameter @i (`const char *`, `struct pair`); NULL if out of range. */
const char *dwarf_proto_param_type(const struct dwarf_proto *p, unsigned int i);
/* Whether the function takes `...` after its named parameters. */
bool dwarf_proto_variadic(const struct dwarf_proto *p);
/* Whether it returns a value (not void). */
bool dwarf_proto_has_ret(const struct dwarf_proto *p);
/* The integer argument registers its decoding reads at entry: bit i for the i-th of rdi, rsi,
 * rdx, rcx, r8, r9. 0 for a NULL @p. */
unsigned int dwarf_proto_arg_regs(const struct dwarf_proto *p);

/* Writes the prototype with where each value is at entry, for -v and tests:
 * `f(int a@rdi, double b@xmm0, struct big c@stack+0, ...) -> int@rax`. Locations: a register,
 * `rdi:rsi` / `xmm0:rdi` per eightbyte, `stack+N` (bytes above the return address), `none`
 * (empty struct), `?` (not classified). Returns: `rax`, `rax:rdx`, `mem` (address in rax),
 * `xmm0`, `st0`, `void`.
 */
void dwarf_proto_describe(FILE *out, const struct dwarf_proto *p);

#endif
