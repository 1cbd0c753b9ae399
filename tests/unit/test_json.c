// SPDX-License-Identifier: GPL-2.0
/* The JSON string escaper: valid JSON in valid UTF-8 for any bytes, well-formed
 * UTF-8 through as is, every other byte as \u00XX; and the records that
 * carry raw bytes (an exec's file name) use it. */
#include <stdlib.h>
#include "util/json.h"
#include "output/output.h"
#include "rtrace.h"
#include "tap.h"

static char *quoted(const void *s, size_t len, size_t limit, bool more)
{
	char *buf = NULL;
	size_t n;
	FILE *f = open_memstream(&buf, &n);

	json_quote(f, s, len, limit, more);
	fclose(f);
	return buf;
}

static void check(const char *in, size_t len, const char *want, const char *name)
{
	char *got = quoted(in, len, len, false);

	CHECK_STR(got, want, name);
	free(got);
}

#define CASE(in, want, name) check(in, sizeof(in) - 1, want, name)

/* The code point of the well-formed UTF-8 sequence at s, its length in *n;
 * -1 if malformed. Decodes then checks ranges: the other way round from
 * json.c, which checks lead and second bytes. */
static long decode_utf8(const unsigned char *s, size_t avail, size_t *n)
{
	static const long min[] = { 0, 0x80, 0x800, 0x10000 };
	size_t k, extra = s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : s[0] >= 0xc0 ? 1 : 0;
	long cp = s[0] & (0x3f >> extra);

	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	}
	if (!extra || s[0] >= 0xf8 || extra >= avail)
		return -1;
	for (k = 1; k <= extra; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if (cp < min[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*n = extra + 1;
	return cp;
}

/* Parses a JSON string as rtrace writes it back into bytes (\u00XX as the
 * byte XX). Returns the byte count, or -1 if it is not valid JSON in valid
 * UTF-8. */
static long unquote(const char *q, unsigned char *out)
{
	const unsigned char *p = (const unsigned char *)q;
	long len = 0;
	size_t n;
	unsigned int v;

	if (*p++ != '"')
		return -1;
	while (*p != '"') {
		if (*p < 0x20)
			return -1;
		if (*p == '\\') {
			const char *esc = strchr("\"\\/bfnrt", p[1]), *map = "\"\\/\b\f\n\r\t";

			if (esc && p[1]) {
				out[len++] = map[esc - "\"\\/bfnrt"];
				p += 2;
				continue;
			}
			if (p[1] != 'u' || sscanf((const char *)p + 2, "%4x", &v) != 1 || v > 0xff)
				return -1;
			out[len++] = v;
			p += 6;
			continue;
		}
		if (decode_utf8(p, strlen((const char *)p), &n) < 0)
			return -1;
		memcpy(out + len, p, n);
		len += n;
		p += n;
	}
	return p[1] ? -1 : len;
}

/* Random bytes, no NUL (it ends a string): single bytes, UTF-8 encodings
 * of random code points (surrogates included), and encodings cut short.
 * Returns the count. */
static size_t random_bytes(unsigned char *s, size_t max, unsigned int *seed)
{
	size_t n = 0, k;

	while (n + 4 <= max && rand_r(seed) % 16) {
		unsigned int cp = rand_r(seed) % 0x10ffff + 1, kind = rand_r(seed) % 3;
		unsigned char u[4];
		size_t len;

		if (!kind) {
			s[n++] = rand_r(seed) % 255 + 1;
			continue;
		}
		if (cp < 0x80) {
			u[0] = cp;
			len = 1;
		} else if (cp < 0x800) {
			u[0] = 0xc0 | cp >> 6;
			len = 2;
		} else if (cp < 0x10000) {
			u[0] = 0xe0 | cp >> 12;
			len = 3;
		} else {
			u[0] = 0xf0 | cp >> 18;
			len = 4;
		}
		for (k = 1; k < len; k++)
			u[k] = 0x80 | ((cp >> (6 * (len - 1 - k))) & 0x3f);
		if (kind == 2 && len > 1)
			len--;
		memcpy(s + n, u, len);
		n += len;
	}
	return n;
}

int main(void)
{
	unsigned char in[64], back[64];
	unsigned int seed = 1;
	int i, bad = 0, lossy = 0;

	CASE("plain text", "\"plain text\"", "ASCII as is");
	CASE("q\"b\\n\n\t\r\b\f", "\"q\\\"b\\\\n\\n\\t\\r\\b\\f\"",
	     "quote, backslash, short escapes");
	CASE("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", "other controls and DEL as \\u00XX");
	CASE("\xc2\x80 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
	     "\"\xc2\x80 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"",
	     "well-formed UTF-8, 2 to 4 bytes, U+0080 to U+10FFFF, as is");
	CASE("a\xff" "b\xfe", "\"a\\u00ffb\\u00fe\"", "bytes never in UTF-8 as \\u00XX");
	CASE("\x80\xbf", "\"\\u0080\\u00bf\"", "lone continuation bytes");
	CASE("\xc0\xaf\xc1\xbf", "\"\\u00c0\\u00af\\u00c1\\u00bf\"", "overlong 2-byte forms");
	CASE("\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\"", "overlong 3-byte form");
	CASE("\xf0\x8f\xbf\xbf", "\"\\u00f0\\u008f\\u00bf\\u00bf\"", "overlong 4-byte form");
	CASE("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"", "a surrogate (U+D800)");
	CASE("\xf4\x90\x80\x80\xf5\x80", "\"\\u00f4\\u0090\\u0080\\u0080\\u00f5\\u0080\"",
	     "past U+10FFFF");
	CASE("\xe2\x82" "x\xe2", "\"\\u00e2\\u0082x\\u00e2\"", "a sequence cut short");
	{
		char *got = quoted("\xc3\xa9\xc3\xa9", 4, 3, false);

		CHECK_STR(got, "\"\xc3\xa9\\u00c3...\"", "cut by the limit inside a sequence");
		free(got);
		got = quoted("ab\0cd", 5, 5, true);
		CHECK_STR(got, "\"ab\"", "stops at a NUL, which ends the string: not cut");
		free(got);
		got = quoted("abc", 3, 3, true);
		CHECK_STR(got, "\"abc...\"", "more: `...` inside the quotes");
		free(got);
	}
	/* Any bytes: valid JSON in valid UTF-8, and the bytes come back. */
	for (i = 0; i < 20000; i++) {
		size_t n = random_bytes(in, sizeof(in), &seed);
		char *got;
		long m;

		got = quoted(in, n, n, false);
		m = unquote(got, back);
		bad += m < 0;
		lossy += m >= 0 && ((size_t)m != n || memcmp(back, in, n));
		free(got);
	}
	CHECK_INT(bad, 0, "random bytes: always valid JSON in valid UTF-8");
	CHECK_INT(lossy, 0, "random bytes: \\u00XX and UTF-8 give every byte back");
	{
		struct rtrace_exec x = {};
		struct output_opts opts = { .json = true };
		struct output *o;
		char *buf = NULL;
		size_t len;
		FILE *mem = open_memstream(&buf, &len);

		o = output_new(mem, &opts, NULL, NULL);
		x.hdr.type = RTRACE_EV_EXEC;
		x.hdr.tid = x.hdr.tgid = 100;
		x.hdr.size = sizeof(x);
		strcpy(x.filename, "/tmp/a\xff\xc3\xa9/prog");
		output_event(o, &x, sizeof(x));
		output_finish(o);
		output_free(o);
		fclose(mem);
		CHECK(strstr(buf, ",\"filename\":\"/tmp/a\\u00ff\xc3\xa9/prog\"}\n") != NULL,
		      "exec record: a file name's 0xff as \\u00ff, its UTF-8 as is");
		free(buf);
	}
	return tap_done();
}
