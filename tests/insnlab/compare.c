/* SPDX-License-Identifier: GPL-2.0 */
/* Comparing runs, and the outcome and detail that an instruction's runs add up to. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "insnlab.h"

static const char *const gpr_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static int vec_count(void)
{
	return cpu_get()->avx512 ? 32 : 16;
}

static int vec_bytes(void)
{
	return cpu_get()->avx512 ? 64 : cpu_get()->avx ? 32 : 16;
}

/* Names where memory differs, relative to the test rsp, or the run's fs or gs base, when close
 * to it.
 */
static void name_mem(const struct site *s, size_t first, size_t last, bool rip, char *out,
		     size_t size)
{
	long long a, b, rsp = (long long)(s->in.gpr[4] - (uint64_t)s->buf), sb;
	int i;

	for (i = 0; s->seg && !rip && i < 2; i++) {
		sb = (long long)(seg_base(s, i) - (uint64_t)s->buf);
		if ((long long)first > sb - 0x10000 && (long long)last < sb + 0x10000) {
			snprintf(out, size, "mem(%s%+lld..%+lld)", i == SEG_GS ? "gs" : "fs",
				 (long long)first - sb, (long long)last - sb);
			return;
		}
	}
	if (rip) {
		a = (long long)first - (RIP_TARGET - D_RIP);
		b = (long long)last - (RIP_TARGET - D_RIP);
		snprintf(out, size, "mem(riprel%+lld..%+lld)", a, b);
	} else if ((long long)first > rsp - 0x10000 && (long long)last < rsp + 0x10000) {
		snprintf(out, size, "mem(rsp%+lld..%+lld)", (long long)first - rsp,
			 (long long)last - rsp);
	} else {
		a = (long long)first - BUF_SIZE / 2;
		b = (long long)last - BUF_SIZE / 2;
		snprintf(out, size, "mem(buf%+lld..%+lld)", a, b);
	}
}

static bool mem_diff(const uint8_t *a, const uint8_t *b, size_t n, size_t *first, size_t *last)
{
	size_t i;

	if (!memcmp(a, b, n))
		return false;
	for (i = 0; a[i] == b[i]; i++)
		;
	*first = i;
	for (i = n - 1; a[i] == b[i]; i--)
		;
	*last = i;
	return true;
}

/* The red zone: the 128 bytes below %rsp, which the code of a function may use without moving
 * %rsp. rtrace probes only where it is dead: at a function's entry (a caller's red zone does
 * not survive its call) and past instructions that write no memory. There a probe may use it,
 * as 6.18 does for a 5-byte nop (its call to the uprobe trampoline pushes there): in it, only
 * the bytes the instruction itself writes (those run @a changed from the input) are compared;
 * the others of @b are set back to the input's. */
static void red_zone_as_input(const struct site *s, const uint8_t *abuf, uint8_t *bbuf)
{
	long long rsp = (long long)(s->in.gpr[4] - (uint64_t)s->buf), i;

	for (i = rsp - 128; i < rsp; i++)
		if (i >= 0 && i < BUF_SIZE && abuf[i] == s->buf_init[i])
			bbuf[i] = s->buf_init[i];
}

/* Compares run @b (memory in @bbuf/@brip) with run @a; fields set in @mask are not compared. */
void compare(const struct site *s, const struct snap *a, const struct snap *b,
	     const uint8_t *abuf, const uint8_t *arip, uint8_t *bbuf, const uint8_t *brip,
	     const struct diff *mask, struct diff *d)
{
	static const struct { int field, off, len; } fx_fields[] = {
		{ F_FCW, 0, 2 }, { F_FSW, 2, 2 }, { F_FTW, 4, 1 }, { F_MXCSR, 24, 4 },
	};
	size_t first, last;
	int i, j;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < 16; i++)
		d->f[F_GPR + i] = a->r.gpr[i] != b->r.gpr[i];
	d->f[F_RFLAGS] = a->r.rflags != b->r.rflags;
	d->f[F_PATH] = a->r.path != b->r.path;
	d->f[F_SIGNAL] = a->sig != b->sig || a->sig_rip != b->sig_rip;
	d->sig = b->sig;
	for (i = 0; i < 4; i++)
		d->f[fx_fields[i].field] = memcmp(a->r.fx + fx_fields[i].off,
						  b->r.fx + fx_fields[i].off, fx_fields[i].len);
	for (i = 0; i < 8; i++)
		d->f[F_ST + i] = memcmp(a->r.fx + 32 + 16 * i, b->r.fx + 32 + 16 * i, 10);
	for (i = 0; i < vec_count(); i++) {
		for (j = vec_bytes() - 1; j >= 0 && a->r.zmm[i][j] == b->r.zmm[i][j]; j--)
			;
		d->vec_bytes[i] = j + 1;
		d->f[F_VEC + i] = j >= 0;
	}
	for (i = 0; cpu_get()->avx512 && i < 8; i++)
		d->f[F_K + i] = a->r.k[i] != b->r.k[i];
	/* a run compared with the reference: the red zone as an entry probe sees it */
	if (bbuf == s->buf && abuf != s->buf_init)
		red_zone_as_input(s, abuf, bbuf);
	if (mem_diff(abuf, bbuf, BUF_SIZE, &first, &last)) {
		d->f[F_MEM] = true;
		name_mem(s, first, last, false, d->mem, sizeof(d->mem));
	} else if (mem_diff(arip, brip, RIP_SIZE, &first, &last)) {
		d->f[F_MEM] = true;
		name_mem(s, first, last, true, d->mem, sizeof(d->mem));
	}
	for (i = 0; mask && i < F_MAX; i++)
		if (mask->f[i])
			d->f[i] = false;
	/* one run faulted, the other did not: their registers are not comparable */
	if (a->sig != b->sig && !(mask && mask->f[F_SIGNAL]))
		for (i = 0; i < F_MEM; i++)
			d->f[i] = i == F_SIGNAL;
}

/* The vector register @idx as an operand of the instruction names it (ymm17), or NULL. */
static const char *vec_operand(const struct site *s, int idx)
{
	ZydisRegisterClass c;
	int i;

	for (i = 0; s && i < s->insn.operand_count; i++) {
		if (s->ops[i].type != ZYDIS_OPERAND_TYPE_REGISTER)
			continue;
		c = ZydisRegisterGetClass(s->ops[i].reg.value);
		if (c != ZYDIS_REGCLASS_XMM && c != ZYDIS_REGCLASS_YMM && c != ZYDIS_REGCLASS_ZMM)
			continue;
		if (ZydisRegisterGetId(s->ops[i].reg.value) == idx)
			return ZydisRegisterGetString(s->ops[i].reg.value);
	}
	return NULL;
}

static void field_name(const struct site *s, int f, const struct diff *d, char *out, size_t size)
{
	static const char *const fx[] = { "fcw", "fsw", "ftw", "mxcsr" };
	const char *op;
	int n;

	if (f < F_RFLAGS) {
		snprintf(out, size, "%s", gpr_names[f]);
	} else if (f == F_RFLAGS || f == F_PATH) {
		snprintf(out, size, "%s", f == F_RFLAGS ? "rflags" : "path");
	} else if (f == F_SIGNAL) {
		if (d->sig)
			snprintf(out, size, "signal %d", d->sig);
		else
			snprintf(out, size, "no signal");
	} else if (f < F_ST) {
		snprintf(out, size, "%s", fx[f - F_FCW]);
	} else if (f < F_VEC) {
		snprintf(out, size, "st%d", f - F_ST);
	} else if (f < F_K) {
		/* VEX/EVEX writes zero the bits above the operand: name the operand */
		op = vec_operand(s, f - F_VEC);
		n = d->vec_bytes[f - F_VEC];
		if (op)
			snprintf(out, size, "%s", op);
		else
			snprintf(out, size, "%smm%d", n > 32 ? "z" : n > 16 ? "y" : "x", f - F_VEC);
	} else if (f < F_MEM) {
		snprintf(out, size, "k%d", f - F_K);
	} else {
		snprintf(out, size, "%s", d->mem);
	}
}

/* Appends to @out, comma-separated. */
static void add_item(char *out, size_t size, const char *fmt, ...)
{
	size_t n = strlen(out);
	va_list ap;

	if (n && n + 2 < size) {
		strcpy(out + n, ", ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(out + n, size - n, fmt, ap);
	va_end(ap);
}

/* The field that register operand @op is, or -1. */
static int op_field(const ZydisDecodedOperand *op)
{
	ZydisRegister r = op->reg.value;

	if (op->type != ZYDIS_OPERAND_TYPE_REGISTER)
		return -1;
	switch (ZydisRegisterGetClass(r)) {
	case ZYDIS_REGCLASS_GPR8:
	case ZYDIS_REGCLASS_GPR16:
	case ZYDIS_REGCLASS_GPR32:
	case ZYDIS_REGCLASS_GPR64:
		r = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
		if (r < ZYDIS_REGISTER_RAX || r > ZYDIS_REGISTER_R15)
			return -1;
		return F_GPR + (int)(r - ZYDIS_REGISTER_RAX);
	case ZYDIS_REGCLASS_XMM:
	case ZYDIS_REGCLASS_YMM:
	case ZYDIS_REGCLASS_ZMM:
		return F_VEC + ZydisRegisterGetId(r);
	case ZYDIS_REGCLASS_MASK:
		return F_K + ZydisRegisterGetId(r);
	case ZYDIS_REGCLASS_FLAGS:
		return F_RFLAGS;
	default:
		return -1;
	}
}

/* rdtsc's rdx changes too, only seldom: when one register the instruction writes is unstable,
 * take all it writes as unstable.
 */
void widen_unstable(const struct site *s, struct diff *u)
{
	bool hit = false;
	int i, f;

	for (i = 0; i < s->insn.operand_count; i++) {
		f = op_field(&s->ops[i]);
		if (f >= 0 && (s->ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) && u->f[f])
			hit = true;
	}
	for (i = 0; hit && i < s->insn.operand_count; i++) {
		f = op_field(&s->ops[i]);
		if (f >= 0 && (s->ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
			u->f[f] = true;
	}
}

/* In which runs field @f differs, when not in all: "flags X" when it follows the rflags value,
 * else the probed runs in time order; "after removal" for the unprobed run after the probe.
 */
static void qualify(const struct runs *R, int f, char *q, size_t size)
{
	int nv = env.nflags, v, h, na = 0, n;
	unsigned int m = 0, all = (1u << (nv * HITS)) - 1, hmask = (1u << HITS) - 1, vm;
	bool aligned = true;
	char list[64] = "";

	q[0] = '\0';
	for (v = 0; v < nv; v++) {
		for (h = 0; h < HITS; h++)
			if (R->dp[v][h].f[f])
				m |= 1u << (v * HITS + h);
		vm = m >> (v * HITS) & hmask;
		aligned &= vm == 0 || vm == hmask;
		na += R->da[v].f[f];
	}
	if (m && m != all && aligned) {
		for (v = 0; v < nv; v++)
			if (m >> (v * HITS) & 1)
				add_item(q, size, "flags %#llx", (unsigned long long)env.flags[v]);
	} else if (m && m != all) {
		for (n = 0; n < nv * HITS; n++)
			if (m >> n & 1)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d",
					 list[0] ? "," : "", n + 1);
		add_item(q, size, "probed runs %s of %d", list, nv * HITS);
	}
	if (na)
		add_item(q, size, "after removal");
	if (na && na != nv)
		for (v = 0; v < nv; v++)
			if (R->da[v].f[f])
				add_item(q, size, "flags %#llx", (unsigned long long)env.flags[v]);
}

static void ends(const struct snap *r, char *out, size_t size)
{
	if (r->sig)
		snprintf(out, size, "signal %d", r->sig);
	else
		snprintf(out, size, "%s", r->r.path == PATH_TAKEN ? "taken" : "next");
}

static void flush_run(struct result *res, const char *name, int start, int end, const char *q)
{
	char range[64];

	if (start < 0)
		return;
	if (end > start)
		snprintf(range, sizeof(range), "%.3s%d..%.3s%d", name, start - F_VEC, name,
			 end - F_VEC);
	else
		snprintf(range, sizeof(range), "%s", name);
	add_item(res->detail, sizeof(res->detail), q[0] ? "%s [%s]" : "%s", range, q);
}

/* Outcome and detail from all the runs of one instruction. */
void summarize(const struct site *s, const struct runs *R, struct result *res)
{
	int nv = env.nflags, v, h, f, i;
	uint64_t min_u = UINT64_MAX, min_p = UINT64_MAX;
	char name[64], q[128], e[32], prev[32] = "", run_name[64] = "", run_q[128] = "";
	int run_start = -1, run_end = -1;
	bool nondet = true, unstable = false, seen_unstable[F_MAX] = { false };
	struct diff merged;

	res->detail[0] = '\0';
	for (f = 0; f < F_MAX; f++) {
		const struct diff *first = NULL;

		memset(&merged, 0, sizeof(merged));
		for (v = 0; v < nv; v++) {
			for (h = 0; h < HITS; h++)
				if (R->dp[v][h].f[f] && !first)
					first = &R->dp[v][h];
			if (R->da[v].f[f] && !first)
				first = &R->da[v];
		}
		if (!first)
			continue;
		merged = *first;
		/* name a vector register by the widest part that differed anywhere */
		for (v = 0; f >= F_VEC && f < F_K && v < nv; v++) {
			for (h = 0; h < HITS; h++)
				if (R->dp[v][h].vec_bytes[f - F_VEC] > merged.vec_bytes[f - F_VEC])
					merged.vec_bytes[f - F_VEC] =
						R->dp[v][h].vec_bytes[f - F_VEC];
		}
		field_name(s, f, &merged, name, sizeof(name));
		qualify(R, f, q, sizeof(q));
		/* zmm0, zmm1, ... zmm15 → zmm0..zmm15 */
		if (f > F_VEC && f < F_K && run_end == f - 1 && !strcmp(q, run_q) &&
		    name[0] == run_name[0] && !vec_operand(s, f - F_VEC)) {
			run_end = f;
			continue;
		}
		flush_run(res, run_name, run_start, run_end, run_q);
		run_start = run_end = -1;
		if (f >= F_VEC && f < F_K && !vec_operand(s, f - F_VEC)) {
			run_start = run_end = f;
			strcpy(run_name, name);
			strcpy(run_q, q);
			continue;
		}
		add_item(res->detail, sizeof(res->detail), q[0] ? "%s [%s]" : "%s", name, q);
	}
	flush_run(res, run_name, run_start, run_end, run_q);
	/* one hit a probed run, or the probe misbehaves: fewer, it missed some; more, it fired
	 * again before the instruction was done (a rep string instruction, once an iteration) */
	if (R->hits != (uint64_t)nv * HITS)
		add_item(res->detail, sizeof(res->detail), "hits %llu/%d",
			 (unsigned long long)R->hits, nv * HITS);
	if (res->detail[0]) {
		res->outcome = "differs";
		return;
	}

	/* nondeterministic: all that the instruction changed also changed between unprobed runs */
	for (v = 0; v < nv; v++) {
		bool changed = false, all_unstable = true;

		for (f = 0; f < F_MAX; f++) {
			if (R->unstable[v].f[f]) {
				unstable = true;
				seen_unstable[f] = true;
			}
			if (R->changed[v].f[f]) {
				changed = true;
				all_unstable &= R->unstable[v].f[f];
			}
		}
		if (!changed || !all_unstable)
			nondet = false;
	}
	res->outcome = nondet && unstable ? "nondeterministic" : "same";
	if (!nondet || !unstable) {
		for (v = 0; v < nv; v++) {
			ends(&R->u1[v], e, sizeof(e));
			if (!strcmp(e, prev))
				continue;
			if (!v)
				snprintf(res->detail, sizeof(res->detail), "ends %s", e);
			else
				snprintf(res->detail + strlen(res->detail),
					 sizeof(res->detail) - strlen(res->detail), "/%s", e);
			strcpy(prev, e);
		}
	}
	if (unstable) {
		add_item(res->detail, sizeof(res->detail), "unstable");
		for (f = 0, i = 0; f < F_MAX; f++) {
			if (!seen_unstable[f])
				continue;
			field_name(s, f, &R->unstable[0], name, sizeof(name));
			snprintf(res->detail + strlen(res->detail),
				 sizeof(res->detail) - strlen(res->detail), "%s%s", i++ ? "," : " ",
				 name);
		}
	}
	if (nondet && unstable)
		return;
	for (v = 0; v < nv; v++) {
		min_u = R->u1[v].ns < min_u ? R->u1[v].ns : min_u;
		min_u = R->u2[v].ns < min_u ? R->u2[v].ns : min_u;
		min_u = R->a[v].ns < min_u ? R->a[v].ns : min_u;
		for (h = 0; h < HITS; h++)
			min_p = R->p[v][h].ns < min_p ? R->p[v][h].ns : min_p;
	}
	add_item(res->detail, sizeof(res->detail), "probe %+.1fus",
		 ((double)min_p - (double)min_u) / 1000.0);
}
