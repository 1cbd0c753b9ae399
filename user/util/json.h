/* SPDX-License-Identifier: GPL-2.0 */
/* JSON strings from arbitrary bytes: the one escaper every JSON writer uses
 * (output.c's records, dwarf_format.c's typed values). */
#ifndef RTRACE_JSON_H
#define RTRACE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes the bytes of s[0..len) escaped for the inside of a JSON string, no
 * quotes, and always valid JSON in valid UTF-8: well-formed UTF-8
 * sequences pass through; any other byte XX (0x80-0xff) is written \udcXX, a
 * lone low surrogate as Python's surrogateescape makes it, which no UTF-8
 * decodes to (so the bytes come back exactly: README, "--json"). Controls and
 * DEL are \u00XX. */
void json_chars(FILE *out, const unsigned char *s, size_t len);
/* A JSON string of s[0..len), stopping at a NUL, at most limit bytes of it:
 * `...` inside the quotes when it was cut there or `more` says so. */
void json_quote(FILE *out, const unsigned char *s, size_t len, size_t limit, bool more);
/* A JSON string of a NUL-terminated string, whole. */
void json_str(FILE *out, const char *s);
/* Decimal integers, as printf's %lld and %llu write them at a fraction of the cost:
 * every record has several. */
void json_int(FILE *out, long long v);
void json_uint(FILE *out, unsigned long long v);

#endif
