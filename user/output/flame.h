/* SPDX-License-Identifier: GPL-2.0 */
/* Private to user/output/: the stacks of a flame graph and their weights, what the
 * folded and SVG exports both draw. A stack is a path `process;f1;f2` under its
 * process's name, weighted by the time spent in its last frame itself (ns); a syscall
 * is a leaf frame `name_[k]`. */
#ifndef RTRACE_OUTPUT_FLAME_H
#define RTRACE_OUTPUT_FLAME_H

#include <stdio.h>
#include <linux/types.h>
#include "sink.h"

struct flame_row {
	struct flame_row *next;	/* same hash */
	__u64 ns;
	char path[];		/* frames separated by ';', none holding ';' or ' ' */
};

/* Draws @n stacks of non-zero weight, sorted by path, to @out: 0, or -errno after
 * saying why. */
typedef int (*flame_draw_fn)(FILE *out, struct flame_row *const *rows, size_t n);

/* A sink that weighs what each event ends (a syscall, a return, at OUT_END every frame
 * still open) and at the end hands the stacks to @draw; NULL on ENOMEM. */
struct out_sink *flame_sink_new(const struct out_sink *cfg, flame_draw_fn draw);

#endif
