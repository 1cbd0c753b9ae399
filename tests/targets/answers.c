// SPDX-License-Identifier: GPL-2.0
/* What only the live process tells decoding, for rtrace record to keep (answers.t):
 * function pointers into libc, as an argument and as a result (a called function's own
 * module would name them from its file), and constant strings in a page the program never
 * touches, as an argument and as a result (BPF cannot fault a page in). It then waits
 * 300 ms (times $TIME_SCALE): a function pointer is named through the process's maps,
 * while it lives. */
#include <ctype.h>
#include <stdlib.h>
#include <time.h>

typedef int (*charfn)(int);

/* 1 MiB into a 2 MiB constant: alone in its page, never read by the program */
static const char far_away[2 << 20] = { [1 << 20] = 'f', 'a', 'r', '\0', 'r', 'e', 't' };

static volatile long sink;

__attribute__((noinline)) int apply(charfn fn, int c)
{
	return fn(c);
}

__attribute__((noinline)) charfn pick(int upper)
{
	return upper ? toupper : tolower;
}

/* Never reads s: its page stays out. */
__attribute__((noinline)) int far_arg(const char *s)
{
	return s != NULL;
}

__attribute__((noinline)) const char *far_ret(void)
{
	return far_away + (1 << 20) + 4;
}

int main(void)
{
	const char *scale = getenv("TIME_SCALE");
	long ms = 300 * (scale && atoi(scale) > 0 ? atoi(scale) : 1);
	struct timespec linger = { ms / 1000, ms % 1000 * 1000000 };

	sink = apply(toupper, 'a');
	sink = (long)pick(0);
	sink = far_arg(far_away + (1 << 20));
	sink = (long)far_ret();
	nanosleep(&linger, NULL);
	return 0;
}
