// SPDX-License-Identifier: GPL-2.0
/* Hands a file's bytes, whatever they are, to a function taking a char *:
 *   bytes FILE    reads FILE (up to 4 KiB) and calls take() on it, which a NUL would end
 * json.t checks that the bytes come back from the JSON exactly. */
#include <stdio.h>
#include <string.h>

static volatile size_t sink;

__attribute__((noinline)) size_t take(const char *s)
{
	sink = strlen(s);
	return sink;
}

int main(int argc, char **argv)
{
	static char buf[4097];
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
	size_t n;

	if (!f)
		return 1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	take(buf);
	return 0;
}
