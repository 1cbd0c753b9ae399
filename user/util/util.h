/* SPDX-License-Identifier: GPL-2.0 */
/* Small things every folder uses. util/ depends on nothing but libc. */
#ifndef RTRACE_UTIL_H
#define RTRACE_UTIL_H

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Entry @id of a byte table by id (@tab of *@nr bytes) grown as ids come, new bytes 0; NULL
 * for ids of 2^24 and up, or out of memory. */
static inline signed char *id_byte(signed char **tab, size_t *nr, unsigned long long id)
{
	signed char *grown;

	if (id < *nr)
		return &(*tab)[id];
	if (id >= (1u << 24))
		return NULL;
	grown = realloc(*tab, id + 64);
	if (!grown)
		return NULL;
	memset(grown + *nr, 0, id + 64 - *nr);
	*tab = grown;
	*nr = id + 64;
	return &grown[id];
}

/* CLOCK_MONOTONIC in ns: the clock BPF's records are stamped with. */
static inline unsigned long long mono_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

#endif
