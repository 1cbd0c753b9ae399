// SPDX-License-Identifier: GPL-2.0
/* JSON string escaping for any bytes (paths, captured strings, symbols). */
#include <string.h>
#include "json.h"
#include "utf8.h"

void json_chars(FILE *out, const unsigned char *s, size_t len)
{
	size_t i, u;

	for (i = 0; i < len; i++) {
		unsigned char ch = s[i];

		switch (ch) {
		case '"':  fputs("\\\"", out); continue;
		case '\\': fputs("\\\\", out); continue;
		case '\n': fputs("\\n", out); continue;
		case '\r': fputs("\\r", out); continue;
		case '\t': fputs("\\t", out); continue;
		case '\b': fputs("\\b", out); continue;
		case '\f': fputs("\\f", out); continue;
		}
		if (ch >= 0x20 && ch < 0x7f) {
			fputc(ch, out);
			continue;
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
