// SPDX-License-Identifier: GPL-2.0
/* util/: the arena, the hash map, C string quoting, UTF-8 and XML escaping, under ASan. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/arena.h"
#include "util/hmap.h"
#include "util/quote.h"
#include "util/utf8.h"
#include "util/util.h"
#include "util/xml.h"
#include "tap.h"

static char *quoted(const char *s, size_t len, size_t limit, unsigned int style, bool more)
{
	static char *buf;
	size_t size;
	FILE *f;

	free(buf);
	f = open_memstream(&buf, &size);
	quote_c(f, (const unsigned char *)s, len, limit, style, more);
	fclose(f);
	return buf;
}

/* s[0..len) as XML text (short ones: the buffer is small). */
static const char *xml(const char *s, size_t len)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	if (!f)
		return "";
	xml_chars(f, (const unsigned char *)s, len);
	fclose(f);
	return buf;
}

int main(void)
{
	struct arena a = {};
	struct hmap h = {};
	unsigned long long k;
	bool all = true, aligned = true, zeroed = true;
	char *big, *s;
	int i;

	/* Arena: aligned, zeroed, an allocation over a block's size, strdup, freed at once. */
	for (i = 1; i < 3000; i++) {
		unsigned char *p = arena_alloc(&a, i % 97 + 1);

		aligned &= p && (uintptr_t)p % sizeof(max_align_t) == 0;
		zeroed &= p && p[0] == 0;
		if (p)
			p[0] = 0xff;
	}
	CHECK(aligned, "arena: every allocation aligned for any type");
	CHECK(zeroed, "arena: every allocation zeroed");
	big = arena_alloc(&a, 200000);
	CHECK(big && !big[199999], "arena: an allocation larger than a block");
	s = arena_strdup(&a, "hello");
	CHECK_STR(s, "hello", "arena: strdup");
	arena_free(&a);
	CHECK(a.head == NULL, "arena: empty after free");

	/* Hash map: 10,000 keys through several grows, replace, misses. */
	for (k = 1; k <= 10000; k++)
		all &= hmap_put(&h, k * 4096, (void *)(uintptr_t)k) == 0;
	CHECK(all, "hmap: 10,000 puts");
	for (k = 1; k <= 10000; k++)
		all &= hmap_get(&h, k * 4096) == (void *)(uintptr_t)k;
	CHECK(all, "hmap: every key finds its value");
	CHECK(hmap_get(&h, 4097) == NULL, "hmap: a missing key");
	CHECK_INT(hmap_put(&h, 4096, (void *)7), 0, "hmap: replace");
	CHECK(hmap_get(&h, 4096) == (void *)7 && h.nr == 10000, "hmap: replaced, not added");
	hmap_free(&h);
	CHECK(hmap_get(&h, 4096) == NULL && h.cap == 0, "hmap: empty after free");

	/* Quoting, strace's way. */
	CHECK_STR(quoted("a\"b\\\n\t", 6, 32, 0, false), "\"a\\\"b\\\\\\n\\t\"", "quote: escapes");
	CHECK_STR(quoted("\0011\377", 3, 32, 0, false), "\"\\0011\\377\"",
		  "quote: octal, three digits before a digit");
	CHECK_STR(quoted("abcdef", 6, 4, 0, false), "\"abcd\"...", "quote: cut at the limit");
	CHECK_STR(quoted("ab\0cd", 5, 32, QUOTE_0TERM, true), "\"ab\"", "quote: 0TERM ends at NUL");
	CHECK_STR(quoted("ab", 2, 32, 0, true), "\"ab\"...", "quote: more than captured");
	CHECK_STR(quoted("\x01\xfe", 2, 32, QUOTE_HEX, false), "\"\\x01\\xfe\"", "quote: hex");
	CHECK_INT((int)ARRAY_SIZE((int[7]){}), 7, "ARRAY_SIZE");

	/* UTF-8 characters: a well-formed sequence is one, any other byte one. */
	CHECK_INT(utf8_chars((const unsigned char *)"a\xc3\xa9\xe2\x82\xac\xff", 7), 4,
		  "utf8: a, e acute, euro, a stray byte: 4 characters");
	CHECK_INT(utf8_prefix((const unsigned char *)"\xc3\xa9\xe2\x82\xacz", 6, 2), 5,
		  "utf8: the first 2 characters take 5 bytes");
	CHECK_INT(utf8_prefix((const unsigned char *)"ab", 2, 9), 2, "utf8: a prefix longer than all");
	CHECK_INT(utf8_len((const unsigned char *)"\xed\xa0\x80", 3), 0, "utf8: no surrogate");

	/* XML: the five specials as references, UTF-8 kept, what XML cannot hold as U+FFFD. */
	CHECK_STR(xml("a&b<c>d\"e'f", 11), "a&amp;b&lt;c&gt;d&quot;e&#39;f", "xml: & < > \" '");
	CHECK_STR(xml("\xc3\xa9t\xc3\xa9", 5), "\xc3\xa9t\xc3\xa9", "xml: UTF-8 as is");
	CHECK_STR(xml("a\x01\tb\x7f", 5), "a&#xfffd;&#xfffd;b&#xfffd;", "xml: controls");
	CHECK_STR(xml("\xff\xc3", 2), "&#xfffd;&#xfffd;", "xml: bytes of no sequence");
	CHECK_STR(xml("\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd", 9), "&#xfffd;&#xfffd;\xef\xbf\xbd",
		  "xml: U+FFFE and U+FFFF replaced, U+FFFD kept");
	return tap_done();
}
