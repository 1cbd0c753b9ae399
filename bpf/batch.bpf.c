// SPDX-License-Identifier: GPL-2.0
/* Sends this CPU's batch of records to the ring buffer. The loader runs it on
 * each CPU with records (BPF_F_TEST_RUN_ON_CPU) before reading the buffer, so
 * that a record waits in a batch no longer than one poll. */
#include "common.bpf.h"

SEC("raw_tp")
int flush_batch(void *ctx)
{
	struct batch *b;
	__u32 zero = 0;

	b = bpf_map_lookup_elem(&batches, &zero);
	if (!b)
		return 0;
	/* Interrupted an append here (this runs from an IPI): ask again. */
	if (b->busy)
		return 1;
	b->busy = 1;
	barrier();
	batch_flush(b);
	barrier();
	b->busy = 0;
	return 0;
}
