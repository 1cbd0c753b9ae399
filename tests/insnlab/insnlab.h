/* SPDX-License-Identifier: GPL-2.0 */
/* insnlab: runs one x86-64 instruction with and without a uprobe on it and compares the state. */
#ifndef INSNLAB_H
#define INSNLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <Zydis/Zydis.h>

/* The mapping: code pages from a file (uprobes want a file), then anonymous data. */
#define CODE_SIZE	0x2000
#define INSN_OFF	0x1000		/* the instruction under test, on a page of its own */
#define PAD_GAP		16		/* taken-branch pad = instruction end + PAD_GAP */
#define COMMON_OFF	0x1800		/* epilogue both pads jump to */
#define DATA_OFF	CODE_SIZE
#define D_IN		0x0000		/* struct regs loaded by the prologue */
#define D_OUT		0x1000		/* struct regs stored by the epilogue */
#define D_STACK_TOP	0x2800		/* the prologue's and epilogue's own stack */
#define D_EXIT		0x2800		/* address of insnlab_leave */
#define D_SEG		0x2840		/* struct seg_bases: the fs and gs bases of a run */
#define D_RIP		0x4000		/* RIP-relative operands land in here */
#define RIP_SIZE	0x10000
#define RIP_TARGET	(D_RIP + RIP_SIZE / 2)
#define DATA_SIZE	(D_RIP + RIP_SIZE)
#define MAP_SIZE	(CODE_SIZE + DATA_SIZE)

/* Scratch memory that GPRs point into; the test stack is in it too. */
#define BUF_SIZE	(2u << 20)
/* Where the fs and gs bases point during a run, from the buffer's middle: 64-byte aligned,
 * 256 KiB from the GPRs (around the middle), the stack (above it) and each other, so that the
 * few KiB of %fs:disp and %fs:(%reg) of libc's TLS accesses land in memory of their own. From
 * fs-0xb0000 (gs-0x70000) to fs+0x130000 (gs+0x170000) is in the buffer.
 */
#define FS_OFF		(-0x40000)
#define GS_OFF		(-0x80000)
enum { SEG_FS, SEG_GS };

/* Which landing pad the run ended on. */
enum { PATH_NONE, PATH_NEXT, PATH_TAKEN };

/* Registers as the prologue loads them and the epilogue stores them; GPRs in hardware order. */
struct regs {
	uint64_t gpr[16];
	uint64_t rflags;
	uint64_t path;
	uint8_t fx[512] __attribute__((aligned(64)));	/* fxsave64 image: x87, mxcsr */
	uint8_t zmm[32][64] __attribute__((aligned(64)));
	uint64_t k[8];
};

/* What the CPU offers, from cpuid/xgetbv; fsgsbase only where the kernel enables it too. */
struct cpu {
	bool avx, avx512, avx512bw, fsgsbase;
};

/* At D_SEG: the fs and gs bases (SEG_FS, SEG_GS) that the blob's prologue loads, and the real
 * ones it saves there and its epilogue restores.
 */
struct seg_bases {
	uint64_t run[2];
	uint64_t host[2];
};

/* One run of the instruction. */
struct snap {
	struct regs r;
	int sig;		/* signal that ended the run, 0 if it reached a pad */
	int sig_code;
	uint64_t sig_rip;	/* where, as an offset into the mapping (or absolute if outside) */
	uint64_t ns;		/* wall time of the run */
};

/* One instruction site: its code file, mapping and input state. */
struct site {
	uint8_t bytes[ZYDIS_MAX_INSTRUCTION_LENGTH];
	size_t len;
	ZydisDecodedInstruction insn;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	int fd;			/* the code file, already unlinked (mapped: site_map_file()) */
	char path[64];		/* /proc/self/fd/N: the uprobe's path */
	uint8_t *base;		/* the mapping */
	uint8_t *buf;		/* scratch buffer (shared by all sites) */
	uint8_t *buf_init;	/* its contents before a run, this site's pad addresses included */
	uint8_t rip_init[RIP_SIZE];
	struct regs in;		/* rflags is set per run */
	bool seg;		/* the run's fs and gs bases are in the buffer (uses_seg_mem()) */
};


#define MAX_VARIANTS 4	/* rflags values an instruction runs with */
#define HITS 2		/* probed runs per rflags value */

struct env {
	uint64_t flags[MAX_VARIANTS];
	int nflags;
	bool verbose;
	int uprobe_type;
};

extern struct env env;

enum field {
	F_GPR,
	F_RFLAGS = F_GPR + 16,
	F_PATH,
	F_SIGNAL,
	F_FCW,
	F_FSW,
	F_FTW,
	F_MXCSR,
	F_ST,
	F_VEC = F_ST + 8,
	F_K = F_VEC + 32,
	F_MEM = F_K + 8,
	F_MAX,
};

struct diff {
	bool f[F_MAX];
	int vec_bytes[32];	/* highest differing byte + 1, per vector register */
	int sig;		/* the second run's signal (named when signals differ) */
	char mem[64];		/* where memory differs */
};

/* All the runs of one instruction and how they compare with the first unprobed one. */
struct runs {
	struct snap u1[MAX_VARIANTS], u2[MAX_VARIANTS], p[MAX_VARIANTS][HITS], a[MAX_VARIANTS];
	struct diff unstable[MAX_VARIANTS], changed[MAX_VARIANTS];
	struct diff dp[MAX_VARIANTS][HITS], da[MAX_VARIANTS];
	uint64_t hits;
};
struct result {
	const char *outcome;
	char detail[512];
};

/* In which runs field @f differs, when not in all: "flags X" when it follows the rflags value,
 * else the probed runs in time order; "after removal" for the unprobed run after the probe.
 *//* compare.c */
void compare(const struct site *s, const struct snap *a, const struct snap *b,
	     const uint8_t *abuf, const uint8_t *arip, uint8_t *bbuf, const uint8_t *brip,
	     const struct diff *mask, struct diff *d);
void widen_unstable(const struct site *s, struct diff *u);
void summarize(const struct site *s, const struct runs *R, struct result *res);

/* blob.c */
int cpu_detect(struct cpu *cpu);
const struct cpu *cpu_get(void);
int site_build(struct site *s);
/* Maps the code file over the blob's anonymous copy of it. Returns 0 or -errno. */
int site_map_file(struct site *s);
void site_destroy(struct site *s);
int site_run(struct site *s, uint64_t rflags, struct snap *out);
int signals_init(void);
uint64_t site_pad(const struct site *s, int path);
bool uses_seg_mem(const struct site *s, bool write);
uint64_t seg_base(const struct site *s, int seg);

/* cpu.c */
void cpu_without(const char *list);
const char *isa_missing(const ZydisDecodedInstruction *insn);

/* forms.c */
int forms_main(int argc, char **argv);
void form_key(const ZydisDecodedInstruction *insn, const ZydisDecodedOperand *ops, char *out,
	      size_t size);

#endif
