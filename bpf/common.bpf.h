/* SPDX-License-Identifier: GPL-2.0 */
/* State shared by every rtrace BPF program. Definitions are __weak so that
 * each *.bpf.c can include this and `bpftool gen object` merges them into one.
 */
#ifndef RTRACE_COMMON_BPF_H
#define RTRACE_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "rtrace.h"

/* Syscall and function records. Sized by the loader (--buffer-size). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps") __weak;

/* Fork, exec and exit, apart: a trace that lost records in a full events
 * buffer still shows how its processes ended. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} proc_events SEC(".maps") __weak;

/* Processes being traced, by tgid: value is enum rtrace_tgid_flags. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u32);
} traced_tgids SEC(".maps") __weak;

/* Set by the loader once every probe is attached and cleared before any is
 * detached, so entries and returns only ever flow as pairs. */
volatile bool tracing_on __weak;
/* Records the ring buffer had no room for. */
__u64 lost_events __weak;

const volatile bool follow_forks __weak;
/* One process and no -f, the common case: a constant the verifier folds,
 * instead of a hash lookup on every event (~50 ns each). */
const volatile __u32 target_tgid __weak;
/* The launched child: silent until its execve, so that rtrace's own fork and
 * wait never show and the trace starts at the exec. */
__u32 await_exec_tgid __weak;
static __always_inline bool tgid_traced(__u32 tgid)
{
	if (target_tgid)
		return tgid == target_tgid;
	return bpf_map_lookup_elem(&traced_tgids, &tgid) != NULL;
}

/* Reserves a record in rb, counting it lost when there is no room. */
static __always_inline void *reserve_event(void *rb, __u64 size)
{
	void *e = bpf_ringbuf_reserve(rb, size, 0);

	if (!e)
		__sync_fetch_and_add(&lost_events, 1);
	return e;
}

/* Never a wakeup: one costs 0.6-3 us, and the loader polls every few ms,
 * more often while the buffer fills fast. */
static __always_inline void submit_event(void *e)
{
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

static __always_inline void fill_hdr(struct rtrace_hdr *h, __u32 type, __u64 pid_tgid)
{
	h->type = type;
	h->tid = (__u32)pid_tgid;
	h->tgid = pid_tgid >> 32;
	h->cpu = bpf_get_smp_processor_id();
	/* Not the boot clock: that is the monotonic one plus a call (~10 ns). */
	h->ts_ns = bpf_ktime_get_ns();
}

#endif
