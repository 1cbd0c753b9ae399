/* SPDX-License-Identifier: GPL-2.0 */
/* Per-thread state of the BPF-side filters, -c and --min-duration: array slots and hash
 * maps by tid, not task storage. A hash map's lookup takes no lock and its insert holds a
 * bucket lock with preemption off; a slot is claimed with one compare-and-swap; task
 * storage's insert fails while another program on the same CPU is preempted inside a
 * storage helper (uprobe programs run preemptible), which on 6.12 under preempt=full let
 * through calls --sample should have hidden. A thread's state goes when it exits
 * (process.bpf.c). */
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

/* The first state of a thread goes into a slot of an array, tid & thread_slot_mask, when
 * that slot is free: an array's lookup is inlined by the verifier, a hash map's is a helper
 * call and a hash (~15 ns, twice a traced call: a quarter of -c's cost over the floor).
 * Threads whose slot another holds use the hash map. The loader sizes each array:
 * RTRACE_THREAD_SLOTS entries where the state is used, 1 elsewhere. */
const volatile __u32 thread_slot_mask __weak;

struct thread_slot_hdr {
	__u32 owner;		/* the tid whose state follows; 0: free */
	__u32 pad;
};
_Static_assert(sizeof(struct thread_slot_hdr) == 8, "the loader reads states after it");

static __always_inline void *thread_state(void *slots, void *map, __u32 tid, bool create,
					  __u32 size)
{
	__u32 key = tid & thread_slot_mask, zero = 0;
	struct thread_slot_hdr *s = bpf_map_lookup_elem(slots, &key);
	void *v, *z;

	if (s && s->owner == tid)
		return s + 1;
	v = bpf_map_lookup_elem(map, &tid);
	if (v || !create)
		return v;
	z = bpf_map_lookup_elem(&thread_zero, &zero);
	if (!z)
		return NULL;
	if (s && !s->owner && !__sync_val_compare_and_swap(&s->owner, 0, tid)) {
		/* only this thread's programs touch it from here on */
		if (bpf_probe_read_kernel(s + 1, size, z))
			return NULL;
		return s + 1;
	}
	if (bpf_map_update_elem(map, &tid, z, BPF_NOEXIST))
		return NULL;
	return bpf_map_lookup_elem(map, &tid);
}

/* At the thread's exit (process.bpf.c). */
static __always_inline void thread_release(void *slots, void *map, __u32 tid)
{
	__u32 key = tid & thread_slot_mask;
	struct thread_slot_hdr *s = bpf_map_lookup_elem(slots, &key);

	if (s && s->owner == tid)
		s->owner = 0;
	bpf_map_delete_elem(map, &tid);
}

/* Thread @tid's state in the maps THREAD_MAP(name, ...) made, made zeroed when @create
 * and there is none; NULL when there is none (or no room). */
#define THREAD_STATE(name, tid, create)						\
	((__typeof__(&((struct name##_slot *)0)->state))			\
	 thread_state(&name##_slots, &name, tid, create,			\
		      sizeof(((struct name##_slot *)0)->state)))
#define THREAD_RELEASE(name, tid)	thread_release(&name##_slots, &name, tid)

#define THREAD_MAP(name, value_type)				\
	struct name##_slot {					\
		struct thread_slot_hdr hdr;			\
		value_type state;				\
	};							\
	_Static_assert(sizeof(value_type) <= THREAD_STATE_MAX, \
		       "thread_zero's size");			\
	struct {						\
		__uint(type, BPF_MAP_TYPE_ARRAY);		\
		__uint(max_entries, 1);				\
		__type(key, __u32);				\
		__type(value, struct name##_slot);		\
	} name##_slots SEC(".maps") __weak;			\
	struct {						\
		__uint(type, BPF_MAP_TYPE_HASH);		\
		__uint(map_flags, BPF_F_NO_PREALLOC);		\
		__uint(max_entries, THREAD_MAX);		\
		__type(key, __u32);				\
		__type(value, value_type);			\
	} name SEC(".maps") __weak

#endif
