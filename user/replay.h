/* SPDX-License-Identifier: GPL-2.0 */
/* rtrace replay, report and export: a trace file through the same state as live output,
 * to the sink the subcommand asks for; rtrace info: what a trace file holds. */
#ifndef RTRACE_REPLAY_H
#define RTRACE_REPLAY_H

#include <stdio.h>

struct env;

/* Each returns the exit status. */
int replay_main(const struct env *env);	/* replay, report, export */
int info_main(const struct env *env);
/* A trace file already open (@name for messages), its output to @out: 0 or -errno. */
int replay_stream(const struct env *env, FILE *f, const char *name, FILE *out);

#endif
