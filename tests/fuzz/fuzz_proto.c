// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: a prototype as a trace file carries it (dwarf/proto_codec.h), of any bytes,
 * then what a replay does with one that decodes: its arguments and return value printed,
 * text and JSON, deref or not, from registers and captures made of the rest of the input.
 * Input: a __u32 length, the prototype, then the values. fuzz_trace reaches prototypes
 * only behind a file's CRC and zlib; this goes at them directly. `make fuzz` runs it;
 * fuzzcorpus.t runs its seeds (the prototypes of the seed traces) once under ASan. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "dwarf/dwarf_args.h"
#include "dwarf/go_abi.h"
#include "dwarf/proto_codec.h"

/* Up to @n bytes of the input's tail, taken from the front. */
static const uint8_t *take(const uint8_t **p, size_t *left, size_t n, size_t *got)
{
	const uint8_t *at = *p;

	*got = n < *left ? n : *left;
	*p += *got;
	*left -= *got;
	return at;
}

static void print_c(FILE *out, const struct dwarf_proto *p, const unsigned long long *regs,
		    const struct sysdecode_capture *cap, bool json, bool deref)
{
	struct dwarf_format_opts o = { .string_limit = 32, .json = json, .deref = deref };
	struct dwarf_value_src v = { .cap = cap };

	memcpy(v.args, regs, sizeof(v.args));
	dwarf_format_args(out, p, &v, &o);
	dwarf_format_ret_cap(out, p, regs[6], regs[7], &cap[0], &o);
}

static void print_go(FILE *out, const struct go_proto *g, const unsigned long long *regs,
		     const struct sysdecode_capture *cap, bool json)
{
	struct dwarf_format_opts o = { .string_limit = 32, .json = json };
	struct go_values v = { .regs = regs, .cap = cap };

	go_format_args(out, g, &v, &o);
	go_format_results(out, g, &v, &o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct sysdecode_capture cap[RTRACE_MAX_FUNC_CAPTURES] = {};
	unsigned long long regs[GO_NR_INT_REGS] = {};
	const struct dwarf_proto *p;
	const struct go_proto *g;
	struct proto_store *s;
	const uint8_t *q = data, *at;
	size_t left = size, got;
	uint32_t plen;
	int i;

	if (!null)
		null = fopen("/dev/null", "w");
	if (!null || size < sizeof(plen))
		return 0;
	memcpy(&plen, take(&q, &left, sizeof(plen), &got), sizeof(plen));
	at = take(&q, &left, plen, &got);
	s = proto_store_new();
	if (!s || proto_decode(s, at, got, &p, &g))
		goto out;
	at = take(&q, &left, sizeof(regs), &got);
	memcpy(regs, at, got);
	/* each capture: a flags byte, a length byte, that many bytes */
	for (i = 0; i < RTRACE_MAX_FUNC_CAPTURES && left >= 2; i++) {
		unsigned int flags = q[0], len = q[1];

		q += 2;
		left -= 2;
		at = take(&q, &left, len, &got);
		cap[i] = (struct sysdecode_capture){ .data = got ? at : NULL, .len = got,
						     .flags = flags & 3, .present = flags & 4 };
	}
	for (i = 0; i < 4; i++) {
		if (p)
			print_c(null, p, regs, cap, i & 1, i & 2);
		else
			print_go(null, g, regs, cap, i & 1);
	}
out:
	proto_store_free(s);
	return 0;
}
