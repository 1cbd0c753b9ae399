// SPDX-License-Identifier: GPL-2.0
/* The reorder heap: time order across CPUs, arrival order on ties, watermark;
 * batches of records split by their headers. */
#include <errno.h>
#include <stdlib.h>
#include "rtrace.h"
#include "tap.h"
#include "timeline.h"

/* A batch as BPF builds one: a return (56 bytes), a syscall exit (40), an
 * entry (112), end to end, stamped out of order. */
static void test_batches(void)
{
	union {
		__u64 align;
		unsigned char bytes[256];
	} buf = {};
	struct rtrace_func_return ret = { .hdr = { RTRACE_EV_FUNC_RETURN, 7, 7, sizeof(ret), 300 } };
	struct rtrace_sys_exit sx = { .hdr = { RTRACE_EV_SYS_EXIT, 7, 7, sizeof(sx), 100 } };
	struct rtrace_func_entry en = { .hdr = { RTRACE_EV_FUNC_ENTRY, 8, 7, sizeof(en), 200 } };
	struct timeline tl = {};
	struct timeline_item it;
	size_t len = 0;
	__u64 order[3];
	int n = 0;

	memcpy(buf.bytes + len, &ret, sizeof(ret)), len += sizeof(ret);
	memcpy(buf.bytes + len, &sx, sizeof(sx)), len += sizeof(sx);
	memcpy(buf.bytes + len, &en, sizeof(en)), len += sizeof(en);
	CHECK_INT(timeline_push_records(&tl, buf.bytes, len), 0, "a batch of three records goes in");
	CHECK_INT(timeline_waiting(&tl), 3, "as three records");
	while (n < 3 && timeline_pop(&tl, ~0ULL, &it)) {
		order[n++] = ((struct rtrace_hdr *)it.data)->type * 1000 + it.size;
		timeline_release(&tl, &it);
	}
	CHECK(n == 3 && order[0] == RTRACE_EV_SYS_EXIT * 1000 + sizeof(sx) &&
	      order[1] == RTRACE_EV_FUNC_ENTRY * 1000 + sizeof(en) &&
	      order[2] == RTRACE_EV_FUNC_RETURN * 1000 + sizeof(ret),
	      "each with its own size, in time order");

	CHECK_INT(timeline_push_records(&tl, &sx, sizeof(sx)), 0, "a single record goes in");
	CHECK(timeline_pop(&tl, ~0ULL, &it) && it.size == sizeof(sx), "whole");
	timeline_release(&tl, &it);

	/* A size running past the end: what came before it is kept. */
	((struct rtrace_hdr *)(buf.bytes + sizeof(ret)))->size = 4096;
	CHECK_INT(timeline_push_records(&tl, buf.bytes, len), -EINVAL, "a size past the end is refused");
	CHECK_INT(timeline_waiting(&tl), 1, "after the record before it");
	((struct rtrace_hdr *)(buf.bytes + sizeof(ret)))->size = 0;
	CHECK_INT(timeline_push_records(&tl, buf.bytes + sizeof(ret), len - sizeof(ret)), -EINVAL,
		  "a zero size is refused, not looped on");
	CHECK_INT(timeline_push_records(&tl, buf.bytes, 8), 0, "a tail shorter than a header is ignored");
	timeline_free(&tl);
}

int main(void)
{
	struct timeline tl = {};
	struct timeline_item it;
	__u64 ts[] = { 50, 10, 40, 10, 30, 20, 60 };
	int ids[] = { 0, 1, 2, 3, 4, 5, 6 };
	int got[7], n = 0, i;
	bool sorted = true;

	for (i = 0; i < 7; i++)
		timeline_push(&tl, ts[i], &ids[i], sizeof(int));
	CHECK_INT(timeline_pop(&tl, 5, &it), 0, "nothing due before the watermark");
	while (timeline_pop(&tl, 40, &it)) {
		got[n++] = *(int *)it.data;
		timeline_release(&tl, &it);
	}
	CHECK_INT(n, 5, "five records due at watermark 40");
	CHECK(got[0] == 1 && got[1] == 3, "equal stamps keep arrival order (1 then 3)");
	for (i = 1; i < n; i++)
		if (ts[got[i - 1]] > ts[got[i]])
			sorted = false;
	CHECK(sorted, "popped in time order");
	CHECK_INT(timeline_waiting(&tl), 2, "two records still waiting");
	timeline_push(&tl, 45, &ids[0], sizeof(int));
	CHECK(timeline_pop(&tl, ~0ULL, &it) && it.ts == 45, "a late record still comes out first");
	timeline_release(&tl, &it);

	/* Many random stamps come out sorted. */
	for (i = 0; i < 10000; i++) {
		__u64 t = (unsigned)rand() % 1000;

		timeline_push(&tl, t, &t, sizeof(t));
	}
	{
		__u64 prev = 0;
		int count = 0;

		sorted = true;
		while (timeline_pop(&tl, ~0ULL, &it)) {
			if (it.ts < prev)
				sorted = false;
			prev = it.ts;
			timeline_release(&tl, &it);
			count++;
		}
		CHECK_INT(count, 10002, "all 10000 random records and the 2 left come out");
		CHECK(sorted, "10000 random stamps come out sorted");
	}
	/* In-order records queue, late ones go to the heap: merged, ties by arrival. */
	{
		__u64 in[] = { 10, 20, 10, 30, 20, 30 }, want_seq[] = { 0, 2, 1, 4, 3, 5 };
		struct timeline t2 = {};
		__u64 first_seq = t2.next_seq;
		bool merged = true;

		for (i = 0; i < 6; i++)
			timeline_push(&t2, in[i], &ids[0], sizeof(int));
		for (i = 0; i < 6; i++) {
			if (!timeline_pop(&t2, ~0ULL, &it)) {
				merged = false;
				break;
			}
			merged &= it.seq - first_seq == want_seq[i];
			timeline_release(&t2, &it);
		}
		CHECK(merged && !timeline_waiting(&t2), "queued and late records merge, ties in arrival order");
		timeline_free(&t2);
	}

	/* Chunks: records of every size, some held while later ones fill new chunks, come out
	 * whole; a record larger than a chunk has one of its own. */
	{
		struct timeline t3 = {};
		static unsigned char big[(1 << 20) + 4096];
		struct timeline_item held[64];
		size_t sizes[] = { 24, 112, 4096, sizeof(big), 40, 65536 };
		bool whole = true;
		int n = 0, nh = 0, j;

		for (i = 0; i < 3000; i++) {
			size_t sz = sizes[i % 6];

			memset(big, i & 0xff, sz);
			if (timeline_push(&t3, i, big, sz))
				whole = false;
			while (timeline_pop(&t3, ~0ULL, &it)) {
				const unsigned char *d = it.data;

				whole &= it.size == sizes[it.ts % 6] && d[0] == (it.ts & 0xff) &&
					 d[it.size - 1] == (it.ts & 0xff);
				n++;
				if (it.ts % 97 == 0 && nh < 64)
					held[nh++] = it;	/* released at the end */
				else
					timeline_release(&t3, &it);
			}
		}
		for (j = 0; j < nh; j++) {
			const unsigned char *d = held[j].data;

			whole &= d[held[j].size - 1] == (held[j].ts & 0xff);
			timeline_release(&t3, &held[j]);
		}
		CHECK(whole && n == 3000, "3000 records of 24 B to 1 MiB come out whole from chunks, "
		      "those held across later chunks too");
		timeline_free(&t3);
	}

	timeline_free(&tl);
	test_batches();
	return tap_done();
}
