/* SPDX-License-Identifier: GPL-2.0 */
/* dwarf_args: prototypes read from fixtures built here with cc (gcc -O0 and -O2, clang -O2,
 * g++ and clang++), the x86-64 SysV placement of every argument, the captures asked of BPF, and
 * the exact text and JSON for synthetic registers and captures; separate debug files (debuglink,
 * build-id, explicit, mismatched), modules without DWARF, clones, and the time to open a module
 * with 50,000 DWARF functions (and libc's debug file, when installed) and look up three.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dwarf/dwarf_args.h"
#include "dwarf/proto_codec.h"
#include "tap.h"
#include "fixture.h"

typedef unsigned long long u64;

/* The fixture's types, compiled into this test as well so that struct captures can be built
 * with the real layout. */
#define FIXTURE_TYPES                                                                          \
	enum color { RED, GREEN, BLUE };                                                       \
	enum perm { P_READ = 1, P_WRITE = 2, P_EXEC = 4 };                                     \
	typedef int (*binop)(int, int);                                                        \
	struct pair { int a; int b; };                                                         \
	struct lpair { long x; long y; };                                                      \
	struct tri { int a, b, c; };                                                           \
	struct fl3 { float a, b, c; };                                                         \
	struct mixed { double d; int i; };                                                     \
	struct big { long v[5]; };                                                             \
	struct __attribute__((packed)) pk { char c; int i; };                                  \
	struct empty { };                                                                      \
	struct node { int id; const char *name; struct node *next; enum color c;               \
		      unsigned int flag : 3; signed int sb : 5; char tag[8]; struct pair pr;  \
		      short arr[3]; double w; binop op; };                                     \
	union u { int i; float f; };                                                           \
	struct anon { int k; union { int i; float f; }; struct { short s1, s2; }; };           \
	struct bf { unsigned int a : 4; int b : 12; unsigned long c : 40; };                   \
	struct chars { char name[6]; short n; };                                               \
	struct ld { long double x; };                                                          \
	union ud { double d; long l; };                                                        \
	struct m2 { int m[2][3]; };                                                            \
	typedef float v8sf __attribute__((vector_size(32)));                                   \
	typedef int myint;                                                                     \
	typedef myint myint2;                                                                  \
	typedef const myint2 cmyint;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
FIXTURE_TYPES
#pragma GCC diagnostic pop

#define STR_(...) #__VA_ARGS__
#define STR(...) STR_(__VA_ARGS__)

static const char fixture_src[] =
	"#include <stdarg.h>\n"
	"#include <stdbool.h>\n"
	"#include <stdint.h>\n"
	"#define T __attribute__((noinline, used)) NOIPA\n"
	STR(FIXTURE_TYPES) "\n"
	"T int8_t f_s8(int8_t v) { return v; }\n"
	"T uint8_t f_u8(uint8_t v) { return v; }\n"
	"T int16_t f_s16(int16_t v) { return v; }\n"
	"T uint16_t f_u16(uint16_t v) { return v; }\n"
	"T int32_t f_s32(int32_t v) { return v; }\n"
	"T uint32_t f_u32(uint32_t v) { return v; }\n"
	"T int64_t f_s64(int64_t v) { return v; }\n"
	"T uint64_t f_u64(uint64_t v) { return v; }\n"
	"T bool f_bool(bool b) { return !b; }\n"
	"T char f_char(char c) { return c + 1; }\n"
	"T enum color f_enum(enum color e) { return e; }\n"
	"T enum perm f_flags(enum perm p) { return p; }\n"
	"T void *f_ptr(void *p) { return p; }\n"
	"T const char *f_str(const char *s, unsigned char *u) { return s + (u != 0); }\n"
	"T int f_node(struct node *n) { return n->id; }\n"
	"T int f_nodestr(struct node *n, const char *s) { return n->id + s[0]; }\n"
	"T int f_strs(const char *a, const char *b, const char *c, const char *d, const char *e,\n"
	"	     long f, long g) { return a[0] + b[0] + c[0] + d[0] + e[0] + f + g; }\n"
	"T struct pair f_pair(struct pair p) { p.a++; return p; }\n"
	"T struct lpair f_lpair(struct lpair p) { p.x++; return p; }\n"
	"T struct tri f_tri(struct tri t, float q) { t.a += q; return t; }\n"
	"T struct fl3 f_fl3(struct fl3 t, int q) { t.a += q; return t; }\n"
	"T struct mixed f_mixed(struct mixed m) { m.i++; return m; }\n"
	"T struct big f_big(struct big b, int after) { b.v[0] += after; return b; }\n"
	"T int f_packed(struct pk p, int x) { return p.c + p.i + x; }\n"
	"T int f_empty(struct empty e, int x) { (void)e; return x; }\n"
	"T double f_dbl(int a, double b, int c) { return a + b + c; }\n"
	"T long f_many(long a, long b, long c, long d, long e, long f, long g, char *h)\n"
	"{ return a + b + c + d + e + f + g + h[0]; }\n"
	"T int f_var(const char *fmt, ...)\n"
	"{ va_list ap; va_start(ap, fmt); int r = va_arg(ap, int); va_end(ap);\n"
	"  return r + fmt[0]; }\n"
	"T int f_fnptr(binop fn, int x) { return fn(x, x); }\n"
	"T binop f_getop(struct node *n) { return n->op; }\n"
	"T union u f_union(union u x) { x.i++; return x; }\n"
	"T myint2 f_typedef(myint2 v, cmyint *p) { return v + *p; }\n"
	"T int f_arr(int a[4], char s[]) { return a[0] + s[0]; }\n"
	"T float f_ret_float(float x) { return x * 2; }\n"
	"T void f_void(void) { __asm__ volatile(\"\"); }\n"
	"T __int128 f_i128(__int128 x) { return x + 1; }\n"
	"T long double f_ld(long double x, int after) { return x + after; }\n"
	"T double f_nine(double a, double b, double c, double d, double e, double f, double g,\n"
	"		double h, double i, int j)\n"
	"{ return a + b + c + d + e + f + g + h + i + j; }\n"
	"T int f_anon(struct anon a) { return a.k + a.i + a.s1; }\n"
	"T struct bf f_bf(struct bf b) { b.a++; return b; }\n"
	"T struct chars f_chars(struct chars c) { c.n++; return c; }\n"
	"T union ud f_ud(union ud u) { u.l++; return u; }\n"
	"T struct ld f_ldret(struct ld x, int after) { x.x += after; return x; }\n"
	"T int f_m2(struct m2 *p, struct m2 v) { return p->m[1][2] + v.m[0][0]; }\n"
	"T int f_split(int a, int b, int c, int d, int e, struct lpair p, int g)\n"
	"{ return a + b + c + d + e + p.x + g; }\n"
	"T int f_cplx(double _Complex z, float _Complex w, int after)\n"
	"{ return __real__ z + __real__ w + after; }\n"
	"T int f_f128(__float128 q, int after) { return q + after; }\n"
	"T int f_avx(v8sf v, int after) { return v[0] + after; }\n"
	/* inlined into main and also out of line (address taken): a concrete instance */
	"static inline int twice(int x) { return x * 2; }\n"
	"int (*volatile twice_ptr)(int) = twice;\n"
	/* called only with k = 3: gcc -O2 makes cp_helper.constprop.0 */
	"static __attribute__((noinline)) int cp_helper(int x, int k)\n"
	"{ return x * k + (x >> 3); }\n"
	"int use_cp(int x) { return cp_helper(x, 3) + cp_helper(x + 1, 3); }\n"
	"int add(int a, int b) { return a + b; }\n"
	/* Microsoft's convention: only DW_AT_location (-O2) says a is in rcx */
	"__attribute__((ms_abi, noinline, used)) int f_ms(int a, int b) { return a * 3 + b; }\n"
	"int asm_fn(int);\n"
	"int main(int argc, char **argv)\n"
	"{ (void)argv; return twice(argc) + twice_ptr(argc) + f_fnptr(add, 1) + use_cp(argc) +\n"
	"  asm_fn(0); }\n";

static const char asm_src[] =
	"\t.text\n\t.globl asm_fn\n\t.type asm_fn, @function\nasm_fn:\n"
	"\tmovl %edi, %eax\n\tret\n\t.size asm_fn, .-asm_fn\n"
	"\t.section .note.GNU-stack,\"\",@progbits\n";

static const char cxx_src[] =
	"namespace ns {\n"
	"struct NT { int v; NT(int x) : v(x) {} NT(const NT &o) : v(o.v) {} ~NT() {} };\n"
	"struct TR { int v; };\n"
	"struct K { int k; __attribute__((noinline)) int m(int a) { return a + k; } };\n"
	"__attribute__((noinline)) int take(NT n, int x) { return n.v + x; }\n"
	"__attribute__((noinline)) int take_tr(TR n, int x) { return n.v + x; }\n"
	"__attribute__((noinline)) int g(int a, const char *s) { return a + s[0]; }\n"
	"}\n"
	"int main() { ns::K k{1}; return ns::take(ns::NT(2), 3) + ns::take_tr(ns::TR{2}, 3) +\n"
	"		 ns::g(1, \"x\") + k.m(2); }\n";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- symbols of a fixture, from nm (the oracle for addresses) ---- */

struct sym {
	char name[256];
	u64 addr;
};

static struct sym *syms;
static size_t nr_syms;

static bool load_syms(const char *bin, bool dynamic)
{
	char cmd[PATH_MAX + 64], line[512], name[256], type;
	size_t cap = 0;
	FILE *p;
	u64 a;

	free(syms);
	syms = NULL;
	nr_syms = 0;
	snprintf(cmd, sizeof(cmd), "nm %s --defined-only '%s' 2>/dev/null", dynamic ? "-D" : "",
		 bin);
	p = popen(cmd, "r");
	if (!p)
		return false;
	while (fgets(line, sizeof(line), p)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, name) != 3)
			continue;
		if (nr_syms == cap) {
			struct sym *n;

			cap = cap ? cap * 2 : 1024;
			n = realloc(syms, cap * sizeof(*n));
			if (!n)
				break;
			syms = n;
		}
		*strchrnul(name, '@') = '\0';
		snprintf(syms[nr_syms].name, sizeof(syms[nr_syms].name), "%s", name);
		syms[nr_syms++].addr = a;
	}
	pclose(p);
	return nr_syms > 0;
}

static u64 sym_addr(const char *name)
{
	size_t i;

	for (i = 0; i < nr_syms; i++)
		if (!strcmp(syms[i].name, name))
			return syms[i].addr;
	return 0;
}

/* The first symbol containing @part, or NULL. */
static const char *sym_like(const char *part)
{
	size_t i;

	for (i = 0; i < nr_syms; i++)
		if (strstr(syms[i].name, part))
			return syms[i].name;
	return NULL;
}

/* When set, find() hands out each prototype as a trace file carries it: encoded, then
 * decoded into this store; the same cases must print the same. */
static struct proto_store *rt_store;

static const struct dwarf_proto *find(struct dwarf_module *m, const char *name)
{
	const struct dwarf_proto *p, *q;
	const struct go_proto *g;
	struct tbuf b = {};
	u64 a = sym_addr(name);

	p = a ? dwarf_proto_find(m, name, a) : NULL;
	if (!p || !rt_store)
		return p;
	q = NULL;
	if (dwarf_proto_encode(p, &b) || proto_decode(rt_store, b.p, b.len, &q, &g) || g)
		q = NULL;
	free(b.p);
	return q;
}

/* ---- printing into strings ---- */

static char outbuf[8192];

/* gcc says `long int` and `_Float128`, clang `long` and `__float128`: drop the difference. */
static void normalize(char *buf)
{
	char *s;

	while ((s = strstr(buf, "long int")))
		memmove(s + 4, s + 8, strlen(s + 8) + 1);
	while ((s = strstr(buf, "__float128")))
		memmove(s, s + 1, strlen(s + 1) + 1);
	while ((s = strstr(buf, "_float128")))
		s[1] = 'F';
}

static const char *describe(const struct dwarf_proto *p)
{
	FILE *f;

	outbuf[0] = '\0';
	f = fmemopen(outbuf, sizeof(outbuf), "w");
	dwarf_proto_describe(f, p);
	fclose(f);
	normalize(outbuf);
	return outbuf;
}

/* What the last format() or format_ret() asked of the process: ASKED_* bits. */
enum { ASKED_SYM = 1, ASKED_CONST = 2 };
static unsigned int asked;

static const char *test_sym(void *ctx, unsigned long long addr)
{
	(void)ctx;
	asked |= ASKED_SYM;
	return addr == 0x401000 ? "add" : NULL;
}

/* Constant memory is not there: the text is the same as without the callback. */
static long test_read_const(void *ctx, unsigned long long addr, void *buf, size_t len)
{
	(void)ctx;
	(void)addr;
	(void)buf;
	(void)len;
	asked |= ASKED_CONST;
	return -EFAULT;
}

struct capdata {
	const void *data;
	unsigned int len;
	unsigned int flags;
	bool present;
};

#define CAP(d, l)		{ (d), (l), 0, true }
#define CAPF(d, l, f)		{ (d), (l), (f), true }
/* with its NUL, as BPF copies strings */
#define CAPSTR(s)		{ (s), sizeof(s), 0, true }

static const char *format(const struct dwarf_proto *p, const u64 *args, const struct capdata *cd,
			  bool deref, bool json, unsigned int slimit)
{
	struct sysdecode_capture cap[RTRACE_MAX_FUNC_CAPTURES] = { 0 };
	struct dwarf_format_opts o = {
		.string_limit = slimit, .deref = deref, .json = json, .sym = test_sym,
		.read_const = test_read_const,
	};
	struct dwarf_value_src v = { .cap = cap };
	FILE *f;
	int i;

	outbuf[0] = '\0';
	asked = 0;
	f = fmemopen(outbuf, sizeof(outbuf), "w");
	memcpy(v.args, args, sizeof(v.args));
	for (i = 0; cd && i < RTRACE_MAX_FUNC_CAPTURES; i++)
		cap[i] = (struct sysdecode_capture){ cd[i].data, cd[i].len, cd[i].flags,
						     cd[i].present };
	dwarf_format_args(f, p, &v, &o);
	fclose(f);
	normalize(outbuf);
	return outbuf;
}

static const char *format_ret(const struct dwarf_proto *p, u64 rax, u64 rdx, bool json,
			      bool *ret)
{
	struct dwarf_format_opts o = { .json = json, .sym = test_sym,
					.read_const = test_read_const };
	FILE *f;

	outbuf[0] = '\0';
	asked = 0;
	f = fmemopen(outbuf, sizeof(outbuf), "w");
	*ret = dwarf_format_ret(f, p, rax, rdx, &o);
	fclose(f);
	return outbuf;
}

/* ---- the fixture, per compiler ---- */

struct desc_case {
	const char *fn;
	const char *want;
};

static const struct desc_case desc_cases[] = {
	{ "f_s8", "f_s8(int8_t v@rdi) -> int8_t@rax" },
	{ "f_u8", "f_u8(uint8_t v@rdi) -> uint8_t@rax" },
	{ "f_s16", "f_s16(int16_t v@rdi) -> int16_t@rax" },
	{ "f_u16", "f_u16(uint16_t v@rdi) -> uint16_t@rax" },
	{ "f_s32", "f_s32(int32_t v@rdi) -> int32_t@rax" },
	{ "f_u32", "f_u32(uint32_t v@rdi) -> uint32_t@rax" },
	{ "f_s64", "f_s64(int64_t v@rdi) -> int64_t@rax" },
	{ "f_u64", "f_u64(uint64_t v@rdi) -> uint64_t@rax" },
	{ "f_bool", "f_bool(_Bool b@rdi) -> _Bool@rax" },
	{ "f_char", "f_char(char c@rdi) -> char@rax" },
	{ "f_enum", "f_enum(enum color e@rdi) -> enum color@rax" },
	{ "f_flags", "f_flags(enum perm p@rdi) -> enum perm@rax" },
	{ "f_ptr", "f_ptr(void *p@rdi) -> void *@rax" },
	{ "f_str", "f_str(const char *s@rdi, unsigned char *u@rsi) -> const char *@rax" },
	{ "f_node", "f_node(struct node *n@rdi) -> int@rax" },
	{ "f_strs", "f_strs(const char *a@rdi, const char *b@rsi, const char *c@rdx, "
		    "const char *d@rcx, const char *e@r8, long f@r9, long g@stack+0) -> int@rax" },
	{ "f_pair", "f_pair(struct pair p@rdi) -> struct pair@rax" },
	{ "f_lpair", "f_lpair(struct lpair p@rdi:rsi) -> struct lpair@rax:rdx" },
	{ "f_tri", "f_tri(struct tri t@rdi:rsi, float q@xmm0) -> struct tri@rax:rdx" },
	{ "f_fl3", "f_fl3(struct fl3 t@xmm0:xmm1, int q@rdi) -> struct fl3@xmm0:xmm1" },
	{ "f_mixed", "f_mixed(struct mixed m@xmm0:rdi) -> struct mixed@xmm0:rax" },
	/* the hidden return pointer takes rdi */
	{ "f_big", "f_big(struct big b@stack+0, int after@rsi) -> struct big@mem" },
	{ "f_packed", "f_packed(struct pk p@stack+0, int x@rdi) -> int@rax" },
	{ "f_empty", "f_empty(struct empty e@none, int x@rdi) -> int@rax" },
	/* c after a double is the second integer register, not the third (bpftrace's bug) */
	{ "f_dbl", "f_dbl(int a@rdi, double b@xmm0, int c@rsi) -> double@xmm0" },
	{ "f_many", "f_many(long a@rdi, long b@rsi, long c@rdx, long d@rcx, long e@r8, long f@r9, "
		    "long g@stack+0, char *h@stack+8) -> long@rax" },
	{ "f_var", "f_var(const char *fmt@rdi, ...) -> int@rax" },
	{ "f_fnptr", "f_fnptr(binop fn@rdi, int x@rsi) -> int@rax" },
	{ "f_union", "f_union(union u x@rdi) -> union u@rax" },
	{ "f_typedef", "f_typedef(myint2 v@rdi, cmyint *p@rsi) -> myint2@rax" },
	{ "f_arr", "f_arr(int *a@rdi, char *s@rsi) -> int@rax" },
	{ "f_ret_float", "f_ret_float(float x@xmm0) -> float@xmm0" },
	{ "f_void", "f_void() -> void" },
	{ "f_i128", "f_i128(__int128 x@rdi:rsi) -> __int128@rax:rdx" },
	{ "f_ld", "f_ld(long double x@stack+0, int after@rdi) -> long double@st0" },
	{ "f_nine", "f_nine(double a@xmm0, double b@xmm1, double c@xmm2, double d@xmm3, "
		    "double e@xmm4, double f@xmm5, double g@xmm6, double h@xmm7, double i@stack+0, "
		    "int j@rdi) -> double@xmm0" },
	{ "f_anon", "f_anon(struct anon a@rdi:rsi) -> int@rax" },
	{ "f_bf", "f_bf(struct bf b@rdi) -> struct bf@rax" },
	{ "f_chars", "f_chars(struct chars c@rdi) -> struct chars@rax" },
	{ "f_ud", "f_ud(union ud u@rdi) -> union ud@rax" },
	/* an argument in memory, a return in st0 */
	{ "f_ldret", "f_ldret(struct ld x@stack+0, int after@rdi) -> struct ld@st0" },
	{ "f_m2", "f_m2(struct m2 *p@rdi, struct m2 v@stack+0) -> int@rax" },
	/* p needs two integer registers, one is left: p on the stack, g in the last one */
	{ "f_split", "f_split(int a@rdi, int b@rsi, int c@rdx, int d@rcx, int e@r8, "
		     "struct lpair p@stack+0, int g@r9) -> int@rax" },
	{ "f_cplx", "f_cplx(complex double z@xmm0:xmm1, complex float w@xmm2, int after@rdi) "
		    "-> int@rax" },
	{ "f_f128", "f_f128(_Float128 q@xmm0, int after@rdi) -> int@rax" },
	/* 32-byte vectors go in ymm or memory by -m flags: unknown, and what follows too */
	{ "f_avx", "f_avx(v8sf v@?, int after@?) -> int@rax" },
	{ "twice", "twice(int x@rdi) -> int@rax" },
	{ "main", "main(int argc@rdi, char **argv@rsi) -> int@rax" },
};

struct cap_case {
	const char *fn;
	bool deref;
	int n;
	struct rtrace_func_capture_spec cap[RTRACE_MAX_FUNC_CAPTURES];
};

#define C_STR_REG(r)		{ .kind = RTRACE_CAP_STR, .src = RTRACE_FCAP_REG, .reg = (r) }
#define C_FIX_REG(r, sz)	{ .kind = RTRACE_CAP_FIXED, .src = RTRACE_FCAP_REG, .reg = (r), \
				  .size = (sz) }
#define C_STACK(o, sz)		{ .kind = RTRACE_CAP_FIXED, .src = RTRACE_FCAP_STACK, \
				  .off = (o), .size = (sz) }
#define C_STR_SPTR(o)		{ .kind = RTRACE_CAP_STR, .src = RTRACE_FCAP_STACK_PTR, \
				  .off = (o) }

static const struct cap_case cap_cases[] = {
	{ "f_s32", false, 0, { } },
	{ "f_str", false, 2, { C_STR_REG(0), C_STR_REG(1) } },
	{ "f_node", false, 0, { } },
	{ "f_node", true, 1, { C_FIX_REG(0, sizeof(struct node)) } },
	/* strings before structs */
	{ "f_nodestr", true, 2, { C_STR_REG(1), C_FIX_REG(0, sizeof(struct node)) } },
	/* five strings and a stack argument: the stack block, then the first three strings */
	{ "f_strs", false, 4, { C_STACK(8, 8), C_STR_REG(0), C_STR_REG(1), C_STR_REG(2) } },
	{ "f_pair", true, 0, { } },
	{ "f_big", false, 1, { C_STACK(8, sizeof(struct big)) } },
	{ "f_packed", false, 1, { C_STACK(8, 8) } },
	{ "f_many", false, 2, { C_STACK(8, 16), C_STR_SPTR(16) } },
	{ "f_ld", false, 1, { C_STACK(8, 16) } },
	{ "f_nine", false, 1, { C_STACK(8, 8) } },
	{ "f_dbl", true, 0, { } },
	{ "f_var", false, 1, { C_STR_REG(0) } },
	{ "f_arr", false, 1, { C_STR_REG(1) } },
};

static const struct node node_val = {
	.id = 7, .name = (const char *)0x4005d0, .next = NULL, .c = BLUE, .flag = 5, .sb = -3,
	.tag = "ab", .pr = { 1, 2 }, .arr = { 1, -2, 3 }, .w = 0.5, .op = (binop)0x401000,
};
static const long big_stack[5] = { 1, 2, 3, 4, 5 };
static const u64 many_stack[2] = { 7, 0x5000 };
static const u64 strs_stack[1] = { 7 };
static const struct pk pk_stack = { 'x', 2 };
static const long double ld_stack = 2.5L;
static const double nine_stack = 1.5;
static const struct m2 m2_val = { { { 1, 2, 3 }, { 4, 5, 6 } } };
static const struct m2 m2_stack = { { { 7, 8, 9 }, { 10, 11, 12 } } };
static const struct lpair lpair_stack = { 10, 20 };
static const unsigned char ustr[] = { 1, 0xff, 0 };
static const char utf8[] = "h\xc3\xa9!\xff";

struct fmt_case {
	const char *fn;
	u64 args[6];
	struct capdata cap[RTRACE_MAX_FUNC_CAPTURES];
	bool deref;
	unsigned int slimit;
	const char *text;
	const char *json;
};

static const struct fmt_case fmt_cases[] = {
	/* only the low bytes of a register are the argument: sign-extended from there */
	{ "f_s8", { 0x12345680 }, { }, 0, 0, "v=-128", "{\"v\":-128}" },
	{ "f_u8", { 0x1ff }, { }, 0, 0, "v=255", "{\"v\":255}" },
	{ "f_s16", { 0xdead8000 }, { }, 0, 0, "v=-32768", "{\"v\":-32768}" },
	{ "f_u16", { 0x12345 }, { }, 0, 0, "v=9029", "{\"v\":9029}" },
	{ "f_s32", { 0xdeadbeefffffffffULL }, { }, 0, 0, "v=-1", "{\"v\":-1}" },
	{ "f_u32", { 0xffffffff }, { }, 0, 0, "v=4294967295", "{\"v\":4294967295}" },
	{ "f_s64", { ~0ULL }, { }, 0, 0, "v=-1", "{\"v\":-1}" },
	{ "f_u64", { ~0ULL }, { }, 0, 0, "v=18446744073709551615",
	  "{\"v\":18446744073709551615}" },
	{ "f_bool", { 1 }, { }, 0, 0, "b=true", "{\"b\":true}" },
	{ "f_bool", { 0x100 }, { }, 0, 0, "b=false", "{\"b\":false}" },
	{ "f_char", { 'a' }, { }, 0, 0, "c='a'", "{\"c\":\"a\"}" },
	{ "f_char", { '\n' }, { }, 0, 0, "c='\\n'", "{\"c\":\"\\n\"}" },
	{ "f_char", { '\'' }, { }, 0, 0, "c='\\''", "{\"c\":\"'\"}" },
	{ "f_char", { 0xff }, { }, 0, 0, "c='\\377'", "{\"c\":\"\\udcff\"}" },
	{ "f_char", { 0 }, { }, 0, 0, "c='\\0'", "{\"c\":\"\\u0000\"}" },
	{ "f_enum", { 1 }, { }, 0, 0, "e=GREEN", "{\"e\":\"GREEN\"}" },
	{ "f_enum", { 7 }, { }, 0, 0, "e=7", "{\"e\":7}" },
	{ "f_flags", { 3 }, { }, 0, 0, "p=P_READ|P_WRITE", "{\"p\":\"P_READ|P_WRITE\"}" },
	{ "f_flags", { 9 }, { }, 0, 0, "p=P_READ|0x8", "{\"p\":\"P_READ|0x8\"}" },
	{ "f_flags", { 4 }, { }, 0, 0, "p=P_EXEC", "{\"p\":\"P_EXEC\"}" },
	{ "f_flags", { 0 }, { }, 0, 0, "p=0", "{\"p\":0}" },
	{ "f_ptr", { 0 }, { }, 0, 0, "p=NULL", "{\"p\":null}" },
	{ "f_ptr", { 0x7ffd1234 }, { }, 0, 0, "p=0x7ffd1234", "{\"p\":\"0x7ffd1234\"}" },
	{ "f_str", { 0x1000, 0x2000 }, { CAPSTR("hello"), CAP(ustr, sizeof(ustr)) }, 0, 0,
	  "s=\"hello\", u=\"\\1\\377\"", "{\"s\":\"hello\",\"u\":\"\\u0001\\udcff\"}" },
	/* paged out: the address, never garbage */
	{ "f_str", { 0x1000, 0x2000 }, { CAPSTR("hello"), CAPF(NULL, 0, RTRACE_CAPF_FAULT) }, 0,
	  0, "s=\"hello\", u=0x2000 <unreadable>", "{\"s\":\"hello\",\"u\":\"0x2000\"}" },
	{ "f_str", { 0, 0x2000 }, { CAP("", 0) }, 0, 0, "s=NULL, u=0x2000",
	  "{\"s\":null,\"u\":\"0x2000\"}" },
	{ "f_str", { 0x1000, 0 }, { CAPSTR("hello") }, 0, 4, "s=\"hell\"..., u=NULL",
	  "{\"s\":\"hell...\",\"u\":null}" },
	{ "f_str", { 0x1000, 0 }, { CAPF("abc", 3, RTRACE_CAPF_TRUNC) }, 0, 0,
	  "s=\"abc\"..., u=NULL", "{\"s\":\"abc...\",\"u\":null}" },
	{ "f_str", { 0x1000, 0 }, { CAPSTR("a\"b\\\n\t") }, 0, 0, "s=\"a\\\"b\\\\\\n\\t\", u=NULL",
	  "{\"s\":\"a\\\"b\\\\\\n\\t\",\"u\":null}" },
	{ "f_str", { 0x1000, 0 }, { CAPSTR(utf8) }, 0, 0, "s=\"h\\303\\251!\\377\", u=NULL",
	  "{\"s\":\"h\xc3\xa9!\\udcff\",\"u\":null}" },
	{ "f_node", { 0x7ffd1000 }, { }, 0, 0, "n=0x7ffd1000", "{\"n\":\"0x7ffd1000\"}" },
	{ "f_node", { 0x7ffd1000 }, { CAP(&node_val, sizeof(node_val)) }, 1, 0,
	  "n=&{id=7, name=0x4005d0, next=NULL, c=BLUE, flag=5, sb=-3, tag=\"ab\", "
	  "pr={a=1, b=2}, arr=[1, -2, 3], w=0.5, op=add}",
	  "{\"n\":{\"id\":7,\"name\":\"0x4005d0\",\"next\":null,\"c\":\"BLUE\",\"flag\":5,"
	  "\"sb\":-3,\"tag\":\"ab\",\"pr\":{\"a\":1,\"b\":2},\"arr\":[1,-2,3],\"w\":0.5,"
	  "\"op\":\"add\"}}" },
	{ "f_node", { 0x7ffd1000 }, { CAPF(NULL, 0, RTRACE_CAPF_FAULT) }, 1, 0,
	  "n=0x7ffd1000 <unreadable>", "{\"n\":\"0x7ffd1000\"}" },
	{ "f_node", { 0 }, { CAP(NULL, 0) }, 1, 0, "n=NULL", "{\"n\":null}" },
	/* arrays cut at -s elements */
	{ "f_node", { 0x7ffd1000 }, { CAP(&node_val, sizeof(node_val)) }, 1, 2,
	  "n=&{id=7, name=0x4005d0, next=NULL, c=BLUE, flag=5, sb=-3, tag=\"ab\", "
	  "pr={a=1, b=2}, arr=[1, -2, ...], w=0.5, op=add}", NULL },
	{ "f_nodestr", { 0x7ffd1000, 0x1000 }, { CAPSTR("s"), CAP(&node_val, 8) }, 1, 0,
	  "n=&{id=7, name=?, next=?, c=?, flag=?, sb=?, tag=?, pr={a=?, b=?}, arr=[?, ?, ?], "
	  "w=?, op=?}, s=\"s\"", NULL },
	{ "f_strs", { 0x10, 0x20, 0x30, 0x40, 0x50, 6 },
	  { CAP(strs_stack, 8), CAPSTR("A"), CAPSTR("B"), CAPSTR("C") }, 0, 0,
	  "a=\"A\", b=\"B\", c=\"C\", d=0x40, e=0x50, f=6, g=7",
	  "{\"a\":\"A\",\"b\":\"B\",\"c\":\"C\",\"d\":\"0x40\",\"e\":\"0x50\",\"f\":6,\"g\":7}" },
	{ "f_pair", { 0xfffffffe00000001ULL }, { }, 0, 0, "p={a=1, b=-2}",
	  "{\"p\":{\"a\":1,\"b\":-2}}" },
	{ "f_lpair", { 10, -20ULL }, { }, 0, 0, "p={x=10, y=-20}", "{\"p\":{\"x\":10,\"y\":-20}}" },
	{ "f_tri", { 0x200000001ULL, 0xdead00000003ULL }, { }, 0, 0,
	  "t={a=1, b=2, c=3}, q=<float: n/a>", "{\"t\":{\"a\":1,\"b\":2,\"c\":3},\"q\":null}" },
	{ "f_fl3", { 7 }, { }, 0, 0,
	  "t={a=<float: n/a>, b=<float: n/a>, c=<float: n/a>}, q=7",
	  "{\"t\":{\"a\":null,\"b\":null,\"c\":null},\"q\":7}" },
	{ "f_mixed", { 42 }, { }, 0, 0, "m={d=<double: n/a>, i=42}",
	  "{\"m\":{\"d\":null,\"i\":42}}" },
	{ "f_big", { 0x7ffd2000, 9 }, { CAP(big_stack, sizeof(big_stack)) }, 0, 0,
	  "b={v=[1, 2, 3, 4, 5]}, after=9", "{\"b\":{\"v\":[1,2,3,4,5]},\"after\":9}" },
	{ "f_big", { 0x7ffd2000, 9 }, { }, 0, 0, "b=?, after=9", "{\"b\":null,\"after\":9}" },
	{ "f_big", { 0x7ffd2000, 9 }, { CAPF(NULL, 0, RTRACE_CAPF_FAULT) }, 0, 0, "b=?, after=9",
	  NULL },
	{ "f_packed", { 9 }, { CAP(&pk_stack, sizeof(pk_stack)) }, 0, 0, "p={c='x', i=2}, x=9",
	  "{\"p\":{\"c\":\"x\",\"i\":2},\"x\":9}" },
	{ "f_empty", { 8 }, { }, 0, 0, "e={}, x=8", "{\"e\":{},\"x\":8}" },
	{ "f_dbl", { 1, 3 }, { }, 0, 0, "a=1, b=<double: n/a>, c=3",
	  "{\"a\":1,\"b\":null,\"c\":3}" },
	{ "f_many", { 1, 2, 3, 4, 5, 6 }, { CAP(many_stack, 16), CAPSTR("eight") }, 0, 0,
	  "a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=\"eight\"",
	  "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":\"eight\"}" },
	{ "f_many", { 1, 2, 3, 4, 5, 6 }, { }, 0, 0, "a=1, b=2, c=3, d=4, e=5, f=6, g=?, h=?",
	  NULL },
	{ "f_var", { 0x1000, 5 }, { CAPSTR("x=%d") }, 0, 0, "fmt=\"x=%d\", ...",
	  "{\"fmt\":\"x=%d\"}" },
	{ "f_fnptr", { 0x401000, 3 }, { }, 0, 0, "fn=add, x=3", "{\"fn\":\"add\",\"x\":3}" },
	{ "f_fnptr", { 0x401234, 3 }, { }, 0, 0, "fn=0x401234, x=3",
	  "{\"fn\":\"0x401234\",\"x\":3}" },
	{ "f_fnptr", { 0, 3 }, { }, 0, 0, "fn=NULL, x=3", "{\"fn\":null,\"x\":3}" },
	/* a union is INTEGER class: its float member is in rdi, readable */
	{ "f_union", { 0x40490fdb }, { }, 0, 0, "x={i=1078530011, f=3.1415927}",
	  "{\"x\":{\"i\":1078530011,\"f\":3.1415927}}" },
	{ "f_typedef", { 0xfffffffb, 0x1000 }, { }, 0, 0, "v=-5, p=0x1000",
	  "{\"v\":-5,\"p\":\"0x1000\"}" },
	{ "f_arr", { 0x1000, 0x2000 }, { CAPSTR("xyz") }, 0, 0, "a=0x1000, s=\"xyz\"",
	  "{\"a\":\"0x1000\",\"s\":\"xyz\"}" },
	{ "f_ret_float", { 0 }, { }, 0, 0, "x=<float: n/a>", "{\"x\":null}" },
	{ "f_void", { 0 }, { }, 0, 0, "", "{}" },
	{ "f_i128", { ~0ULL, ~0ULL }, { }, 0, 0, "x=-1", "{\"x\":-1}" },
	{ "f_i128", { 0, 1 }, { }, 0, 0, "x=18446744073709551616",
	  "{\"x\":18446744073709551616}" },
	/* on the stack, so readable */
	{ "f_ld", { 1 }, { CAP(&ld_stack, 16) }, 0, 0, "x=2.5, after=1",
	  "{\"x\":2.5,\"after\":1}" },
	{ "f_nine", { 4 }, { CAP(&nine_stack, 8) }, 0, 0,
	  "a=<double: n/a>, b=<double: n/a>, c=<double: n/a>, d=<double: n/a>, e=<double: n/a>, "
	  "f=<double: n/a>, g=<double: n/a>, h=<double: n/a>, i=1.5, j=4", NULL },
	{ "twice", { 21 }, { }, 0, 0, "x=21", "{\"x\":21}" },
	/* anonymous members inline */
	{ "f_anon", { 0x0000000500000003ULL, 0x00020001 }, { }, 0, 0,
	  "a={k=3, i=5, f=7e-45, s1=1, s2=2}",
	  "{\"a\":{\"k\":3,\"i\":5,\"f\":7e-45,\"s1\":1,\"s2\":2}}" },
	{ "f_bf", { 0xaaaaaaaaaaaafULL }, { }, 0, 0, "b={a=15, b=-1366, c=45812984490}",
	  "{\"b\":{\"a\":15,\"b\":-1366,\"c\":45812984490}}" },
	{ "f_chars", { 0x0003006f6c6c6568ULL }, { }, 0, 0, "c={name=\"hello\", n=3}",
	  "{\"c\":{\"name\":\"hello\",\"n\":3}}" },
	{ "f_ud", { 0x4000000000000000ULL }, { }, 0, 0, "u={d=2, l=4611686018427387904}",
	  "{\"u\":{\"d\":2,\"l\":4611686018427387904}}" },
	{ "f_ldret", { 3 }, { CAP(&ld_stack, 16) }, 0, 0, "x={x=2.5}, after=3",
	  "{\"x\":{\"x\":2.5},\"after\":3}" },
	{ "f_m2", { 0x1000 }, { CAP(&m2_stack, sizeof(m2_stack)), CAP(&m2_val, sizeof(m2_val)) },
	  1, 0, "p=&{m=[[1, 2, 3], [4, 5, 6]]}, v={m=[[7, 8, 9], [10, 11, 12]]}",
	  "{\"p\":{\"m\":[[1,2,3],[4,5,6]]},\"v\":{\"m\":[[7,8,9],[10,11,12]]}}" },
	{ "f_split", { 1, 2, 3, 4, 5, 6 }, { CAP(&lpair_stack, sizeof(lpair_stack)) }, 0, 0,
	  "a=1, b=2, c=3, d=4, e=5, p={x=10, y=20}, g=6", NULL },
	{ "f_cplx", { 7 }, { }, 0, 0, "z=<complex double: n/a>, w=<complex float: n/a>, after=7",
	  "{\"z\":null,\"w\":null,\"after\":7}" },
	{ "f_f128", { 7 }, { }, 0, 0, "q=<_Float128: n/a>, after=7",
	  "{\"q\":null,\"after\":7}" },
	{ "f_avx", { 7 }, { }, 0, 0, "v=?, after=?", "{\"v\":null,\"after\":null}" },
};

struct ret_case {
	const char *fn;
	u64 rax, rdx;
	const char *text;	/* NULL: dwarf_format_ret() says there is none */
	const char *json;
};

static const struct ret_case ret_cases[] = {
	{ "f_s8", 0xffffff80, 0, "-128", "-128" },
	{ "f_u64", ~0ULL, 0, "18446744073709551615", "18446744073709551615" },
	{ "f_bool", 1, 0, "true", "true" },
	{ "f_char", 'z', 0, "'z'", "\"z\"" },
	{ "f_enum", 2, 0, "BLUE", "\"BLUE\"" },
	{ "f_flags", 5, 0, "P_READ|P_EXEC", "\"P_READ|P_EXEC\"" },
	{ "f_ptr", 0, 0, "NULL", "null" },
	{ "f_str", 0x1000, 0, "0x1000", "\"0x1000\"" },
	{ "f_getop", 0x401000, 0, "add", "\"add\"" },
	{ "f_pair", 0xfffffffe00000001ULL, 0, "{a=1, b=-2}", "{\"a\":1,\"b\":-2}" },
	{ "f_lpair", 10, -20ULL, "{x=10, y=-20}", "{\"x\":10,\"y\":-20}" },
	{ "f_tri", 0x200000001ULL, 3, "{a=1, b=2, c=3}", "{\"a\":1,\"b\":2,\"c\":3}" },
	{ "f_fl3", 0, 0, "{a=<float: n/a>, b=<float: n/a>, c=<float: n/a>}",
	  "{\"a\":null,\"b\":null,\"c\":null}" },
	{ "f_mixed", 42, 0, "{d=<double: n/a>, i=42}", "{\"d\":null,\"i\":42}" },
	{ "f_big", 0x7ffd2000, 0, "&0x7ffd2000", "\"0x7ffd2000\"" },
	{ "f_dbl", 0, 0, "<double: n/a>", "null" },
	{ "f_union", 0x3f800000, 0, "{i=1065353216, f=1}", "{\"i\":1065353216,\"f\":1}" },
	{ "f_typedef", 0xfffffffb, 0, "-5", "-5" },
	{ "f_ret_float", 0, 0, "<float: n/a>", "null" },
	{ "f_void", 0, 0, NULL, NULL },
	{ "f_i128", 0, 1, "18446744073709551616", "18446744073709551616" },
	{ "f_ld", 0, 0, "<long double: n/a>", "null" },
	{ "f_var", 3, 0, "3", "3" },
	{ "f_bf", 0xaaaaaaaaaaaafULL, 0, "{a=15, b=-1366, c=45812984490}", NULL },
	{ "f_ldret", 0, 0, "{x=<long double: n/a>}", "{\"x\":null}" },
};

static void test_describe(struct dwarf_module *m, const char *tag)
{
	size_t i;

	for (i = 0; i < sizeof(desc_cases) / sizeof(desc_cases[0]); i++) {
		const struct desc_case *c = &desc_cases[i];
		const struct dwarf_proto *p = find(m, c->fn);
		char name[128];

		snprintf(name, sizeof(name), "%s: %s placed", tag, c->fn);
		if (!p) {
			CHECK(false, "%s (no prototype)", name);
			continue;
		}
		CHECK_STR(describe(p), c->want, name);
	}
}

static void test_params(struct dwarf_module *m, const char *tag)
{
	const struct dwarf_proto *p = find(m, "f_dbl"), *q;

	if (!CHECK(p, "%s: f_dbl found", tag))
		return;
	CHECK_INT(dwarf_proto_nr_params(p), 3, "f_dbl has 3 params");
	CHECK_STR(dwarf_proto_param_name(p, 0), "a", "f_dbl param 0 is a");
	CHECK_STR(dwarf_proto_param_name(p, 1), "b", "f_dbl param 1 is b");
	CHECK_STR(dwarf_proto_param_name(p, 2), "c", "f_dbl param 2 is c");
	CHECK(!dwarf_proto_param_name(p, 3), "no param 3");
	CHECK_STR(dwarf_proto_param_type(p, 1), "double", "f_dbl param 1 is a double");
	CHECK_STR(dwarf_proto_name(p), "f_dbl", "prototype name");
	CHECK(!dwarf_proto_variadic(p) && dwarf_proto_has_ret(p), "f_dbl: not variadic, returns");
	p = find(m, "f_var");
	CHECK(p && dwarf_proto_variadic(p) && dwarf_proto_nr_params(p) == 1,
	      "%s: f_var is variadic with 1 named param", tag);
	p = find(m, "f_void");
	CHECK(p && !dwarf_proto_has_ret(p) && dwarf_proto_nr_params(p) == 0,
	      "%s: f_void takes and returns nothing", tag);
	/* cached: the same prototype again; by name alone too */
	p = find(m, "f_dbl");
	q = dwarf_proto_find(m, "f_dbl", 0);
	CHECK(p && p == find(m, "f_dbl") && p == q, "%s: prototypes are cached, found by name",
	      tag);
	/* an address inside a function, or a clone's name, has no prototype */
	errno = 0;
	CHECK(!dwarf_proto_find(m, "f_dbl", sym_addr("f_dbl") + 1) && errno == ENOENT,
	      "%s: no prototype mid-function (ENOENT)", tag);
	CHECK(!dwarf_proto_find(m, "f_dbl.isra.0", sym_addr("f_dbl")),
	      "%s: .isra. name gives no prototype", tag);
	CHECK(!dwarf_proto_find(m, "f_dbl.constprop.0", sym_addr("f_dbl")) &&
	      !dwarf_proto_find(m, "f_dbl.part.0", sym_addr("f_dbl")) &&
	      !dwarf_proto_find(m, "f_dbl.cold", sym_addr("f_dbl")),
	      "%s: .constprop./.part./.cold names give no prototype", tag);
	CHECK(!find(m, "asm_fn"), "%s: an assembler function has no prototype", tag);
}

static void test_captures(struct dwarf_module *m, const char *tag)
{
	size_t i;
	int k;

	for (i = 0; i < sizeof(cap_cases) / sizeof(cap_cases[0]); i++) {
		const struct cap_case *c = &cap_cases[i];
		const struct dwarf_proto *p = find(m, c->fn);
		struct rtrace_func_spec spec, want = { 0 };
		int n;

		if (!CHECK(p, "%s: %s found", tag, c->fn))
			continue;
		memset(&spec, 0xaa, sizeof(spec));
		n = dwarf_proto_captures(p, c->deref, &spec);
		for (k = 0; k < RTRACE_MAX_FUNC_CAPTURES; k++)
			want.cap[k] = c->cap[k];
		if (!CHECK(n == c->n && !memcmp(&spec, &want, sizeof(spec)),
			   "%s: captures of %s%s", tag, c->fn, c->deref ? " (deref)" : "")) {
			printf("# got %d:", n);
			for (k = 0; k < RTRACE_MAX_FUNC_CAPTURES; k++)
				printf(" {kind %u src %u reg %u off %d size %u}", spec.cap[k].kind,
				       spec.cap[k].src, spec.cap[k].reg, spec.cap[k].off,
				       spec.cap[k].size);
			printf("\n");
		}
	}
}

/* Whether the last format() or format_ret() asked only what dwarf_proto_asks() foresaw, as
 * its @sym and @str bits; says which case did not. */
static bool foreseen(const struct dwarf_proto *p, bool deref, unsigned int sym, unsigned int str,
		     const char *name)
{
	unsigned int got = (asked & ASKED_SYM ? sym : 0) | (asked & ASKED_CONST ? str : 0);

	if (!(got & ~dwarf_proto_asks(p, deref)))
		return true;
	printf("# %s asked %#x, dwarf_proto_asks says %#x\n", name, got, dwarf_proto_asks(p, deref));
	return false;
}

static void test_format(struct dwarf_module *m, const char *tag)
{
	bool all_foreseen = true;
	size_t i;

	for (i = 0; i < sizeof(fmt_cases) / sizeof(fmt_cases[0]); i++) {
		const struct fmt_case *c = &fmt_cases[i];
		const struct dwarf_proto *p = find(m, c->fn);
		char name[160];

		snprintf(name, sizeof(name), "%s: %s text #%zu", tag, c->fn, i);
		if (!CHECK(p, "%s: %s found", tag, c->fn))
			continue;
		CHECK_STR(format(p, c->args, c->cap, c->deref, false, c->slimit), c->text, name);
		all_foreseen &= foreseen(p, c->deref, DWARF_ASKS_SYM_ARGS, DWARF_ASKS_STR_ARGS, name);
		if (!c->json)
			continue;
		snprintf(name, sizeof(name), "%s: %s json #%zu", tag, c->fn, i);
		CHECK_STR(format(p, c->args, c->cap, c->deref, true, c->slimit), c->json, name);
		all_foreseen &= foreseen(p, c->deref, DWARF_ASKS_SYM_ARGS, DWARF_ASKS_STR_ARGS, name);
	}
	for (i = 0; i < sizeof(ret_cases) / sizeof(ret_cases[0]); i++) {
		const struct ret_case *c = &ret_cases[i];
		const struct dwarf_proto *p = find(m, c->fn);
		char name[160];
		const char *got;
		bool ret;

		if (!CHECK(p, "%s: %s found", tag, c->fn))
			continue;
		got = format_ret(p, c->rax, c->rdx, false, &ret);
		if (!c->text) {
			CHECK(!ret && !*got, "%s: %s returns nothing", tag, c->fn);
			continue;
		}
		snprintf(name, sizeof(name), "%s: %s return text", tag, c->fn);
		CHECK(ret, "%s: %s has a return value", tag, c->fn);
		CHECK_STR(got, c->text, name);
		all_foreseen &= foreseen(p, false, DWARF_ASKS_SYM_RET, DWARF_ASKS_STR_RET, name);
		if (!c->json)
			continue;
		snprintf(name, sizeof(name), "%s: %s return json", tag, c->fn);
		CHECK_STR(format_ret(p, c->rax, c->rdx, true, &ret), c->json, name);
		all_foreseen &= foreseen(p, false, DWARF_ASKS_SYM_RET, DWARF_ASKS_STR_RET, name);
	}
	CHECK(all_foreseen, "%s: what printing asked the process, dwarf_proto_asks foresaw", tag);
}

struct asks_case {
	const char *fn;
	bool deref;
	unsigned int want;
};

#define A_SYM	DWARF_ASKS_SYM_ARGS
#define A_STR	DWARF_ASKS_STR_ARGS
#define R_SYM	DWARF_ASKS_SYM_RET
#define R_STR	DWARF_ASKS_STR_RET

static const struct asks_case asks_cases[] = {
	{ "f_s32", false, 0 },
	{ "f_ptr", false, 0 },
	{ "f_void", false, 0 },
	{ "f_pair", true, 0 },
	{ "f_fnptr", false, A_SYM },
	{ "f_str", false, A_STR | R_STR },
	{ "f_var", false, A_STR },
	{ "f_many", false, A_STR },		/* a string passed on the stack */
	{ "f_strs", false, A_STR },
	/* a struct pointer is an address, or with --deref the struct: its op field by name */
	{ "f_node", false, 0 },
	{ "f_node", true, A_SYM },
	{ "f_nodestr", true, A_SYM | A_STR },
	{ "f_getop", false, R_SYM },
};

/* What printing a function's calls may ask the process, and nothing for most functions:
 * plain record prints ahead, to keep the answers, the calls of those that may ask. */
static void test_asks(struct dwarf_module *m, const char *tag)
{
	size_t i;

	for (i = 0; i < sizeof(asks_cases) / sizeof(asks_cases[0]); i++) {
		const struct asks_case *c = &asks_cases[i];
		const struct dwarf_proto *p = find(m, c->fn);
		char name[160];

		if (!CHECK(p, "%s: %s found", tag, c->fn))
			continue;
		snprintf(name, sizeof(name), "%s: what %s%s may ask", tag, c->fn,
			 c->deref ? " (deref)" : "");
		CHECK_INT(dwarf_proto_asks(p, c->deref), c->want, name);
	}
	CHECK(!dwarf_proto_asks(NULL, false), "%s: no prototype asks nothing", tag);
}

/* ms_abi: where DW_AT_location at entry disagrees with the SysV reading, it wins (gcc -O2);
 * clang marks the function DW_CC_LLVM_Win64: no prototype. At gcc -O0 nothing tells. */
static void test_location(struct dwarf_module *m, const char *tag)
{
	const struct dwarf_proto *p = find(m, "f_ms");
	u64 args[6] = { 1, 2, 3, 4 };

	if (!strncmp(tag, "gcc -O0", 7))
		return;
	if (strncmp(tag, "gcc -O2", 7)) {
		CHECK(!p, "%s: ms_abi function: no prototype", tag);
		return;
	}
	CHECK_STR(p ? describe(p) : NULL, "f_ms(int a@rcx, int b@rdx) -> int@rax",
		  "gcc -O2: ms_abi placed by DW_AT_location");
	CHECK_STR(p ? format(p, args, NULL, false, false, 0) : NULL, "a=4, b=3",
		  "gcc -O2: ms_abi values from rcx, rdx");
}

static void test_variant(const char *bin, const char *tag)
{
	struct dwarf_module *m;

	if (!CHECK(load_syms(bin, false), "%s: nm %s", tag, bin))
		return;
	m = dwarf_module_open(bin, NULL);
	if (!CHECK(m, "%s: open its DWARF", tag))
		return;
	CHECK_STR(dwarf_module_path(m), bin, "DWARF read from the file itself");
	test_describe(m, tag);
	test_params(m, tag);
	test_captures(m, tag);
	test_format(m, tag);
	test_asks(m, tag);
	test_location(m, tag);
	/* the same again through the trace file's encoding of prototypes */
	rt_store = proto_store_new();
	if (CHECK(rt_store, "%s: a prototype store", tag)) {
		char rtag[64];

		snprintf(rtag, sizeof(rtag), "%s, encoded", tag);
		test_describe(m, rtag);
		test_format(m, rtag);
		test_location(m, rtag);
	}
	proto_store_free(rt_store);
	rt_store = NULL;
	dwarf_module_close(m);
}

/* gcc -O2 made a .constprop clone: no prototype, the clone's ABI is gcc's own */
static void test_clone(const char *bin)
{
	struct dwarf_module *m;
	const char *clone;

	if (!load_syms(bin, false))
		return;
	clone = sym_like("cp_helper.");
	if (!clone) {
		tap_skip("gcc -O2 clone has no prototype", "no clone made");
		return;
	}
	m = dwarf_module_open(bin, NULL);
	CHECK(m && !find(m, clone), "no prototype for the clone %s", clone);
	dwarf_module_close(m);
}

/* ---- C++: namespaces, methods, classes passed by invisible reference ---- */

static void test_cxx(const char *bin, const char *tag)
{
	static const int nt_val = 2, k_val = 1;
	const struct dwarf_proto *p;
	struct dwarf_module *m;
	struct rtrace_func_spec spec;
	const char *take = NULL, *take_tr = NULL, *meth = NULL, *g = NULL;
	size_t i;

	if (!CHECK(load_syms(bin, false), "%s: nm", tag))
		return;
	/* mangled: _ZN2ns4takeENS_2NTEi, _ZN2ns1K1mEi, _ZN2ns1gEiPKc */
	for (i = 0; i < nr_syms; i++) {
		if (strstr(syms[i].name, "ns4takeE"))
			take = syms[i].name;
		else if (strstr(syms[i].name, "ns7take_trE"))
			take_tr = syms[i].name;
		else if (strstr(syms[i].name, "ns1K1mE"))
			meth = syms[i].name;
		else if (strstr(syms[i].name, "ns1gE"))
			g = syms[i].name;
	}
	m = dwarf_module_open(bin, NULL);
	if (!CHECK(m && take && take_tr && meth && g, "%s: open, symbols", tag))
		goto out;
	p = find(m, take);
	CHECK_STR(p ? describe(p) : NULL, "take(struct NT n@rdi(ref), int x@rsi) -> int@rax",
		  "non-trivial class: by invisible reference");
	if (p) {
		u64 args[6] = { 0x7ffd0000, 3 };
		struct capdata cd[4] = { CAP(&nt_val, 4) };

		/* the capture plans are BPF's: a trace file does not carry them */
		CHECK(rt_store || (dwarf_proto_captures(p, false, &spec) == 1 &&
		      spec.cap[0].kind == RTRACE_CAP_FIXED && spec.cap[0].src == RTRACE_FCAP_REG &&
		      spec.cap[0].reg == 0 && spec.cap[0].size == 4),
		      "the copy is captured without --deref");
		CHECK_STR(format(p, args, cd, false, false, 0), "n={v=2}, x=3", "shown as a value");
		CHECK_STR(format(p, args, cd, false, true, 0), "{\"n\":{\"v\":2},\"x\":3}",
			  "shown as a value (json)");
	}
	p = find(m, take_tr);
	CHECK_STR(p ? describe(p) : NULL, "take_tr(struct TR n@rdi, int x@rsi) -> int@rax",
		  "trivial class: by value");
	p = find(m, g);
	CHECK_STR(p ? describe(p) : NULL, "g(int a@rdi, const char *s@rsi) -> int@rax",
		  "function in a namespace");
	p = find(m, meth);
	CHECK(p && dwarf_proto_nr_params(p) == 2 &&
	      !strcmp(dwarf_proto_param_name(p, 0), "this"), "method: this, then a");
	if (p) {
		u64 args[6] = { 0x7ffd0000, 2 };
		struct capdata cd[4] = { CAP(&k_val, 4) };

		CHECK_STR(format(p, args, cd, true, false, 0), "this=&{k=1}, a=2", "this, deref");
	}
out:
	dwarf_module_close(m);
}

/* ---- separate debug files ---- */

static bool same_protos(struct dwarf_module *a, struct dwarf_module *b)
{
	size_t i;

	for (i = 0; i < sizeof(desc_cases) / sizeof(desc_cases[0]); i++) {
		const struct dwarf_proto *pa = find(a, desc_cases[i].fn);
		const struct dwarf_proto *pb = find(b, desc_cases[i].fn);
		char da[1024];

		if (!pa || !pb)
			return false;
		snprintf(da, sizeof(da), "%s", describe(pa));
		if (strcmp(da, describe(pb))) {
			printf("# %s differs: %s / %s\n", desc_cases[i].fn, da, outbuf);
			return false;
		}
	}
	return true;
}

static void test_debug_files(void)
{
	struct dwarf_open_opts opts = { 0 };
	struct dwarf_module *full, *m;
	char path[PATH_MAX], dbg[PATH_MAX], want[PATH_MAX + 64];
	char id[128] = "";
	FILE *p;

	snprintf(path, sizeof(path), "%s/fx_O0", tmp);
	if (!load_syms(path, false))
		return;
	full = dwarf_module_open(path, NULL);
	if (!CHECK(full, "open the unstripped fixture"))
		return;
	if (sh("cd %s && objcopy --only-keep-debug fx_O0 fx.debug && "
	       "objcopy --strip-debug --add-gnu-debuglink=fx.debug fx_O0 fx_linked && "
	       "objcopy --strip-debug fx_O0 fx_nolink && "
	       "objcopy --strip-all fx_O0 fx_bare && mkdir -p sub/.debug && "
	       "cp fx_linked sub/fx_linked && cp fx.debug sub/.debug/fx.debug", tmp)) {
		CHECK(false, "make stripped copies");
		goto out;
	}

	/* .gnu_debuglink next to the file */
	snprintf(path, sizeof(path), "%s/fx_linked", tmp);
	snprintf(want, sizeof(want), "%s/fx.debug", tmp);
	m = dwarf_module_open(path, NULL);
	CHECK(m && !strcmp(dwarf_module_path(m), want), "debuglink: found %s",
	      m ? dwarf_module_path(m) : "nothing");
	CHECK(m && same_protos(full, m), "debuglink: the same prototypes");
	dwarf_module_close(m);

	/* .gnu_debuglink in dir/.debug/ */
	snprintf(path, sizeof(path), "%s/sub/fx_linked", tmp);
	snprintf(want, sizeof(want), "%s/sub/.debug/fx.debug", tmp);
	m = dwarf_module_open(path, NULL);
	CHECK(m && !strcmp(dwarf_module_path(m), want), "debuglink in .debug/: found %s",
	      m ? dwarf_module_path(m) : "nothing");
	dwarf_module_close(m);

	/* given explicitly (struct elf_syms's debug_path) */
	snprintf(path, sizeof(path), "%s/fx_bare", tmp);
	snprintf(dbg, sizeof(dbg), "%s/fx.debug", tmp);
	m = dwarf_module_open(path, dbg);
	CHECK(m && same_protos(full, m), "explicit debug file: the same prototypes");
	dwarf_module_close(m);

	/* by build-id under a debug root */
	snprintf(path, sizeof(path), "%s/fx_nolink", tmp);
	snprintf(want, sizeof(want), "readelf -n '%s' 2>/dev/null | sed -n 's/.*Build ID: //p'",
		 path);
	p = popen(want, "r");
	if (p) {
		if (fgets(id, sizeof(id), p))
			id[strcspn(id, "\n")] = '\0';
		pclose(p);
	}
	if (strlen(id) > 2 &&
	    !sh("cd %s && mkdir -p root/.build-id/%.2s && cp fx.debug root/.build-id/%.2s/%s.debug",
		tmp, id, id, id + 2)) {
		snprintf(dbg, sizeof(dbg), "%s/root", tmp);
		opts.debug_dir = dbg;
		m = dwarf_module_open_opts(path, NULL, &opts);
		snprintf(want, sizeof(want), "%s/root/.build-id/%.2s/%s.debug", tmp, id, id + 2);
		CHECK(m && !strcmp(dwarf_module_path(m), want), "build-id: found %s",
		      m ? dwarf_module_path(m) : "nothing");
		CHECK(m && same_protos(full, m), "build-id: the same prototypes");
		dwarf_module_close(m);
	} else {
		CHECK(false, "build-id of the fixture");
	}
	errno = 0;
	opts.debug_dir = tmp;	/* nothing there */
	m = dwarf_module_open_opts(path, NULL, &opts);
	CHECK(!m && errno == ENODATA, "no debug file: ENODATA");
	dwarf_module_close(m);

	/* a debug file of another build under the linked name: refused */
	if (!sh("cd %s && mkdir -p other && objcopy --only-keep-debug fx_O2 other/fx.debug && "
		"cp fx_linked other/fx_linked", tmp)) {
		snprintf(path, sizeof(path), "%s/other/fx_linked", tmp);
		errno = 0;
		m = dwarf_module_open_opts(path, NULL, &opts);
		CHECK(!m && errno == ENODATA, "mismatched debug file refused (ENODATA)");
		dwarf_module_close(m);
	}
out:
	dwarf_module_close(full);
}

static void test_no_dwarf(void)
{
	struct dwarf_module *m;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/fx_nog", tmp);
	errno = 0;
	m = dwarf_module_open(path, NULL);
	CHECK(!m && errno == ENODATA, "built without -g: ENODATA");
	dwarf_module_close(m);
	snprintf(path, sizeof(path), "%s/fx_bare", tmp);
	errno = 0;
	m = dwarf_module_open(path, NULL);
	CHECK(!m && errno == ENODATA, "stripped, no debug file: ENODATA");
	snprintf(path, sizeof(path), "%s/fx.c", tmp);
	errno = 0;
	m = dwarf_module_open(path, NULL);
	CHECK(!m && errno == ENOEXEC, "not ELF: ENOEXEC");
	snprintf(path, sizeof(path), "%s/missing", tmp);
	errno = 0;
	m = dwarf_module_open(path, NULL);
	CHECK(!m && errno == ENOENT, "missing file: ENOENT");
	CHECK(!dwarf_proto_find(NULL, "x", 1) && !dwarf_proto_nr_params(NULL) &&
	      !dwarf_format_ret(stdout, NULL, 0, 0, NULL), "NULL module and prototype");
	dwarf_module_close(NULL);
}

/* ---- timing ---- */

/* 50,000 DWARF functions in 10 CUs: gcc compiles 5,000 once, and the assembly is renamed 10
 * times (gcc would take ~15 s to compile 50,000). */
static void test_big(void)
{
	static const char *const names[3] = { "g0", "m2500", "w4999" };
	char path[PATH_MAX];
	u64 addrs[3];
	const struct dwarf_proto *p;
	struct dwarf_module *m;
	double t0, t1, t2;
	int i, found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/big.c", tmp);
	f = fopen(path, "w");
	if (!f)
		return;
	for (i = 0; i < 5000; i++)
		fprintf(f, "int f%d(int a, const char *s) { return a + s[0] + %d; }\n", i, i);
	fclose(f);
	t0 = now();
	/* one letter for another: gcc wrote the DWARF unit lengths as numbers */
	if (sh("cd %s && cc -g -O0 -S big.c -o big.s && for k in g h j k m n p q r w; do "
	       "sed \"s/\\bf\\([0-9][0-9]*\\)\\b/$k\\1/g\" big.s > big_$k.s && "
	       "cc -c big_$k.s -o big_$k.o || exit 1; done && "
	       "echo 'int main(void) { return 0; }' > bigmain.c && "
	       "cc -g -O0 bigmain.c big_?.o -o bigbin", tmp)) {
		CHECK(false, "build a binary with 50,000 functions");
		return;
	}
	printf("# built the 50,000-function binary in %.1f s\n", now() - t0);
	snprintf(path, sizeof(path), "%s/bigbin", tmp);
	if (!CHECK(load_syms(path, false), "nm the big binary"))
		return;
	for (i = 0; i < 3; i++)
		addrs[i] = sym_addr(names[i]);

	t0 = now();
	m = dwarf_module_open(path, NULL);
	t1 = now();
	for (i = 0; m && i < 3; i++) {
		p = dwarf_proto_find(m, names[i], addrs[i]);
		found += p && dwarf_proto_nr_params(p) == 2 &&
			 !strcmp(dwarf_proto_param_name(p, 1), "s") &&
			 !strcmp(dwarf_proto_name(p), names[i]);
	}
	t2 = now();
	printf("# 50,000 functions: open %.1f ms, 3 lookups %.1f ms\n", (t1 - t0) * 1e3,
	       (t2 - t1) * 1e3);
	CHECK_INT(found, 3, "big binary: 3 prototypes found");
	CHECK(t2 - t0 < 1.0, "big binary: open + 3 lookups in %.3f s (< 1 s)", t2 - t0);
	dwarf_module_close(m);
}

/* libc through its build-id debug file (libc6-dbg), when installed. */
static void test_libc(void)
{
	static const char *const libc = "/lib/x86_64-linux-gnu/libc.so.6";
	static const struct desc_case want[] = {
		{ "getenv", "getenv(const char *name@rdi) -> char *@rax" },
		{ "qsort", "qsort(void *b@rdi, size_t n@rsi, size_t s@rdx, __compar_fn_t cmp@rcx) "
			   "-> void" },
		{ "setenv", "__setenv(const char *name@rdi, const char *value@rsi, "
			    "int replace@rdx) -> int@rax" },
	};
	struct dwarf_module *m;
	double t0, t1, t2;
	u64 addrs[3];
	int i;

	if (access(libc, R_OK) || !load_syms(libc, true)) {
		tap_skip("libc prototypes", "no libc.so.6");
		return;
	}
	for (i = 0; i < 3; i++)
		addrs[i] = sym_addr(want[i].fn);
	t0 = now();
	m = dwarf_module_open(libc, NULL);
	t1 = now();
	if (!m) {
		tap_skip("libc prototypes", "no debug file for libc (libc6-dbg)");
		return;
	}
	for (i = 0; i < 3; i++) {
		const struct dwarf_proto *p = dwarf_proto_find(m, want[i].fn, addrs[i]);

		CHECK_STR(p ? describe(p) : NULL, want[i].want, want[i].fn);
	}
	t2 = now();
	printf("# libc (%s): open %.1f ms, 3 lookups %.1f ms\n", dwarf_module_path(m),
	       (t1 - t0) * 1e3, (t2 - t1) * 1e3);
	CHECK(t2 - t0 < 1.0, "libc: open + 3 lookups in %.3f s (< 1 s)", t2 - t0);
	/* execve is a syscall-template.S stub: as made a DIE with no parameters */
	CHECK(!dwarf_proto_find(m, "execve", sym_addr("execve")), "libc execve (assembler): none");
	dwarf_module_close(m);
}

/* ---- building ---- */

static bool have(const char *tool)
{
	return sh("command -v %s >/dev/null 2>&1", tool) == 0;
}

static bool build_fixtures(void)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/fx.c", tmp);
	if (!write_file(path, fixture_src))
		return false;
	snprintf(path, sizeof(path), "%s/asm_fn.S", tmp);
	if (!write_file(path, asm_src))
		return false;
	snprintf(path, sizeof(path), "%s/cx.cc", tmp);
	if (!write_file(path, cxx_src))
		return false;
	/* -Wno-psabi: gcc notes the ABI of 32-byte vectors as an aside, even with -w */
	return !sh("cd %s && F='-w -Wno-psabi fx.c asm_fn.S' && N='__attribute__((noipa))' && "
		   "cc -g -O0 -DNOIPA=\"$N\" $F -o fx_O0 && "
		   "cc -g -O2 -DNOIPA=\"$N\" $F -o fx_O2 && cc -O2 -DNOIPA= $F -o fx_nog", tmp);
}

int main(void)
{
	char path[PATH_MAX];

	if (!tmp_make("/tmp/rtrace-dwarf-XXXXXX")) {
		CHECK(false, "make a scratch directory");
		return tap_done();
	}
	if (CHECK(build_fixtures(), "build fixtures with cc in %s", tmp)) {
		snprintf(path, sizeof(path), "%s/fx_O0", tmp);
		test_variant(path, "gcc -O0");
		snprintf(path, sizeof(path), "%s/fx_O2", tmp);
		test_variant(path, "gcc -O2");
		test_clone(path);
		if (have("clang-19") || have("clang")) {
			if (!sh("cd %s && $(command -v clang-19 || command -v clang) -g -O2 -w "
				"-DNOIPA= fx.c asm_fn.S -o fx_clang", tmp)) {
				snprintf(path, sizeof(path), "%s/fx_clang", tmp);
				test_variant(path, "clang -O2");
			}
		} else {
			tap_skip("clang fixture", "no clang");
		}
		if (have("g++") && !sh("cd %s && g++ -g -O0 -w cx.cc -o cx_gxx", tmp)) {
			snprintf(path, sizeof(path), "%s/cx_gxx", tmp);
			test_cxx(path, "g++");
			rt_store = proto_store_new();
			test_cxx(path, "g++, encoded");
			proto_store_free(rt_store);
			rt_store = NULL;
		} else {
			tap_skip("C++ fixture", "no g++");
		}
		if ((have("clang++-19") || have("clang++")) &&
		    !sh("cd %s && $(command -v clang++-19 || command -v clang++) -g -O0 -w cx.cc "
			"-o cx_clang", tmp)) {
			snprintf(path, sizeof(path), "%s/cx_clang", tmp);
			test_cxx(path, "clang++");
			rt_store = proto_store_new();
			test_cxx(path, "clang++, encoded");
			proto_store_free(rt_store);
			rt_store = NULL;
		}
		test_debug_files();
		test_no_dwarf();
	}
	test_big();
	test_libc();
	free(syms);
	tmp_remove();
	return tap_done();
}
