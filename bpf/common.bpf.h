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

/* Sized by the loader (--buffer-size) before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps") __weak;

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
/* Wake the consumer only when the buffer is filling up: a wakeup per record
 * costs 0.6-3 us, the loader polls every few ms anyway. */
const volatile __u64 wakeup_threshold __weak = 1 << 20;

static __always_inline bool tgid_traced(__u32 tgid)
{
	if (target_tgid)
		return tgid == target_tgid;
	return bpf_map_lookup_elem(&traced_tgids, &tgid) != NULL;
}

/* Bytes of the buffer syscall and function records may fill: the rest is
 * kept for process events (fork, exec, exit), so that even a trace that lost
 * records shows how its processes ended. */
const volatile __u64 hot_limit __weak = ~0ULL;

/* Reserves a record; hot ones (syscalls, calls) only below hot_limit.
 * *queued is what the consumer has yet to read, for submit_event. */
static __always_inline void *reserve_event(__u64 size, bool hot, __u64 *queued)
{
	void *e = NULL;

	*queued = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	if (!hot || *queued + size <= hot_limit)
		e = bpf_ringbuf_reserve(&events, size, 0);
	if (!e)
		__sync_fetch_and_add(&lost_events, 1);
	return e;
}

static __always_inline void submit_event(void *e, __u64 queued)
{
	bpf_ringbuf_submit(e, queued >= wakeup_threshold ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

static __always_inline void fill_hdr(struct rtrace_hdr *h, __u32 type, __u64 pid_tgid)
{
	h->type = type;
	h->tid = (__u32)pid_tgid;
	h->tgid = pid_tgid >> 32;
	h->cpu = bpf_get_smp_processor_id();
	h->ts_ns = bpf_ktime_get_boot_ns();
}

#endif
