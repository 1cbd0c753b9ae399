// SPDX-License-Identifier: GPL-2.0
/* parent() calls fast() 100 times, then slow() (a 2 ms sleep) 3 times: --min-duration 1ms
 * keeps main, parent and slow's three calls, never fast. */
#include <time.h>

__attribute__((noinline)) int fast(int i)
{
	volatile int v = i;

	return v * 2;
}

__attribute__((noinline)) int slow(int i)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	return i;
}

__attribute__((noinline)) int parent(void)
{
	int i, sum = 0;

	for (i = 0; i < 100; i++)
		sum += fast(i);
	for (i = 0; i < 3; i++)
		sum += slow(i);
	return sum;
}

int main(void)
{
	return parent() == 9903 ? 0 : 1;
}
