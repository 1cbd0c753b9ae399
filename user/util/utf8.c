// SPDX-License-Identifier: GPL-2.0
/* UTF-8 sequences and characters in any bytes. */
#include "utf8.h"

/* RFC 3629: no overlong forms, no surrogates (ED A0..BF), nothing past U+10FFFF
 * (F4 90.., F5..FF): strict decoders (Python's, jq's, XML parsers) refuse those. */
size_t utf8_len(const unsigned char *s, size_t n)
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

/* Bytes of the character at s (n > 0 available): one, or its sequence's. */
static size_t char_len(const unsigned char *s, size_t n)
{
	size_t u = s[0] >= 0x80 ? utf8_len(s, n) : 0;

	return u ?: 1;
}

size_t utf8_prefix(const unsigned char *s, size_t len, size_t chars)
{
	size_t i = 0;

	for (; i < len && chars; chars--)
		i += char_len(s + i, len - i);
	return i;
}

size_t utf8_chars(const unsigned char *s, size_t len)
{
	size_t i = 0, n = 0;

	for (; i < len; n++)
		i += char_len(s + i, len - i);
	return n;
}
