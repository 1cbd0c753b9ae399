/* SPDX-License-Identifier: GPL-2.0 */
/* Small things every folder uses. util/ depends on nothing but libc. */
#ifndef RTRACE_UTIL_H
#define RTRACE_UTIL_H

#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* CLOCK_MONOTONIC in ns: the clock BPF's records are stamped with. */
static inline unsigned long long mono_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

#endif
