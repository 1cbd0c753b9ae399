// SPDX-License-Identifier: GPL-2.0
/* -c in BPF (bpf/counts.bpf.h): the per-CPU sums, read once tracing has stopped, go down
 * the event stream as one RTRACE_EV_COUNT record per syscall and function that ran. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "output/output.h"
#include "probes/funcs.h"
#include "rtrace.skel.h"
#include "tracer.h"
#include "util/log.h"
#include "util/util.h"

/* Sends the sums of @map's entries 0..@n-1 of @kind that counted a call, with @extra's
 * (NULL: none). 0 or -errno. */
static int emit_map(struct tracer *tr, const struct bpf_map *map, __u32 n, __u32 kind,
		    struct rtrace_count_val *vals, int nr_cpus,
		    const struct rtrace_count_val *extra)
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
		if (extra) {
			rec.val.calls += extra[key].calls;
			rec.val.ns += extra[key].ns;
		}
		if (rec.val.calls)
			output_event(tr->out, &rec, sizeof(rec));
	}
	return 0;
}

static void add_acc(const struct rtrace_count_acc *a, struct rtrace_count_val *extra, __u32 n)
{
	if (!a->id || a->id > n)
		return;
	extra[a->id - 1].calls += a->calls;
	extra[a->id - 1].ns += a->ns;
}

/* What threads alive when tracing stopped had not yet added to the per-CPU sums: a struct
 * rtrace_count_acc first in each one's state, in an array slot after an 8-byte header
 * naming its thread (0: free), or in the hash map. Into @extra, @n function ids. */
static int gather_accs(struct tracer *tr, struct rtrace_count_val *extra, __u32 n)
{
	const struct bpf_map *slots = tr->skel->maps.count_tasks_slots;
	const struct bpf_map *hash = tr->skel->maps.count_tasks;
	size_t size = bpf_map__value_size(slots);
	__u32 key, next, *prev = NULL, nr_slots = bpf_map__max_entries(slots);
	unsigned char *buf;
	int err = 0;

	if (bpf_map__value_size(hash) > size)
		size = bpf_map__value_size(hash);
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	for (key = 0; key < nr_slots && !err; key++) {
		__u32 owner;

		if (bpf_map_lookup_elem(bpf_map__fd(slots), &key, buf)) {
			err = -errno;
			break;
		}
		memcpy(&owner, buf, sizeof(owner));
		if (owner)
			add_acc((const struct rtrace_count_acc *)(buf + 8), extra, n);
	}
	while (!err && !bpf_map_get_next_key(bpf_map__fd(hash), prev, &next)) {
		if (!bpf_map_lookup_elem(bpf_map__fd(hash), &next, buf))
			add_acc((const struct rtrace_count_acc *)buf, extra, n);
		key = next;
		prev = &key;
	}
	free(buf);
	return err;
}

int tracer_emit_counts(struct tracer *tr)
{
	int nr_cpus = libbpf_num_possible_cpus(), err;
	__u32 nr_ids = bpf_map__max_entries(tr->skel->maps.func_counts);
	struct rtrace_count_val *vals, *extra = NULL;

	if (!tr->count_in_bpf)
		return 0;
	if (nr_cpus <= 0)
		return nr_cpus ?: -EINVAL;
	vals = calloc(nr_cpus, sizeof(*vals));
	extra = calloc(nr_ids, sizeof(*extra));
	err = vals && extra ? 0 : -ENOMEM;
	if (!err)
		err = emit_map(tr, tr->skel->maps.sys_counts, RTRACE_MAX_SYSCALLS,
			       RTRACE_COUNT_SYSCALL, vals, nr_cpus, NULL);
	if (!err)
		err = gather_accs(tr, extra, nr_ids);
	if (!err)
		err = emit_map(tr, tr->skel->maps.func_counts, nr_ids, RTRACE_COUNT_FUNC, vals,
			       nr_cpus, extra);
	free(vals);
	free(extra);
	if (!err && tr->funcs &&
	    tr->funcs->nr_funcs > bpf_map__max_entries(tr->skel->maps.func_counts))
		elog("%zu functions came after the count map was made: not counted",
		     tr->funcs->nr_funcs - bpf_map__max_entries(tr->skel->maps.func_counts));
	return err;
}
