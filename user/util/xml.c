// SPDX-License-Identifier: GPL-2.0
/* XML escaping for any bytes (process names, symbols). */
#include <stdbool.h>
#include "utf8.h"
#include "xml.h"

static const char *const entity[128] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

/* Whether the u bytes at s are a character XML 1.0 can hold: not a control (tab and
 * newline aside, which a name has no use for either), not U+FFFE or U+FFFF (EF BF BE/BF). */
static bool xml_char(const unsigned char *s, size_t u)
{
	if (u == 1)
		return s[0] >= 0x20 && s[0] != 0x7f;
	return !(u == 3 && s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe);
}

void xml_chars(FILE *out, const unsigned char *s, size_t len)
{
	size_t i, u;

	for (i = 0; i < len; i += u) {
		u = s[i] >= 0x80 ? utf8_len(s + i, len - i) : 1;
		if (u == 1 && entity[s[i]])
			fputs(entity[s[i]], out);
		else if (u && xml_char(s + i, u))
			fwrite(s + i, 1, u, out);
		else
			fputs("&#xfffd;", out);
		u = u ?: 1;
	}
}
