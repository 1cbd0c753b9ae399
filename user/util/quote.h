/* SPDX-License-Identifier: GPL-2.0 */
/* Bytes as a C string literal, strace's way: "ab\n\0\377"... (syscall buffers,
 * DWARF-typed and Go strings). */
#ifndef RTRACE_QUOTE_H
#define RTRACE_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define QUOTE_0TERM	1	/* stop at the first NUL */
#define QUOTE_HEX	2	/* every byte as \xNN (getrandom) */

/* Quotes @len bytes of @s; more than @limit bytes print @limit and `...`.
 * @more: there is more than @len (the capture was cut short): `...` after
 * the quote. */
void quote_c(FILE *out, const unsigned char *s, size_t len, size_t limit, unsigned int style,
	     bool more);

#endif
