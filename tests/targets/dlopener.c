// SPDX-License-Identifier: GPL-2.0
/* dlopener LIB [DELAY_MS [WAIT_MS]]: after DELAY_MS (default 0), loads LIB and calls its
 * plug_fn(100) at once, then, WAIT_MS later (default 300: rtrace has given the library its
 * probes by then), plug_fn(1..3); unloads it, loads it again (unless LIB is gone from disk by
 * then) and calls plug_fn(4..6). Prints the sum of what they returned. Both times are
 * multiplied by $TIME_SCALE (emulated test machines). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int (*load(const char *lib, void **h))(int)
{
	*h = dlopen(lib, RTLD_NOW);
	if (!*h) {
		fprintf(stderr, "dlopener: %s\n", dlerror());
		exit(2);
	}
	return (int (*)(int))dlsym(*h, "plug_fn");
}

int main(int argc, char **argv)
{
	const char *env = getenv("TIME_SCALE");
	int (*fn)(int), sum = 0, i, scale = env && atoi(env) > 0 ? atoi(env) : 1;
	void *h;

	if (argc < 2)
		return 2;
	if (argc > 2)
		usleep(atoi(argv[2]) * 1000 * scale);
	fn = load(argv[1], &h);
	fn(100);
	usleep((argc > 3 ? atoi(argv[3]) : 300) * 1000 * scale);
	for (i = 1; i <= 3; i++)
		sum += fn(i);
	if (access(argv[1], F_OK)) {
		printf("sum %d\n", sum);
		return 0;
	}
	dlclose(h);
	fn = load(argv[1], &h);
	for (i = 4; i <= 6; i++)
		sum += fn(i);
	dlclose(h);
	printf("sum %d\n", sum);
	return 0;
}
