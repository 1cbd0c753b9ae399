// SPDX-License-Identifier: GPL-2.0
/* Go probe sites from decoded code.
 *
 * Every Go function that may grow its stack starts by comparing the stack pointer with
 * g.stackguard0 (r14 holds the g) and branching to a stub at its end that calls
 * runtime.morestack_noctxt, which copies the stack to a bigger one and restarts the function
 * at its first instruction. A probe on any instruction up to the branch fires again for that
 * restart; after the branch it fires once per call. Go 1.21+ follows the branch with
 * `push %rbp`, which the kernel emulates; Go 1.17-1.20 with `sub $N, %rsp`, which it would
 * single-step (~10 us a hit): there the probe goes on the jbe itself (emulated) and BPF reads
 * the flags the cmp left to count only the pass that falls through. The cmp and jbe write no
 * argument register, so arguments read there are the call's.
 *
 * Returns: a uprobe on each RET. The kernel single-steps `ret`: that is the price of not
 * touching the return address.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <Zydis/Zydis.h>
#include "gosites.h"

#define MAX_PROLOGUE	6	/* instructions before the jbe, at most */
#define MAX_STUB	32	/* instructions of the morestack stub, at most */
#define STACKGUARD0	0x10	/* offsetof(runtime.g, stackguard0): stack (lo, hi), then it */

static struct {
	bool ready;
	ZydisDecoder dec;
} zy;

static bool decode_at(const struct psite_func *f, size_t off, ZydisDecodedInstruction *in,
		      ZydisDecodedOperand *ops)
{
	if (!zy.ready) {
		if (ZYAN_FAILED(ZydisDecoderInit(&zy.dec, ZYDIS_MACHINE_MODE_LONG_64,
						 ZYDIS_STACK_WIDTH_64)))
			return false;
		zy.ready = true;
	}
	return off < f->size &&
	       ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zy.dec, f->code + off, f->size - off, in, ops));
}

static bool is_reg(const ZydisDecodedOperand *op, ZydisRegister reg)
{
	return op->type == ZYDIS_OPERAND_TYPE_REGISTER && op->reg.value == reg;
}

/* The target of a relative branch at @off, or 0. */
static unsigned long long branch_target(const struct psite_func *f, size_t off,
					const ZydisDecodedInstruction *in,
					const ZydisDecodedOperand *ops)
{
	ZyanU64 t;

	if (!(in->attributes & ZYDIS_ATTRIB_IS_RELATIVE) ||
	    ops[0].type != ZYDIS_OPERAND_TYPE_IMMEDIATE ||
	    ZYAN_FAILED(ZydisCalcAbsoluteAddress(in, &ops[0], f->addr + off, &t)))
		return 0;
	return t;
}

/* `cmp 0x10(%r14), %<reg>` */
static bool is_guard_cmp(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops,
			 ZydisRegister reg)
{
	const ZydisDecodedOperand *m;

	if (in->mnemonic != ZYDIS_MNEMONIC_CMP || in->operand_count_visible != 2)
		return false;
	if (is_reg(&ops[0], reg))
		m = &ops[1];
	else if (is_reg(&ops[1], reg))
		m = &ops[0];
	else
		return false;
	return m->type == ZYDIS_OPERAND_TYPE_MEMORY && m->mem.base == ZYDIS_REGISTER_R14 &&
	       m->mem.index == ZYDIS_REGISTER_NONE && m->mem.disp.value == STACKGUARD0;
}

/* Whether the code at @off is the morestack stub: spills, a call, reloads, and a jmp back to
 * the function's first instruction. */
static bool is_morestack_stub(const struct psite_func *f, size_t off)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	ZydisDecodedInstruction in;
	bool called = false;
	int n;

	for (n = 0; n < MAX_STUB && decode_at(f, off, &in, ops); n++, off += in.length) {
		if (in.mnemonic == ZYDIS_MNEMONIC_CALL) {
			if (called)
				return false;
			called = true;
			continue;
		}
		if (in.mnemonic == ZYDIS_MNEMONIC_JMP)
			return called && branch_target(f, off, &in, ops) == f->addr;
		if (in.meta.category != ZYDIS_CATEGORY_DATAXFER &&
		    in.meta.category != ZYDIS_CATEGORY_NOP)
			return false;
	}
	return false;
}

bool go_prologue_find(const struct psite_func *f, struct go_prologue *out)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	ZydisRegister reg = ZYDIS_REGISTER_RSP;
	ZydisDecodedInstruction in;
	struct psite_insn pi;
	unsigned long long t;
	size_t off = 0;
	unsigned int n = 0;

	memset(out, 0, sizeof(*out));
	if (!f->code || !decode_at(f, 0, &in, ops))
		return false;
	/* Frames over 128 bytes compare sp - (frame - 128): `lea -N(%rsp), %r12`; over 4 KiB
	 * with a wrap-around check first: `mov %rsp, %r12; sub $N, %r12; jb stub`. */
	if (in.mnemonic == ZYDIS_MNEMONIC_LEA && is_reg(&ops[0], ZYDIS_REGISTER_R12) &&
	    ops[1].mem.base == ZYDIS_REGISTER_RSP && ops[1].mem.index == ZYDIS_REGISTER_NONE) {
		reg = ZYDIS_REGISTER_R12;
	} else if (in.mnemonic == ZYDIS_MNEMONIC_MOV && is_reg(&ops[0], ZYDIS_REGISTER_R12) &&
		   is_reg(&ops[1], ZYDIS_REGISTER_RSP)) {
		reg = ZYDIS_REGISTER_R12;
		off += in.length;
		n++;
		if (!decode_at(f, off, &in, ops) || in.mnemonic != ZYDIS_MNEMONIC_SUB ||
		    !is_reg(&ops[0], ZYDIS_REGISTER_R12) ||
		    ops[1].type != ZYDIS_OPERAND_TYPE_IMMEDIATE)
			return false;
		off += in.length;
		n++;
		if (!decode_at(f, off, &in, ops) || in.mnemonic != ZYDIS_MNEMONIC_JB)
			return false;
	} else {
		goto cmp;
	}
	off += in.length;
	n++;
	if (!decode_at(f, off, &in, ops))
		return false;
cmp:
	if (!is_guard_cmp(&in, ops, reg))
		return false;
	out->check_off = off;
	psite_classify(f->code + off, f->size - off, f->addr + off, &pi);
	memcpy(out->check, pi.text, sizeof(out->check));
	off += in.length;
	n++;
	if (!decode_at(f, off, &in, ops) || in.mnemonic != ZYDIS_MNEMONIC_JBE)
		return false;
	t = branch_target(f, off, &in, ops);
	if (t <= f->addr + off || t >= f->addr + f->size ||
	    !is_morestack_stub(f, t - f->addr))
		return false;
	out->branch_off = off;
	out->after_off = off + in.length;
	out->stub_off = t - f->addr;
	out->nr_before = n;
	return n <= MAX_PROLOGUE && out->after_off < f->size;
}

bool go_symbol_is_go(const char *name)
{
	size_t n = strlen(name);

	if (!strchr(name, '.') || name[0] == '_' || !strncmp(name, "x_cgo", 5) ||
	    !strncmp(name, "crosscall", 9))
		return false;
	return n < 5 || strcmp(name + n - 5, ".abi0");
}

/* Collects @f's RET instructions into @gs; sets gs->no_ret when its returns cannot be traced
 * by them. Returns 0 or -ENOMEM. */
static int find_rets(const struct psite_func *f, struct go_sites *gs)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	ZydisDecodedInstruction in;
	unsigned long long t;
	size_t off = 0, cap = 0;

	while (off < f->size) {
		if (!decode_at(f, off, &in, ops)) {
			/* Past its last instruction a function is padded with int3; anything
			 * else undecodable means we do not know its code. */
			gs->no_ret = "its code does not decode";
			return 0;
		}
		if (in.meta.category == ZYDIS_CATEGORY_RET) {
			if (gs->nr_rets == cap) {
				unsigned long long *grown;

				cap = cap ? cap * 2 : 4;
				grown = realloc(gs->rets, cap * sizeof(*grown));
				if (!grown)
					return -ENOMEM;
				gs->rets = grown;
			}
			gs->rets[gs->nr_rets++] = off;
			if (gs->nr_rets == 1)
				psite_classify(f->code + off, f->size - off, f->addr + off,
					       &gs->ret);
			else if (gs->ret.cls == PSITE_SSTEP || gs->ret.cls == PSITE_EMULATED) {
				struct psite_insn pi;

				psite_classify(f->code + off, f->size - off, f->addr + off, &pi);
				if (pi.cls == PSITE_REFUSED || pi.cls == PSITE_UNSAFE)
					gs->ret = pi;
			}
		}
		/* A jump out of the function returns through another one's RET (wrappers). */
		if (in.mnemonic == ZYDIS_MNEMONIC_JMP) {
			t = branch_target(f, off, &in, ops);
			if (t && (t < f->addr || t >= f->addr + f->size)) {
				gs->no_ret = "it jumps to another function (a tail call)";
				return 0;
			}
		}
		off += in.length;
	}
	if (!gs->nr_rets)
		gs->no_ret = "it has no RET instruction: it never returns";
	else if (gs->ret.cls == PSITE_REFUSED || gs->ret.cls == PSITE_UNSAFE)
		gs->no_ret = "the kernel cannot probe one of its RET instructions";
	return 0;
}

int go_choose(const struct psite_func *f, bool go_code, struct psite *site, struct go_sites *gs)
{
	struct psite_insn at;
	int err;

	memset(gs, 0, sizeof(*gs));
	if (!f->code || !f->size)
		return -EINVAL;
	gs->has_check = !f->stay && go_prologue_find(f, &gs->prologue);
	if (!gs->has_check && !go_code)
		return 0;
	gs->is_go = true;
	if (gs->has_check) {
		const struct go_prologue *pro = &gs->prologue;

		memset(site, 0, sizeof(*site));
		psite_classify(f->code, f->size, f->addr, &site->first);
		psite_classify(f->code + pro->after_off, f->size - pro->after_off,
			       f->addr + pro->after_off, &at);
		site->verdict = PSITE_MOVED;
		if (at.cls == PSITE_EMULATED) {
			site->off = pro->after_off;
			site->skipped = pro->nr_before + 1;
		} else {
			/* jbe: the kernel emulates every jcc */
			psite_classify(f->code + pro->branch_off, f->size - pro->branch_off,
				       f->addr + pro->branch_off, &at);
			site->off = pro->branch_off;
			site->skipped = pro->nr_before;
			gs->on_branch = true;
		}
		site->at = at;
		if (site->at.cls != PSITE_EMULATED) {
			/* not Go's code after all (a decoder this model does not know) */
			gs->is_go = gs->on_branch = gs->has_check = false;
			return 0;
		}
	} else {
		/* No stack check (a leaf): the first instruction, whose arguments are all
		 * there. Moving on would need the Go argument registers modelled. */
		struct psite_func leaf = *f;

		leaf.stay = "a Go function without a stack check: probed at its first instruction";
		err = psite_choose(&leaf, site);
		if (err)
			return err;
	}
	err = find_rets(f, gs);
	if (err) {
		go_sites_free(gs);
		return err;
	}
	/* For comparisons (scripts/go-bench.sh): what entries alone cost. */
	if (!gs->no_ret && getenv("RTRACE_GO_ENTRIES_ONLY") &&
	    strcmp(getenv("RTRACE_GO_ENTRIES_ONLY"), "0"))
		gs->no_ret = "RTRACE_GO_ENTRIES_ONLY is set";
	return 1;
}

void go_sites_free(struct go_sites *gs)
{
	free(gs->rets);
	gs->rets = NULL;
	gs->nr_rets = 0;
}

void go_print_site(FILE *out, const struct psite *site, const struct go_sites *gs,
		   unsigned long long addr)
{
	size_t i;

	if (gs->has_check && gs->on_branch)
		fprintf(out, "%s (%s), after the stack check `%s`: on its jbe, counted when it "
			"falls through, not at morestack's restart", psite_class_name(site->at.cls),
			site->at.why, gs->prologue.check);
	else if (gs->has_check)
		fprintf(out, "%s (%s), after the stack check `%s; jbe`: once per call",
			psite_class_name(site->at.cls), site->at.why, gs->prologue.check);
	else
		fprintf(out, "%s%s%s%s, no stack check", psite_class_name(site->at.cls),
			site->at.why ? " (" : "", site->at.why ? site->at.why : "",
			site->at.why ? ")" : "");
	if (gs->no_ret) {
		fprintf(out, "; returns not traced: %s", gs->no_ret);
		return;
	}
	fprintf(out, "; %zu RET site%s (%s):", gs->nr_rets, gs->nr_rets == 1 ? "" : "s",
		psite_class_name(gs->ret.cls));
	for (i = 0; i < gs->nr_rets; i++)
		fprintf(out, " %#llx", addr + gs->rets[i]);
}
