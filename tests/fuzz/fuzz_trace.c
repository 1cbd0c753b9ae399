// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: a trace file of any bytes through the whole replay pipeline (reader, state,
 * decoders, a sink chosen by the input's length), to /dev/null. `make fuzz` runs it; the
 * tests run its corpus once under ASan (tests/integration/fuzzcorpus.t). */
#include <stdint.h>
#include <stdio.h>
#include "opts.h"
#include "replay.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct env env = { .string_limit = 32 };
	FILE *f;

	if (!null)
		null = fopen("/dev/null", "w");
	if (!size || !null)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	switch (size % 7) {
	case 0: env.mode = MODE_REPLAY; break;
	case 1: env.mode = MODE_REPLAY; env.json = true; env.durations = true; break;
	case 2: env.mode = MODE_REPORT; break;
	case 3: env.mode = MODE_EXPORT; env.format = "chrome"; break;
	case 4: env.mode = MODE_EXPORT; env.format = "folded"; break;
	case 5: env.mode = MODE_EXPORT; env.format = "svg"; break;
	default: env.mode = MODE_REPLAY; env.summary = true; env.fd_paths = true;
	}
	replay_stream(&env, f, "fuzz", null);
	fclose(f);
	return 0;
}
