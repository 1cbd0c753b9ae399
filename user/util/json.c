// SPDX-License-Identifier: GPL-2.0
/* JSON string escaping for any bytes (paths, captured strings, symbols). */
#include <string.h>
#include "json.h"
#include "utf8.h"

void json_chars(FILE *out, const unsigned char *s, size_t len)
{
	size_t i, u, run;

	for (i = 0; i < len; i++) {
		unsigned char ch = s[i];

		/* plain characters in one write: a call per character was a sixth of --json */
		for (run = 0; i + run < len && s[i + run] >= 0x20 && s[i + run] < 0x7f &&
			      s[i + run] != '"' && s[i + run] != '\\'; run++)
			;
		if (run) {
			fwrite(s + i, 1, run, out);
			i += run - 1;
			continue;
		}

		switch (ch) {
		case '"':  fputs("\\\"", out); continue;
		case '\\': fputs("\\\\", out); continue;
		case '\n': fputs("\\n", out); continue;
		case '\r': fputs("\\r", out); continue;
		case '\t': fputs("\\t", out); continue;
		case '\b': fputs("\\b", out); continue;
		case '\f': fputs("\\f", out); continue;
		}
		u = ch >= 0x80 ? utf8_len(s + i, len - i) : 0;
		if (u) {
			fwrite(s + i, 1, u, out);
			i += u - 1;
		} else if (ch >= 0x80) {
			/* Python's surrogateescape: no UTF-8 decodes to U+DC80-U+DCFF, so
			 * these stand for the byte alone, and s.encode("utf-8",
			 * "surrogateescape") gives the bytes back. */
			fprintf(out, "\\udc%02x", ch);
		} else {
			fprintf(out, "\\u%04x", ch);
		}
	}
}

void json_quote(FILE *out, const unsigned char *s, size_t len, size_t limit, bool more)
{
	size_t n = strnlen((const char *)s, len);

	if (n < len)
		more = false;
	if (n > limit) {
		n = limit;
		more = true;
	}
	fputc('"', out);
	json_chars(out, s, n);
	if (more)
		fputs("...", out);
	fputc('"', out);
}

void json_str(FILE *out, const char *s)
{
	size_t n = strlen(s);

	json_quote(out, (const unsigned char *)s, n, n, false);
}

void json_uint(FILE *out, unsigned long long v)
{
	char buf[24];
	size_t i = sizeof(buf);

	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	fwrite(buf + i, 1, sizeof(buf) - i, out);
}

void json_int(FILE *out, long long v)
{
	if (v < 0) {
		fputc('-', out);
		json_uint(out, -(unsigned long long)v);
		return;
	}
	json_uint(out, v);
}
