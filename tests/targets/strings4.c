// SPDX-License-Identifier: GPL-2.0
/* four() takes four strings: enough captured memory to fill a function
 * record.
 *   strings4               one call, four strings of 5,000 bytes: 'a'..., 'b'..., 'c'..., 'd'...
 *   strings4 race N LEN    two threads on one CPU call four() N times each; argument k of
 *                          call i of thread t is "<'a'+k><t>.<i>:" then 'A'+k+4t up to LEN bytes
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG 5000

static volatile size_t sink;
static int iters, len;

__attribute__((noinline)) size_t four(const char *a, const char *b, const char *c, const char *d)
{
	sink = strlen(a) + strlen(b) + strlen(c) + strlen(d);
	return sink;
}

static void *race(void *arg)
{
	int t = (int)(long)arg, i, k;
	char *s[4];

	for (k = 0; k < 4; k++)
		s[k] = malloc(len + 1);
	for (i = 0; i < iters; i++) {
		for (k = 0; k < 4; k++) {
			int n = snprintf(s[k], len + 1, "%c%d.%d:", 'a' + k, t, i);

			memset(s[k] + n, 'A' + k + 4 * t, len - n);
			s[k][len] = '\0';
		}
		four(s[0], s[1], s[2], s[3]);
	}
	for (k = 0; k < 4; k++)
		free(s[k]);
	return NULL;
}

int main(int argc, char **argv)
{
	static char big[4][BIG + 1];
	pthread_t th[2];
	cpu_set_t one;
	int k;

	if (argc == 4 && !strcmp(argv[1], "race")) {
		iters = atoi(argv[2]);
		len = atoi(argv[3]);
		if (iters <= 0 || len < 16)
			return 2;
		/* Both threads on one CPU: a capture preempted there meets the other's. */
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu(), &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			return 1;
		for (k = 0; k < 2; k++)
			pthread_create(&th[k], NULL, race, (void *)(long)k);
		for (k = 0; k < 2; k++)
			pthread_join(th[k], NULL);
		return 0;
	}
	for (k = 0; k < 4; k++)
		memset(big[k], 'a' + k, BIG);
	return four(big[0], big[1], big[2], big[3]) == 4 * BIG ? 0 : 1;
}
