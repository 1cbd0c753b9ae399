/* SPDX-License-Identifier: GPL-2.0 */
/* UTF-8 as strict decoders read it: what the JSON and XML escapers keep as is. */
#ifndef RTRACE_UTF8_H
#define RTRACE_UTF8_H

#include <stddef.h>

/* Length of the well-formed UTF-8 sequence of two bytes or more at s (n bytes
 * available), or 0 (ASCII, or not well formed). */
size_t utf8_len(const unsigned char *s, size_t n);
/* How many bytes of s[0..len) its first @chars characters take, a well-formed
 * sequence counting as one character and any other byte as one. */
size_t utf8_prefix(const unsigned char *s, size_t len, size_t chars);
/* Characters in s[0..len), counted as utf8_prefix() counts them. */
size_t utf8_chars(const unsigned char *s, size_t len);

#endif
