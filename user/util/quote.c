// SPDX-License-Identifier: GPL-2.0
/* Strings quoted as strace and C write them. */
#include <string.h>
#include "quote.h"

void quote_c(FILE *out, const unsigned char *s, size_t len, size_t limit, unsigned int style,
	     bool more)
{
	size_t i, n = len;
	bool ellipsis = more;

	if (style & QUOTE_0TERM) {
		n = strnlen((const char *)s, len);
		if (n < len)
			ellipsis = false;	/* the string ended */
	}
	if (n > limit) {
		n = limit;
		ellipsis = true;
	}
	fputc('"', out);
	for (i = 0; i < n; i++) {
		unsigned char ch = s[i];
		size_t run;

		/* plain characters in one write */
		for (run = 0; !(style & QUOTE_HEX) && i + run < n && s[i + run] >= ' ' &&
			      s[i + run] <= 0x7e && s[i + run] != '"' && s[i + run] != '\\'; run++)
			;
		if (run) {
			fwrite(s + i, 1, run, out);
			i += run - 1;
			continue;
		}
		if (style & QUOTE_HEX) {
			fprintf(out, "\\x%02x", ch);
			continue;
		}
		switch (ch) {
		case '"':  fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\f': fputs("\\f", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		case '\v': fputs("\\v", out); break;
		default:
			if (ch >= ' ' && ch <= 0x7e) {
				fputc(ch, out);
			} else if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7') {
				/* a digit follows: all three octal digits */
				fprintf(out, "\\%03o", ch);
			} else {
				fprintf(out, "\\%o", ch);
			}
		}
	}
	fputc('"', out);
	if (ellipsis)
		fputs("...", out);
}
