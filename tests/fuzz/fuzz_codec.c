// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: a RECORDS block's data, once inflated, of any bytes through the codec alone
 * (fuzz_trace rarely gets past the CRC and zlib to it). Decoding must stay within its input
 * and its bound (ASan/UBSan watch), and what decodes must encode and decode back to the same
 * records, bit for bit. `make fuzz` runs it after fuzz_trace; fuzzcorpus.t runs its seeds,
 * the seed traces' RECORDS blocks, once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "trace/codec.h"
#include "trace/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tbuf dec, enc, again;
	static struct codec *c;

	if (!c)
		c = codec_new();
	if (!c || codec_decode(c, data, size, &dec))
		return 0;
	if (dec.len > RTRACE_FILE_MAX_BLOCK || codec_encode(c, dec.p, dec.len, &enc) ||
	    codec_decode(c, enc.p, enc.len, &again) || again.len != dec.len ||
	    (dec.len && memcmp(again.p, dec.p, dec.len)))
		abort();
	return 0;
}
