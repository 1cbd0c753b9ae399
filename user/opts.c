// SPDX-License-Identifier: GPL-2.0
/* Command-line parsing into struct env. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probes/kernel_features.h"
#include "util/log.h"
#include "opts.h"
#include "sysdecode/syscalls.h"

enum {
	OPT_JSON = 1000,
	OPT_BUFFER_SIZE,
	OPT_VERSION,
	OPT_TRACE,
	OPT_DEREF,
	OPT_ARGS,
	OPT_LIST,
	OPT_FORCE,
	OPT_SHOW,
	OPT_SORT,
	OPT_HIST,
	OPT_FORMAT,
	OPT_MAX_DEPTH,
	OPT_TID,
	OPT_SAMPLE,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_MIN_DURATION,
};

static const char usage_text[] =
"Usage: rtrace [OPTIONS] -p PID[,PID...]\n"
"       rtrace [OPTIONS] [--] COMMAND [ARGS...]\n"
"       rtrace --list [-x SPEC...] (-p PID | [--] COMMAND)\n"
"       rtrace record [-o FILE] [--force] [--show[=OUT]] [OPTIONS] (-p PID | [--] COMMAND)\n"
"       rtrace replay [FILE] [--json] [-T] [-t...] [-r] [-c] [-o OUT] [FILTERS]\n"
"       rtrace report [FILE] [--sort total|self|calls|avg|max|name] [--hist NAME]\n"
"       rtrace export --format chrome|folded|svg [FILE] [-o OUT]\n"
"       rtrace info [FILE]\n"
"Trace the functions and system calls of a process in one timeline.\n"
"\n"
"  -p PID          attach to a running process, all its threads (repeatable)\n"
"  -f              follow child processes (fork, vfork, clone) and their execs\n"
"  -x [MOD:]GLOB   trace functions matching GLOB in module MOD (default: the\n"
"                  executable; `libc`, `libfoo.so.1` or a path); repeatable\n"
"  -e trace=SET    syscalls to trace: names, all, none, %%file %%process %%network\n"
"                  %%signal %%ipc %%desc %%memory, !SET; default all\n"
"  -o FILE         write the trace to FILE (default stderr; stdout with --json\n"
"                  and -p, where the program's output cannot mix with it)\n"
"  -T              show time spent in each syscall\n"
"  -s N            show N bytes of strings and buffers (default 32)\n"
"  -y              show the paths of file descriptors\n"
"      --args=raw  show argument registers of functions without DWARF types\n"
"      --args=none show function names only, no arguments or typed returns\n"
"      --deref     show the struct behind a struct pointer argument\n"
"  -t, -tt, -ttt   prefix lines with the time of day, with microseconds, or as\n"
"                  seconds since the epoch\n"
"  -r              prefix lines with the time since the previous line\n"
"  -c              count calls, errors and time per syscall and function; print\n"
"                  a summary table at exit\n"
"      --json      one JSON object per line\n"
"      --max-depth N   show calls nested at most N deep (and the syscalls in them)\n"
"      --tid TID   show that thread's calls and syscalls only\n"
"      --sample N  show 1 in N outermost calls, with all that happens inside\n"
"      --min-duration TIME  show the calls and syscalls that took at least TIME\n"
"                  (200us, 1.5ms), with the calls around them\n"
"      --since T, --until T  on a trace file: what began between T and T from its\n"
"                  first record (1.5s, 200ms, 50us)\n"
"      --buffer-size SIZE  ring buffer size (K/M/G suffixes; default 8M)\n"
"      --list      list the functions -x matches (default: all of the\n"
"                  executable's) and where each probe would go; attach nothing\n"
"  -v              verbose: say what rtrace does\n"
"\n"
"record writes the trace to FILE (default rtrace.data; --force to overwrite it)\n"
"and --show prints the timeline as well (to OUT, else where live output goes);\n"
"replay prints a trace file's timeline as live output showed it; report times\n"
"its functions and syscalls (calls, errors, total and self time, average, min,\n"
"max, p50/p95/p99) or, with --hist, one's log2 latency histogram; export writes\n"
"Chrome trace-event JSON (ui.perfetto.dev, chrome://tracing), folded stacks\n"
"(flamegraph.pl, speedscope) or an SVG flame graph to open in a browser (click\n"
"to zoom); info says what a trace file holds.\n"
"\n"
"Examples:\n"
"  sudo rtrace -- ./server --port 8080\n"
"  sudo rtrace -p 4242\n"
"  sudo rtrace -f -x 'handle_*' -x 'libc:malloc' -p 4242\n"
"  sudo rtrace -e trace=openat,read -T -o trace.txt -- make\n"
"  sudo rtrace --json -x fib -o fib.json -- ./fib 15 && jq . fib.json\n"
"  sudo rtrace --json -p 4242 | jq -c 'select(.dur_ns > 1000000)'\n";

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER_SIZE },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "deref", no_argument, NULL, OPT_DEREF },
	{ "args", required_argument, NULL, OPT_ARGS },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "show", optional_argument, NULL, OPT_SHOW },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "hist", required_argument, NULL, OPT_HIST },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
	{ "tid", required_argument, NULL, OPT_TID },
	{ "sample", required_argument, NULL, OPT_SAMPLE },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "min-duration", required_argument, NULL, OPT_MIN_DURATION },
	{ "output", required_argument, NULL, 'o' },
	{ "follow-forks", no_argument, NULL, 'f' },
	{ "summary-only", no_argument, NULL, 'c' },
	{ "attach", required_argument, NULL, 'p' },
	{},
};

int parse_size(const char *s, unsigned long *out)
{
	unsigned long long v, mult = 1;
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': mult = 1ULL << 10; end++; break;
	case 'm': case 'M': mult = 1ULL << 20; end++; break;
	case 'g': case 'G': mult = 1ULL << 30; end++; break;
	}
	if (*end == 'i' || *end == 'B')	/* allow "8MiB", "8MB" */
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || v == 0 || v > ULONG_MAX / mult)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

/* "1.5s", "200ms", "50us", "1000ns" (or a bare number of seconds) into ns. */
static int parse_duration(const char *s, unsigned long long *ns)
{
	static const struct { const char *unit; double mult; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "", 1e9 },
	};
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || v > 1e9)
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			*ns = (unsigned long long)(v * units[i].mult + 0.5);
			return 0;
		}
	}
	return -EINVAL;
}

/* Adds each PID of a comma list. Returns 0 or -EINVAL. */
static int add_pids(struct env *env, const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long pid;
		pid_t *grown;

		errno = 0;
		pid = strtol(tok, &end, 10);
		if (errno || *end || end == tok || pid <= 0 || pid > INT_MAX) {
			elog("invalid process id: '%s'", tok);
			err = -EINVAL;
			goto cleanup;
		}
		grown = realloc(env->pids, (env->nr_pids + 1) * sizeof(*grown));
		if (!grown) {
			err = -ENOMEM;
			goto cleanup;
		}
		env->pids = grown;
		env->pids[env->nr_pids++] = pid;
	}
	if (!env->nr_pids) {
		elog("invalid process id: '%s'", list);
		err = -EINVAL;
	}
cleanup:
	free(copy);
	return err;
}

/* strace's -e: `trace=SET`, or a bare SET meaning trace=SET. */
static int parse_qualifier(struct env *env, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char msg[256];
	int err;

	if (eq) {
		if (strncmp(arg, "trace=", 6) && strncmp(arg, "t=", 2)) {
			elog("unsupported -e qualifier: '%.*s' (only trace= is supported)",
			     (int)(eq - arg), arg);
			return -EINVAL;
		}
		arg = eq + 1;
	}
	err = syscall_set_parse(arg, env->syscall_mask, msg, sizeof(msg));
	if (err)
		elog("%s", msg);
	return err;
}

/* The version, and what this kernel offers (probed, so as root it is exact). */
static void print_version(void)
{
	struct rtrace_features feat;
	int err;

	printf("rtrace %s\n", RTRACE_VERSION);
	err = features_probe(&feat);
	printf("kernel features found:\n");
	features_print(stdout, &feat);
	if (err)
		printf("(BPF features could not be probed: %s; run as root)\n", strerror(-err));
}

/* replay and info: one FILE at most, and only the options that shape the output. */
static int check_file_mode(struct env *env, int argc, char **argv)
{
	const char *sub = env->mode == MODE_REPLAY ? "replay" : env->mode == MODE_REPORT ? "report" :
			  env->mode == MODE_EXPORT ? "export" : "info";
	const char *bad = env->nr_pids ? "-p" : env->follow ? "-f" : env->list ? "--list" :
			  env->force ? "--force" : env->show ? "--show" : NULL;
	unsigned int i;

	/* -x and -e narrow what a replay, report or export shows; info shows it all */
	if (!bad && env->mode == MODE_INFO && env->nr_func_specs)
		bad = "-x";
	for (i = 0; !bad && env->mode == MODE_INFO && i < RTRACE_MAX_SYSCALLS / 64; i++)
		if (env->syscall_mask[i] != ~0ULL)
			bad = "-e";
	if (bad) {
		elog("%s: %s does not apply to a trace file", sub, bad);
		return -EINVAL;
	}
	if (optind < argc)
		env->trace_path = argv[optind++];
	if (optind < argc) {
		elog("%s: one trace file at a time ('%s' is one too many)", sub, argv[optind]);
		return -EINVAL;
	}
	if (!env->trace_path)
		env->trace_path = RTRACE_DEFAULT_DATA;
	return 0;
}

int opts_parse(struct env *env, int argc, char **argv)
{
	const char *optstring;
	unsigned long size;
	char **grown;
	int opt;

	memset(env, 0, sizeof(*env));
	if (argc > 1 && !strcmp(argv[1], "record"))
		env->mode = MODE_RECORD;
	else if (argc > 1 && !strcmp(argv[1], "replay"))
		env->mode = MODE_REPLAY;
	else if (argc > 1 && !strcmp(argv[1], "info"))
		env->mode = MODE_INFO;
	else if (argc > 1 && !strcmp(argv[1], "report"))
		env->mode = MODE_REPORT;
	else if (argc > 1 && !strcmp(argv[1], "export"))
		env->mode = MODE_EXPORT;
	if (env->mode != MODE_LIVE) {
		argv++;		/* the subcommand stands where argv[0] did */
		argc--;
	}
	env->buffer_size = RTRACE_DEFAULT_BUFFER;
	env->string_limit = 32;
	memset(env->syscall_mask, 0xff, sizeof(env->syscall_mask));
	optind = 1;
	opterr = 0;
	/* '+': stop at the first non-option, the command to launch; a trace file may come
	 * before options. */
	optstring = env->mode == MODE_LIVE || env->mode == MODE_RECORD ? "+:p:fx:e:o:Ttrcvhs:y" :
									  ":p:fx:e:o:Ttrcvhs:y";
	while ((opt = getopt_long(argc, argv, optstring, long_opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (add_pids(env, optarg))
				return -EINVAL;
			break;
		case 'f':
			env->follow = true;
			break;
		case 'x':
			if (!*optarg) {
				elog("empty function spec for -x");
				return -EINVAL;
			}
			grown = realloc(env->func_specs, (env->nr_func_specs + 1) * sizeof(*grown));
			if (!grown)
				return -ENOMEM;
			env->func_specs = grown;
			env->func_specs[env->nr_func_specs++] = optarg;
			break;
		case 'e':
		case OPT_TRACE:
			if (parse_qualifier(env, optarg))
				return -EINVAL;
			break;
		case 'o':
			if (env->mode == MODE_RECORD)
				env->trace_path = optarg;
			else
				env->output_path = optarg;
			break;
		case OPT_FORCE:
			env->force = true;
			break;
		case OPT_SHOW:
			env->show = true;
			env->output_path = optarg;
			break;
		case OPT_SORT:
			if (strcmp(optarg, "total") && strcmp(optarg, "self") &&
			    strcmp(optarg, "calls") && strcmp(optarg, "avg") &&
			    strcmp(optarg, "max") && strcmp(optarg, "name")) {
				elog("invalid --sort key: '%s' (total, self, calls, avg, max or "
				     "name)", optarg);
				return -EINVAL;
			}
			env->sort = optarg;
			break;
		case OPT_HIST:
			env->hist = optarg;
			break;
		case OPT_MAX_DEPTH:
		case OPT_SAMPLE:
		case OPT_TID: {
			char *end;
			long n;

			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || n <= 0 || n > INT_MAX) {
				elog("invalid %s: '%s' (a positive number)", opt == OPT_TID ? "--tid" :
				     opt == OPT_SAMPLE ? "--sample" : "--max-depth", optarg);
				return -EINVAL;
			}
			if (opt == OPT_TID)
				env->only_tid = n;
			else if (opt == OPT_SAMPLE)
				env->sample = n;
			else
				env->max_depth = n;
			break;
		}
		case OPT_SINCE:
		case OPT_UNTIL:
			if (parse_duration(optarg, opt == OPT_SINCE ? &env->since_ns :
								      &env->until_ns)) {
				elog("invalid %s: '%s' (a time from the trace's start: 1.5s, 200ms, "
				     "50us, 1000ns)", opt == OPT_SINCE ? "--since" : "--until", optarg);
				return -EINVAL;
			}
			break;
		case OPT_MIN_DURATION:
			if (parse_duration(optarg, &env->min_dur_ns) || !env->min_dur_ns) {
				elog("invalid --min-duration: '%s' (a time: 1.5ms, 200us, 1000ns)",
				     optarg);
				return -EINVAL;
			}
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "chrome") && strcmp(optarg, "folded") &&
			    strcmp(optarg, "svg")) {
				elog("invalid --format: '%s' (chrome, folded or svg)", optarg);
				return -EINVAL;
			}
			env->format = optarg;
			break;
		case 'T':
			env->durations = true;
			break;
		case 't':
			if (env->timestamps < 3)
				env->timestamps++;
			break;
		case 'r':
			env->relative = true;
			break;
		case 's': {
			char *end;
			long n;

			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 0 || n > RTRACE_CAPTURE_MAX - 2) {
				elog("invalid string limit: '%s' (0 to %d)", optarg,
				     RTRACE_CAPTURE_MAX - 2);
				return -EINVAL;
			}
			env->string_limit = n;
			env->string_limit_set = true;
			break;
		}
		case 'y':
			env->fd_paths = true;
			break;
		case 'c':
			env->summary = true;
			break;
		case 'v':
			env->verbose++;
			break;
		case OPT_JSON:
			env->json = true;
			break;
		case OPT_DEREF:
			env->deref = true;
			break;
		case OPT_LIST:
			env->list = true;
			break;
		case OPT_ARGS:
			if (!strcmp(optarg, "raw")) {
				env->raw_args = true;
			} else if (!strcmp(optarg, "none")) {
				env->no_args = true;
			} else if (strcmp(optarg, "typed")) {
				elog("invalid --args value: '%s' (typed, raw or none)", optarg);
				return -EINVAL;
			}
			break;
		case OPT_BUFFER_SIZE:
			if (parse_size(optarg, &size) || size < 4096 || size > (1UL << 30)) {
				elog("invalid buffer size: '%s' (4K to 1G, e.g. 64K, 8M)", optarg);
				return -EINVAL;
			}
			env->buffer_size = size;
			break;
		case 'h':
			printf(usage_text);
			return 1;
		case OPT_VERSION:
			print_version();
			return 1;
		case ':':
			elog("option '%s' needs an argument", argv[optind - 1]);
			return -EINVAL;
		default:
			if (optopt && optopt < 1000)
				elog("unknown option '-%c' (see rtrace --help)", optopt);
			else
				elog("unknown option '%s' (see rtrace --help)", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if ((env->sort || env->hist) && env->mode != MODE_REPORT) {
		elog("%s is for rtrace report", env->sort ? "--sort" : "--hist");
		return -EINVAL;
	}
	if (env->format && env->mode != MODE_EXPORT) {
		elog("--format is for rtrace export");
		return -EINVAL;
	}
	if (env->mode == MODE_EXPORT && !env->format) {
		elog("export: which format? --format chrome, folded or svg");
		return -EINVAL;
	}
	if ((env->since_ns || env->until_ns) &&
	    (env->mode == MODE_LIVE || env->mode == MODE_RECORD)) {
		elog("%s is for a trace file (replay, report, export)",
		     env->since_ns ? "--since" : "--until");
		return -EINVAL;
	}
	if (env->mode != MODE_LIVE && env->mode != MODE_RECORD)
		return check_file_mode(env, argc, argv);
	if (env->mode == MODE_RECORD && !env->trace_path)
		env->trace_path = RTRACE_DEFAULT_DATA;
	if ((env->force || env->show) && env->mode != MODE_RECORD) {
		elog("%s is for rtrace record", env->force ? "--force" : "--show");
		return -EINVAL;
	}
	if (optind < argc)
		env->cmd = &argv[optind];
	if (!env->cmd && !env->nr_pids) {
		elog("must have -p PID or a command to run (see rtrace --help)");
		return -EINVAL;
	}
	if (env->cmd && env->nr_pids) {
		elog("-p and a command are mutually exclusive");
		return -EINVAL;
	}
	return 0;
}

void opts_free(struct env *env)
{
	free(env->func_specs);
	free(env->pids);
	env->func_specs = NULL;
	env->pids = NULL;
}
