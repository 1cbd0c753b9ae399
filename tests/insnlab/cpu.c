/* SPDX-License-Identifier: GPL-2.0 */
/* What this CPU can run: cpuid bits and the OS-enabled register state (XCR0), and the features
 * a decoded instruction's ISA set needs.
 */
#include <asm/hwcap2.h>
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

#include "insnlab.h"

#define XCR0_AVX 0x6	/* SSE + AVX state */
#define XCR0_AVX512 0xe6	/* + opmask, ZMM_Hi256, Hi16_ZMM */

enum { EAX, EBX, ECX, EDX };

struct feature {
	const char *name;
	uint32_t leaf, sub;
	int reg, bit;
	uint64_t xcr0;		/* register state the OS must have enabled */
};

#define F(n, l, s, r, b) { n, l, s, r, b, 0 }
#define FX(n, l, s, r, b, x) { n, l, s, r, b, x }

static const struct feature features[] = {
	F("sse3", 1, 0, ECX, 0),		F("pclmulqdq", 1, 0, ECX, 1),
	F("ssse3", 1, 0, ECX, 9),		FX("fma", 1, 0, ECX, 12, XCR0_AVX),
	F("cx16", 1, 0, ECX, 13),		F("sse4.1", 1, 0, ECX, 19),
	F("sse4.2", 1, 0, ECX, 20),		F("movbe", 1, 0, ECX, 22),
	F("popcnt", 1, 0, ECX, 23),		F("aes", 1, 0, ECX, 25),
	F("xsave", 1, 0, ECX, 26),		FX("avx", 1, 0, ECX, 28, XCR0_AVX),
	FX("f16c", 1, 0, ECX, 29, XCR0_AVX),	F("rdrand", 1, 0, ECX, 30),
	F("fsgsbase", 7, 0, EBX, 0),		F("bmi1", 7, 0, EBX, 3),
	FX("avx2", 7, 0, EBX, 5, XCR0_AVX),	F("bmi2", 7, 0, EBX, 8),
	F("rtm", 7, 0, EBX, 11),		FX("avx512f", 7, 0, EBX, 16, XCR0_AVX512),
	FX("avx512dq", 7, 0, EBX, 17, XCR0_AVX512), F("rdseed", 7, 0, EBX, 18),
	F("adx", 7, 0, EBX, 19),		FX("avx512ifma", 7, 0, EBX, 21, XCR0_AVX512),
	F("clflushopt", 7, 0, EBX, 23),	F("clwb", 7, 0, EBX, 24),
	FX("avx512pf", 7, 0, EBX, 26, XCR0_AVX512), FX("avx512er", 7, 0, EBX, 27, XCR0_AVX512),
	FX("avx512cd", 7, 0, EBX, 28, XCR0_AVX512), F("sha", 7, 0, EBX, 29),
	FX("avx512bw", 7, 0, EBX, 30, XCR0_AVX512), FX("avx512vl", 7, 0, EBX, 31, XCR0_AVX512),
	FX("avx512vbmi", 7, 0, ECX, 1, XCR0_AVX512), F("pku", 7, 0, ECX, 3),
	F("waitpkg", 7, 0, ECX, 5),		FX("avx512vbmi2", 7, 0, ECX, 6, XCR0_AVX512),
	F("gfni", 7, 0, ECX, 8),		FX("vaes", 7, 0, ECX, 9, XCR0_AVX),
	FX("vpclmulqdq", 7, 0, ECX, 10, XCR0_AVX), FX("avx512vnni", 7, 0, ECX, 11, XCR0_AVX512),
	FX("avx512bitalg", 7, 0, ECX, 12, XCR0_AVX512),
	FX("avx512vpopcntdq", 7, 0, ECX, 14, XCR0_AVX512),
	F("rdpid", 7, 0, ECX, 22),		F("movdiri", 7, 0, ECX, 27),
	F("enqcmd", 7, 0, ECX, 29),		FX("avx5124vnniw", 7, 0, EDX, 2, XCR0_AVX512),
	FX("avx5124fmaps", 7, 0, EDX, 3, XCR0_AVX512),
	FX("avx512vp2intersect", 7, 0, EDX, 8, XCR0_AVX512),
	F("serialize", 7, 0, EDX, 14),	FX("avx512fp16", 7, 0, EDX, 23, XCR0_AVX512),
	FX("avxvnni", 7, 1, EAX, 4, XCR0_AVX),	FX("avx512bf16", 7, 1, EAX, 5, XCR0_AVX512),
	F("xsaveopt", 0xd, 1, EAX, 0),		F("xsavec", 0xd, 1, EAX, 1),
	F("xsaves", 0xd, 1, EAX, 3),		F("lahf", 0x80000001, 0, ECX, 0),
	F("lzcnt", 0x80000001, 0, ECX, 5),	F("sse4a", 0x80000001, 0, ECX, 6),
	FX("xop", 0x80000001, 0, ECX, 11, XCR0_AVX), FX("fma4", 0x80000001, 0, ECX, 16, XCR0_AVX),
	F("tbm", 0x80000001, 0, ECX, 21),	F("rdtscp", 0x80000001, 0, EDX, 27),
	F("3dnow", 0x80000001, 0, EDX, 31),	F("clzero", 0x80000008, 0, EBX, 0),
};

/* Zydis ISA set (its name without a _128/_256/_512/_SCALAR/_KOP suffix) → features needed */
static const struct {
	const char *set;
	const char *need[2];
} isa_sets[] = {
	{ "CMPXCHG16B", { "cx16" } },	{ "LAHF", { "lahf" } },
	{ "SSE3", { "sse3" } },		{ "SSSE3", { "ssse3" } },
	{ "SSE4", { "sse4.1" } },	{ "SSE42", { "sse4.2" } },
	{ "SSE4A", { "sse4a" } },	{ "POPCNT", { "popcnt" } },
	{ "LZCNT", { "lzcnt" } },	{ "MOVBE", { "movbe" } },
	{ "AES", { "aes" } },		{ "PCLMULQDQ", { "pclmulqdq" } },
	{ "AVX", { "avx" } },		{ "AVX2", { "avx2" } },
	{ "AVX2GATHER", { "avx2" } },	{ "AVXAES", { "avx", "aes" } },
	{ "AVX_GFNI", { "avx", "gfni" } }, { "AVX_VNNI", { "avxvnni" } },
	{ "FMA", { "fma" } },		{ "FMA4", { "fma4" } },
	{ "F16C", { "f16c" } },		{ "BMI1", { "bmi1" } },
	{ "BMI2", { "bmi2" } },		{ "ADOX_ADCX", { "adx" } },
	{ "RDRAND", { "rdrand" } },	{ "RDSEED", { "rdseed" } },
	{ "RDPID", { "rdpid" } },	{ "RDTSCP", { "rdtscp" } },
	{ "RDWRFSGS", { "fsgsbase" } },	{ "SHA", { "sha" } },
	{ "GFNI", { "gfni" } },		{ "VAES", { "vaes" } },
	{ "VPCLMULQDQ", { "vpclmulqdq" } }, { "XSAVE", { "xsave" } },
	{ "XSAVEOPT", { "xsaveopt" } },	{ "XSAVEC", { "xsavec" } },
	{ "XSAVES", { "xsaves" } },	{ "CLFLUSHOPT", { "clflushopt" } },
	{ "CLWB", { "clwb" } },		{ "CLZERO", { "clzero" } },
	{ "SERIALIZE", { "serialize" } }, { "WAITPKG", { "waitpkg" } },
	{ "MOVDIR", { "movdiri" } },	{ "PKU", { "pku" } },
	{ "XOP", { "xop" } },		{ "TBM", { "tbm" } },
	{ "AMD3DNOW", { "3dnow" } },	{ "RTM", { "rtm" } },
	{ "ENQCMD", { "enqcmd" } },
	{ "AVX512F", { "avx512f" } },	{ "AVX512BW", { "avx512f", "avx512bw" } },
	{ "AVX512DQ", { "avx512f", "avx512dq" } }, { "AVX512CD", { "avx512f", "avx512cd" } },
	{ "AVX512ER", { "avx512f", "avx512er" } }, { "AVX512PF", { "avx512f", "avx512pf" } },
	{ "AVX512_4FMAPS", { "avx512f", "avx5124fmaps" } },
	{ "AVX512_4VNNIW", { "avx512f", "avx5124vnniw" } },
	{ "AVX512_BF16", { "avx512f", "avx512bf16" } },
	{ "AVX512_BITALG", { "avx512f", "avx512bitalg" } },
	{ "AVX512_FP16", { "avx512f", "avx512fp16" } },
	{ "AVX512_GFNI", { "avx512f", "gfni" } },
	{ "AVX512_IFMA", { "avx512f", "avx512ifma" } },
	{ "AVX512_VAES", { "avx512f", "vaes" } },
	{ "AVX512_VBMI2", { "avx512f", "avx512vbmi2" } },
	{ "AVX512_VBMI", { "avx512f", "avx512vbmi" } },
	{ "AVX512_VNNI", { "avx512f", "avx512vnni" } },
	{ "AVX512_VP2INTERSECT", { "avx512f", "avx512vp2intersect" } },
	{ "AVX512_VPCLMULQDQ", { "avx512f", "vpclmulqdq" } },
	{ "AVX512_VPOPCNTDQ", { "avx512f", "avx512vpopcntdq" } },
};

static struct cpu the_cpu;
static uint64_t xcr0;
static char without[256];	/* ",name,name," the user wants treated as absent */

/* Treat the comma-separated features in @list as absent (to try the skipping on any CPU). */
void cpu_without(const char *list)
{
	snprintf(without, sizeof(without), ",%s,", list);
}

static bool have(const char *name)
{
	unsigned int r[4], max;
	char key[32];
	size_t i;

	snprintf(key, sizeof(key), ",%s,", name);
	if (strstr(without, key))
		return false;

	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		const struct feature *f = &features[i];

		if (strcmp(f->name, name))
			continue;
		max = __get_cpuid_max(f->leaf & 0x80000000, NULL);
		if (max < f->leaf)
			return false;
		__cpuid_count(f->leaf, f->sub, r[EAX], r[EBX], r[ECX], r[EDX]);
		if (!(r[f->reg] >> f->bit & 1) || (xcr0 & f->xcr0) != f->xcr0)
			return false;
		/* rdfsbase and friends fault in user mode unless the kernel sets CR4.FSGSBASE:
		 * 5.9 and later, which say so in the auxv
		 */
		if (!strcmp(name, "fsgsbase"))
			return getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE;
		return true;
	}
	/* not in the table: let the run tell (SIGILL) */
	return true;
}

/* Reads the CPU's features once. Returns 0. */
int cpu_detect(struct cpu *cpu)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	__cpuid(1, a, b, c, d);
	if (c & bit_OSXSAVE) {
		asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		xcr0 = (uint64_t)hi << 32 | lo;
	}
	the_cpu.avx = have("avx");
	the_cpu.avx512 = have("avx512f");
	the_cpu.avx512bw = the_cpu.avx512 && have("avx512bw");
	the_cpu.fsgsbase = have("fsgsbase");
	if (cpu)
		*cpu = the_cpu;
	return 0;
}

const struct cpu *cpu_get(void)
{
	return &the_cpu;
}

/* Returns the name of a CPU feature @insn needs and this CPU lacks, or NULL. */
const char *isa_missing(const ZydisDecodedInstruction *insn)
{
	const char *name = ZydisISASetGetString(insn->meta.isa_set), *us;
	char base[48];
	size_t i, n;
	int j;

	if (!name)
		return NULL;
	n = strlen(name);
	us = strrchr(name, '_');
	if (us && (!strcmp(us, "_128") || !strcmp(us, "_128N") || !strcmp(us, "_256") ||
		   !strcmp(us, "_512") || !strcmp(us, "_SCALAR") || !strcmp(us, "_KOP")))
		n = us - name;
	if (n >= sizeof(base))
		return NULL;
	memcpy(base, name, n);
	base[n] = '\0';
	for (i = 0; i < sizeof(isa_sets) / sizeof(isa_sets[0]); i++) {
		if (strcmp(isa_sets[i].set, base))
			continue;
		for (j = 0; j < 2 && isa_sets[i].need[j]; j++)
			if (!have(isa_sets[i].need[j]))
				return isa_sets[i].need[j];
		/* 128/256-bit EVEX forms need AVX512VL too; 128N ones do not */
		if (us && !strncmp(name, "AVX512", 6) &&
		    (!strcmp(us, "_128") || !strcmp(us, "_256")) && !have("avx512vl"))
			return "avx512vl";
		return NULL;
	}
	return NULL;
}
