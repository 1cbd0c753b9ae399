// SPDX-License-Identifier: GPL-2.0
// C++ names as people write them, each function called a known number of times: a namespace
// with overloads and a method, a template, a free function, an extern "C" one; and libc's
// getppid, three times, from ns::ask_parent.
#include <cstdio>
#include <unistd.h>

namespace ns {
__attribute__((noinline)) int twice(int x)
{
	return 2 * x;
}

__attribute__((noinline)) long twice(long x)
{
	return 2 * x;
}

__attribute__((noinline)) int ask_parent(int times)
{
	int known = 0;

	for (int i = 0; i < times; i++)
		known += getppid() > 0;
	return known;
}

struct Counter {
	int n;
	__attribute__((noinline)) int bump(int by)
	{
		return n += by;
	}
};
} // namespace ns

template <typename T> __attribute__((noinline)) T sq(T x)
{
	return x * x;
}

__attribute__((noinline)) int may_throw(int x)
{
	if (x < 0)
		throw x;
	return x + 1;
}

extern "C" __attribute__((noinline)) int plain_c(int x)
{
	return x - 1;
}

int main()
{
	ns::Counter c{ 0 };
	long sum = ns::twice(1) + ns::twice(2L) + sq(3) + sq(4L) + may_throw(5) + plain_c(6);

	for (int i = 0; i < 2; i++)
		sum += c.bump(i + 1);
	sum += ns::ask_parent(3);
	printf("sum %ld\n", sum);
	return 0;
}
