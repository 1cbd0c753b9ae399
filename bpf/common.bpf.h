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

/* Per-CPU batches of syscall and function records: an append costs a few
 * stores where reserving and committing a ring buffer record costs ~50 ns.
 * A batch goes out as one ring buffer record when it is full, and when the
 * loader runs flush_batch on its CPU before each read of the buffer. */
struct batch {
	__u32 busy;	/* an append or a flush is under way on this CPU */
	__u32 len;
	__u32 nr;	/* records in buf: all lost if the ring buffer has no room */
	__u32 pad;
	__u8 buf[RTRACE_BATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct batch);
} batches SEC(".maps") __weak;

/* CPUs whose batch holds records, a bit each, for the loader to flush. */
__u64 batch_dirty[RTRACE_MAX_CPUS / 64] __weak;
/* Set by the loader when it cannot run flush_batch: no batching then. */
volatile bool batches_off __weak;

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

static __always_inline void batch_flush(struct batch *b)
{
	__u32 len = b->len;

	/* A bound on len itself: barrier_var() keeps clang from testing only a
	 * copy (len - 1 < size), which the 6.1 verifier does not tie to len. */
	barrier_var(len);
	if (len - 1 < RTRACE_BATCH_SIZE) {
		barrier_var(len);
		if (len <= RTRACE_BATCH_SIZE &&
		    bpf_ringbuf_output(&events, b->buf, len, BPF_RB_NO_WAKEUP))
			__sync_fetch_and_add(&lost_events, b->nr);
	}
	b->len = 0;
	b->nr = 0;
}

/* Where to build a hot record of size bytes: the end of this CPU's batch,
 * or the ring buffer itself while the batch is busy (its appender was
 * preempted or interrupted here). Pair with record_end(*bp, ...). */
static __always_inline void *record_begin(struct batch **bp, __u32 size)
{
	struct batch *b = NULL;
	__u32 zero = 0, off;

	*bp = NULL;
	if (!batches_off)
		b = bpf_map_lookup_elem(&batches, &zero);
	if (!b || b->busy)
		return reserve_event(&events, size);
	b->busy = 1;
	barrier();
	off = b->len;
	if (off > RTRACE_BATCH_SIZE - size) {
		batch_flush(b);
		off = 0;
	}
	*bp = b;
	return b->buf + off;
}

/* Commits what record_begin placed: into the batch (size a multiple of 8, as
 * the loader splits batches), or to the ring buffer. */
static __always_inline void record_end(struct batch *b, void *e, __u32 size)
{
	__u32 cpu;

	if (!b) {
		submit_event(e);
		return;
	}
	b->len += size;
	if (!b->nr++) {
		cpu = bpf_get_smp_processor_id();
		if (cpu < RTRACE_MAX_CPUS)
			__sync_fetch_and_or(&batch_dirty[cpu / 64], 1ULL << (cpu % 64));
		else
			batch_flush(b);	/* a CPU the loader has no bit for */
	}
	barrier();
	b->busy = 0;
}

/* Whether a probe whose attach cookie is @cookie is for process @tgid. */
static __always_inline bool cookie_for(__u64 cookie, __u32 tgid)
{
	__u32 owner = (cookie >> RTRACE_COOKIE_OWNER_SHIFT) & RTRACE_COOKIE_OWNER_MASK;

	return !owner || owner == tgid;
}

static __always_inline void fill_hdr(struct rtrace_hdr *h, __u32 type, __u64 pid_tgid, __u32 size)
{
	h->type = type;
	h->tid = (__u32)pid_tgid;
	h->tgid = pid_tgid >> 32;
	h->size = size;
	/* Not the boot clock: that is the monotonic one plus a call (~10 ns). */
	h->ts_ns = bpf_ktime_get_ns();
}

#endif
