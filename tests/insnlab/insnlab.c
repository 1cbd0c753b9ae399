/* SPDX-License-Identifier: GPL-2.0 */
/* insnlab: does an instruction execute the same under a uprobe as without one?
 *
 *   insnlab [-v] [-f RFLAGS,...] [--model] [FILE]   lines "HEX [LABEL]" or "HEX<TAB>LABEL"
 *   insnlab --forms [--entry-blocks] NAME=LIB...     instruction forms of libraries (forms.c)
 *
 * For each instruction: build a code blob around it (blob.c), run it twice unprobed per rflags
 * value (to find unstable state), twice with a uprobe on it (the second hit takes 6.18's
 * optimized path where there is one), and once more after the probe is gone. The probes of
 * BATCH instructions are one uprobe event (tracefs), removed together. Prints
 * "LABEL HEX OUTCOME DETAIL", tab-separated; OUTCOME is same, differs, refused, skipped or
 * nondeterministic. With --model, two more columns: what rtrace's model of the kernel
 * (user/probes/probesite.c) says of the instruction, and why ("-" when it gives no reason), so that
 * the kernel can be the model's oracle (tests/integration/probesite-oracle.t).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "insnlab.h"
#include "probes/probesite.h"

#define ENOTSUPP 524	/* kernel-internal, what uprobes answer for an opcode they refuse */
#define BATCH 32	/* instructions probed together (their memory kept until all are removed) */

struct env env = { .flags = { 0x202, 0x2d7 }, .nflags = 2 };

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "insnlab: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static const char *errname(int e)
{
	static char buf[32];
	const char *n;

	if (e == ENOTSUPP)
		return "ENOTSUPP";
	n = strerrorname_np(e);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* Installs a uprobe (a perf event of the uprobe PMU, no BPF) at the instruction, for this process
 * only. The blob is mapped already, so the kernel analyses the instruction now and a refusal is
 * this call's error. Returns the event fd or -errno.
 */
static int probe_open(const struct site *s)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = env.uprobe_type,
		.config1 = (uint64_t)s->path,
		.config2 = INSN_OFF,
	};
	int fd;

	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Errors that say nothing about the instruction: insnlab cannot probe at all. */
static bool probe_error_is_ours(int err)
{
	return err == -EACCES || err == -EPERM || err == -ENOENT || err == -EMFILE ||
	       err == -ENOMEM || err == -ENODEV;
}

/* Why an instruction is not run here, or NULL. Faults are fine (caught and compared); what could
 * hurt insnlab itself is not. syscall runs: with rax = -1 it does nothing (blob.c). So does a
 * store to %fs:/%gs: memory, insnlab's own TLS otherwise: the blob points the fs and gs bases
 * into its buffer; without fsgsbase it cannot, and job_build() says so.
 */
static const char *danger(const struct site *s)
{
	const ZydisDecodedInstruction *in = &s->insn;
	int i;

	switch (in->mnemonic) {
	case ZYDIS_MNEMONIC_SYSENTER:
	case ZYDIS_MNEMONIC_SYSEXIT:
	case ZYDIS_MNEMONIC_SYSRET:
	case ZYDIS_MNEMONIC_INT:
	case ZYDIS_MNEMONIC_INTO:
	case ZYDIS_MNEMONIC_INT1:
	case ZYDIS_MNEMONIC_IRET:
	case ZYDIS_MNEMONIC_IRETD:
	case ZYDIS_MNEMONIC_IRETQ:
		return "system call or interrupt";
	case ZYDIS_MNEMONIC_HLT:
	case ZYDIS_MNEMONIC_CLI:
	case ZYDIS_MNEMONIC_STI:
	case ZYDIS_MNEMONIC_IN:
	case ZYDIS_MNEMONIC_OUT:
	case ZYDIS_MNEMONIC_INSB:
	case ZYDIS_MNEMONIC_INSW:
	case ZYDIS_MNEMONIC_INSD:
	case ZYDIS_MNEMONIC_OUTSB:
	case ZYDIS_MNEMONIC_OUTSW:
	case ZYDIS_MNEMONIC_OUTSD:
		return "privileged instruction";
	case ZYDIS_MNEMONIC_WRFSBASE:
	case ZYDIS_MNEMONIC_WRGSBASE:
		return "writes the fs/gs base";
	case ZYDIS_MNEMONIC_WRPKRU:
	case ZYDIS_MNEMONIC_XRSTOR:
	case ZYDIS_MNEMONIC_XRSTOR64:
	case ZYDIS_MNEMONIC_XRSTORS:
	case ZYDIS_MNEMONIC_XRSTORS64:
		return "loads PKRU or extended state";
	case ZYDIS_MNEMONIC_LSS:
	case ZYDIS_MNEMONIC_LFS:
	case ZYDIS_MNEMONIC_LGS:
		return "loads a segment register";
	default:
		break;
	}
	if (in->attributes & ZYDIS_ATTRIB_IS_PRIVILEGED)
		return "privileged instruction";
	if (in->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
		return "far branch";
	for (i = 0; i < in->operand_count; i++) {
		const ZydisDecodedOperand *op = &s->ops[i];

		/* explicit only: syscall writes cs and ss too */
		if (op->type == ZYDIS_OPERAND_TYPE_REGISTER &&
		    op->visibility != ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
		    (op->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) &&
		    ZydisRegisterGetClass(op->reg.value) == ZYDIS_REGCLASS_SEGMENT)
			return "loads a segment register";
	}
	return NULL;
}

/* One instruction of a batch: its site, runs and result. */
struct job {
	struct site s;
	char *label;
	char hex[64];
	enum { J_DONE, J_PROBE, J_RAN } state;
	const char *why, *need;		/* not run: danger() or isa_missing() */
	struct runs R;
	uint8_t *ref_buf[MAX_VARIANTS];	/* memory after the first unprobed run, per rflags */
	uint8_t *ref_rip[MAX_VARIANTS];
	struct result res;
};

static struct job jobs[BATCH];

/* The batch's uprobe event (tracefs): one probe per instruction, removed all at once. */
static struct {
	const char *tracefs;	/* where tracefs is mounted */
	char name[64];		/* insnlab_PID/batch */
	bool defined;
	int fd;			/* its perf event, counting the hits of all its probes */
} ev = { .fd = -1 };

static void show_run(const char *what, int v, const struct snap *r)
{
	if (!env.verbose)
		return;
	fprintf(stderr, "  %-4s flags %#llx: path %llu sig %d rip %#llx rax %#llx rsp %#llx "
		"rflags %#llx %.1fus\n", what, (unsigned long long)env.flags[v],
		(unsigned long long)r->r.path, r->sig, (unsigned long long)r->sig_rip,
		(unsigned long long)r->r.gpr[0], (unsigned long long)r->r.gpr[4],
		(unsigned long long)r->r.rflags, r->ns / 1000.0);
}

/* Runs once and compares with the first unprobed run of variant @v, unstable fields masked. */
static void run_vs_ref(struct job *j, int v, const char *what, struct snap *r, struct diff *d)
{
	struct site *s = &j->s;

	site_run(s, env.flags[v], r);
	show_run(what, v, r);
	compare(s, &j->R.u1[v], r, j->ref_buf[v], j->ref_rip[v], s->buf,
		s->base + DATA_OFF + D_RIP, &j->R.unstable[v], d);
}

/* Appends @cmd to uprobe_events. Returns 0 or -errno. */
static int tracefs_write(const char *cmd)
{
	char path[96];
	int fd, err = 0;

	/* O_APPEND: opened for writing without it, uprobe_events drops every uprobe event */
	snprintf(path, sizeof(path), "%s/uprobe_events", ev.tracefs);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, cmd, strlen(cmd)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Removes the batch's probes: one wait for the kernel's grace period for all of them. */
static void batch_remove(void)
{
	char cmd[96];

	if (ev.fd >= 0)
		close(ev.fd);
	ev.fd = -1;
	if (ev.defined) {
		snprintf(cmd, sizeof(cmd), "-:%s\n", ev.name);
		tracefs_write(cmd);
	}
	ev.defined = false;
}

/* Removes the events of insnlab processes that died before they could (killed). */
static void remove_stale(void)
{
	char path[96], *line = NULL, cmd[96];
	size_t cap = 0;
	FILE *f;
	int pid;

	snprintf(path, sizeof(path), "%s/uprobe_events", ev.tracefs);
	f = fopen(path, "r");
	while (f && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "p:insnlab_%d/", &pid) != 1 || !kill(pid, 0) || errno != ESRCH)
			continue;
		snprintf(cmd, sizeof(cmd), "-:insnlab_%d/batch\n", pid);
		tracefs_write(cmd);
	}
	free(line);
	if (f)
		fclose(f);
}

/* Registers a uprobe on each of the @n jobs' code files, none mapped yet: the kernel analyses
 * an instruction when site_map_file() installs its probe, and a refusal leaves no int3 there
 * (instead of failing the whole event). Removing a probe waits for an RCU grace period (~80 ms,
 * under a kernel mutex): once a batch, not once an instruction. Returns 0 or -errno.
 */
static int batch_install(int n)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .type = PERF_TYPE_TRACEPOINT };
	char cmd[160], path[192];
	unsigned long long id;
	int i, err, any = 0;
	FILE *f;

	for (i = 0; i < n; i++) {
		if (jobs[i].state != J_PROBE)
			continue;
		snprintf(cmd, sizeof(cmd), "p:%s %s:%#x\n", ev.name, jobs[i].s.path, INSN_OFF);
		err = tracefs_write(cmd);
		if (err)
			return err;
		ev.defined = true;
		any = 1;
	}
	if (!any)
		return 0;
	snprintf(path, sizeof(path), "%s/events/%s/id", ev.tracefs, ev.name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	err = fscanf(f, "%llu", &id) == 1 ? 0 : -EINVAL;
	fclose(f);
	if (err)
		return err;
	attr.config = id;
	ev.fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	return ev.fd < 0 ? -errno : 0;
}

static uint64_t batch_hits(void)
{
	uint64_t n;

	return read(ev.fd, &n, sizeof(n)) == sizeof(n) ? n : 0;
}

/* Builds @j's site. Returns 0 (J_PROBE, or J_DONE with its outcome) or -errno. */
static int job_build(struct job *j)
{
	int err = site_build(&j->s);

	j->why = danger(&j->s);
	j->need = isa_missing(&j->s.insn);
	if (!j->need && !cpu_get()->fsgsbase && uses_seg_mem(&j->s, true))
		j->need = "fsgsbase";
	memset(&j->R, 0, sizeof(j->R));
	if (err == -ERANGE) {
		j->res.outcome = "skipped";
		snprintf(j->res.detail, sizeof(j->res.detail), "cannot retarget its operands");
		j->state = J_DONE;
		return 0;
	}
	j->state = err ? J_DONE : J_PROBE;
	return err;
}

/* The unprobed runs, then the probed ones (the batch's probes registered). Returns 0 or
 * -errno when insnlab itself failed.
 */
static int job_probe(struct job *j)
{
	struct site *s = &j->s;
	struct runs *R = &j->R;
	struct snap in;
	uint64_t hits;
	int v, h, fd, err;
	bool run = !j->why && !j->need;

	if (env.verbose)
		fprintf(stderr, "%s\n", j->hex);
	for (v = 0; run && v < env.nflags; v++) {
		site_run(s, env.flags[v], &R->u1[v]);
		show_run("u1", v, &R->u1[v]);
		memcpy(j->ref_buf[v], s->buf, BUF_SIZE);
		memcpy(j->ref_rip[v], s->base + DATA_OFF + D_RIP, RIP_SIZE);
		in = R->u1[v];
		in.r = s->in;
		in.r.rflags = env.flags[v];
		in.r.path = R->u1[v].r.path;
		compare(s, &in, &R->u1[v], s->buf_init, s->rip_init, j->ref_buf[v], j->ref_rip[v],
			NULL, &R->changed[v]);
		if (env.verbose && R->changed[v].f[F_MEM])
			fprintf(stderr, "  u1   flags %#llx: wrote %s\n",
				(unsigned long long)env.flags[v], R->changed[v].mem);
		site_run(s, env.flags[v], &R->u2[v]);
		show_run("u2", v, &R->u2[v]);
		compare(s, &R->u1[v], &R->u2[v], j->ref_buf[v], j->ref_rip[v], s->buf,
			s->base + DATA_OFF + D_RIP, NULL, &R->unstable[v]);
		widen_unstable(s, &R->unstable[v]);
	}

	err = site_map_file(s);
	if (err)
		return err;
	/* no int3 (or one of its own): ask the kernel alone, to hear why */
	if (s->base[INSN_OFF] != 0xcc || s->bytes[0] == 0xcc) {
		fd = probe_open(s);
		if (fd < 0 && probe_error_is_ours(fd))
			return fd;
		if (fd < 0) {
			j->res.outcome = "refused";
			snprintf(j->res.detail, sizeof(j->res.detail), "%s", errname(-fd));
			j->state = J_DONE;
			return 0;
		}
		/* taken after all: the batch's probe stays installed */
		close(fd);
	}
	if (!run) {
		/* not run, but whether the kernel takes it is still worth knowing */
		j->res.outcome = "skipped";
		if (j->why)
			snprintf(j->res.detail, sizeof(j->res.detail), "%s", j->why);
		else
			snprintf(j->res.detail, sizeof(j->res.detail), "needs %s", j->need);
		j->state = J_DONE;
		return 0;
	}
	hits = batch_hits();
	for (v = 0; v < env.nflags; v++)
		for (h = 0; h < HITS; h++)
			run_vs_ref(j, v, h ? "p2" : "p1", &R->p[v][h], &R->dp[v][h]);
	R->hits = batch_hits() - hits;
	j->state = J_RAN;
	return 0;
}

/* The runs after the probes' removal, and the outcome. */
static void job_finish(struct job *j)
{
	struct site *s = &j->s;
	int v;

	for (v = 0; v < env.nflags; v++)
		run_vs_ref(j, v, "a", &j->R.a[v], &j->R.da[v]);
	for (v = 0; v < env.nflags && j->R.u1[v].sig == SIGILL; v++)
		;
	if (v == env.nflags && s->insn.mnemonic != ZYDIS_MNEMONIC_UD0 &&
	    s->insn.mnemonic != ZYDIS_MNEMONIC_UD1 && s->insn.mnemonic != ZYDIS_MNEMONIC_UD2) {
		j->res.outcome = "skipped";
		snprintf(j->res.detail, sizeof(j->res.detail), "SIGILL without a probe (needs %s?)",
			 ZydisISASetGetString(s->insn.meta.isa_set));
		return;
	}
	summarize(s, &j->R, &j->res);
}

/* Runs the experiment for the first @n jobs: unprobed and probed runs of each, all probes
 * removed, then the runs after removal. Dies when insnlab itself fails.
 */
static void run_batch(int n)
{
	int i, err;

	for (i = 0; i < n; i++) {
		if (jobs[i].state != J_PROBE)
			continue;
		err = job_build(&jobs[i]);
		if (err)
			die("%s: %s", jobs[i].hex, strerror(-err));
	}
	err = batch_install(n);
	if (err)
		die("uprobe event %s in %s/uprobe_events: %s", ev.name, ev.tracefs,
		    strerror(-err));
	for (i = 0; i < n; i++) {
		if (jobs[i].state != J_PROBE)
			continue;
		err = job_probe(&jobs[i]);
		if (err)
			die("%s: %s", jobs[i].hex, strerror(-err));
	}
	batch_remove();
	for (i = 0; i < n; i++) {
		if (jobs[i].state == J_RAN)
			job_finish(&jobs[i]);
		site_destroy(&jobs[i].s);
	}
}

/* Splits "HEX [LABEL]" or "HEX<TAB>LABEL". Returns 1 for a line to ignore, 0, or -EINVAL for
 * bad hex.
 */
static int parse_line(char *line, uint8_t *bytes, size_t *n, char **label)
{
	char *p, *tab, *end;
	int hi, lo;

	line[strcspn(line, "\n")] = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#')
		return 1;
	*label = NULL;
	*n = 0;
	tab = strchr(line, '\t');
	end = tab ? tab : line + strlen(line);
	if (tab)
		*label = tab + 1;
	for (p = line; p < end;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		/* a token that is not hex starts the label */
		if (!tab) {
			size_t len = strcspn(p, " ");

			if (strspn(p, "0123456789abcdefABCDEF") < len || len % 2) {
				*label = p;
				break;
			}
		}
		if (p + 1 >= end || sscanf(p, "%1x%1x", &hi, &lo) != 2 ||
		    *n == ZYDIS_MAX_INSTRUCTION_LENGTH)
			return -EINVAL;
		bytes[(*n)++] = hi << 4 | lo;
		p += 2;
	}
	while (*label && (**label == ' ' || **label == '\t'))
		(*label)++;
	if (*label && !**label)
		*label = NULL;
	return *n ? 0 : -EINVAL;
}

/* The --model columns: the class rtrace's model gives @bytes (NULL: none, bad hex), and why. */
static void print_model(const uint8_t *bytes, size_t n)
{
	struct psite_insn pi;

	if (!bytes) {
		printf("\t-\t-");
		return;
	}
	/* at INSN_OFF, where insnlab runs it: only branch texts depend on the address */
	psite_classify(bytes, n, INSN_OFF, &pi);
	printf("\t%s\t%s", psite_class_name(pi.cls), pi.why ? pi.why : "-");
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: insnlab [-v] [-f RFLAGS,...] [--without FEATURE,...] [--model] [FILE]\n"
		"       insnlab --forms [--entry-blocks] NAME=LIBRARY...\n"
		"Runs each x86-64 instruction (lines \"HEX [LABEL]\" or \"HEX<TAB>LABEL\")\n"
		"with and without a uprobe on it; prints LABEL, HEX, OUTCOME (same, differs,\n"
		"refused, skipped, nondeterministic) and DETAIL, tab-separated. Needs root.\n"
		"  -f LIST         rflags values to run each one with (default 0x202,0x2d7)\n"
		"  -v              show every run on stderr\n"
		"  --without LIST  treat these CPU features (avx512f, avx, ...) as absent\n"
		"  --model         add rtrace's model's class (emulated, single-stepped, refused,\n"
		"                  unsafe) and its reason as columns 5 and 6\n"
		"  --forms         print the entry-instruction forms of libraries; with\n"
		"                  --entry-blocks, of every instruction of each entry block\n"
		"Example: echo '62 a2 7d 28 7c ce vpbroadcastd' | insnlab\n");
}

static void parse_flags(char *list)
{
	char *tok, *end;

	env.nflags = 0;
	for (tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		errno = 0;
		env.flags[env.nflags] = strtoull(tok, &end, 0);
		if (errno || *end || env.nflags == MAX_VARIANTS)
			die("bad -f list (up to %d numbers)", MAX_VARIANTS);
		/* TF would trap in the prologue; bit 1 is always set */
		env.flags[env.nflags] = (env.flags[env.nflags] & ~0x100ull) | 0x2;
		env.nflags++;
	}
	if (!env.nflags)
		die("bad -f list");
}

/* Memory for job slot @i, the first time it is used. */
static void job_alloc(int i, uint8_t *buf)
{
	struct job *j = &jobs[i];
	int v;

	if (j->s.buf_init)
		return;
	j->s.fd = -1;
	j->s.buf = buf;
	j->s.buf_init = malloc(BUF_SIZE);
	for (v = 0; v < env.nflags; v++) {
		j->ref_buf[v] = malloc(BUF_SIZE);
		j->ref_rip[v] = malloc(RIP_SIZE);
		if (!j->ref_buf[v] || !j->ref_rip[v])
			die("out of memory");
	}
	if (!j->s.buf_init)
		die("out of memory");
}

/* Returns the scratch buffer all sites share. */
static uint8_t *setup(void)
{
	static const char *const tracefs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[64];
	cpu_set_t set;
	uint8_t *area;
	size_t i;
	FILE *f;
	int err;

	/* unprobed and probed runs on one CPU: cpuid and friends answer alike */
	CPU_ZERO(&set);
	CPU_SET(sched_getcpu(), &set);
	sched_setaffinity(0, sizeof(set), &set);
	cpu_detect(NULL);
	err = signals_init();
	if (err)
		die("signals: %s", strerror(-err));
	f = fopen("/sys/bus/event_source/devices/uprobe/type", "r");
	if (!f || fscanf(f, "%d", &env.uprobe_type) != 1)
		die("no uprobe PMU in /sys/bus/event_source/devices (kernel without uprobes?)");
	fclose(f);
	for (i = 0; i < sizeof(tracefs) / sizeof(tracefs[0]) && !ev.tracefs; i++) {
		snprintf(path, sizeof(path), "%s/uprobe_events", tracefs[i]);
		if (!access(path, W_OK))
			ev.tracefs = tracefs[i];
	}
	if (!ev.tracefs)
		die("no uprobe_events in /sys/kernel/tracing (mount -t tracefs nodev "
		    "/sys/kernel/tracing)");
	snprintf(ev.name, sizeof(ev.name), "insnlab_%d/batch", (int)getpid());
	remove_stale();
	atexit(batch_remove);
	/* the scratch buffer with guard pages around it */
	area = mmap(NULL, BUF_SIZE + 2 * 0x10000, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED || mprotect(area + 0x10000, BUF_SIZE, PROT_READ | PROT_WRITE))
		die("mmap: %s", strerror(errno));
	return area + 0x10000;
}

/* Fills job @j from an input line. Returns 1 for a line to ignore, else 0. */
static int job_parse(struct job *j, char *line, const ZydisDecoder *dec,
		     const ZydisFormatter *fmt)
{
	struct site *s = &j->s;
	char *label, text[256];
	size_t n;
	int err, i;

	err = parse_line(line, s->bytes, &n, &label);
	if (err == 1)
		return 1;
	j->state = J_DONE;
	j->res.outcome = "skipped";
	j->res.detail[0] = '\0';
	j->hex[0] = '\0';
	for (i = 0; !err && i < (int)n; i++)
		sprintf(j->hex + strlen(j->hex), "%s%02x", i ? " " : "", s->bytes[i]);
	s->len = n;
	if (err) {
		snprintf(j->res.detail, sizeof(j->res.detail), "bad hex");
		strcpy(j->hex, "-");
	} else if (ZYAN_FAILED(ZydisDecoderDecodeFull(dec, s->bytes, n, &s->insn, s->ops))) {
		snprintf(j->res.detail, sizeof(j->res.detail), "undecodable");
	} else if (s->insn.length != n) {
		snprintf(j->res.detail, sizeof(j->res.detail),
			 "undecodable: %u-byte instruction, %zu bytes given", s->insn.length, n);
	} else {
		if (!label && ZYAN_SUCCESS(ZydisFormatterFormatInstruction(
				      fmt, &s->insn, s->ops, s->insn.operand_count_visible, text,
				      sizeof(text), 0, NULL)))
			label = text;
		j->state = J_PROBE;
	}
	j->label = label ? strdup(label) : NULL;
	return 0;
}

/* Prints job @j's line and counts its outcome. */
static void job_print(const struct job *j, bool model, int *counts)
{
	static const char *const outcomes[] = {
		"same", "differs", "refused", "skipped", "nondeterministic",
	};
	int i;

	printf("%s\t%s\t%s\t%s", j->label ? j->label : "-", j->hex, j->res.outcome,
	       j->res.detail);
	if (model)
		print_model(strcmp(j->hex, "-") ? j->s.bytes : NULL, j->s.len);
	putchar('\n');
	for (i = 0; i < 5; i++)
		counts[i] += !strcmp(j->res.outcome, outcomes[i]);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "flags", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "without", required_argument, NULL, 'W' },
		{ "model", no_argument, NULL, 'M' },
		{},
	};
	int counts[5] = { 0 }, total = 0, c, i, k = 0;
	ZydisFormatter fmt;
	ZydisDecoder dec;
	char *line = NULL;
	size_t cap = 0;
	bool model = false, eof = false;
	FILE *in = stdin;
	uint8_t *buf;

	if (argc > 1 && !strcmp(argv[1], "--forms"))
		return forms_main(argc - 2, argv + 2);
	while ((c = getopt_long(argc, argv, "f:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			parse_flags(optarg);
			break;
		case 'v':
			env.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'W':
			cpu_without(optarg);
			break;
		case 'M':
			model = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 < argc)
		die("one input file at most");
	if (optind < argc && !(in = fopen(argv[optind], "r")))
		die("%s: %s", argv[optind], strerror(errno));
	setvbuf(stdout, NULL, _IOLBF, 0);
	buf = setup();
	ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_ATT);

	while (!eof) {
		eof = getline(&line, &cap, in) <= 0;
		if (!eof) {
			if (job_parse(&jobs[k], line, &dec, &fmt))
				continue;
			job_alloc(k, buf);
			total++;
			k++;
		}
		if (k == BATCH || (eof && k)) {
			run_batch(k);
			for (i = 0; i < k; i++) {
				job_print(&jobs[i], model, counts);
				free(jobs[i].label);
			}
			k = 0;
		}
	}
	free(line);
	if (in != stdin)
		fclose(in);
	fprintf(stderr, "insnlab: %d instructions: %d same, %d differs, %d refused, %d skipped, "
		"%d nondeterministic\n", total, counts[0], counts[1], counts[2], counts[3],
		counts[4]);
	return 0;
}
