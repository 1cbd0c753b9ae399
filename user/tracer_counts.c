// SPDX-License-Identifier: GPL-2.0
/* -c in BPF (bpf/counts.bpf.h): the per-CPU sums, read once tracing has stopped, go down
 * the event stream as one RTRACE_EV_COUNT record per syscall and function that ran. */
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "output/output.h"
#include "probes/funcs.h"
#include "rtrace.skel.h"
#include "tracer.h"
#include "util/log.h"
#include "util/util.h"

/* Sends the sums of @map's entries 0..@n-1 of @kind that counted a call. 0 or -errno. */
static int emit_map(struct tracer *tr, const struct bpf_map *map, __u32 n, __u32 kind,
		    struct rtrace_count_val *vals, int nr_cpus)
{
	int fd = bpf_map__fd(map), c;
	__u32 key;

	for (key = 0; key < n; key++) {
		struct rtrace_count rec = {
			.hdr = { .type = RTRACE_EV_COUNT, .size = sizeof(rec),
				 .ts_ns = mono_now_ns() },
			.kind = kind, .id = key,
		};

		if (bpf_map_lookup_elem(fd, &key, vals))
			return -errno;
		for (c = 0; c < nr_cpus; c++) {
			rec.val.calls += vals[c].calls;
			rec.val.errors += vals[c].errors;
			rec.val.ns += vals[c].ns;
		}
		if (rec.val.calls)
			output_event(tr->out, &rec, sizeof(rec));
	}
	return 0;
}

int tracer_emit_counts(struct tracer *tr)
{
	int nr_cpus = libbpf_num_possible_cpus(), err;
	struct rtrace_count_val *vals;

	if (!tr->count_in_bpf)
		return 0;
	if (nr_cpus <= 0)
		return nr_cpus ?: -EINVAL;
	vals = calloc(nr_cpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	err = emit_map(tr, tr->skel->maps.sys_counts, RTRACE_MAX_SYSCALLS, RTRACE_COUNT_SYSCALL,
		       vals, nr_cpus);
	if (!err)
		err = emit_map(tr, tr->skel->maps.func_counts,
			       bpf_map__max_entries(tr->skel->maps.func_counts), RTRACE_COUNT_FUNC,
			       vals, nr_cpus);
	free(vals);
	if (!err && tr->funcs &&
	    tr->funcs->nr_funcs > bpf_map__max_entries(tr->skel->maps.func_counts))
		elog("%zu functions came after the count map was made: not counted",
		     tr->funcs->nr_funcs - bpf_map__max_entries(tr->skel->maps.func_counts));
	return err;
}
