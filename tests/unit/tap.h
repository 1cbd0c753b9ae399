/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal kselftest-style TAP for rtrace's unit tests: checks return a bool so
 * a test can `if (!CHECK(...)) goto cleanup;`, and the exit code says whether
 * every check passed.
 */
#ifndef RTRACE_TAP_H
#define RTRACE_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static inline bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return cond;
}

static inline void tap_skip(const char *name, const char *reason)
{
	tap_count++;
	printf("ok %d - %s # SKIP %s\n", tap_count, name, reason);
}

#define CHECK(cond, ...) tap_ok(!!(cond), __VA_ARGS__)
#define CHECK_INT(got, want, name)                                                        \
	({                                                                                \
		long long _g = (got), _w = (want);                                        \
		if (_g != _w)                                                             \
			printf("# %s: got %lld, want %lld\n", name, _g, _w);              \
		tap_ok(_g == _w, "%s", name);                                             \
	})
#define CHECK_STR(got, want, name)                                                        \
	({                                                                                \
		const char *_g = (got), *_w = (want);                                     \
		bool _eq = _g && _w && strcmp(_g, _w) == 0;                               \
		if (!_eq)                                                                 \
			printf("# %s: got \"%s\", want \"%s\"\n", name, _g ? _g : "(null)", \
			       _w ? _w : "(null)");                                       \
		tap_ok(_eq, "%s", name);                                                  \
	})

/* Print the plan at the end (TAP allows it) and return the exit status. */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
