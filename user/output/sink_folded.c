// SPDX-License-Identifier: GPL-2.0
/* rtrace export --format folded: one line per stack, `process;f1;f2;f3 NS`, weighted by
 * the time spent in f3 itself (nanoseconds), as flamegraph.pl and speedscope read them.
 * A syscall is a leaf frame `name_[k]` (flamegraph.pl colours _[k] frames as kernel).
 * The stacks are flame.c's, which the SVG export draws too. */
#include "flame.h"
#include "sink.h"

static int folded_draw(FILE *out, struct flame_row *const *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(out, "%s %llu\n", rows[i]->path, (unsigned long long)rows[i]->ns);
	return 0;
}

struct out_sink *sink_folded_new(const struct out_sink *cfg)
{
	return flame_sink_new(cfg, folded_draw);
}
