// SPDX-License-Identifier: GPL-2.0
/* JSON string escaping for any bytes (paths, captured strings, symbols). */
#include <string.h>
#include "json.h"

/* Length of the well-formed UTF-8 sequence at s (n bytes available), or 0.
 * RFC 3629: no overlong forms, no surrogates (ED A0..BF), nothing past
 * U+10FFFF (F4 90.., F5..FF): strict decoders (Python's, jq's) refuse those. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, k;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3;
	else
		return 0;
	/* The second byte's range is what rules out the forms above. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n <= need || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k <= need; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return need + 1;
}

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
		if (!u) {
			fprintf(out, "\\u%04x", ch);
			continue;
		}
		fwrite(s + i, 1, u, out);
		i += u - 1;
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
