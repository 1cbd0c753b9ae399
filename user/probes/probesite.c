// SPDX-License-Identifier: GPL-2.0
/* Probe sites: a model of what arch/x86/kernel/uprobes.c does with an instruction, on top of
 * Zydis's decoding.
 *
 * The kernel decodes the probed instruction with its own decoder, then:
 * - refuses it (uprobe_init_insn) for an ES/CS/SS/DS segment or LOCK prefix, a `mov` to %ss,
 *   or when good_insns_64[] has no bit for its first opcode byte (and good_2byte_insns[] none
 *   for the second, after 0f). For VEX and EVEX instructions the "first opcode byte" is the
 *   byte after the prefix: the table of one-byte legacy opcodes judges them by that byte alone.
 * - emulates it (branch_setup_xol_ops, push_setup_xol_ops) when that byte reads as jmp/call
 *   rel, jcc, nop (0x90 with any prefix, and, where the kernel has it, a canonical multi-byte
 *   nop) or push reg (one byte, or 41 + one byte);
 * - else single-steps a copy, with fix-ups chosen by that byte again (popf, ret, call/jmp
 *   indirect) and RIP-relative operands rewritten through a scratch register.
 * The tables below are the kernel's policy, which no decoder can tell; everything about the
 * instruction itself (length, prefixes, encoding, map, operands) comes from Zydis.
 *
 * What follows for VEX/EVEX: an instruction whose opcode byte is 0x70-0x7f, 0xe8, 0xe9, 0xeb or
 * 0x90 is "emulated" as a branch or nop and never runs (EVEX vpbroadcastd is 0x7c, a `jl`);
 * 0x9d, 0xc2, 0xc3, 0xca, 0xcb and 0xff get a popf/ret/call fix-up that breaks the program.
 * Those are unsafe; legacy-encoded instructions are judged by their real opcode, except
 * REX.B 0x90 (`xchg %r8,%rax`), which the kernel takes for a nop. And three instructions the
 * kernel accepts go wrong when single-stepped (measured with tests/insnlab): syscall, pushf,
 * and rep-prefixed string instructions.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <Zydis/Zydis.h>
#include "probesite.h"

#ifndef __x86_64__
#error "rtrace supports x86-64 only for now (user/probes/probesite.c models x86-64 uprobes)"
#endif

#define W(row, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, ba, bb, bc, bd, be, bf)                 \
	(((b0##U << 0x0) | (b1##U << 0x1) | (b2##U << 0x2) | (b3##U << 0x3) | (b4##U << 0x4) |  \
	  (b5##U << 0x5) | (b6##U << 0x6) | (b7##U << 0x7) | (b8##U << 0x8) | (b9##U << 0x9) |  \
	  (ba##U << 0xa) | (bb##U << 0xb) | (bc##U << 0xc) | (bd##U << 0xd) | (be##U << 0xe) |  \
	  (bf##U << 0xf)) << ((row) % 32))

/* good_insns_64 of arch/x86/kernel/uprobes.c (unchanged from 3.x to 6.18). */
static const uint32_t good_insns_64[256 / 32] = {
	W(0x00, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1) |
	W(0x10, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0),
	W(0x20, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0) |
	W(0x30, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0),
	W(0x40, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) |
	W(0x50, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	W(0x60, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0) |
	W(0x70, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	W(0x80, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) |
	W(0x90, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1),
	W(0xa0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) |
	W(0xb0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	W(0xc0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0) |
	W(0xd0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	W(0xe0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0) |
	W(0xf0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1),
};

/* good_2byte_insns, after 0f. Consulted only when the first byte fails, and 0f itself passes
 * good_insns_64: kept for the model's completeness, as the kernel has it. */
static const uint32_t good_2byte_insns[256 / 32] = {
	W(0x00, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1) |
	W(0x10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	W(0x20, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) |
	W(0x30, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1),
	W(0x40, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) |
	W(0x50, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	W(0x60, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) |
	W(0x70, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1),
	W(0x80, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) |
	W(0x90, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	W(0xa0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1) |
	W(0xb0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	W(0xc0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) |
	W(0xd0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	W(0xe0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) |
	W(0xf0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
};
#undef W

/* The canonical nops the kernel emulates since 6.16 (x86_nops[len], ASM_NOP_MAX 8); older
 * kernels single-step all but 0x90. Emulated either way is no worse than single-stepped. */
static const unsigned char *const x86_nops[] = {
	NULL,
	(const unsigned char *)"\x90",
	(const unsigned char *)"\x66\x90",
	(const unsigned char *)"\x0f\x1f\x00",
	(const unsigned char *)"\x0f\x1f\x40\x00",
	(const unsigned char *)"\x0f\x1f\x44\x00\x00",
	(const unsigned char *)"\x66\x0f\x1f\x44\x00\x00",
	(const unsigned char *)"\x0f\x1f\x80\x00\x00\x00\x00",
	(const unsigned char *)"\x0f\x1f\x84\x00\x00\x00\x00\x00",
};

/* How many instructions past the first a probe may move. */
#define MAX_SKIP	16

static bool test_bit32(const uint32_t *map, unsigned int bit)
{
	return map[bit / 32] & (1u << (bit % 32));
}

static bool is_cond_jmp(unsigned int op)
{
	return op >= 0x70 && op <= 0x7f;
}

static const char *encoding_name(ZydisInstructionEncoding enc)
{
	switch (enc) {
	case ZYDIS_INSTRUCTION_ENCODING_VEX: return "VEX";
	case ZYDIS_INSTRUCTION_ENCODING_EVEX: return "EVEX";
	case ZYDIS_INSTRUCTION_ENCODING_XOP: return "XOP";
	case ZYDIS_INSTRUCTION_ENCODING_MVEX: return "MVEX";
	default: return "legacy";
	}
}

static struct {
	bool ready;
	ZydisDecoder dec;
	ZydisDecoder sweep;	/* lengths and raw fields only: for whole sections */
	ZydisFormatter fmt;
} zy;

static int zy_init(void)
{
	if (zy.ready)
		return 0;
	/* objdump's look: lower-case hex, no padding of addresses */
	if (ZYAN_FAILED(ZydisDecoderInit(&zy.dec, ZYDIS_MACHINE_MODE_LONG_64,
					 ZYDIS_STACK_WIDTH_64)) ||
	    ZYAN_FAILED(ZydisDecoderInit(&zy.sweep, ZYDIS_MACHINE_MODE_LONG_64,
					 ZYDIS_STACK_WIDTH_64)) ||
	    ZYAN_FAILED(ZydisDecoderEnableMode(&zy.sweep, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE)) ||
	    ZYAN_FAILED(ZydisFormatterInit(&zy.fmt, ZYDIS_FORMATTER_STYLE_ATT)) ||
	    ZYAN_FAILED(ZydisFormatterSetProperty(&zy.fmt, ZYDIS_FORMATTER_PROP_HEX_UPPERCASE,
						  ZYAN_FALSE)) ||
	    ZYAN_FAILED(ZydisFormatterSetProperty(&zy.fmt, ZYDIS_FORMATTER_PROP_ADDR_PADDING_ABSOLUTE,
						  ZYDIS_PADDING_DISABLED)) ||
	    ZYAN_FAILED(ZydisFormatterSetProperty(&zy.fmt, ZYDIS_FORMATTER_PROP_DISP_PADDING,
						  ZYDIS_PADDING_DISABLED)) ||
	    ZYAN_FAILED(ZydisFormatterSetProperty(&zy.fmt, ZYDIS_FORMATTER_PROP_FORCE_RELATIVE_RIPREL,
						  ZYAN_TRUE)) ||
	    ZYAN_FAILED(ZydisFormatterSetProperty(&zy.fmt, ZYDIS_FORMATTER_PROP_IMM_PADDING,
						  ZYDIS_PADDING_DISABLED)))
		return -EINVAL;
	zy.ready = true;
	return 0;
}

/* The unsafe verdict for a VEX/EVEX opcode byte the kernel reads as a legacy one. */
static const char *vex_misread(unsigned int op)
{
	if (is_cond_jmp(op))
		return "the kernel emulates its opcode byte as a conditional jump: it never runs";
	switch (op) {
	case 0xe8:
		return "the kernel emulates its opcode byte as a call: it never runs";
	case 0xe9: case 0xeb:
		return "the kernel emulates its opcode byte as a jmp: it never runs";
	case 0x90:
		return "the kernel emulates its opcode byte as a nop: it never runs";
	case 0x9d:
		return "the kernel takes its opcode byte for popf: a SIGTRAP follows it";
	case 0xc2: case 0xc3: case 0xca: case 0xcb:
		return "the kernel takes its opcode byte for ret: execution goes astray after it";
	case 0xff:
		return "the kernel takes its opcode byte for an indirect call or jmp: execution goes "
		       "astray after it";
	}
	return NULL;
}

/* Fills @out from a decoded instruction. */
static void judge(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops,
		  const unsigned char *code, struct psite_insn *out)
{
	bool vex_like = in->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY &&
			in->encoding != ZYDIS_INSTRUCTION_ENCODING_3DNOW;
	unsigned int op1, op2 = 0, nbytes, i;
	bool has66 = false;

	out->cls = PSITE_SSTEP;
	out->why = NULL;
	for (i = 0; i < in->raw.prefix_count; i++) {
		unsigned int p = in->raw.prefixes[i].value;

		if (p == 0x26 || p == 0x2e || p == 0x36 || p == 0x3e) {
			out->cls = PSITE_REFUSED;
			out->why = "the kernel refuses instructions with an es/cs/ss/ds prefix";
			return;
		}
		if (p == 0xf0) {
			out->cls = PSITE_REFUSED;
			out->why = "the kernel refuses lock-prefixed instructions";
			return;
		}
		has66 |= p == 0x66;
	}
	/* insn_masking_exception(): mov to %ss (pop %ss does not exist in 64-bit mode). */
	if (in->mnemonic == ZYDIS_MNEMONIC_MOV && in->operand_count > 0 &&
	    ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER && ops[0].reg.value == ZYDIS_REGISTER_SS) {
		out->cls = PSITE_REFUSED;
		out->why = "the kernel refuses a mov to %ss";
		return;
	}
	if (in->encoding == ZYDIS_INSTRUCTION_ENCODING_XOP ||
	    in->encoding == ZYDIS_INSTRUCTION_ENCODING_MVEX) {
		out->cls = PSITE_UNSAFE;
		out->why = "the kernel's decoder does not know this encoding";
		return;
	}
	/* The kernel's view of the opcode: after a VEX/EVEX prefix, one byte. */
	if (vex_like || in->opcode_map == ZYDIS_OPCODE_MAP_DEFAULT) {
		op1 = in->opcode;
		nbytes = 1;
	} else {
		op1 = 0x0f;
		op2 = in->opcode_map == ZYDIS_OPCODE_MAP_0F ? in->opcode :
		      in->opcode_map == ZYDIS_OPCODE_MAP_0F38 ? 0x38 :
		      in->opcode_map == ZYDIS_OPCODE_MAP_0F3A ? 0x3a : 0x0f;
		nbytes = in->opcode_map == ZYDIS_OPCODE_MAP_0F ||
			 in->opcode_map == ZYDIS_OPCODE_MAP_0F0F ? 2 : 3;
	}
	if (!test_bit32(good_insns_64, op1) &&
	    !(nbytes == 2 && test_bit32(good_2byte_insns, op2))) {
		out->cls = PSITE_REFUSED;
		out->why = vex_like ? "the kernel judges VEX/EVEX code by its opcode byte, and "
				      "refuses this one" :
				      "the kernel refuses this opcode";
		return;
	}
	if (vex_like) {
		out->why = vex_misread(op1);
		if (out->why)
			out->cls = PSITE_UNSAFE;
		return;
	}
	/* Accepted and single-stepped, but measured to go wrong (tests/insnlab): a syscall's
	 * return lands past the out-of-line copy before the step trap (SIGSEGV); pushf pushes the
	 * trap flag the step sets; a rep string instruction stops on the probe every iteration. */
	if (in->meta.category == ZYDIS_CATEGORY_SYSCALL) {
		out->cls = PSITE_UNSAFE;
		out->why = "single-stepped, a syscall returns past its copy: SIGSEGV";
		return;
	}
	if (in->mnemonic == ZYDIS_MNEMONIC_PUSHFQ || in->mnemonic == ZYDIS_MNEMONIC_PUSHFD ||
	    in->mnemonic == ZYDIS_MNEMONIC_PUSHF) {
		out->cls = PSITE_UNSAFE;
		out->why = "single-stepped, it pushes the trap flag";
		return;
	}
	if (in->meta.category == ZYDIS_CATEGORY_STRINGOP &&
	    (in->attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE |
			       ZYDIS_ATTRIB_HAS_REPNE))) {
		out->cls = PSITE_UNSAFE;
		out->why = "the probe would fire at every iteration";
		return;
	}
	/* branch_setup_xol_ops() */
	if (in->length < sizeof(x86_nops) / sizeof(x86_nops[0]) &&
	    !memcmp(code, x86_nops[in->length], in->length)) {
		out->cls = PSITE_EMULATED;
		out->why = "nop";
		return;
	}
	if (nbytes == 1 && op1 == 0x90) {
		if (in->mnemonic != ZYDIS_MNEMONIC_NOP && in->mnemonic != ZYDIS_MNEMONIC_PAUSE) {
			out->cls = PSITE_UNSAFE;
			out->why = "the kernel emulates opcode 0x90 as a nop, whatever its REX.B";
			return;
		}
		out->cls = PSITE_EMULATED;
		out->why = "nop";
		return;
	}
	if ((nbytes == 1 && (op1 == 0xe8 || op1 == 0xe9 || op1 == 0xeb || is_cond_jmp(op1))) ||
	    (nbytes == 2 && is_cond_jmp(op2 - 0x10))) {
		if (has66) {
			out->cls = PSITE_REFUSED;
			out->why = "the kernel refuses 16-bit branches (0x66 prefix)";
			return;
		}
		out->cls = PSITE_EMULATED;
		out->why = op1 == 0xe8 ? "call" : op1 == 0xe9 || op1 == 0xeb ? "jmp" : "jcc";
		return;
	}
	/* push_setup_xol_ops(): push reg, alone or after the one REX byte 0x41. */
	if (nbytes == 1 && op1 >= 0x50 && op1 <= 0x57 &&
	    (in->length == 1 || (in->length == 2 && code[0] == 0x41))) {
		out->cls = PSITE_EMULATED;
		out->why = "push";
		return;
	}
}

const char *psite_stop(const struct psite *ps, char *buf, size_t len)
{
	if (!ps->why)
		snprintf(buf, len, "-");
	else if (ps->block[0])
		snprintf(buf, len, "`%s`: %s", ps->block, ps->why);
	else
		snprintf(buf, len, "%s", ps->why);
	return buf;
}

const char *psite_class_name(enum psite_class cls)
{
	switch (cls) {
	case PSITE_EMULATED: return "emulated";
	case PSITE_SSTEP: return "single-stepped";
	case PSITE_REFUSED: return "refused";
	default: return "unsafe";
	}
}

/* Decodes one instruction into @in/@ops and fills @out. Returns 0 or -ENOEXEC. */
static int decode(const unsigned char *code, size_t len, unsigned long long addr,
		  ZydisDecodedInstruction *in, ZydisDecodedOperand *ops, struct psite_insn *out)
{
	memset(out, 0, sizeof(*out));
	if (zy_init() ||
	    ZYAN_FAILED(ZydisDecoderDecodeFull(&zy.dec, code, len, in, ops))) {
		out->cls = PSITE_REFUSED;
		out->why = "not a valid instruction";
		snprintf(out->text, sizeof(out->text), "(bad)");
		return -ENOEXEC;
	}
	out->len = in->length;
	out->encoding = encoding_name(in->encoding);
	if (ZYAN_FAILED(ZydisFormatterFormatInstruction(&zy.fmt, in, ops,
							in->operand_count_visible, out->text,
							sizeof(out->text), addr, NULL)))
		snprintf(out->text, sizeof(out->text), "?");
	judge(in, ops, code, out);
	return 0;
}

int psite_classify(const unsigned char *code, size_t len, unsigned long long addr,
		   struct psite_insn *out)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	ZydisDecodedInstruction in;

	return decode(code, len, addr, &in, ops, out);
}

int psite_branch_targets(const unsigned char *code, size_t size, unsigned long long addr,
			 const unsigned long long *sync, size_t nr_sync, struct psite_targets *t)
{
	ZydisDecoderContext ctx;
	ZydisDecodedInstruction in;
	unsigned long long *a;
	size_t off = 0, s = 0;

	if (zy_init())
		return -EINVAL;
	while (s < nr_sync && sync[s] < addr)
		s++;
	while (off < size) {
		while (s < nr_sync && sync[s] < addr + off)
			s++;
		if (ZYAN_FAILED(ZydisDecoderDecodeInstruction(&zy.sweep, &ctx, code + off,
							      size - off, &in))) {
			off++;	/* not an instruction: padding or data, resync on the next byte */
			continue;
		}
		/* An instruction across a function's first byte: out of step, start again there */
		if (s < nr_sync && sync[s] > addr + off && sync[s] < addr + off + in.length) {
			off = sync[s] - addr;
			continue;
		}
		if (in.raw.imm[0].is_relative) {
			if (t->nr == t->cap) {
				t->cap = t->cap ? t->cap * 2 : 4096;
				a = realloc(t->addrs, t->cap * sizeof(*a));
				if (!a)
					return -ENOMEM;
				t->addrs = a;
			}
			t->addrs[t->nr++] = addr + off + in.length + in.raw.imm[0].value.s;
		}
		off += in.length;
	}
	return 0;
}

static bool is_branch(const ZydisDecodedInstruction *in)
{
	switch (in->meta.category) {
	case ZYDIS_CATEGORY_COND_BR:
	case ZYDIS_CATEGORY_UNCOND_BR:
	case ZYDIS_CATEGORY_CALL:
	case ZYDIS_CATEGORY_RET:
	case ZYDIS_CATEGORY_SYSCALL:
	case ZYDIS_CATEGORY_SYSRET:
	case ZYDIS_CATEGORY_INTERRUPT:
	case ZYDIS_CATEGORY_SYSTEM:
		return true;
	default:
		return false;
	}
}

static const ZydisRegister arg_reg[6] = {
	ZYDIS_REGISTER_RDI, ZYDIS_REGISTER_RSI, ZYDIS_REGISTER_RDX,
	ZYDIS_REGISTER_RCX, ZYDIS_REGISTER_R8,  ZYDIS_REGISTER_R9,
};

/* Why a probe cannot move past this instruction; NULL when it can. */
static const char *cannot_skip(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops,
			       unsigned int arg_regs)
{
	unsigned int i, r;

	if (is_branch(in))
		return "it ends the straight-line entry";
	for (i = 0; i < in->operand_count; i++) {
		const ZydisDecodedOperand *op = &ops[i];
		ZydisRegister reg;

		if (!(op->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
			continue;
		if (op->type == ZYDIS_OPERAND_TYPE_MEMORY)
			return "it writes memory";
		if (op->type != ZYDIS_OPERAND_TYPE_REGISTER)
			continue;
		if (ZydisRegisterGetClass(op->reg.value) == ZYDIS_REGCLASS_SEGMENT)
			return "it changes control state";
		reg = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, op->reg.value);
		if (reg == ZYDIS_REGISTER_RSP)
			return "it moves the stack pointer";
		if (reg == ZYDIS_REGISTER_RIP)
			return "it changes control state";
		for (r = 0; r < 6; r++)
			if ((arg_regs & (1u << r)) && reg == arg_reg[r])
				return "it overwrites an argument the decoding reads";
	}
	return NULL;
}

/* The lowest address > f->addr that something may jump or call to inside the function: a
 * relative branch's target or another symbol. Jump tables (an indirect jmp through a
 * register) may land anywhere: then f->addr + 1. */
static unsigned long long first_way_in(const struct psite_func *f)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	unsigned long long lowest = f->addr + f->size;
	ZyanU64 t;
	ZydisDecodedInstruction in;
	size_t off = 0, i, lo = 0, hi = f->nr_entries;

	/* the first entry above f->addr: the list is sorted, and long (every branch target) */
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (f->entries[i] > f->addr)
			hi = i;
		else
			lo = i + 1;
	}
	if (lo < f->nr_entries && f->entries[lo] < lowest)
		lowest = f->entries[lo];
	/* Its own branches are among the module's, swept: only a jump table remains. */
	if (f->swept)
		return f->jump_table ? f->addr + 1 : lowest;
	while (off < f->size) {
		if (ZYAN_FAILED(ZydisDecoderDecodeFull(&zy.dec, f->code + off, f->size - off, &in,
						       ops)))
			return f->addr + 1;	/* not code we understand: no way to be sure */
		if (in.meta.category == ZYDIS_CATEGORY_UNCOND_BR &&
		    ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER)
			return f->addr + 1;
		if ((in.attributes & ZYDIS_ATTRIB_IS_RELATIVE) && is_branch(&in) &&
		    ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&in, &ops[0], f->addr + off, &t)) &&
		    t > f->addr && t < lowest)
			lowest = t;
		off += in.length;
	}
	return lowest;
}

int psite_choose(const struct psite_func *f, struct psite *out)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	struct psite_insn cur, safe = {};
	unsigned long long limit, safe_off = 0;
	ZydisDecodedInstruction in;
	size_t off = 0;
	unsigned int n, safe_n = 0;
	const char *stop = NULL;
	bool have_safe = false;

	memset(out, 0, sizeof(*out));
	if (!f->code || !f->size)
		return -EINVAL;
	if (zy_init())
		return -EINVAL;
	decode(f->code, f->size, f->addr, &in, ops, &out->first);
	out->at = out->first;
	if (f->stay || out->first.cls == PSITE_EMULATED) {
		if (out->first.cls != PSITE_EMULATED)
			out->why = f->stay;
		if (out->first.cls == PSITE_REFUSED || out->first.cls == PSITE_UNSAFE)
			out->verdict = PSITE_REFUSE;
		return 0;
	}
	limit = first_way_in(f);
	cur = out->first;
	for (n = 0;; n++) {
		if (cur.cls == PSITE_EMULATED)
			break;
		if (cur.cls == PSITE_SSTEP && !have_safe) {
			have_safe = true;
			safe = cur;
			safe_off = off;
			safe_n = n;
		}
		if (!cur.len) {
			stop = cur.why;
			break;
		}
		stop = cannot_skip(&in, ops, f->arg_regs);
		if (stop) {
			memcpy(out->block, cur.text, sizeof(out->block));
			break;
		}
		if (n == MAX_SKIP) {
			stop = "no emulated instruction comes early enough";
			break;
		}
		off += cur.len;
		if (off >= f->size) {
			stop = "the function ends first";
			break;
		}
		decode(f->code + off, f->size - off, f->addr + off, &in, ops, &cur);
		if (f->addr + off >= limit) {
			memcpy(out->block, cur.text, sizeof(out->block));
			stop = "a branch or another function enters at it";
			break;
		}
	}
	if (!stop) {
		out->verdict = PSITE_MOVED;
		out->off = off;
		out->skipped = n;
		out->at = cur;
		return 0;
	}
	/* Nothing emulated in reach: the first safe instruction, the first if it is. */
	out->why = stop;
	if (!have_safe) {
		out->verdict = PSITE_REFUSE;
		return 0;
	}
	out->verdict = safe_off ? PSITE_MOVED : PSITE_AT_ENTRY;
	out->off = safe_off;
	out->skipped = safe_n;
	out->at = safe;
	return 0;
}

/* Adds one exit to @out (counted even when the list is full). */
static void add_exit(struct psite_flow *out, unsigned long long off, enum psite_exit_kind kind,
		     enum psite_class cls)
{
	if (out->nr_exits < out->max_exits)
		out->exits[out->nr_exits] = (struct psite_exit){ off, kind, cls };
	out->nr_exits++;
}

/* Scans one part of a function's code (@base bytes after its first, at @addr). */
static void scan_part(const unsigned char *code, size_t size, unsigned long long addr,
		      unsigned long long base, unsigned long long lo, unsigned long long hi,
		      unsigned long long clo, unsigned long long chi, struct psite_flow *out)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	ZydisDecodedInstruction in;
	struct psite_insn pi;
	size_t off = 0;
	ZyanU64 t;

	while (off < size) {
		if (ZYAN_FAILED(ZydisDecoderDecodeFull(&zy.dec, code + off, size - off, &in, ops))) {
			out->undecoded = true;
			return;
		}
		switch (in.meta.category) {
		case ZYDIS_CATEGORY_RET:
			judge(&in, ops, code + off, &pi);
			add_exit(out, base + off, PSITE_EXIT_RET, pi.cls);
			break;
		case ZYDIS_CATEGORY_CALL:
			out->calls = true;
			break;
		case ZYDIS_CATEGORY_UNCOND_BR:
			if (ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER ||
			    (ops[0].type == ZYDIS_OPERAND_TYPE_MEMORY &&
			     ops[0].mem.index != ZYDIS_REGISTER_NONE)) {
				out->jump_table = true;
				break;
			}
			/* Direct: out of both parts is a tail call. Through memory (a GOT
			 * slot, a vtable): always out. */
			if (ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
			    ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&in, &ops[0], addr + off, &t)) &&
			    ((t >= lo && t < hi) || (t >= clo && t < chi)))
				break;
			judge(&in, ops, code + off, &pi);
			add_exit(out, base + off, PSITE_EXIT_TAIL, pi.cls);
			out->calls = true;
			break;
		default:
			break;
		}
		off += in.length;
	}
}

/* Where %rsp and %rbp point at one instruction, relative to %rsp at entry. */
struct frame_state {
	int rsp;
	int rbp;		/* valid when rbp_set */
	bool rbp_set;
	bool seen;
};

/* Whether operand @op reads memory at the return address, in frame state @st. */
static bool reads_slot(const ZydisDecodedOperand *op, const struct frame_state *st)
{
	if (op->type != ZYDIS_OPERAND_TYPE_MEMORY || op->mem.type != ZYDIS_MEMOP_TYPE_MEM ||
	    !(op->actions & ZYDIS_OPERAND_ACTION_MASK_READ) ||
	    op->mem.index != ZYDIS_REGISTER_NONE)
		return false;
	if (op->mem.base == ZYDIS_REGISTER_RSP)
		return st->rsp + op->mem.disp.value == 0;
	if (op->mem.base == ZYDIS_REGISTER_RBP && st->rbp_set)
		return st->rbp + op->mem.disp.value == 0;
	return false;
}

/* The frame state after @in; false when %rsp is lost (written in a way not followed). */
static bool step_frame(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops,
		       struct frame_state *st)
{
	unsigned int i;

	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_PUSH:
		st->rsp -= 8;
		return true;
	case ZYDIS_MNEMONIC_POP:
		st->rsp += 8;
		if (ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER && ops[0].reg.value == ZYDIS_REGISTER_RBP)
			st->rbp_set = false;
		return true;
	case ZYDIS_MNEMONIC_SUB:
	case ZYDIS_MNEMONIC_ADD:
		if (ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER && ops[0].reg.value == ZYDIS_REGISTER_RSP) {
			if (ops[1].type != ZYDIS_OPERAND_TYPE_IMMEDIATE)
				return false;
			st->rsp += in->mnemonic == ZYDIS_MNEMONIC_SUB ? -ops[1].imm.value.s :
									 ops[1].imm.value.s;
			return true;
		}
		break;
	case ZYDIS_MNEMONIC_MOV:
		if (ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER && ops[0].reg.value == ZYDIS_REGISTER_RBP &&
		    ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER && ops[1].reg.value == ZYDIS_REGISTER_RSP) {
			st->rbp = st->rsp;
			st->rbp_set = true;
			return true;
		}
		break;
	case ZYDIS_MNEMONIC_LEAVE:
		if (!st->rbp_set)
			return false;
		st->rsp = st->rbp + 8;
		st->rbp_set = false;
		return true;
	default:
		break;
	}
	for (i = 0; i < in->operand_count; i++) {
		if (ops[i].type != ZYDIS_OPERAND_TYPE_REGISTER ||
		    !(ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
			continue;
		if (ops[i].reg.value == ZYDIS_REGISTER_RSP)
			return false;
		if (ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, ops[i].reg.value) ==
		    ZYDIS_REGISTER_RBP)
			st->rbp_set = false;
	}
	return true;
}

/* How far the walk of one function goes: instructions visited, at most. */
#define FRAME_WALK_MAX	20000

/* Whether the code of a function reads its own return address: the frame state (%rsp and
 * %rbp relative to %rsp at entry) followed along every path from the entry, through
 * pushes, pops, constant adjustments and `mov %rsp,%rbp`. setjmp and getcontext save it,
 * vfork pops it, dlopen asks it who called (RETURN_ADDRESS), mcount reports it: with a
 * uretprobe, each would get the trampoline. A path where %rsp is lost is not followed;
 * a function too big or odd to walk counts as reading it. */
static bool reads_ret_addr(const unsigned char *code, size_t size, unsigned long long addr)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	ZydisDecodedInstruction in;
	struct frame_state *at, st;
	size_t *work, nr_work = 0, visits = 0, off;
	unsigned int i;
	bool found = false;
	ZyanU64 t;

	at = calloc(size, sizeof(*at));
	work = calloc(size, sizeof(*work));
	if (!at || !work) {
		found = true;
		goto cleanup;
	}
	at[0].seen = true;
	work[nr_work++] = 0;
	while (nr_work && !found) {
		off = work[--nr_work];
		st = at[off];
		for (;;) {
			if (++visits > FRAME_WALK_MAX ||
			    ZYAN_FAILED(ZydisDecoderDecodeFull(&zy.dec, code + off, size - off, &in,
							       ops))) {
				found = true;	/* cannot tell */
				break;
			}
			/* a ret reads it too, to return: the normal way */
			if (in.meta.category != ZYDIS_CATEGORY_RET)
				for (i = 0; i < in.operand_count && !found; i++)
					found = reads_slot(&ops[i], &st);
			if (found || in.meta.category == ZYDIS_CATEGORY_RET ||
			    !step_frame(&in, ops, &st))
				break;
			/* a branch inside: its target gets this state */
			if ((in.meta.category == ZYDIS_CATEGORY_COND_BR ||
			     in.meta.category == ZYDIS_CATEGORY_UNCOND_BR) &&
			    (in.attributes & ZYDIS_ATTRIB_IS_RELATIVE) &&
			    ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&in, &ops[0], addr + off, &t)) &&
			    t >= addr && t < addr + size && !at[t - addr].seen) {
				at[t - addr] = st;
				at[t - addr].seen = true;
				work[nr_work++] = t - addr;
			}
			if (in.meta.category == ZYDIS_CATEGORY_UNCOND_BR)
				break;
			off += in.length;
			if (off >= size || at[off].seen)
				break;
			at[off] = st;
			at[off].seen = true;
		}
	}
cleanup:
	free(work);
	free(at);
	return found;
}

int psite_flow(const struct psite_func *f, const unsigned char *cold, size_t cold_size,
	       unsigned long long cold_addr, struct psite_flow *out)
{
	unsigned long long lo = f->addr, hi = f->addr + f->size;

	out->nr_exits = 0;
	out->calls = out->undecoded = out->jump_table = out->reads_ret_addr = false;
	if (!f->code || !f->size || zy_init())
		return -EINVAL;
	out->reads_ret_addr = reads_ret_addr(f->code, f->size, f->addr);
	scan_part(f->code, f->size, f->addr, 0, lo, hi, cold_addr, cold_addr + cold_size, out);
	if (cold && cold_size)
		scan_part(cold, cold_size, cold_addr, cold_addr - f->addr, lo, hi, cold_addr,
			  cold_addr + cold_size, out);
	return 0;
}
