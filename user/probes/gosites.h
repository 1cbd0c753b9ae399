/* SPDX-License-Identifier: GPL-2.0 */
/* Probe sites of Go functions, from their decoded code (Zydis): the entry after the stack
 * check, so that a call restarted by morestack counts once, and the RET instructions, which
 * take the place of a uretprobe (Go's stacks move; a rewritten return address breaks them).
 */
#ifndef RTRACE_GOSITES_H
#define RTRACE_GOSITES_H

#include <stdbool.h>
#include <stdio.h>
#include "probesite.h"

/* Go's stack check: `[lea -N(%rsp), %r12 |  mov %rsp, %r12; sub $N, %r12; jb M]`
 * `cmp 0x10(%r14), %rsp|%r12; jbe M`, where the stub at M calls runtime.morestack_noctxt and
 * jumps back to the function's first instruction. Offsets from the function's first byte. */
struct go_prologue {
	unsigned long long check_off;	/* the cmp with g.stackguard0 */
	unsigned long long branch_off;	/* the jbe to the stub */
	unsigned long long after_off;	/* the instruction after the jbe */
	unsigned long long stub_off;	/* the stub */
	unsigned int nr_before;		/* instructions before the jbe */
	char check[80];			/* `cmp 0x10(%r14), %rsp` */
};

/* Finds the stack check at the start of @f. Returns true when @f has one. */
bool go_prologue_find(const struct psite_func *f, struct go_prologue *out);

/* What a Go function's probes are. */
struct go_sites {
	bool is_go;		/* Go code (ABIInternal): go_entry / go_return programs */
	bool has_check;		/* a stack check: prologue holds it */
	bool on_branch;		/* the entry probe is on the check's jbe (cookie GO_SPLIT) */
	struct go_prologue prologue;
	unsigned long long *rets;	/* offsets of its RET instructions */
	size_t nr_rets;
	struct psite_insn ret;		/* how the kernel runs them (single-steps a `ret`) */
	const char *no_ret;		/* static text: why returns are not traced, or NULL */
};

/* Chooses @f's Go probe sites: the entry after the stack check (on the instruction that
 * follows the jbe if the kernel emulates it, else on the jbe, which it emulates: BPF then
 * counts the entry only when the branch falls through), or for a function without the check
 * and @go_code (DWARF or its name says Go) its first instruction; and its RET instructions.
 * Fills @site like psite_choose(). Returns 1 when @f is Go code (@gs filled, gs->rets
 * allocated), 0 when it is not (nothing filled: the C rules apply), -errno on errors. */
int go_choose(const struct psite_func *f, bool go_code, struct psite *site, struct go_sites *gs);

/* Frees what go_choose() allocated. */
void go_sites_free(struct go_sites *gs);

/* Whether a symbol of a Go module names Go code under ABIInternal: `pkg.Func`, not an
 * assembly `.abi0` function nor a cgo C function. */
bool go_symbol_is_go(const char *name);

/* --list: what the Go probes are, after the site column's start. */
void go_print_site(FILE *out, const struct psite *site, const struct go_sites *gs,
		   unsigned long long addr);

#endif
