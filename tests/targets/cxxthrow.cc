// SPDX-License-Identifier: GPL-2.0
// C++ exceptions through frames of every kind: a comparator that throws through libc's qsort,
// a destructor on the way (a cleanup pad: _Unwind_Resume), a rethrow, a catch in a traced
// frame that then returns normally, and two threads throwing at once.
//   cxxthrow N   N rounds of each; prints what it caught and a checksum
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <pthread.h>

static int compares;

extern "C" __attribute__((noinline)) int cmp_throws(const void *a, const void *b)
{
	if (++compares == 5)
		throw std::runtime_error("from the comparator");
	return *(const int *)a - *(const int *)b;
}

struct Guard {
	int *counter;
	~Guard() { __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED); }
};

static int destroyed;

__attribute__((noinline)) int deep(int x)
{
	if (x > 2)
		throw std::out_of_range("deep");
	return x;
}

__attribute__((noinline)) int with_guard(int x)
{
	Guard g{ &destroyed };

	return deep(x) + 1;
}

__attribute__((noinline)) int rethrower(int x)
{
	try {
		return with_guard(x);
	} catch (const std::out_of_range &) {
		throw;
	}
}

__attribute__((noinline)) int catches(int x)
{
	try {
		return rethrower(x);
	} catch (const std::exception &e) {
		return -x;
	}
}

__attribute__((noinline)) int sort_some(int round)
{
	int v[8] = { 5, 3, 7, 1, 8, 2, 6, 4 };

	compares = 0;
	try {
		qsort(v, 8, sizeof(v[0]), cmp_throws);
		return 0;
	} catch (const std::exception &e) {
		printf("round %d: caught '%s' after %d compares\n", round, e.what(), compares);
		return 1;
	}
}

static void *worker(void *arg)
{
	long sum = 0;

	for (int i = 0; i < 50; i++)
		sum += catches(i % 5);
	*(long *)arg = sum;
	return nullptr;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	long sum = 0, t1 = 0, t2 = 0;
	pthread_t a, b;

	for (int r = 0; r < n; r++)
		sum += sort_some(r);
	for (int r = 0; r < n; r++)
		sum += catches(r) + catches(r + 3);
	pthread_create(&a, nullptr, worker, &t1);
	pthread_create(&b, nullptr, worker, &t2);
	pthread_join(a, nullptr);
	pthread_join(b, nullptr);
	printf("sum %ld, destroyed %d, threads %ld %ld\n", sum, destroyed, t1, t2);
	return 0;
}
