/* SPDX-License-Identifier: GPL-2.0 */
/* Code blobs and running them.
 *
 * A blob is code at B (an anonymous copy for the unprobed runs, then the code file, which uprobes
 * want, mapped in its place), with anonymous data right after the code (B + DATA_OFF):
 *   B+0          prologue: for an instruction with %fs:/%gs: memory operands, the fs and gs
 *                bases saved and pointed into the scratch buffer (wrfsbase, wrgsbase); fxrstor,
 *                vector and mask registers, rflags (popfq on its own stack), rsp and the other
 *                15 GPRs from the input block, then jmp to B+INSN_OFF
 *   B+INSN_OFF   the instruction under test; relative branches retargeted to the taken pad,
 *                RIP-relative operands to B+DATA_OFF+RIP_TARGET
 *   end          "next" pad: records PATH_NEXT, jumps to the epilogue
 *   end+PAD_GAP  "taken" pad: records PATH_TAKEN, jumps to the epilogue
 *   B+COMMON_OFF epilogue: stores everything to the output block, restores the fs and gs bases,
 *                jumps to insnlab_leave
 * Everything the blob references is RIP-relative, so its code does not depend on B; only the
 * input state (pad addresses in registers or memory) does.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "insnlab.h"

#define RSP 4
#define RCX 1
#define RAX 0
#define RSI 6
#define RDI 7
#define GUARD 0x10000

/* Host side of a run: insnlab_enter saves what C needs and jumps to the blob; the blob's epilogue
 * jumps to insnlab_leave, which returns from insnlab_enter.
 */
uint64_t insnlab_host_rsp;
uint8_t insnlab_host_fx[512] __attribute__((aligned(16)));
void insnlab_enter(void *entry);
void insnlab_leave(void);

/* A signal in the blob arrives with the blob's fs and gs bases, but glibc's code (the stack
 * protector at %fs:0x28, siglongjmp's pointer mangling at %fs:0x30, errno) wants its own: the
 * handler's entry, insnlab_signal, puts the real ones back before any C code runs.
 */
uint8_t insnlab_fsgsbase;	/* set: the CPU and kernel let blobs switch the bases */
uint64_t insnlab_host_seg[2];	/* the real fs and gs bases */
void insnlab_signal(int sig, siginfo_t *si, void *ctx);
void insnlab_on_signal(int sig, siginfo_t *si, void *ctx);

asm(".text\n"
    ".globl insnlab_enter\n"
    ".type insnlab_enter, @function\n"
    "insnlab_enter:\n"
    "	push %rbp\n"
    "	push %rbx\n"
    "	push %r12\n"
    "	push %r13\n"
    "	push %r14\n"
    "	push %r15\n"
    "	fxsave64 insnlab_host_fx(%rip)\n"
    "	mov %rsp, insnlab_host_rsp(%rip)\n"
    "	jmp *%rdi\n"
    ".size insnlab_enter, .-insnlab_enter\n"
    ".globl insnlab_leave\n"
    ".type insnlab_leave, @function\n"
    "insnlab_leave:\n"
    "	mov insnlab_host_rsp(%rip), %rsp\n"
    "	fxrstor64 insnlab_host_fx(%rip)\n"
    "	pop %r15\n"
    "	pop %r14\n"
    "	pop %r13\n"
    "	pop %r12\n"
    "	pop %rbx\n"
    "	pop %rbp\n"
    "	ret\n"
    ".size insnlab_leave, .-insnlab_leave\n"
    ".globl insnlab_signal\n"
    ".type insnlab_signal, @function\n"
    "insnlab_signal:\n"
    "	cmpb $0, insnlab_fsgsbase(%rip)\n"
    "	je 1f\n"
    "	mov insnlab_host_seg(%rip), %rax\n"
    "	wrfsbase %rax\n"
    "	mov insnlab_host_seg+8(%rip), %rax\n"
    "	wrgsbase %rax\n"
    "1:	jmp insnlab_on_signal\n"
    ".size insnlab_signal, .-insnlab_signal\n");

static sigjmp_buf run_env;
static volatile sig_atomic_t run_active;
static struct snap *run_snap;
static uint8_t *run_base;

/* ucontext's order → hardware order */
static const int greg_of[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

/* A fault in the blob ends the run: its registers become the run's state. Entered through
 * insnlab_signal.
 */
void insnlab_on_signal(int sig, siginfo_t *si, void *ctx)
{
	greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	uint64_t rip = g[REG_RIP];
	int i;

	if (!run_active) {
		if (sig == SIGALRM)
			return;
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	run_active = 0;
	for (i = 0; i < 16; i++)
		run_snap->r.gpr[i] = g[greg_of[i]];
	/* RF and TF say how the kernel got here, not what the instruction did */
	run_snap->r.rflags = g[REG_EFL] & ~0x10100ull;
	run_snap->sig = sig;
	run_snap->sig_code = sig == SIGALRM ? 0 : si->si_code;
	if (rip >= (uint64_t)run_base && rip < (uint64_t)run_base + MAP_SIZE)
		rip -= (uint64_t)run_base;
	run_snap->sig_rip = rip;
	siglongjmp(run_env, 1);
}

int signals_init(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGALRM };
	struct sigaction sa = { .sa_sigaction = insnlab_signal,
				.sa_flags = SA_SIGINFO | SA_ONSTACK };
	stack_t st = { .ss_size = 1 << 16 };
	size_t i;

	/* before any handler: they restore these */
	if (cpu_get()->fsgsbase) {
		asm volatile("rdfsbase %0" : "=r"(insnlab_host_seg[SEG_FS]));
		asm volatile("rdgsbase %0" : "=r"(insnlab_host_seg[SEG_GS]));
		insnlab_fsgsbase = 1;
	}
	st.ss_sp = malloc(st.ss_size);
	if (!st.ss_sp)
		return -ENOMEM;
	if (sigaltstack(&st, NULL))
		return -errno;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL))
			return -errno;
	return 0;
}

/* ---- code generation with Zydis' encoder ---- */

struct asmbuf {
	uint8_t *p;
	size_t off, end;
	int err;
};

static ZydisEncoderOperand reg(ZydisRegister r)
{
	ZydisEncoderOperand o = { .type = ZYDIS_OPERAND_TYPE_REGISTER, .reg.value = r };

	return o;
}

/* [rip + ...] addressing DATA_OFF + @data_off of the mapping */
static ZydisEncoderOperand dmem(size_t data_off, unsigned int size)
{
	ZydisEncoderOperand o = { .type = ZYDIS_OPERAND_TYPE_MEMORY };

	o.mem.base = ZYDIS_REGISTER_RIP;
	o.mem.displacement = DATA_OFF + data_off;
	o.mem.size = size;
	return o;
}

static ZydisEncoderOperand imm(int64_t v)
{
	ZydisEncoderOperand o = { .type = ZYDIS_OPERAND_TYPE_IMMEDIATE, .imm.s = v };

	return o;
}

static void emit(struct asmbuf *a, ZydisMnemonic m, int n, const ZydisEncoderOperand *ops)
{
	ZydisEncoderRequest req = { .machine_mode = ZYDIS_MACHINE_MODE_LONG_64, .mnemonic = m };
	ZyanUSize len = a->end - a->off;

	if (a->err)
		return;
	req.operand_count = n;
	memcpy(req.operands, ops, n * sizeof(*ops));
	if (m == ZYDIS_MNEMONIC_JMP && ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
		req.branch_type = ZYDIS_BRANCH_TYPE_NEAR;
		req.branch_width = ZYDIS_BRANCH_WIDTH_32;
	}
	/* runtime address = offset in the mapping: RIP-relative operands come out right */
	if (ZYAN_FAILED(ZydisEncoderEncodeInstructionAbsolute(&req, a->p + a->off, &len, a->off)))
		a->err = -EINVAL;
	else
		a->off += len;
}

static void ins0(struct asmbuf *a, ZydisMnemonic m)
{
	emit(a, m, 0, NULL);
}

static void ins1(struct asmbuf *a, ZydisMnemonic m, ZydisEncoderOperand o0)
{
	emit(a, m, 1, &o0);
}

static void ins2(struct asmbuf *a, ZydisMnemonic m, ZydisEncoderOperand o0, ZydisEncoderOperand o1)
{
	ZydisEncoderOperand ops[2] = { o0, o1 };

	emit(a, m, 2, ops);
}

#define IN(field) (D_IN + offsetof(struct regs, field))
#define OUT(field) (D_OUT + offsetof(struct regs, field))
#define SEG(field) (D_SEG + offsetof(struct seg_bases, field))

/* EVEX forms take the write mask as an operand: k0, no masking */
static void ins3(struct asmbuf *a, ZydisMnemonic m, ZydisEncoderOperand o0, ZydisEncoderOperand o1,
		 ZydisEncoderOperand o2)
{
	ZydisEncoderOperand ops[3] = { o0, o1, o2 };

	emit(a, m, 3, ops);
}

static void gen_prologue(struct asmbuf *a, const struct cpu *cpu, bool seg)
{
	ZydisMnemonic kmov = cpu->avx512bw ? ZYDIS_MNEMONIC_KMOVQ : ZYDIS_MNEMONIC_KMOVW;
	int i;

	/* %fs:/%gs: operands land in the buffer, not in insnlab's own TLS */
	if (seg) {
		ins1(a, ZYDIS_MNEMONIC_RDFSBASE, reg(ZYDIS_REGISTER_RAX));
		ins2(a, ZYDIS_MNEMONIC_MOV, dmem(SEG(host[SEG_FS]), 8), reg(ZYDIS_REGISTER_RAX));
		ins1(a, ZYDIS_MNEMONIC_RDGSBASE, reg(ZYDIS_REGISTER_RAX));
		ins2(a, ZYDIS_MNEMONIC_MOV, dmem(SEG(host[SEG_GS]), 8), reg(ZYDIS_REGISTER_RAX));
		ins2(a, ZYDIS_MNEMONIC_MOV, reg(ZYDIS_REGISTER_RAX), dmem(SEG(run[SEG_FS]), 8));
		ins1(a, ZYDIS_MNEMONIC_WRFSBASE, reg(ZYDIS_REGISTER_RAX));
		ins2(a, ZYDIS_MNEMONIC_MOV, reg(ZYDIS_REGISTER_RAX), dmem(SEG(run[SEG_GS]), 8));
		ins1(a, ZYDIS_MNEMONIC_WRGSBASE, reg(ZYDIS_REGISTER_RAX));
	}
	ins1(a, ZYDIS_MNEMONIC_FXRSTOR64, dmem(IN(fx), 512));
	for (i = 0; cpu->avx512 && i < 32; i++)
		ins3(a, ZYDIS_MNEMONIC_VMOVDQU64, reg(ZYDIS_REGISTER_ZMM0 + i),
		     reg(ZYDIS_REGISTER_K0), dmem(IN(zmm[i]), 64));
	for (i = 0; cpu->avx512 && i < 8; i++)
		ins2(a, kmov, reg(ZYDIS_REGISTER_K0 + i), dmem(IN(k[i]), cpu->avx512bw ? 8 : 2));
	for (i = 0; !cpu->avx512 && cpu->avx && i < 16; i++)
		ins2(a, ZYDIS_MNEMONIC_VMOVDQU, reg(ZYDIS_REGISTER_YMM0 + i), dmem(IN(zmm[i]), 32));
	/* popfq on the blob's own stack: the test stack stays untouched */
	ins2(a, ZYDIS_MNEMONIC_LEA, reg(ZYDIS_REGISTER_RSP), dmem(D_STACK_TOP, 8));
	ins1(a, ZYDIS_MNEMONIC_PUSH, dmem(IN(rflags), 8));
	ins0(a, ZYDIS_MNEMONIC_POPFQ);
	for (i = 0; i < 16; i++)
		ins2(a, ZYDIS_MNEMONIC_MOV, reg(ZYDIS_REGISTER_RAX + i), dmem(IN(gpr[i]), 8));
	ins1(a, ZYDIS_MNEMONIC_JMP, imm(INSN_OFF));
}

static void gen_pad(struct asmbuf *a, int path)
{
	ins2(a, ZYDIS_MNEMONIC_MOV, dmem(OUT(path), 4), imm(path));
	ins1(a, ZYDIS_MNEMONIC_JMP, imm(COMMON_OFF));
}

static void gen_epilogue(struct asmbuf *a, const struct cpu *cpu, bool seg)
{
	ZydisMnemonic kmov = cpu->avx512bw ? ZYDIS_MNEMONIC_KMOVQ : ZYDIS_MNEMONIC_KMOVW;
	int i;

	for (i = 0; i < 16; i++)
		ins2(a, ZYDIS_MNEMONIC_MOV, dmem(OUT(gpr[i]), 8), reg(ZYDIS_REGISTER_RAX + i));
	if (seg) {
		ins2(a, ZYDIS_MNEMONIC_MOV, reg(ZYDIS_REGISTER_RAX), dmem(SEG(host[SEG_FS]), 8));
		ins1(a, ZYDIS_MNEMONIC_WRFSBASE, reg(ZYDIS_REGISTER_RAX));
		ins2(a, ZYDIS_MNEMONIC_MOV, reg(ZYDIS_REGISTER_RAX), dmem(SEG(host[SEG_GS]), 8));
		ins1(a, ZYDIS_MNEMONIC_WRGSBASE, reg(ZYDIS_REGISTER_RAX));
	}
	ins2(a, ZYDIS_MNEMONIC_LEA, reg(ZYDIS_REGISTER_RSP), dmem(D_STACK_TOP, 8));
	ins0(a, ZYDIS_MNEMONIC_PUSHFQ);
	ins1(a, ZYDIS_MNEMONIC_POP, reg(ZYDIS_REGISTER_RAX));
	ins2(a, ZYDIS_MNEMONIC_MOV, dmem(OUT(rflags), 8), reg(ZYDIS_REGISTER_RAX));
	/* C wants DF and AC clear */
	ins1(a, ZYDIS_MNEMONIC_PUSH, imm(0x202));
	ins0(a, ZYDIS_MNEMONIC_POPFQ);
	ins1(a, ZYDIS_MNEMONIC_FXSAVE64, dmem(OUT(fx), 512));
	for (i = 0; cpu->avx512 && i < 32; i++)
		ins3(a, ZYDIS_MNEMONIC_VMOVDQU64, dmem(OUT(zmm[i]), 64), reg(ZYDIS_REGISTER_K0),
		     reg(ZYDIS_REGISTER_ZMM0 + i));
	for (i = 0; cpu->avx512 && i < 8; i++)
		ins2(a, kmov, dmem(OUT(k[i]), cpu->avx512bw ? 8 : 2), reg(ZYDIS_REGISTER_K0 + i));
	for (i = 0; !cpu->avx512 && cpu->avx && i < 16; i++)
		ins2(a, ZYDIS_MNEMONIC_VMOVDQU, dmem(OUT(zmm[i]), 32),
		     reg(ZYDIS_REGISTER_YMM0 + i));
	ins1(a, ZYDIS_MNEMONIC_JMP, dmem(D_EXIT, 8));
}

/* Stores @v in @size bytes at @p (little endian). */
static void put_le(uint8_t *p, uint64_t v, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		p[i] = v >> (8 * i);
}

/* SEG_FS or SEG_GS for a memory operand with an %fs: or %gs: override, else -1. */
static int seg_of(const ZydisDecodedOperand *op)
{
	if (op->type != ZYDIS_OPERAND_TYPE_MEMORY)
		return -1;
	return op->mem.segment == ZYDIS_REGISTER_FS ? SEG_FS :
	       op->mem.segment == ZYDIS_REGISTER_GS ? SEG_GS : -1;
}

/* Whether @s's instruction accesses (@write: writes) %fs: or %gs: memory. */
bool uses_seg_mem(const struct site *s, bool write)
{
	int i;

	for (i = 0; i < s->insn.operand_count; i++)
		if (seg_of(&s->ops[i]) >= 0 && s->ops[i].mem.type != ZYDIS_MEMOP_TYPE_AGEN &&
		    (!write || (s->ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)))
			return true;
	return false;
}

/* The fs (@seg SEG_FS) or gs base of @s's runs, in the scratch buffer. */
uint64_t seg_base(const struct site *s, int seg)
{
	return (uint64_t)s->buf + BUF_SIZE / 2 + (seg == SEG_FS ? FS_OFF : GS_OFF);
}

/* Copies the instruction to INSN_OFF with relative branch targets moved to the taken pad and
 * RIP-relative operands into the data area. Returns 0 or -ERANGE when they cannot be moved
 * without changing the instruction's length.
 */
static int place_insn(const struct site *s, uint8_t *code)
{
	const ZydisDecodedInstruction *in = &s->insn;
	uint8_t *p = code + INSN_OFF;
	int i;

	memcpy(p, s->bytes, s->len);
	for (i = 0; i < 2; i++) {
		if (!in->raw.imm[i].is_relative)
			continue;
		if (in->raw.imm[i].size < 8 || in->raw.imm[i].size > 32)
			return -ERANGE;
		put_le(p + in->raw.imm[i].offset, PAD_GAP, in->raw.imm[i].size / 8);
	}
	for (i = 0; i < in->operand_count; i++) {
		const ZydisDecodedOperand *op = &s->ops[i];

		if (op->type != ZYDIS_OPERAND_TYPE_MEMORY || op->mem.base != ZYDIS_REGISTER_RIP)
			continue;
		/* the base plus the RIP area's address is nowhere in particular */
		if (in->raw.disp.size != 32 || (s->seg && seg_of(op) >= 0))
			return -ERANGE;
		put_le(p + in->raw.disp.offset,
		       (uint32_t)(DATA_OFF + RIP_TARGET - (INSN_OFF + s->len)), 4);
		break;
	}
	return 0;
}

/* Writes the blob's code file, and maps a copy of the code (anonymous: no uprobe there) with the
 * data pages after it; site_map_file() maps the file itself in its place. Returns 0 or -errno.
 */
static int map_blob(struct site *s, const uint8_t *code)
{
	char tmpl[] = "/tmp/insnlab-XXXXXX";
	uint8_t *area = MAP_FAILED;
	size_t done = 0;
	ssize_t n;
	int err;

	s->fd = mkstemp(tmpl);
	if (s->fd < 0)
		return -errno;
	/* nothing to clean up later: the uprobe finds the inode through /proc/self/fd */
	unlink(tmpl);
	snprintf(s->path, sizeof(s->path), "/proc/self/fd/%d", s->fd);
	while (done < CODE_SIZE) {
		n = write(s->fd, code + done, CODE_SIZE - done);
		if (n < 0) {
			err = -errno;
			goto fail;
		}
		done += n;
	}
	area = mmap(NULL, MAP_SIZE + GUARD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
	if (area == MAP_FAILED ||
	    mmap(area, CODE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) == MAP_FAILED ||
	    mmap(area + DATA_OFF, DATA_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	memcpy(area, code, CODE_SIZE);
	if (mprotect(area, CODE_SIZE, PROT_READ | PROT_EXEC)) {
		err = -errno;
		goto fail;
	}
	s->base = area;
	return 0;
fail:
	if (area != MAP_FAILED)
		munmap(area, MAP_SIZE + GUARD);
	close(s->fd);
	s->fd = -1;
	return err;
}

int site_map_file(struct site *s)
{
	/* a uprobe registered on the file is installed now, if the kernel takes the instruction */
	if (mmap(s->base, CODE_SIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, s->fd, 0) ==
	    MAP_FAILED)
		return -errno;
	return 0;
}

uint64_t site_pad(const struct site *s, int path)
{
	return (uint64_t)s->base + INSN_OFF + s->len + (path == PATH_TAKEN ? PAD_GAP : 0);
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Index 0-15 of the 64-bit GPR holding @r, or -1. */
static int gpr_index(ZydisRegister r)
{
	r = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
	if (r < ZYDIS_REGISTER_RAX || r > ZYDIS_REGISTER_R15)
		return -1;
	return r - ZYDIS_REGISTER_RAX;
}

/* Stores the taken pad's address where an indirect branch reads its target. */
static void put_target(struct site *s, uint64_t ea)
{
	uint64_t pad = site_pad(s, PATH_TAKEN);
	uint64_t rip = (uint64_t)s->base + DATA_OFF + D_RIP;

	if (ea >= (uint64_t)s->buf && ea + 8 <= (uint64_t)s->buf + BUF_SIZE)
		memcpy(s->buf_init + (ea - (uint64_t)s->buf), &pad, 8);
	else if (ea >= rip && ea + 8 <= rip + RIP_SIZE)
		memcpy(s->rip_init + (ea - rip), &pad, 8);
}

/* Points memory operands into the scratch buffer (or the RIP area) and branch targets at the
 * taken pad: GPRs hold distinct 64-byte aligned addresses around the buffer's middle; index
 * registers hold small numbers; a base is moved when base+disp would leave the buffer. With
 * %fs: or %gs:, the same around that segment's base, the base register holding an offset from
 * it (as a TLS offset does). Returns 0, or -ERANGE for an %fs:/%gs: write that cannot be kept
 * in the buffer.
 */
static int set_inputs(struct site *s)
{
	const ZydisDecodedInstruction *in = &s->insn;
	uint64_t mid = (uint64_t)s->buf + BUF_SIZE / 2, lo, hi, ea, sb, want, *g = s->in.gpr;
	bool is_branch = in->meta.category == ZYDIS_CATEGORY_UNCOND_BR ||
			 in->meta.category == ZYDIS_CATEGORY_CALL;
	int i, b, x, sg;

	for (i = 0; i < 16; i++)
		g[i] = mid + (i - 8) * 0x1040;
	/* as at a function entry: rsp + 8 is 16-byte aligned */
	g[RSP] = mid + 0x40000 - 8;
	memcpy(s->buf_init + (g[RSP] - (uint64_t)s->buf), &(uint64_t){ site_pad(s, PATH_TAKEN) },
	       8);
	if ((in->attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE |
			       ZYDIS_ATTRIB_HAS_REPNE)) ||
	    in->mnemonic == ZYDIS_MNEMONIC_LOOP || in->mnemonic == ZYDIS_MNEMONIC_LOOPE ||
	    in->mnemonic == ZYDIS_MNEMONIC_LOOPNE || in->mnemonic == ZYDIS_MNEMONIC_JRCXZ ||
	    in->mnemonic == ZYDIS_MNEMONIC_JECXZ)
		g[RCX] = 5;
	/* repe cmps/scas go on while the elements are equal: give them 5 equal ones */
	if ((in->attributes & ZYDIS_ATTRIB_HAS_REPE) &&
	    in->meta.category == ZYDIS_CATEGORY_STRINGOP) {
		if (in->mnemonic == ZYDIS_MNEMONIC_CMPSB || in->mnemonic == ZYDIS_MNEMONIC_CMPSW ||
		    in->mnemonic == ZYDIS_MNEMONIC_CMPSD || in->mnemonic == ZYDIS_MNEMONIC_CMPSQ) {
			g[RDI] = g[RSI];
		} else {
			g[RAX] = 0;
			memset(s->buf_init + (g[RDI] - (uint64_t)s->buf), 0, 5 * 8);
		}
	}
	/* system call -1: -ENOSYS and nothing else */
	if (in->mnemonic == ZYDIS_MNEMONIC_SYSCALL)
		g[RAX] = -1ull;
	/* XCR0, the one every CPU with xgetbv has */
	if (in->mnemonic == ZYDIS_MNEMONIC_XGETBV)
		g[RCX] = 0;

	lo = (uint64_t)s->buf + GUARD;
	hi = (uint64_t)s->buf + BUF_SIZE - GUARD;
	for (i = 0; i < in->operand_count; i++) {
		const ZydisDecodedOperand *op = &s->ops[i];

		if (op->type == ZYDIS_OPERAND_TYPE_REGISTER && is_branch && i == 0 &&
		    (b = gpr_index(op->reg.value)) >= 0) {
			g[b] = site_pad(s, PATH_TAKEN);
			continue;
		}
		if (op->type != ZYDIS_OPERAND_TYPE_MEMORY || op->mem.type != ZYDIS_MEMOP_TYPE_MEM)
			continue;
		/* without fsgsbase: insnlab's own TLS, only read (job_build()) */
		sg = seg_of(op);
		if (sg >= 0 && !s->seg)
			continue;
		sb = sg >= 0 ? seg_base(s, sg) : 0;
		if (op->mem.base == ZYDIS_REGISTER_RIP) {
			ea = (uint64_t)s->base + DATA_OFF + RIP_TARGET;
		} else {
			b = gpr_index(op->mem.base);
			x = gpr_index(op->mem.index);
			if (x >= 0 && x != b)
				g[x] = 2;
			ea = sb + (b >= 0 ? g[b] : 0) + (x >= 0 ? g[x] * op->mem.scale : 0) +
			     op->mem.disp.value;
			if ((ea < lo || ea > hi) && b >= 0 && b != RSP) {
				/* base + index * scale, an offset from sb for %fs:/%gs: */
				want = (sg >= 0 ? sb : mid) + (b - 8) * 0x1040 - sb -
				       op->mem.disp.value;
				if (x == b)
					g[b] = (int64_t)want / (1 + op->mem.scale);
				else
					g[b] = want - (x >= 0 ? g[x] * op->mem.scale : 0);
				ea = sb + g[b] + (x >= 0 ? g[x] * op->mem.scale : 0) +
				     op->mem.disp.value;
			}
		}
		/* elsewhere, it could hit any mapping (and it is a store insnlab would not undo) */
		if (sg >= 0 && (op->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) &&
		    (ea < lo || ea > hi))
			return -ERANGE;
		if (is_branch && i == 0)
			put_target(s, ea);
	}
	return 0;
}

/* Fixed pseudo-random contents for the buffer and vector registers, so that loads from them
 * give distinctive values.
 */
static int set_patterns(struct site *s)
{
	static uint8_t *pattern;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t i;

	if (!pattern) {
		pattern = malloc(BUF_SIZE);
		if (!pattern)
			return -ENOMEM;
		for (i = 0; i < BUF_SIZE; i += 8)
			*(uint64_t *)(pattern + i) = xorshift(&x);
	}
	memcpy(s->buf_init, pattern, BUF_SIZE);
	memcpy(s->rip_init, pattern, RIP_SIZE);
	memset(&s->in, 0, sizeof(s->in));
	for (i = 0; i < sizeof(s->in.zmm); i += 8)
		*(uint64_t *)((uint8_t *)s->in.zmm + i) = xorshift(&x);
	for (i = 0; i < 8; i++)
		s->in.k[i] = xorshift(&x);
	/* the ABI's state at a call: default control words, empty x87 stack */
	*(uint16_t *)(s->in.fx + 0) = 0x37f;
	*(uint32_t *)(s->in.fx + 24) = 0x1f80;
	for (i = 0; i < 16; i++)
		memcpy(s->in.fx + 160 + 16 * i, s->in.zmm[i], 16);
	return 0;
}

/* Builds the blob for the decoded instruction in @s (bytes, len, insn, ops, buf, buf_init set)
 * and maps it. Returns 0, -ERANGE when the instruction's operands cannot be retargeted (or kept
 * in the buffer), or -errno; site_destroy() undoes it.
 */
int site_build(struct site *s)
{
	const struct cpu *cpu = cpu_get();
	uint8_t code[CODE_SIZE];
	struct asmbuf a = { .p = code, .end = INSN_OFF };
	struct seg_bases *seg;
	int err;

	s->fd = -1;
	s->base = NULL;
	s->seg = cpu->fsgsbase && uses_seg_mem(s, false);
	memset(code, 0xcc, sizeof(code));
	gen_prologue(&a, cpu, s->seg);
	err = place_insn(s, code);
	if (err)
		return err;
	a.off = INSN_OFF + s->len;
	a.end = a.off + PAD_GAP;
	gen_pad(&a, PATH_NEXT);
	a.off = a.end;
	a.end = COMMON_OFF;
	gen_pad(&a, PATH_TAKEN);
	a.off = COMMON_OFF;
	a.end = CODE_SIZE;
	gen_epilogue(&a, cpu, s->seg);
	if (a.err)
		return a.err;
	err = map_blob(s, code);
	if (err)
		return err;
	*(uint64_t *)(s->base + DATA_OFF + D_EXIT) = (uint64_t)insnlab_leave;
	seg = (struct seg_bases *)(s->base + DATA_OFF + D_SEG);
	seg->run[SEG_FS] = seg_base(s, SEG_FS);
	seg->run[SEG_GS] = seg_base(s, SEG_GS);
	err = set_patterns(s);
	if (!err)
		err = set_inputs(s);
	if (err)
		site_destroy(s);
	return err;
}

void site_destroy(struct site *s)
{
	if (s->base)
		munmap(s->base, MAP_SIZE + GUARD);
	if (s->fd >= 0)
		close(s->fd);
	s->base = NULL;
	s->fd = -1;
}

/* Runs the blob once from the site's input state with @rflags; fills @out. Returns 0. */
int site_run(struct site *s, uint64_t rflags, struct snap *out)
{
	struct regs *in = (struct regs *)(s->base + DATA_OFF + D_IN);
	struct regs *o = (struct regs *)(s->base + DATA_OFF + D_OUT);
	struct itimerval it = { .it_value.tv_sec = 2 };
	struct timespec t0, t1;

	memset(out, 0, sizeof(*out));
	*in = s->in;
	in->rflags = rflags;
	memset(o, 0, sizeof(*o));
	memcpy(s->buf, s->buf_init, BUF_SIZE);
	memcpy(s->base + DATA_OFF + D_RIP, s->rip_init, RIP_SIZE);
	run_snap = out;
	run_base = s->base;
	/* a blob that loops ends with SIGALRM */
	setitimer(ITIMER_REAL, &it, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sigsetjmp(run_env, 1) == 0) {
		run_active = 1;
		insnlab_enter(s->base);
		run_active = 0;
		out->r = *o;
	} else {
		/* the kernel gave the handler a fresh FPU state; take C's back */
		asm volatile("fxrstor64 %0" : : "m"(insnlab_host_fx));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	it.it_value.tv_sec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	if (cpu_get()->avx)
		asm volatile("vzeroupper");
	/* without AVX the epilogue stores no vector registers: take them from fxsave */
	for (int i = 0; !cpu_get()->avx && !out->sig && i < 16; i++)
		memcpy(out->r.zmm[i], out->r.fx + 160 + 16 * i, 16);
	out->ns = (t1.tv_sec - t0.tv_sec) * 1000000000ull + t1.tv_nsec - t0.tv_nsec;
	return 0;
}
