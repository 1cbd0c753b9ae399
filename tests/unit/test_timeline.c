// SPDX-License-Identifier: GPL-2.0
/* The reorder heap: time order across CPUs, arrival order on ties, watermark. */
#include <stdlib.h>
#include "tap.h"
#include "timeline.h"

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
		free(it.data);
	}
	CHECK_INT(n, 5, "five records due at watermark 40");
	CHECK(got[0] == 1 && got[1] == 3, "equal stamps keep arrival order (1 then 3)");
	for (i = 1; i < n; i++)
		if (ts[got[i - 1]] > ts[got[i]])
			sorted = false;
	CHECK(sorted, "popped in time order");
	CHECK_INT(tl.len, 2, "two records still waiting");
	timeline_push(&tl, 45, &ids[0], sizeof(int));
	CHECK(timeline_pop(&tl, ~0ULL, &it) && it.ts == 45, "a late record still comes out first");
	free(it.data);

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
			free(it.data);
			count++;
		}
		CHECK_INT(count, 10002, "all 10000 random records and the 2 left come out");
		CHECK(sorted, "10000 random stamps come out sorted");
	}
	timeline_free(&tl);
	return tap_done();
}
