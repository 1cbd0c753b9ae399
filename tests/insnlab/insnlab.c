/* SPDX-License-Identifier: GPL-2.0 */
/* insnlab: does an instruction execute the same under a uprobe as without one?
 *
 *   insnlab [-v] [-f RFLAGS,...] [--model] [FILE]   lines "HEX [LABEL]" or "HEX<TAB>LABEL"
 *   insnlab --forms [--entry-blocks] NAME=LIB...     instruction forms of libraries (forms.c)
 *
 * For each instruction: build a code blob around it (blob.c), run it twice unprobed per rflags
 * value (to find unstable state), twice with a uprobe on it (the second hit takes 6.18's
 * optimized path where there is one), and once more after the probe is gone. Prints
 * "LABEL HEX OUTCOME DETAIL", tab-separated; OUTCOME is same, differs, refused, skipped or
 * nondeterministic. With --model, two more columns: what rtrace's model of the kernel
 * (user/probesite.c) says of the instruction, and why ("-" when it gives no reason), so that
 * the kernel can be the model's oracle (tests/integration/probesite-oracle.t).
 */
#include <errno.h>
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
#include "probesite.h"

#define ENOTSUPP 524	/* kernel-internal, what uprobes answer for an opcode they refuse */

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
 * hurt insnlab itself is not. syscall runs: with rax = -1 it does nothing (blob.c).
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
		/* TLS is insnlab's own */
		if (op->type == ZYDIS_OPERAND_TYPE_MEMORY &&
		    (op->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) &&
		    (op->mem.segment == ZYDIS_REGISTER_FS || op->mem.segment == ZYDIS_REGISTER_GS))
			return "writes %fs:/%gs: memory";
	}
	return NULL;
}

/* memory after the first unprobed run, per rflags value */
static uint8_t *ref_buf[MAX_VARIANTS];
static uint8_t ref_rip[MAX_VARIANTS][RIP_SIZE];

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
static void run_vs_ref(struct site *s, struct runs *R, int v, const char *what, struct snap *r,
		       struct diff *d)
{
	site_run(s, env.flags[v], r);
	show_run(what, v, r);
	compare(s, &R->u1[v], r, ref_buf[v], ref_rip[v], s->buf, s->base + DATA_OFF + D_RIP,
		&R->unstable[v], d);
}

/* Runs the experiment for the decoded instruction in @s. Returns 0 (outcome in @res) or -errno
 * when insnlab itself failed.
 */
static int experiment(struct site *s, struct result *res)
{
	static struct runs R;
	const char *why = danger(s), *need = isa_missing(&s->insn);
	int v, h, fd, err;
	struct snap in;

	memset(&R, 0, sizeof(R));
	err = site_build(s);
	if (err == -ERANGE) {
		res->outcome = "skipped";
		snprintf(res->detail, sizeof(res->detail), "cannot retarget its operands");
		return 0;
	}
	if (err)
		return err;
	if (why || need) {
		/* not run, but whether the kernel takes it is still worth knowing */
		fd = probe_open(s);
		if (fd < 0 && probe_error_is_ours(fd)) {
			err = fd;
			goto out;
		}
		if (fd < 0) {
			res->outcome = "refused";
			snprintf(res->detail, sizeof(res->detail), "%s", errname(-fd));
		} else {
			close(fd);
			res->outcome = "skipped";
			if (why)
				snprintf(res->detail, sizeof(res->detail), "%s", why);
			else
				snprintf(res->detail, sizeof(res->detail), "needs %s", need);
		}
		goto out;
	}

	for (v = 0; v < env.nflags; v++) {
		site_run(s, env.flags[v], &R.u1[v]);
		show_run("u1", v, &R.u1[v]);
		memcpy(ref_buf[v], s->buf, BUF_SIZE);
		memcpy(ref_rip[v], s->base + DATA_OFF + D_RIP, RIP_SIZE);
		in = R.u1[v];
		in.r = s->in;
		in.r.rflags = env.flags[v];
		in.r.path = R.u1[v].r.path;
		compare(s, &in, &R.u1[v], s->buf_init, s->rip_init, ref_buf[v], ref_rip[v], NULL,
			&R.changed[v]);
		site_run(s, env.flags[v], &R.u2[v]);
		show_run("u2", v, &R.u2[v]);
		compare(s, &R.u1[v], &R.u2[v], ref_buf[v], ref_rip[v], s->buf,
			s->base + DATA_OFF + D_RIP, NULL, &R.unstable[v]);
		widen_unstable(s, &R.unstable[v]);
	}

	fd = probe_open(s);
	if (fd < 0) {
		if (probe_error_is_ours(fd)) {
			err = fd;
			goto out;
		}
		res->outcome = "refused";
		snprintf(res->detail, sizeof(res->detail), "%s", errname(-fd));
		goto out;
	}
	for (v = 0; v < env.nflags; v++)
		for (h = 0; h < HITS; h++)
			run_vs_ref(s, &R, v, h ? "p2" : "p1", &R.p[v][h], &R.dp[v][h]);
	if (read(fd, &R.hits, sizeof(R.hits)) != sizeof(R.hits))
		R.hits = 0;
	/* the probe goes with its fd */
	close(fd);
	for (v = 0; v < env.nflags; v++)
		run_vs_ref(s, &R, v, "a", &R.a[v], &R.da[v]);

	for (v = 0; v < env.nflags && R.u1[v].sig == SIGILL; v++)
		;
	if (v == env.nflags && s->insn.mnemonic != ZYDIS_MNEMONIC_UD0 &&
	    s->insn.mnemonic != ZYDIS_MNEMONIC_UD1 && s->insn.mnemonic != ZYDIS_MNEMONIC_UD2) {
		res->outcome = "skipped";
		snprintf(res->detail, sizeof(res->detail), "SIGILL without a probe (needs %s?)",
			 ZydisISASetGetString(s->insn.meta.isa_set));
		goto out;
	}
	summarize(s, &R, res);
out:
	site_destroy(s);
	return err;
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

static void setup(struct site *s)
{
	cpu_set_t set;
	uint8_t *area;
	FILE *f;
	int v, err;

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
	/* the scratch buffer with guard pages around it */
	area = mmap(NULL, BUF_SIZE + 2 * 0x10000, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED || mprotect(area + 0x10000, BUF_SIZE, PROT_READ | PROT_WRITE))
		die("mmap: %s", strerror(errno));
	s->buf = area + 0x10000;
	s->buf_init = malloc(BUF_SIZE);
	for (v = 0; v < env.nflags; v++)
		ref_buf[v] = malloc(BUF_SIZE);
	if (!s->buf_init || !ref_buf[env.nflags - 1])
		die("out of memory");
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
	static const char *const outcomes[] = {
		"same", "differs", "refused", "skipped", "nondeterministic",
	};
	int counts[5] = { 0 }, total = 0, c, i, err;
	ZydisFormatter fmt;
	ZydisDecoder dec;
	struct result res;
	char *line = NULL, *label, text[256], hex[64];
	size_t cap = 0, n;
	static struct site s;
	FILE *in = stdin;
	bool model = false;

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
	setup(&s);
	ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_ATT);

	while (getline(&line, &cap, in) > 0) {
		err = parse_line(line, s.bytes, &n, &label);
		if (err == 1)
			continue;
		total++;
		res.outcome = "skipped";
		res.detail[0] = '\0';
		hex[0] = '\0';
		for (i = 0; !err && i < (int)n; i++)
			sprintf(hex + strlen(hex), "%s%02x", i ? " " : "", s.bytes[i]);
		s.len = n;
		if (err) {
			snprintf(res.detail, sizeof(res.detail), "bad hex");
			strcpy(hex, "-");
		} else if (ZYAN_FAILED(ZydisDecoderDecodeFull(&dec, s.bytes, n, &s.insn, s.ops))) {
			snprintf(res.detail, sizeof(res.detail), "undecodable");
		} else if (s.insn.length != n) {
			snprintf(res.detail, sizeof(res.detail),
				 "undecodable: %u-byte instruction, %zu bytes given", s.insn.length,
				 n);
		} else {
			if (!label && ZYAN_SUCCESS(ZydisFormatterFormatInstruction(
					      &fmt, &s.insn, s.ops, s.insn.operand_count_visible,
					      text, sizeof(text), 0, NULL)))
				label = text;
			if (env.verbose)
				fprintf(stderr, "%s\n", hex);
			err = experiment(&s, &res);
			if (err)
				die("%s: %s", hex, strerror(-err));
		}
		printf("%s\t%s\t%s\t%s", label ? label : "-", hex, res.outcome, res.detail);
		if (model)
			print_model(strcmp(hex, "-") ? s.bytes : NULL, n);
		putchar('\n');
		for (i = 0; i < 5; i++)
			counts[i] += !strcmp(res.outcome, outcomes[i]);
	}
	free(line);
	if (in != stdin)
		fclose(in);
	fprintf(stderr, "insnlab: %d instructions: %d same, %d differs, %d refused, %d skipped, "
		"%d nondeterministic\n", total, counts[0], counts[1], counts[2], counts[3],
		counts[4]);
	return 0;
}
