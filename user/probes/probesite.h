/* SPDX-License-Identifier: GPL-2.0 */
/* Where a function's entry probe goes. Its machine code is decoded (Zydis) and each
 * instruction judged by what the kernel's uprobes would do with it: emulate it, single-step a
 * copy of it, refuse it, or run it wrongly. x86-64 only: the model is of
 * arch/x86/kernel/uprobes.c.
 */
#ifndef RTRACE_PROBESITE_H
#define RTRACE_PROBESITE_H

#include <stdbool.h>
#include <stddef.h>

enum psite_class {
	PSITE_EMULATED,	/* the kernel emulates it (push, jmp, call, jcc, nop): ~0.7 us a hit */
	PSITE_SSTEP,	/* it single-steps a copy out of line: right, but ~10-17 us a hit */
	PSITE_REFUSED,	/* the kernel will not install a probe there */
	PSITE_UNSAFE,	/* installed, but the instruction then runs wrongly */
};

/* One instruction, as the kernel's uprobes would treat it. */
struct psite_insn {
	enum psite_class cls;
	unsigned int len;		/* bytes; 0 when undecodable */
	const char *why;		/* static text: what is emulated ("push"), or why refused or
					 * unsafe; NULL for a plain single-step */
	const char *encoding;		/* "legacy", "VEX", "EVEX", ... */
	char text[80];			/* AT&T syntax, as objdump prints it */
};

/* Judges the instruction at @code (@len bytes readable) placed at @addr. Returns 0, or
 * -ENOEXEC when no valid instruction starts there (then @out says refused, "undecodable").
 */
int psite_classify(const unsigned char *code, size_t len, unsigned long long addr,
		   struct psite_insn *out);

/* A function to place a probe in. */
struct psite_func {
	const unsigned char *code;	/* its bytes, from its first */
	size_t size;			/* how many (st_size, bounded by the file) */
	unsigned long long addr;	/* its address: branch targets are addresses */
	/* Integer argument registers the argument decoding reads: bit i for the i-th of rdi, rsi,
	 * rdx, rcx, r8, r9. Instructions before the probe must leave these alone. */
	unsigned int arg_regs;
	/* Addresses of the module's other function symbols and of every branch target in its
	 * code, sorted: a probe never moves to or past another way in. May be NULL. */
	const unsigned long long *entries;
	size_t nr_entries;
	/* Non-NULL: the probe stays on the first byte (if safe there), for this reason. */
	const char *stay;
	/* entries holds every relative branch target of the module (psite_branch_targets()),
	 * so the function's own need not be decoded again; jump_table: it jumps through a
	 * register or has code not understood (psite_flow()), so any byte may be a target. */
	bool swept;
	bool jump_table;
};

/* Addresses that relative branches of a module's code go to. */
struct psite_targets {
	unsigned long long *addrs;	/* in the order found */
	size_t nr, cap;
};

/* Appends to @t the target of every relative jmp, jcc, call (and loop, xbegin) in @code, which
 * is at @addr: a linear sweep from the first byte, stepping over a byte no instruction starts
 * at, and starting again at each address of @sync (sorted: the functions' first bytes) that an
 * instruction would straddle. Other functions' branches into a function's entry (glibc's
 * mempcpy jumps into memcpy past its first instruction) are ways in that its own code does
 * not show. Returns 0, or -ENOMEM (@t keeps what it has; the caller frees t->addrs). */
int psite_branch_targets(const unsigned char *code, size_t size, unsigned long long addr,
			 const unsigned long long *sync, size_t nr_sync, struct psite_targets *t);

enum psite_verdict {
	PSITE_AT_ENTRY,		/* probe on the first instruction */
	PSITE_MOVED,		/* probe moved forward, past instructions it cannot sit on well */
	PSITE_REFUSE,		/* no safe place: the function is not traced */
};

struct psite {
	enum psite_verdict verdict;
	unsigned long long off;		/* from the function's first byte to the probe */
	unsigned int skipped;		/* instructions before the probe */
	struct psite_insn at;		/* the instruction probed (refused: the first one) */
	struct psite_insn first;	/* the function's first instruction */
	/* Static text: why the probe could not go (further) forward; for a refused function,
	 * why it could not move past its first instruction. NULL when it had no need to. */
	const char *why;
	char block[80];		/* the instruction it could not move past ("" if none) */
};

/* Chooses where @f's entry probe goes: on the first emulated instruction of its straight-line
 * entry, moving past instructions that write neither rsp, nor memory, nor a register in
 * arg_regs, and that nothing enters (a branch, its own or another's, or another symbol); else on the first
 * instruction if the kernel runs it right (single-stepped); else on the first safe one it can
 * move to; else refused. Returns 0, or -EINVAL for a function with no code.
 */
int psite_choose(const struct psite_func *f, struct psite *out);

enum psite_exit_kind {
	PSITE_EXIT_RET,		/* a ret: the function returns, its value in rax:rdx */
	PSITE_EXIT_TAIL,	/* a jmp out of it: a tail call, the value is the callee's */
};

struct psite_exit {
	unsigned long long off;	/* from the function's first byte */
	enum psite_exit_kind kind;
	enum psite_class cls;	/* what the kernel does with a probe there */
};

/* What a function's code says of how it leaves and whom it calls. */
struct psite_flow {
	struct psite_exit *exits;	/* filled up to max_exits */
	size_t nr_exits;		/* found; more than max_exits: the list is cut */
	size_t max_exits;
	bool calls;			/* it calls, or jumps to, code that is not its own */
	bool undecoded;			/* some of its bytes are no instruction we know */
	bool jump_table;		/* it jumps through a register (a switch): where is unknown */
	/* It reads its own return address (`mov (%rsp),%rax`, `pop %rdi` first, `mov
	 * 0x38(%rsp),%rdx` after its prologue): setjmp, getcontext, vfork, dlopen and mcount
	 * do, and would get a uretprobe's trampoline instead. */
	bool reads_ret_addr;
};

/* Decodes @f's code from its first byte to f->size (then, if not NULL, the @cold part of
 * @cold_size bytes at @cold_addr, whose exits belong to @f too), listing its exits: every
 * ret, and every jmp to an address outside both parts (directly, or through rip-relative or
 * base+displacement memory, the forms of tail calls through a GOT or a vtable). A jmp through
 * a register or an indexed table is taken for a switch. Returns 0 or -EINVAL. */
int psite_flow(const struct psite_func *f, const unsigned char *cold, size_t cold_size,
	       unsigned long long cold_addr, struct psite_flow *out);

/* Writes why @ps's probe went no further into @buf: "`mov %rdi, (%rsp)`: it writes memory",
 * or "-" when it had no need to. Returns @buf. */
const char *psite_stop(const struct psite *ps, char *buf, size_t len);

/* "emulated", "single-stepped", "refused", "unsafe". */
const char *psite_class_name(enum psite_class cls);

#endif
