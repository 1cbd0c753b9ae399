/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests for Go support: the stack-check prologue and RET sites on byte arrays
 * (user/probes/gosites.c, forms as Go 1.19 and 1.21+ emit them), and Go's register ABI assignment on
 * hand-built types (user/dwarf/go_abi.c), checked against go.dev/s/regabi's rules. */
#include <string.h>
#include <unistd.h>
#include <dwarf.h>
#include "dwarf/dwarf_priv.h"
#include "syms/elf_syms.h"
#include "dwarf/go_abi.h"
#include "dwarf/proto_codec.h"
#include "probes/gosites.h"
#include "tap.h"

#define ADDR 0x401000ULL

static struct psite_func fn(const unsigned char *code, size_t size)
{
	return (struct psite_func){ .code = code, .size = size, .addr = ADDR };
}

/* Go 1.19, a small frame: cmp; jbe stub; sub $0x18,%rsp; add; ret; the stub spills, calls
 * morestack_noctxt and jumps back to the first byte. */
static const unsigned char go119[] = {
	0x49, 0x3b, 0x66, 0x10,			/* +00 cmp 0x10(%r14),%rsp */
	0x76, 0x09,				/* +04 jbe +0x0f */
	0x48, 0x83, 0xec, 0x18,			/* +06 sub $0x18,%rsp */
	0x48, 0x83, 0xc4, 0x18,			/* +0a add $0x18,%rsp */
	0xc3,					/* +0e ret */
	0x48, 0x89, 0x44, 0x24, 0x08,		/* +0f mov %rax,0x8(%rsp) */
	0xe8, 0x00, 0x00, 0x00, 0x00,		/* +14 call morestack_noctxt */
	0x48, 0x8b, 0x44, 0x24, 0x08,		/* +19 mov 0x8(%rsp),%rax */
	0xeb, 0xe0,				/* +1e jmp +0 */
	0xcc, 0xcc,
};

/* Go 1.21+: the check, then push %rbp (emulated). */
static const unsigned char go121[] = {
	0x49, 0x3b, 0x66, 0x10,			/* +00 cmp 0x10(%r14),%rsp */
	0x76, 0x06,				/* +04 jbe +0x0c */
	0x55,					/* +06 push %rbp */
	0x48, 0x89, 0xe5,			/* +07 mov %rsp,%rbp */
	0x5d,					/* +0a pop %rbp */
	0xc3,					/* +0b ret */
	0xe8, 0x00, 0x00, 0x00, 0x00,		/* +0c call morestack_noctxt */
	0xeb, 0xed,				/* +11 jmp +0 */
};

/* A frame over 128 bytes: lea -N(%rsp),%r12; cmp 0x10(%r14),%r12; jbe rel32. */
static const unsigned char golea[] = {
	0x4c, 0x8d, 0xa4, 0x24, 0x58, 0xfe, 0xff, 0xff,	/* +00 lea -0x1a8(%rsp),%r12 */
	0x4d, 0x3b, 0x66, 0x10,			/* +08 cmp 0x10(%r14),%r12 */
	0x0f, 0x86, 0x0f, 0x00, 0x00, 0x00,	/* +0c jbe +0x21 */
	0x48, 0x81, 0xec, 0x28, 0x02, 0x00, 0x00,	/* +12 sub $0x228,%rsp */
	0xc3,					/* +19 ret */
	0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,	/* +1a */
	0xe8, 0x00, 0x00, 0x00, 0x00,		/* +21 call morestack_noctxt */
	0xeb, 0xd8,				/* +26 jmp +0 */
};

/* Over 4 KiB: mov %rsp,%r12; sub $N,%r12; jb stub; cmp 0x10(%r14),%r12; jbe stub. */
static const unsigned char gobig[] = {
	0x49, 0x89, 0xe4,			/* +00 mov %rsp,%r12 */
	0x49, 0x81, 0xec, 0x00, 0x20, 0x00, 0x00,	/* +03 sub $0x2000,%r12 */
	0x72, 0x0e,				/* +0a jb +0x1a */
	0x4d, 0x3b, 0x66, 0x10,			/* +0c cmp 0x10(%r14),%r12 */
	0x76, 0x08,				/* +10 jbe +0x1a */
	0x48, 0x81, 0xec, 0x00, 0x20, 0x00, 0x00,	/* +12 sub $0x2000,%rsp */
	0xc3,					/* +19 ret */
	0xe8, 0x00, 0x00, 0x00, 0x00,		/* +1a call morestack_noctxt */
	0xeb, 0xdf,				/* +1f jmp +0 */
};

static void test_prologues(void)
{
	struct go_prologue pro;
	struct go_sites gs;
	struct psite site;
	struct psite_func f;

	f = fn(go119, sizeof(go119));
	CHECK(go_prologue_find(&f, &pro), "go1.19: stack check found");
	CHECK_INT(pro.check_off, 0, "go1.19: cmp at +0");
	CHECK_INT(pro.branch_off, 4, "go1.19: jbe at +4");
	CHECK_INT(pro.stub_off, 0xf, "go1.19: stub at +0xf");
	CHECK_STR(pro.check, "cmp 0x10(%r14), %rsp", "go1.19: the check's text");
	CHECK_INT(go_choose(&f, false, &site, &gs), 1, "go1.19: Go code");
	CHECK(gs.on_branch, "go1.19: `sub` would be single-stepped: the probe sits on the jbe");
	CHECK_INT(site.off, 4, "go1.19: probe at +4");
	CHECK(site.at.cls == PSITE_EMULATED, "go1.19: the jbe is emulated");
	CHECK_INT(gs.nr_rets, 1, "go1.19: one RET");
	CHECK_INT(gs.nr_rets ? gs.rets[0] : 0, 0xe, "go1.19: RET at +0xe");
	CHECK(gs.ret.cls == PSITE_SSTEP, "go1.19: a ret is single-stepped");
	CHECK(!gs.no_ret, "go1.19: returns traced");
	go_sites_free(&gs);

	f = fn(go121, sizeof(go121));
	CHECK_INT(go_choose(&f, false, &site, &gs), 1, "go1.21: Go code");
	CHECK(!gs.on_branch, "go1.21: after the jbe, on push %%rbp");
	CHECK_INT(site.off, 6, "go1.21: probe at +6");
	CHECK_STR(site.at.why, "push", "go1.21: push is emulated");
	CHECK_INT(gs.nr_rets, 1, "go1.21: one RET");
	go_sites_free(&gs);

	f = fn(golea, sizeof(golea));
	CHECK(go_prologue_find(&f, &pro), "lea form: found");
	CHECK_INT(pro.branch_off, 0xc, "lea form: jbe at +0xc");
	CHECK_STR(pro.check, "cmp 0x10(%r14), %r12", "lea form: compares r12");
	CHECK_INT(pro.nr_before, 2, "lea form: 2 instructions before the jbe");

	f = fn(gobig, sizeof(gobig));
	CHECK(go_prologue_find(&f, &pro), "huge frame: found");
	CHECK_INT(pro.branch_off, 0x10, "huge frame: the jbe at +0x10, after the jb");
}

static void test_not_go(void)
{
	unsigned char buf[64];
	struct go_prologue pro;
	struct go_sites gs;
	struct psite site;
	struct psite_func f;
	static const unsigned char c_fn[] = {
		0x55, 0x48, 0x89, 0xe5, 0x89, 0xf8, 0x5d, 0xc3,	/* push; mov; mov; pop; ret */
	};
	static const unsigned char tail[] = {
		0x48, 0x89, 0xcb,				/* mov %rcx,%rbx */
		0xe9, 0x00, 0x10, 0x00, 0x00,			/* jmp elsewhere */
	};

	f = fn(c_fn, sizeof(c_fn));
	CHECK(!go_prologue_find(&f, &pro), "C: no stack check");
	CHECK_INT(go_choose(&f, false, &site, &gs), 0, "C, not Go by name or DWARF: C rules");
	CHECK_INT(go_choose(&f, true, &site, &gs), 1, "a Go leaf without a check: Go code");
	CHECK_INT(site.off, 0, "a leaf: probed at its first instruction");
	CHECK_INT(gs.nr_rets, 1, "a leaf: its RET");
	go_sites_free(&gs);

	/* the stub must jump back to the start: elsewhere, it is not morestack's */
	memcpy(buf, go119, sizeof(go119));
	buf[0x1f] = 0xe1;
	f = fn(buf, sizeof(go119));
	CHECK(!go_prologue_find(&f, &pro), "a stub that does not restart the function: no check");
	/* another field of g than stackguard0 */
	memcpy(buf, go119, sizeof(go119));
	buf[3] = 0x18;
	CHECK(!go_prologue_find(&f, &pro), "cmp 0x18(%%r14): not the stack check");

	f = fn(tail, sizeof(tail));
	CHECK_INT(go_choose(&f, true, &site, &gs), 1, "a wrapper: Go code");
	CHECK(gs.no_ret && strstr(gs.no_ret, "tail call"), "a wrapper's jmp out: no returns (%s)",
	      gs.no_ret ? gs.no_ret : "-");
	go_sites_free(&gs);

	CHECK(go_symbol_is_go("main.fib"), "main.fib is Go");
	CHECK(go_symbol_is_go("main.(*T).String"), "a method is Go");
	CHECK(!go_symbol_is_go("runtime.morestack.abi0"), "an .abi0 function is not");
	CHECK(!go_symbol_is_go("crosscall2"), "cgo's C is not");
	CHECK(!go_symbol_is_go("_cgo_init"), "_cgo_init is not");
}

/* ---- the register ABI ---- */

static struct dtype t_int = { .kind = DT_INT, .name = "int", .size = 8, .align = 8,
			      .is_signed = true };
static struct dtype t_i8 = { .kind = DT_INT, .name = "int8", .size = 1, .align = 1,
			     .is_signed = true };
static struct dtype t_u8 = { .kind = DT_INT, .name = "uint8", .size = 1, .align = 1 };
static struct dtype t_f64 = { .kind = DT_FLOAT, .name = "float64", .size = 8, .align = 8 };
static struct dtype t_c128 = { .kind = DT_COMPLEX, .name = "complex128", .size = 16,
			       .align = 8 };
static struct dtype t_pu8 = { .kind = DT_PTR, .size = 8, .align = 8, .target = &t_u8 };
static struct dtype t_pint = { .kind = DT_PTR, .size = 8, .align = 8, .target = &t_int };
static struct dt_field f_string[] = {
	{ .name = "str", .off = 0, .type = &t_pu8 },
	{ .name = "len", .off = 8, .type = &t_int },
};
static struct dtype t_string = { .kind = DT_STRUCT, .name = "string", .size = 16, .align = 8,
				 .complete = true, .nr = 2, .fields = f_string };
static struct dt_field f_slice[] = {
	{ .name = "array", .off = 0, .type = &t_pint },
	{ .name = "len", .off = 8, .type = &t_int },
	{ .name = "cap", .off = 16, .type = &t_int },
};
static struct dtype t_slice = { .kind = DT_STRUCT, .name = "[]int", .size = 24, .align = 8,
				.complete = true, .nr = 3, .fields = f_slice };
/* struct { a int8; b float64; c string } */
static struct dt_field f_mixed[] = {
	{ .name = "a", .off = 0, .type = &t_i8 },
	{ .name = "b", .off = 8, .type = &t_f64 },
	{ .name = "c", .off = 16, .type = &t_string },
};
static struct dtype t_mixed = { .kind = DT_STRUCT, .name = "main.mixed", .size = 32,
				.align = 8, .complete = true, .nr = 3, .fields = f_mixed };
static struct dtype t_arr1 = { .kind = DT_ARRAY, .size = 8, .align = 8, .count = 1,
			       .target = &t_int };
static struct dtype t_arr2 = { .kind = DT_ARRAY, .size = 16, .align = 8, .count = 2,
			       .target = &t_int };
static struct dtype t_empty = { .kind = DT_STRUCT, .name = "struct {}", .size = 0, .align = 1,
				.complete = true };

static bool leaf_is(const struct go_leaf *l, unsigned int off, unsigned int size,
		    unsigned int reg, bool fp)
{
	return l->off == off && l->size == size && l->reg == reg && l->fp == fp;
}

static void test_assign(void)
{
	struct go_leaf lv[GO_MAX_LEAVES];
	unsigned int ni = 0, nf = 0, i;
	int n;

	/* func(a, b int): rax, rbx */
	n = go_abi_assign(&t_int, &ni, &nf, lv);
	CHECK(n == 1 && leaf_is(&lv[0], 0, 8, 0, false), "int: rax");
	n = go_abi_assign(&t_int, &ni, &nf, lv);
	CHECK(n == 1 && leaf_is(&lv[0], 0, 8, 1, false), "next int: rbx");

	/* a string after two ints: rcx (ptr), rdi (len) */
	n = go_abi_assign(&t_string, &ni, &nf, lv);
	CHECK(n == 2 && leaf_is(&lv[0], 0, 8, 2, false) && leaf_is(&lv[1], 8, 8, 3, false),
	      "string: its pointer and length in the next two registers");

	/* a slice from the start: three words */
	ni = nf = 0;
	n = go_abi_assign(&t_slice, &ni, &nf, lv);
	CHECK(n == 3 && leaf_is(&lv[2], 16, 8, 2, false) && ni == 3, "slice: rax, rbx, rcx");

	/* floats count apart */
	ni = nf = 0;
	n = go_abi_assign(&t_f64, &ni, &nf, lv);
	CHECK(n == 1 && leaf_is(&lv[0], 0, 8, 0, true) && ni == 0 && nf == 1, "float64: x0");
	n = go_abi_assign(&t_c128, &ni, &nf, lv);
	CHECK(n == 2 && leaf_is(&lv[0], 0, 8, 1, true) && leaf_is(&lv[1], 8, 8, 2, true),
	      "complex128: x1, x2");

	/* a struct goes field by field, each base value in its own register */
	ni = nf = 0;
	n = go_abi_assign(&t_mixed, &ni, &nf, lv);
	CHECK(n == 4 && leaf_is(&lv[0], 0, 1, 0, false) && leaf_is(&lv[1], 8, 8, 0, true) &&
	      leaf_is(&lv[2], 16, 8, 1, false) && leaf_is(&lv[3], 24, 8, 2, false),
	      "struct{int8; float64; string}: rax, x0, rbx, rcx");

	/* arrays: length 1 is its element, longer ones go to the stack */
	ni = nf = 0;
	n = go_abi_assign(&t_arr1, &ni, &nf, lv);
	CHECK(n == 1 && leaf_is(&lv[0], 0, 8, 0, false), "[1]int: rax");
	n = go_abi_assign(&t_arr2, &ni, &nf, lv);
	CHECK(n == -1 && ni == 1, "[2]int: the stack, no register taken");
	CHECK_INT(go_abi_assign(&t_empty, &ni, &nf, lv), -1, "a zero-sized value: the stack");

	/* nine integer registers, then the stack; a value that does not fit takes none */
	ni = nf = 0;
	for (i = 0; i < 8; i++)
		go_abi_assign(&t_int, &ni, &nf, lv);
	n = go_abi_assign(&t_string, &ni, &nf, lv);
	CHECK(n == -1 && ni == 8, "a string with one register left: the stack, r11 stays free");
	n = go_abi_assign(&t_int, &ni, &nf, lv);
	CHECK(n == 1 && leaf_is(&lv[0], 0, 8, 8, false), "an int after it still gets r11");
	CHECK_INT(go_abi_assign(&t_int, &ni, &nf, lv), -1, "the tenth int: the stack");
}

/* DWARF register numbers of Go's integer argument registers, rax..r11. */
static const int dwarf_int_reg[GO_NR_INT_REGS] = { 0, 3, 2, 5, 4, 8, 9, 10, 11 };

/* Whether the compiler's own DW_AT_location of parameter @name of @fn at its entry agrees with
 * @leaves: a register per piece, in order (pieces it left empty are not compared). */
static bool location_agrees(Dwarf_Die *fn, unsigned long long pc, const char *name,
			    const struct go_leaf *leaves, int n)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t len, i;
	Dwarf_Die c;
	int k = 0, reg = -1;

	if (dwarf_child(fn, &c) != 0)
		return false;
	do {
		if (dwarf_tag(&c) == DW_TAG_formal_parameter && dwarf_diename(&c) &&
		    !strcmp(dwarf_diename(&c), name))
			break;
	} while (dwarf_siblingof(&c, &c) == 0);
	if (!dwarf_attr(&c, DW_AT_location, &a) ||
	    dwarf_getlocation_addr(&a, pc, &ops, &len, 1) != 1)
		return true;	/* no location at entry: nothing to compare */
	for (i = 0; i < len; i++) {
		if (ops[i].atom >= DW_OP_reg0 && ops[i].atom <= DW_OP_reg31) {
			reg = ops[i].atom - DW_OP_reg0;
			continue;
		}
		if (ops[i].atom != DW_OP_piece)
			return false;
		if (k >= n)
			return false;
		if (reg >= 0 && reg != (leaves[k].fp ? 17 + leaves[k].reg :
					       dwarf_int_reg[leaves[k].reg]))
			return false;
		k++;
		reg = -1;
	}
	/* a single register, no pieces */
	if (!k && reg >= 0)
		return n == 1 && reg == (leaves[0].fp ? 17 + leaves[0].reg :
					 dwarf_int_reg[leaves[0].reg]);
	return k == n;
}

/* Every main.* function of the Go test target: our placement of each argument in registers
 * is where Go's own DWARF says it is at the entry. */
static void describe(const struct go_proto *p, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (f) {
		go_proto_describe(f, p);
		fclose(f);
	}
}

/* Whether @p reads the same (placements, names, types) as a trace file carries it. */
static bool same_through_codec(struct proto_store *s, const struct go_proto *p)
{
	char a[2048], b[2048];
	const struct dwarf_proto *c;
	const struct go_proto *g = NULL;
	struct tbuf buf = {};

	if (!s || go_proto_encode(p, &buf) || proto_decode(s, buf.p, buf.len, &c, &g) || c) {
		free(buf.p);
		printf("# %s: not encoded and decoded\n", p->name);
		return false;
	}
	free(buf.p);
	describe(p, a, sizeof(a));
	describe(g, b, sizeof(b));
	if (strcmp(a, b))
		printf("# %s / %s\n", a, b);
	return !strcmp(a, b);
}

/* main.greet(s string) in JSON: a Go string's bytes as every JSON string has them (UTF-8 as
 * is, other bytes as \udcXX), its NUL and quote escaped, its length and not a NUL ending it. */
static void test_string_json(struct dwarf_module *m, const struct elf_syms *syms)
{
	static const char s[] = "h\xc3\xa9\xff\0\"";
	unsigned long long regs[GO_NR_INT_REGS] = { 0xc000010000, sizeof(s) - 1 };
	struct sysdecode_capture cap[RTRACE_MAX_FUNC_CAPTURES] = {
		{ .data = s, .len = sizeof(s) - 1, .present = true },
	};
	struct dwarf_format_opts o = { .string_limit = 32, .json = true };
	struct go_values v = { .regs = regs, .cap = cap };
	const struct go_proto *p = NULL;
	char buf[256] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	size_t i;

	for (i = 0; i < syms->nr_funcs && !p; i++)
		if (!strcmp(syms->funcs[i].name, "main.greet"))
			p = go_proto_find(m, "main.greet", syms->funcs[i].addr);
	if (p && f)
		go_format_args(f, p, &v, &o);
	if (f)
		fclose(f);
	CHECK_STR(buf, "{\"s\":\"h\xc3\xa9\\udcff\\u0000\\\"\"}",
		  "Go string in JSON: UTF-8 as is, 0xff as \\udcff, NUL and quote escaped");
}

static void test_against_dwarf(void)
{
	const char *path = "build/targets/gotarget";
	struct dwarf_module *m = NULL;
	struct elf_syms *syms = NULL;
	unsigned int checked = 0, bad = 0, coded = 0, k;
	struct proto_store *store = proto_store_new();
	size_t f;

	if (access(path, R_OK) || elf_syms_load(path, &syms) ||
	    !(m = dwarf_module_open(path, NULL))) {
		tap_skip("placements agree with Go's DWARF", "no Go test target built");
		elf_syms_free(syms);
		return;
	}
	for (f = 0; f < syms->nr_funcs; f++) {
		const struct elf_func *ef = &syms->funcs[f];
		const struct go_proto *p;
		Dwarf_Die fn;

		if (strncmp(ef->name, "main.", 5) || !(p = go_proto_find(m, ef->name, ef->addr)) ||
		    !dwarf_fn_die(m, ef->name, ef->addr, &fn))
			continue;
		if (same_through_codec(store, p))
			coded++;
		for (k = 0; k < go_proto_nr_params(p); k++) {
			const struct go_leaf *lv;
			const char *name;
			bool result;
			int n = go_proto_param(p, k, &name, &result, &lv);

			if (result || n <= 0)
				continue;
			checked++;
			if (!location_agrees(&fn, ef->addr, name, lv, n)) {
				printf("# %s: %s is not where DWARF says\n", ef->name, name);
				bad++;
			}
		}
	}
	CHECK(checked >= 15, "Go target: %u register arguments of main.* compared", checked);
	CHECK_INT(bad, 0, "every one where Go's DWARF says it is at the entry");
	CHECK(coded >= 10, "Go target: %u prototypes of main.* the same once encoded and decoded",
	      coded);
	test_string_json(m, syms);
	proto_store_free(store);
	dwarf_module_close(m);
	elf_syms_free(syms);
}

int main(void)
{
	printf("TAP version 13\n");
	test_prologues();
	test_not_go();
	test_assign();
	test_against_dwarf();
	return tap_done();
}
