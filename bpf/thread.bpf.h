/* SPDX-License-Identifier: GPL-2.0 */
/* Per-thread state of the BPF-side filters, -c and --min-duration: hash maps by tid, not
 * task storage. A hash map's lookup takes no lock and its insert holds a bucket lock with
 * preemption off; task storage's insert fails while another program on the same CPU is
 * preempted inside a storage helper (uprobe programs run preemptible), which on 6.12 under
 * preempt=full let through calls --sample should have hidden. A thread's entries go when
 * it exits (process.bpf.c). */
#ifndef RTRACE_THREAD_BPF_H
#define RTRACE_THREAD_BPF_H

#include "common.bpf.h"

#define THREAD_MAX		65536	/* threads with state at once */
#define THREAD_STATE_MAX	2048	/* bytes of the largest state */

/* Zeros a new state is made from: never written. */
struct thread_zero {
	__u8 bytes[THREAD_STATE_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct thread_zero);
} thread_zero SEC(".maps") __weak;

/* Thread @tid's state in @map, made zeroed when @create and there is none; NULL when there
 * is none (or the map is full). */
static __always_inline void *thread_state(void *map, __u32 tid, bool create)
{
	void *v = bpf_map_lookup_elem(map, &tid), *z;
	__u32 zero = 0;

	if (v || !create)
		return v;
	z = bpf_map_lookup_elem(&thread_zero, &zero);
	if (!z || bpf_map_update_elem(map, &tid, z, BPF_NOEXIST))
		return NULL;
	return bpf_map_lookup_elem(map, &tid);
}

#define THREAD_MAP(name, value_type)				\
	struct {						\
		__uint(type, BPF_MAP_TYPE_HASH);		\
		__uint(map_flags, BPF_F_NO_PREALLOC);		\
		__uint(max_entries, THREAD_MAX);		\
		__type(key, __u32);				\
		__type(value, value_type);			\
	} name SEC(".maps") __weak

#endif
