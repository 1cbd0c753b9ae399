/* SPDX-License-Identifier: GPL-2.0 */
/* rtrace record: the live pipeline with a trace file's writer in it (records as they
 * come, the functions they name, what decoding asked the process), and a progress line. */
#ifndef RTRACE_RECORD_H
#define RTRACE_RECORD_H

#include <stdbool.h>
#include <linux/types.h>
#include "util/tbuf.h"

struct env;
struct func_table;
struct output;
struct output_opts;
struct output_stats;
struct trace_writer;

struct recorder {
	struct trace_writer *w;
	const char *path;
	struct func_table *ft;
	size_t funcs_written;
	char **build_ids;	/* by module index, hex */
	size_t nr_build_ids;
	struct tbuf proto;	/* a function's prototype, encoded */
	bool progress;		/* stderr is a terminal */
	__u64 next_progress_ns;
};

/* Creates the file (bad input: said, -errno). */
int record_open(struct recorder *r, const struct env *env);
/* The session: command line, host, kernel, and what replay decodes with. */
void record_meta(struct recorder *r, int argc, char **argv, const struct output_opts *oopts);
void record_cwd(struct recorder *r, int pid, const char *cwd);
void record_name(struct recorder *r, int pid, const char *name);
/* -y: the paths of the fds @pid has as tracing begins, asked through @o's view so that the
 * file holds them as answers: a replay shows the fds opened before the trace by path too
 * (the live output asks only when it prints, which plain record never does). */
void record_fds(struct recorder *r, struct output *o, int pid);
/* From now on the output's records and its view's answers go to the file too. */
void record_attach(struct recorder *r, struct output *o, struct func_table *ft);
/* About once a second on a terminal: events, bytes, lost. */
void record_progress(struct recorder *r, const struct output_stats *st, bool last);
/* Ends the file. 0, or -errno after saying why. */
int record_close(struct recorder *r, const struct output_stats *st);

#endif
