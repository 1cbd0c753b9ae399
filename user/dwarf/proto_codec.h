/* SPDX-License-Identifier: GPL-2.0 */
/* Prototypes as bytes. A trace file keeps, for each traced function, what printing its
 * arguments and return value needs: the prototype with where each value is at entry, the
 * capture layout, and the types it reaches as dwarf_format.c and go_abi.c read them. A
 * replay on a machine without the binary then prints what the live output printed.
 * docs/trace-format.md gives the layout. The decoder takes any bytes: what it accepts, the
 * printers can walk without reading out of bounds, recursing without end, or taking more
 * than a bounded time.
 */
#ifndef RTRACE_PROTO_CODEC_H
#define RTRACE_PROTO_CODEC_H

#include <stddef.h>
#include "util/tbuf.h"

/* An encoding larger than this is not kept (the function's arguments are then not shown
 * on replay); a decoder refuses it. */
#define PROTO_MAX_BYTES		(256U << 10)

struct dwarf_proto;
struct go_proto;
/* Owns decoded prototypes and their types. */
struct proto_store;

/* Appends the encoding of the C prototype @p / the Go prototype @g to @out.
 * Returns 0, -EINVAL (NULL), -E2BIG (over PROTO_MAX_BYTES: @out unchanged), -ENOMEM. */
int dwarf_proto_encode(const struct dwarf_proto *p, struct tbuf *out);
int go_proto_encode(const struct go_proto *g, struct tbuf *out);

struct proto_store *proto_store_new(void);
/* Frees @s and every prototype decoded into it; NULL is a no-op. */
void proto_store_free(struct proto_store *s);

/* Decodes the @len bytes at @buf into @s: a C prototype in *@p or a Go one in *@g (the
 * other set to NULL). Returns 0, -EINVAL for malformed or over-limit input, -ENOMEM. */
int proto_decode(struct proto_store *s, const void *buf, size_t len,
		 const struct dwarf_proto **p, const struct go_proto **g);

#endif
