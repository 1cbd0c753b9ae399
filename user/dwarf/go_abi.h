/* SPDX-License-Identifier: GPL-2.0 */
/* Go functions' arguments and results from DWARF, placed by Go's register ABI (ABIInternal,
 * go.dev/s/regabi): integers, pointers and the words of strings, slices and interfaces in
 * rax, rbx, rcx, rdi, rsi, r8, r9, r10, r11 in order, floats in x0-x14 (not readable from a
 * uprobe: shown as n/a), a value that does not fit whole on the stack. Results (DW_AT_
 * variable_parameter) take the same registers again from rax, and are read at the RET.
 */
#ifndef RTRACE_GO_ABI_H
#define RTRACE_GO_ABI_H

#include <stdbool.h>
#include <stdio.h>
#include "dwarf_args.h"
#include "rtrace.h"
#include "sysdecode/sysdecode.h"

#define GO_NR_INT_REGS	9
#define GO_NR_FP_REGS	15

struct dwarf_module;
struct dtype;
struct go_proto;

/* One base value of a register-assigned argument: @size bytes at @off in its memory layout
 * come from integer register @reg (0..8: rax..r11), or from x@reg when @fp. */
struct go_leaf {
	unsigned int off;
	unsigned char size;
	unsigned char reg;
	bool fp;
};

#define GO_MAX_LEAVES	GO_NR_INT_REGS + GO_NR_FP_REGS

/* Register-assigns a value of type @t (fields read) from the next integer register *ni and
 * float register *nf, as the ABI's algorithm does. Returns the number of leaves written to
 * @leaves, or -1 when the value does not fit and goes to the stack (*ni and *nf unchanged),
 * which is also the answer for a zero-sized value. */
int go_abi_assign(const struct dtype *t, unsigned int *ni, unsigned int *nf,
		  struct go_leaf *leaves);

/* The Go prototype of the function at @addr called @name, from its DWARF: NULL (errno
 * ENOENT) when DWARF has no subprogram there or its compile unit is not Go. Owned by @m. */
const struct go_proto *go_proto_find(struct dwarf_module *m, const char *name,
				     unsigned long long addr);

/* Fills @spec with what BPF copies at the entry (@at_ret false) or at a RET: the bytes of
 * string and slice arguments (results), the stack-assigned ones. Returns how many (0..4). */
int go_proto_captures(const struct go_proto *p, bool at_ret, struct rtrace_func_spec *spec);

/* The Go integer argument registers the decoding reads, bit i for register i (rax..r11). */
unsigned int go_proto_arg_regs(const struct go_proto *p);
bool go_proto_has_results(const struct go_proto *p);

/* What one entry or RET recorded. */
struct go_values {
	const unsigned long long *regs;		/* GO_NR_INT_REGS of them */
	const struct sysdecode_capture *cap;	/* RTRACE_MAX_FUNC_CAPTURES, or NULL */
};

/* `a=3, b=4, s="hello", xs=[]int{1, 2, 3}, f=<float64: n/a>` (JSON: an object). */
void go_format_args(FILE *out, const struct go_proto *p, const struct go_values *v,
		    const struct dwarf_format_opts *o);
/* The results: `7`, or `(6, 3)`, or `(q=3, r=1, err=nil)` when named (JSON: the value, or an
 * object). Returns false, writing nothing, for a function without results. */
bool go_format_results(FILE *out, const struct go_proto *p, const struct go_values *v,
		       const struct dwarf_format_opts *o);
/* -v: `main.add(int a@rax, int b@rbx) -> (int ~r0@rax)`. */
void go_proto_describe(FILE *out, const struct go_proto *p);

/* Its parameters, results included (tests): how many, and the @i-th's name, whether it is a
 * result, and its leaves. Returns the number of leaves, -1 for a value on the stack. */
unsigned int go_proto_nr_params(const struct go_proto *p);
int go_proto_param(const struct go_proto *p, unsigned int i, const char **name, bool *result,
		   const struct go_leaf **leaves);

/* Where runtime.g keeps stack.hi, from DWARF (8 when DWARF does not say). */
unsigned int go_stack_hi_offset(struct dwarf_module *m);

#endif
