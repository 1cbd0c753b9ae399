// SPDX-License-Identifier: GPL-2.0
/* The JSON string escaper: valid JSON in valid UTF-8 for any bytes, well-formed
 * UTF-8 through as is, every other byte as \udcXX (Python's surrogateescape);
 * and the records that carry raw bytes (an exec's file name) use it. */
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

/* Appends code point cp to out as Python's str.encode("utf-8", "surrogateescape")
 * does: U+DC80-U+DCFF as the byte it stands for, UTF-8 for the rest. Returns
 * false for any other surrogate, which that refuses. */
static bool encode_cp(unsigned long cp, unsigned char *out, long *len)
{
	if (cp >= 0xdc80 && cp <= 0xdcff) {
		out[(*len)++] = cp - 0xdc00;
		return true;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		return false;
	if (cp < 0x80) {
		out[(*len)++] = cp;
	} else if (cp < 0x800) {
		out[(*len)++] = 0xc0 | cp >> 6;
		out[(*len)++] = 0x80 | (cp & 0x3f);
	} else {
		out[(*len)++] = 0xe0 | cp >> 12;
		out[(*len)++] = 0x80 | (cp >> 6 & 0x3f);
		out[(*len)++] = 0x80 | (cp & 0x3f);
	}
	return true;
}

/* Reads a JSON string as a standard parser does (json.loads) and turns it back
 * into bytes as the README says (surrogateescape). Returns the byte count, or
 * -1 if it is not valid JSON in valid UTF-8 or holds what surrogateescape
 * cannot encode. */
static long unquote(const char *q, unsigned char *out)
{
	const unsigned char *p = (const unsigned char *)q;
	long len = 0;
	size_t n;
	char hex[5] = "";

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
			if (p[1] != 'u' || strlen((const char *)p) < 6)
				return -1;
			memcpy(hex, p + 2, 4);
			if (strspn(hex, "0123456789abcdefABCDEF") != 4 ||
			    !encode_cp(strtoul(hex, NULL, 16), out, &len))
				return -1;
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
	unsigned char in[64], back[3 * 64];	/* \u0080-\u07ff decode to 2 bytes each */
	unsigned int seed = 1;
	int i, bad = 0, lossy = 0;

	CASE("plain text", "\"plain text\"", "ASCII as is");
	CASE("q\"b\\n\n\t\r\b\f", "\"q\\\"b\\\\n\\n\\t\\r\\b\\f\"",
	     "quote, backslash, short escapes");
	CASE("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", "other controls and DEL as \\u00XX");
	CASE("\xc2\x80 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
	     "\"\xc2\x80 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"",
	     "well-formed UTF-8, 2 to 4 bytes, U+0080 to U+10FFFF, as is");
	CASE("\xef\xbf\xbd \xed\x9f\xbf \xee\x80\x80", "\"\xef\xbf\xbd \xed\x9f\xbf \xee\x80\x80\"",
	     "U+FFFD and the code points either side of the surrogates, as is");
	CASE("a\xff", "\"a\\udcff\"", "a lone 0xff as \\udcff");
	CASE("a\xff" "b\xfe", "\"a\\udcffb\\udcfe\"", "bytes never in UTF-8 as \\udcXX");
	CASE("\x80\xbf", "\"\\udc80\\udcbf\"", "lone continuation bytes");
	CASE("\xc0\x80", "\"\\udcc0\\udc80\"", "overlong NUL (C0 80), byte by byte");
	CASE("\xc0\xaf\xc1\xbf", "\"\\udcc0\\udcaf\\udcc1\\udcbf\"", "overlong 2-byte forms");
	CASE("\xe0\x80\xaf", "\"\\udce0\\udc80\\udcaf\"", "overlong 3-byte form");
	CASE("\xf0\x8f\xbf\xbf", "\"\\udcf0\\udc8f\\udcbf\\udcbf\"", "overlong 4-byte form");
	CASE("\xed\xa0\x80", "\"\\udced\\udca0\\udc80\"", "a surrogate in UTF-8 (U+D800)");
	CASE("\xed\xb3\xbf", "\"\\udced\\udcb3\\udcbf\"",
	     "U+DCFF in UTF-8: its bytes, never the escape it would be mistaken for");
	CASE("\xf4\x90\x80\x80\xf5\x80", "\"\\udcf4\\udc90\\udc80\\udc80\\udcf5\\udc80\"",
	     "past U+10FFFF");
	CASE("\xe2\x82" "x\xe2", "\"\\udce2\\udc82x\\udce2\"", "a sequence cut short");
	CASE("ok\xf0\x9f\x98", "\"ok\\udcf0\\udc9f\\udc98\"", "a 4-byte sequence cut at the end");
	CASE("\\xff\\udcff\xff", "\"\\\\xff\\\\udcff\\udcff\"",
	     "a literal \\xff or \\udcff in the data: its backslash escaped, no clash");
	{
		char *got = quoted("\xc3\xa9\xc3\xa9", 4, 3, false);

		CHECK_STR(got, "\"\xc3\xa9\\udcc3...\"", "cut by the limit inside a sequence");
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
	CHECK_INT(lossy, 0, "random bytes: decoded and encoded with surrogateescape, every byte back");
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
		CHECK(strstr(buf, ",\"filename\":\"/tmp/a\\udcff\xc3\xa9/prog\"}\n") != NULL,
		      "exec record: a file name's 0xff as \\udcff, its UTF-8 as is");
		free(buf);
	}
	return tap_done();
}
