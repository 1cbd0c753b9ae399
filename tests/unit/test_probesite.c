/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests for user/probes/probesite.c: the kernel model on single instructions, and where a
 * function's probe goes. Instruction bytes come from objdump of Debian 12's libc and of
 * gcc/as output; what the kernel does with them is checked on the real kernel by
 * tests/integration/probesites.t. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "probes/probesite.h"
#include "tap.h"

#define B(...) ((const unsigned char[]){ __VA_ARGS__ }), sizeof((const unsigned char[]){ __VA_ARGS__ })

static void check_class(const unsigned char *code, size_t len, enum psite_class want,
			const char *why_part, const char *name)
{
	struct psite_insn in;
	int err = psite_classify(code, len, 0x1000, &in);

	if (want == PSITE_REFUSED && why_part && !strcmp(why_part, "bad"))
		CHECK_INT(err, -ENOEXEC, "undecodable: -ENOEXEC");
	else
		CHECK_INT(err, 0, "decodes");
	if (in.cls != want)
		printf("# %s: got %s (%s), want %s\n", in.text, psite_class_name(in.cls),
		       in.why ? in.why : "-", psite_class_name(want));
	CHECK(in.cls == want, "%s: %s", name, psite_class_name(want));
	if (why_part && strcmp(why_part, "bad"))
		CHECK(in.why && strstr(in.why, why_part), "%s: says '%s' (%s)", name, why_part,
		      in.why ? in.why : "nothing");
}

static void test_classify(void)
{
	struct psite_insn in;

	/* emulated by the kernel */
	check_class(B(0x55), PSITE_EMULATED, "push", "push %rbp");
	check_class(B(0x41, 0x54), PSITE_EMULATED, "push", "push %r12");
	check_class(B(0x74, 0x05), PSITE_EMULATED, "jcc", "je rel8");
	check_class(B(0x0f, 0x84, 0x10, 0, 0, 0), PSITE_EMULATED, "jcc", "je rel32");
	check_class(B(0xe8, 0x10, 0, 0, 0), PSITE_EMULATED, "call", "call rel32");
	check_class(B(0xe9, 0x10, 0, 0, 0), PSITE_EMULATED, "jmp", "jmp rel32");
	check_class(B(0xeb, 0x10), PSITE_EMULATED, "jmp", "jmp rel8");
	check_class(B(0xf2, 0xe9, 0x10, 0, 0, 0), PSITE_EMULATED, "jmp", "bnd jmp");
	check_class(B(0x90), PSITE_EMULATED, "nop", "nop");
	check_class(B(0x66, 0x90), PSITE_EMULATED, "nop", "xchg %ax,%ax");
	check_class(B(0xf3, 0x90), PSITE_EMULATED, "nop", "pause");
	check_class(B(0x0f, 0x1f, 0x44, 0x00, 0x00), PSITE_EMULATED, "nop", "nopl 0x0(%rax,%rax,1)");
	/* single-stepped, right */
	check_class(B(0xf3, 0x0f, 0x1e, 0xfa), PSITE_SSTEP, NULL, "endbr64");
	check_class(B(0x48, 0x89, 0xf8), PSITE_SSTEP, NULL, "mov %rdi,%rax");
	check_class(B(0x48, 0x83, 0xec, 0x18), PSITE_SSTEP, NULL, "sub $0x18,%rsp");
	check_class(B(0x85, 0xff), PSITE_SSTEP, NULL, "test %edi,%edi");
	check_class(B(0x48, 0x8b, 0x05, 0x10, 0, 0, 0), PSITE_SSTEP, NULL, "mov rip-rel,%rax");
	check_class(B(0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0), PSITE_SSTEP, NULL,
		    "mov %fs:0x28,%rax");
	check_class(B(0x66, 0x0f, 0x6e, 0xce), PSITE_SSTEP, NULL, "movd %esi,%xmm1 (SSE)");
	check_class(B(0x48, 0x55), PSITE_SSTEP, NULL, "rex.w push %rbp: not the 41 form");
	check_class(B(0xc3), PSITE_SSTEP, NULL, "ret");
	check_class(B(0x9d), PSITE_SSTEP, NULL, "popf: fixed up");
	check_class(B(0xf3, 0xc3), PSITE_SSTEP, NULL, "rep ret: not a string instruction");
	check_class(B(0xc4, 0xe2, 0x7d, 0x58, 0xc0), PSITE_SSTEP, NULL,
		    "vpbroadcastd %xmm0,%ymm0 (VEX 58: a pop, single-stepped right)");
	/* refused by the kernel */
	check_class(B(0xf0, 0x83, 0x04, 0x24, 0x00), PSITE_REFUSED, "lock", "lock addl");
	check_class(B(0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0), PSITE_REFUSED, "prefix",
		    "cs nopw");
	check_class(B(0x3e, 0xff, 0xe0), PSITE_REFUSED, "prefix", "notrack jmp *%rax");
	check_class(B(0x66, 0xe9, 0x10, 0x00, 0x00, 0x00), PSITE_REFUSED, "16-bit", "jmpw");
	check_class(B(0x8e, 0xd0), PSITE_REFUSED, "%ss", "mov %eax,%ss");
	check_class(B(0xc5, 0xf9, 0x6e, 0xce), PSITE_REFUSED, "VEX", "vmovd %esi,%xmm1 (VEX 6e)");
	check_class(B(0xc5, 0xfe, 0x6f, 0x06), PSITE_REFUSED, "VEX", "vmovdqu (%rsi),%ymm0");
	check_class(B(0xc5, 0xf1, 0xef, 0xc9), PSITE_REFUSED, "VEX", "vpxor (VEX ef)");
	check_class(B(0x62, 0xe1, 0xfe, 0x28, 0x6f, 0x06), PSITE_REFUSED, "VEX",
		    "vmovdqu64 (%rsi),%ymm16 (EVEX 6f)");
	check_class(B(0x06), PSITE_REFUSED, "bad", "push %es: not valid in 64-bit mode");
	/* accepted, then run wrongly */
	check_class(B(0x62, 0xa2, 0x7d, 0x28, 0x7c, 0xce), PSITE_UNSAFE, "conditional jump",
		    "vpbroadcastd %esi,%ymm17 (EVEX 7c = jl)");
	check_class(B(0x62, 0xf2, 0x7d, 0x28, 0x7c, 0xce), PSITE_UNSAFE, "conditional jump",
		    "vpbroadcastd %esi,%ymm1 (EVEX, low register)");
	check_class(B(0x62, 0xf2, 0x7d, 0x48, 0x7c, 0xd6), PSITE_UNSAFE, "conditional jump",
		    "vpbroadcastd %esi,%zmm2");
	check_class(B(0xc4, 0xe2, 0x7d, 0x78, 0xc0), PSITE_UNSAFE, "conditional jump",
		    "vpbroadcastb %xmm0,%ymm0 (VEX 78 = js)");
	check_class(B(0xc5, 0xf8, 0x77), PSITE_UNSAFE, "conditional jump", "vzeroupper (77 = ja)");
	check_class(B(0xc5, 0xfd, 0x74, 0x0f), PSITE_UNSAFE, "conditional jump",
		    "vpcmpeqb (%rdi),%ymm0,%ymm1 (74 = je)");
	check_class(B(0xc5, 0xf8, 0xc2, 0xc1, 0x00), PSITE_UNSAFE, "ret", "vcmpeqps (c2 = ret imm)");
	check_class(B(0xc4, 0xe2, 0x79, 0x9d, 0xc1), PSITE_UNSAFE, "popf",
		    "vfnmadd132ss (VEX 9d = popf)");
	check_class(B(0x41, 0x90), PSITE_UNSAFE, "nop", "xchg %eax,%r8d (41 90)");
	/* accepted (0f passes good_insns_64, so good_2byte_insns is never read), then wrong */
	check_class(B(0x0f, 0x05), PSITE_UNSAFE, "SIGSEGV", "syscall");
	check_class(B(0x9c), PSITE_UNSAFE, "trap flag", "pushf");
	check_class(B(0xf3, 0x48, 0xab), PSITE_UNSAFE, "iteration", "rep stos");
	check_class(B(0x48, 0xab), PSITE_SSTEP, NULL, "stos without rep");

	/* the text, objdump-like */
	psite_classify(B(0x48, 0x8b, 0x05, 0x10, 0, 0, 0), 0x1000, &in);
	CHECK_STR(in.text, "mov 0x10(%rip), %rax", "AT&T text, rip-relative as objdump");
	CHECK_STR(in.encoding, "legacy", "encoding named");
	psite_classify(B(0x62, 0xa2, 0x7d, 0x28, 0x7c, 0xce), 0, &in);
	CHECK_STR(in.text, "vpbroadcastd %esi, %ymm17", "EVEX text");
	CHECK_STR(in.encoding, "EVEX", "EVEX named");
	CHECK_INT(in.len, 6, "EVEX length");
	CHECK_INT(psite_classify(B(0x62, 0xa2), 0, &in), -ENOEXEC, "truncated: -ENOEXEC");
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* choose() on code at 0x1000 with the given entries (other symbols). */
static int choose(const unsigned char *code, size_t len, unsigned int arg_regs,
		  const unsigned long long *entries, size_t nr, struct psite *ps)
{
	struct psite_func f = {
		.code = code, .size = len, .addr = 0x1000, .arg_regs = arg_regs,
		.entries = entries, .nr_entries = nr,
	};

	return psite_choose(&f, ps);
}

static void test_choose(void)
{
	static const unsigned long long other[] = { 0x800, 0x1000, 0x1003, 0x2000 };
	struct psite ps;
	char buf[160];

	/* mov %rdi,%rax; test %rsi,%rsi; je +2; ret; ret */
	static const unsigned char mtj[] = { 0x48, 0x89, 0xf8, 0x48, 0x85, 0xf6, 0x74, 0x01,
					     0xc3, 0xc3 };
	CHECK_INT(choose(mtj, sizeof(mtj), 0x3, NULL, 0, &ps), 0, "mov; test; je: chosen");
	CHECK_INT(ps.verdict, PSITE_MOVED, "mov; test; je: moved");
	CHECK_INT(ps.off, 6, "mov; test; je: onto the je");
	CHECK_INT(ps.skipped, 2, "mov; test; je: 2 skipped");
	CHECK_INT(ps.at.cls, PSITE_EMULATED, "mov; test; je: emulated there");
	CHECK_STR(ps.first.text, "mov %rdi, %rax", "first instruction kept for --list");
	/* another function's entry at 0x1003: not past it */
	choose(mtj, sizeof(mtj), 0, other, 4, &ps);
	CHECK_INT(ps.verdict, PSITE_AT_ENTRY, "entry of another symbol inside: stays");
	CHECK_STR(psite_stop(&ps, buf, sizeof(buf)),
		  "`test %rsi, %rsi`: a branch or another function enters at it", "says why");

	/* mov %rsi,%rdi; je: rdi is argument 0 */
	static const unsigned char clobber[] = { 0x48, 0x89, 0xf7, 0x74, 0x01, 0xc3, 0xc3 };
	choose(clobber, sizeof(clobber), 0x1, NULL, 0, &ps);
	CHECK_INT(ps.verdict, PSITE_AT_ENTRY, "writes an argument read: stays");
	CHECK_INT(ps.off, 0, "stays at 0");
	CHECK(ps.why && strstr(ps.why, "argument"), "why: argument");
	choose(clobber, sizeof(clobber), 0x2, NULL, 0, &ps);
	CHECK_INT(ps.off, 3, "an argument not read: moves");

	/* sub $0x18,%rsp; call */
	static const unsigned char subrsp[] = { 0x48, 0x83, 0xec, 0x18, 0xe8, 0, 0, 0, 0, 0xc3 };
	choose(subrsp, sizeof(subrsp), 0, NULL, 0, &ps);
	CHECK_INT(ps.verdict, PSITE_AT_ENTRY, "sub rsp: stays (the uretprobe needs rsp)");
	CHECK(ps.why && strstr(ps.why, "stack pointer"), "why: stack pointer");

	/* mov %rdi,(%rsp)... writes memory */
	static const unsigned char store[] = { 0x48, 0x89, 0x3c, 0x24, 0x55, 0xc3 };
	choose(store, sizeof(store), 0, NULL, 0, &ps);
	CHECK_INT(ps.verdict, PSITE_AT_ENTRY, "a store: stays");
	CHECK(ps.why && strstr(ps.why, "memory"), "why: memory");

	/* mov %rdi,%rax; test; je 1f; ...; 1: jmp back to +3 (a loop into the skipped part) */
	static const unsigned char loop[] = { 0x48, 0x89, 0xf8, 0x48, 0x85, 0xf6, 0x74, 0x01,
					      0xc3, 0xeb, 0xf8 };
	choose(loop, sizeof(loop), 0, NULL, 0, &ps);
	CHECK_INT(ps.verdict, PSITE_AT_ENTRY, "a branch lands in the skipped part: stays");

	/* a jump table (jmp *%rax) may land anywhere */
	static const unsigned char table[] = { 0x48, 0x89, 0xf8, 0x74, 0x02, 0xff, 0xe0, 0xc3 };
	choose(table, sizeof(table), 0, NULL, 0, &ps);
	CHECK_INT(ps.verdict, PSITE_AT_ENTRY, "jmp *%rax in the function: stays");

	/* __wcschr_evex: vpbroadcastd %esi,%ymm17; mov %edi,%eax; and $0xfff,%eax;
	 * cmp $0xfe0,%eax; ja */
	static const unsigned char evex[] = { 0x62, 0xa2, 0x7d, 0x28, 0x7c, 0xce, 0x89, 0xf8,
					      0x25, 0xff, 0x0f, 0x00, 0x00, 0x3d, 0xe0, 0x0f,
					      0x00, 0x00, 0x77, 0x01, 0xc3, 0xc3 };
	choose(evex, sizeof(evex), 0x3, NULL, 0, &ps);
	CHECK_INT(ps.verdict, PSITE_MOVED, "EVEX first: moved");
	CHECK_INT(ps.off, 18, "onto the ja");
	CHECK_INT(ps.first.cls, PSITE_UNSAFE, "first was unsafe");

	/* EVEX first, then a store: the store itself takes the probe (single-stepped) */
	static const unsigned char evex_st[] = { 0x62, 0xa2, 0x7d, 0x28, 0x7c, 0xce, 0x89, 0x37,
						 0x55, 0xc3 };
	choose(evex_st, sizeof(evex_st), 0, NULL, 0, &ps);
	CHECK(ps.verdict == PSITE_MOVED && ps.off == 6 && ps.at.cls == PSITE_SSTEP,
	      "EVEX then a store: on the store, single-stepped");
	CHECK_STR(psite_stop(&ps, buf, sizeof(buf)), "`mov %esi, (%rdi)`: it writes memory",
		  "and says why not further");

	/* an unsafe EVEX store first: nowhere to go */
	static const unsigned char evex_store[] = { 0x62, 0xe1, 0xfe, 0x28, 0x7f, 0x07, 0x55,
						    0xc3 };
	choose(evex_store, sizeof(evex_store), 0, NULL, 0, &ps);
	CHECK_INT(ps.verdict, PSITE_REFUSE, "EVEX store first: refused");
	CHECK_STR(psite_stop(&ps, buf, sizeof(buf)),
		  "`vmovdqu64y %ymm16, (%rdi)`: it writes memory", "refusal says why");
	CHECK(ps.first.why && strstr(ps.first.why, "conditional jump"),
	      "and why the first is unsafe");

	/* an unsafe VEX write to an argument register read: refused; not read: moved */
	static const unsigned char vex_arg[] = { 0xc5, 0xf9, 0x7e, 0xc7, 0x55, 0xc3 };
	choose(vex_arg, sizeof(vex_arg), 0x1, NULL, 0, &ps);
	CHECK_INT(ps.verdict, PSITE_REFUSE, "vmovd %xmm0,%edi with rdi read: refused");
	choose(vex_arg, sizeof(vex_arg), 0x2, NULL, 0, &ps);
	CHECK(ps.verdict == PSITE_MOVED && ps.off == 4, "rdi not read: moved onto the push");

	/* VEX refused first, then a single-stepped mov, then ret: the mov (safe, slow) */
	static const unsigned char vex_mov[] = { 0xc5, 0xf9, 0x6e, 0xce, 0x48, 0x89, 0xf8, 0xc3 };
	choose(vex_mov, sizeof(vex_mov), 0, NULL, 0, &ps);
	CHECK_INT(ps.verdict, PSITE_MOVED, "VEX then mov then ret: moved");
	CHECK_INT(ps.off, 4, "onto the mov");
	CHECK_INT(ps.at.cls, PSITE_SSTEP, "single-stepped there");

	/* endbr64; push %rbp */
	static const unsigned char cet[] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0xc3 };
	choose(cet, sizeof(cet), 0x3f, NULL, 0, &ps);
	CHECK_INT(ps.off, 4, "endbr64: onto the push");
	CHECK_INT(ps.at.cls, PSITE_EMULATED, "endbr64: emulated push");

	/* mov %eax,%ss; ret: not past a segment load */
	static const unsigned char movss[] = { 0x8e, 0xd0, 0xc3 };
	choose(movss, sizeof(movss), 0, NULL, 0, &ps);
	CHECK_INT(ps.verdict, PSITE_REFUSE, "mov %eax,%ss; ret: refused");
	CHECK_STR(psite_stop(&ps, buf, sizeof(buf)), "`mov %ax, %ss`: it changes control state",
		  "mov to %ss: why");

	/* push first: nothing to do */
	static const unsigned char push[] = { 0x55, 0xc3 };
	choose(push, sizeof(push), 0x3f, NULL, 0, &ps);
	CHECK(ps.verdict == PSITE_AT_ENTRY && ps.off == 0 && !ps.why, "push first: at entry");

	/* stay: first byte whatever comes after, refused if unsafe */
	struct psite_func f = { .code = cet, .size = sizeof(cet), .addr = 0x1000, .stay = "naive" };
	psite_choose(&f, &ps);
	CHECK(ps.verdict == PSITE_AT_ENTRY && ps.off == 0, "stay: first byte");
	f.code = evex;
	f.size = sizeof(evex);
	psite_choose(&f, &ps);
	CHECK_INT(ps.verdict, PSITE_REFUSE, "stay on unsafe: refused");

	CHECK_INT(choose(cet, 0, 0, NULL, 0, &ps), -EINVAL, "no code: -EINVAL");
}

/* glibc's pair: mempcpy (mov; add; jmp into memcpy) and memcpy (mov; cmp; jb), the jmp
 * landing on memcpy's cmp. Swept, the module says so and memcpy's probe stays put. */
static void test_targets(void)
{
	static const unsigned char code[] = {
		/* 0x1000 mempcpy */ 0x48, 0x89, 0xf8, 0x48, 0x01, 0xd0, 0xeb, 0x0b,
		/* 0x1008 */ 0x0f, 0x0b, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,	/* ud2, padding */
		/* 0x1010 memcpy */ 0x48, 0x89, 0xf8,
		/* 0x1013 */ 0x48, 0x83, 0xfa, 0x40, 0x72, 0x01, 0xc3, 0xe8, 0xe9, 0xff, 0xff, 0xff,
		/* 0x101f */ 0xc3,
	};
	struct psite_targets t = {};
	unsigned long long entries[8];
	struct psite ps;
	size_t i;

	static const unsigned long long starts[] = { 0x1000, 0x1010 };
	CHECK_INT(psite_branch_targets(code, sizeof(code), 0x1000, starts, 2, &t), 0, "sweep: 0");
	CHECK_INT(t.nr, 3, "sweep: a jmp, a jb and a call");
	if (t.nr == 3) {
		CHECK_INT(t.addrs[0], 0x1013, "jmp rel8 into memcpy's cmp");
		CHECK_INT(t.addrs[1], 0x101a, "jb rel8 forward");
		CHECK_INT(t.addrs[2], 0x1008, "call rel32 backward");
	}
	struct psite_func f = { .code = code + 0x10, .size = 0x10, .addr = 0x1010, .arg_regs = 0x7 };
	psite_choose(&f, &ps);
	CHECK(ps.verdict == PSITE_MOVED && ps.off == 7, "memcpy alone: moved onto its jb");
	entries[0] = 0x1000;
	entries[1] = 0x1010;
	for (i = 0; i < t.nr && i < 3; i++)
		entries[2 + i] = t.addrs[i];
	qsort(entries, 2 + i, sizeof(entries[0]), cmp_ull);
	f.entries = entries;
	f.nr_entries = 2 + i;
	psite_choose(&f, &ps);
	CHECK(ps.verdict == PSITE_AT_ENTRY && ps.off == 0, "memcpy entered at +3: not moved");
	CHECK_STR(ps.why, "a branch or another function enters at it", "memcpy: why");
	f.swept = true;
	psite_choose(&f, &ps);
	CHECK(ps.verdict == PSITE_AT_ENTRY && ps.off == 0, "swept: the same from the list alone");
	f.jump_table = true;
	f.entries = NULL;
	f.nr_entries = 0;
	psite_choose(&f, &ps);
	CHECK(ps.verdict == PSITE_AT_ENTRY && ps.off == 0, "swept, a jump table: not moved");
	free(t.addrs);

	/* A byte before a function that starts a longer instruction (b8: mov $imm32) would
	 * swallow the function's jmp: the sweep starts again at the function's first byte. */
	static const unsigned char skew[] = { 0xcc, 0xb8, /* g: */ 0xeb, 0x02, 0x90, 0x90, 0xc3 };
	static const unsigned long long g_start[] = { 0x2002 };
	struct psite_targets u = {};
	psite_branch_targets(skew, sizeof(skew), 0x2000, NULL, 0, &u);
	CHECK_INT(u.nr, 0, "out of step: the jmp is swallowed");
	u.nr = 0;
	psite_branch_targets(skew, sizeof(skew), 0x2000, g_start, 1, &u);
	CHECK(u.nr == 1 && u.addrs[0] == 0x2006, "in step again at g: its jmp's target");
	free(u.addrs);
}

static void test_flow(void)
{
	struct psite_exit exits[8];
	struct psite_flow fl = { .exits = exits, .max_exits = 8 };
	struct psite_func f = { .addr = 0x1000 };

	/* leaf: test; je 1f; mov; ret; 1: xor; ret */
	static const unsigned char leaf[] = { 0x85, 0xff, 0x74, 0x03, 0x89, 0xf8, 0xc3, 0x31,
					      0xc0, 0xc3 };
	f.code = leaf;
	f.size = sizeof(leaf);
	CHECK_INT(psite_flow(&f, NULL, 0, 0, &fl), 0, "flow: leaf");
	CHECK(!fl.calls && !fl.jump_table && !fl.undecoded, "leaf: calls nothing");
	CHECK(fl.nr_exits == 2 && exits[0].off == 6 && exits[1].off == 9 &&
	      exits[0].kind == PSITE_EXIT_RET && exits[1].cls == PSITE_SSTEP,
	      "leaf: two rets, at 6 and 9, single-stepped");

	/* push; call rel32; pop; ret */
	static const unsigned char caller[] = { 0x55, 0xe8, 0x10, 0, 0, 0, 0x5d, 0xc3 };
	f.code = caller;
	f.size = sizeof(caller);
	psite_flow(&f, NULL, 0, 0, &fl);
	CHECK(fl.calls && fl.nr_exits == 1 && exits[0].off == 7, "a call: calls, one ret");

	/* xor %r8d,%r8d; jmp rel32 out (qsort's tail call) */
	static const unsigned char tail[] = { 0x45, 0x31, 0xc0, 0xe9, 0x00, 0x10, 0, 0 };
	f.code = tail;
	f.size = sizeof(tail);
	psite_flow(&f, NULL, 0, 0, &fl);
	CHECK(fl.calls && fl.nr_exits == 1 && exits[0].off == 3 &&
	      exits[0].kind == PSITE_EXIT_TAIL && exits[0].cls == PSITE_EMULATED,
	      "a jmp out: a tail-call exit, emulated");

	/* jmp back inside, then ret: no tail call */
	static const unsigned char loop[] = { 0xff, 0xcf, 0x75, 0xfc, 0xc3 };
	f.code = loop;
	f.size = sizeof(loop);
	psite_flow(&f, NULL, 0, 0, &fl);
	CHECK(!fl.calls && fl.nr_exits == 1, "a loop inside: one ret, no call");

	/* jmp *0x10(%rip) (a GOT tail call) and jmp *0x18(%rax) (a vtable one) */
	static const unsigned char ind[] = { 0xff, 0x25, 0x10, 0, 0, 0, 0xff, 0x60, 0x18 };
	f.code = ind;
	f.size = sizeof(ind);
	psite_flow(&f, NULL, 0, 0, &fl);
	CHECK(fl.nr_exits == 2 && exits[0].kind == PSITE_EXIT_TAIL &&
	      exits[1].kind == PSITE_EXIT_TAIL && !fl.jump_table,
	      "jmps through memory: tail calls");

	/* a switch: jmp *%rax */
	static const unsigned char sw[] = { 0xff, 0xe0, 0xc3 };
	f.code = sw;
	f.size = sizeof(sw);
	psite_flow(&f, NULL, 0, 0, &fl);
	CHECK(fl.jump_table && fl.nr_exits == 1, "jmp *%%rax: a jump table, not an exit");

	/* a .cold part at 0x3000 that returns, and jumps back into the hot part */
	static const unsigned char hot[] = { 0x85, 0xff, 0x0f, 0x84, 0xf8, 0x1f, 0, 0, 0xc3 };
	static const unsigned char cold[] = { 0x31, 0xc0, 0xc3, 0xe9, 0xf8, 0xdf, 0xff, 0xff };
	f.code = hot;
	f.size = sizeof(hot);
	psite_flow(&f, cold, sizeof(cold), 0x3000, &fl);
	CHECK(fl.nr_exits == 2 && exits[0].off == 8 && exits[1].off == 0x2002 &&
	      !fl.calls, "a cold part: its ret is an exit, its jmp back is not a tail call");

	/* more exits than room: counted */
	static const unsigned char rets[] = { 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3,
					      0xc3 };
	f.code = rets;
	f.size = sizeof(rets);
	psite_flow(&f, NULL, 0, 0, &fl);
	CHECK_INT(fl.nr_exits, 10, "10 rets counted with room for 8");

	/* who reads its own return address */
	const struct {
		const unsigned char *code;
		size_t len;
		bool reads;
		const char *name;
	} ra[] = {
		{ B(0x48, 0x89, 0x1f, 0x48, 0x8b, 0x04, 0x24, 0xc3), true,
		  "setjmp: mov (%rsp),%rax" },
		{ B(0x5f, 0x0f, 0x05, 0x57, 0xc3), true, "vfork: pop %rdi first" },
		{ B(0x53, 0x48, 0x83, 0xec, 0x30, 0x48, 0x85, 0xff, 0x74, 0x06, 0x48, 0x83, 0xc4,
		    0x30, 0x5b, 0xc3, 0x48, 0x8b, 0x54, 0x24, 0x38, 0x48, 0x83, 0xc4, 0x30, 0x5b,
		    0xc3), true, "dlopen: mov 0x38(%rsp),%rdx past a branch and an epilogue" },
		{ B(0x55, 0x48, 0x89, 0xe5, 0x48, 0x8b, 0x45, 0x08, 0x5d, 0xc3), true,
		  "frame pointer: mov 0x8(%rbp),%rax" },
		{ B(0x55, 0x48, 0x8b, 0x04, 0x24, 0x5d, 0xc3), false,
		  "push; mov (%rsp),%rax reads the saved %rbp" },
		{ B(0x48, 0x83, 0xec, 0x18, 0x48, 0x8b, 0x44, 0x24, 0x08, 0x48, 0x83, 0xc4, 0x18,
		    0xc3), false, "a local at 8(%rsp) after sub $0x18" },
		{ B(0x48, 0x89, 0xf8, 0xc3), false, "mov; ret: the ret itself does not count" },
	};
	for (size_t k = 0; k < sizeof(ra) / sizeof(ra[0]); k++) {
		f.code = ra[k].code;
		f.size = ra[k].len;
		psite_flow(&f, NULL, 0, 0, &fl);
		CHECK(fl.reads_ret_addr == ra[k].reads, "%s: %s", ra[k].name,
		      ra[k].reads ? "reads its return address" : "does not");
	}

	f.size = 0;
	CHECK_INT(psite_flow(&f, NULL, 0, 0, &fl), -EINVAL, "no code: -EINVAL");
}

int main(void)
{
	printf("TAP version 13\n");
	test_classify();
	test_choose();
	test_targets();
	test_flow();
	return tap_done();
}
