/* SPDX-License-Identifier: GPL-2.0 */
/* Command line: strace's conventions where strace has one. */
#ifndef RTRACE_OPTS_H
#define RTRACE_OPTS_H

#include <stdbool.h>
#include <sys/types.h>
#include "rtrace.h"

#define RTRACE_DEFAULT_BUFFER	(8UL << 20)

enum rtrace_mode {
	MODE_LIVE,		/* no subcommand: trace and print */
	MODE_RECORD,		/* rtrace record: trace into a file */
	MODE_REPLAY,		/* rtrace replay: print a file's timeline */
	MODE_INFO,		/* rtrace info: what a file holds */
	MODE_REPORT,		/* rtrace report: a file's calls and syscalls, timed */
	MODE_EXPORT,		/* rtrace export: a file in another tool's format */
};

#define RTRACE_DEFAULT_DATA	"rtrace.data"

struct env {
	enum rtrace_mode mode;
	const char *trace_path;		/* record -o, replay/info FILE */
	bool force;			/* record --force: overwrite the file */
	bool show;			/* record --show: print the timeline too */
	const char *sort;		/* report --sort */
	const char *hist;		/* report --hist NAME */
	const char *format;		/* export --format */
	int max_depth;			/* --max-depth N; 0: all */
	pid_t only_tid;			/* --tid TID; 0: all */
	int sample;			/* --sample N; 0: all */
	unsigned long long since_ns, until_ns;	/* replay --since/--until; 0: open */
	unsigned long long min_dur_ns;		/* --min-duration; 0: all */
	pid_t *pids;
	int nr_pids;
	bool follow;			/* -f */
	char **func_specs;		/* -x [MODULE:]GLOB */
	int nr_func_specs;
	unsigned long long syscall_mask[RTRACE_MAX_SYSCALLS / 64];
	const char *output_path;	/* -o; NULL = stderr (stdout with --json and -p) */
	bool durations;			/* -T */
	int timestamps;			/* -t, -tt, -ttt */
	bool relative;			/* -r */
	bool json;
	bool summary;			/* -c */
	unsigned int string_limit;	/* -s: bytes of strings and buffers shown */
	bool string_limit_set;		/* -s was given */
	bool fd_paths;			/* -y */
	bool deref;			/* --deref: show structs behind pointer arguments */
	bool raw_args;			/* --args=raw: registers when there is no DWARF */
	bool no_args;			/* --args=none: function names only */
	unsigned long buffer_size;
	int verbose;
	bool list;			/* --list: where probes would go; attach nothing */
	char **cmd;			/* launch mode: NULL-terminated argv */
};

/* Parses argv into env. Returns 0 to go on, 1 when --help/--version was
 * printed (exit 0), -EINVAL after printing one `rtrace: ...` line. */
int opts_parse(struct env *env, int argc, char **argv);
void opts_free(struct env *env);

/* Parses "4096", "64K", "8M", "1G". Returns 0 or -EINVAL. */
int parse_size(const char *s, unsigned long *out);

#endif
