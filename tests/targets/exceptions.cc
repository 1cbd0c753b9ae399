// SPDX-License-Identifier: GPL-2.0
// A C++ exception thrown through traced frames must still be caught:
// thrower -> middle -> catcher's try block, then after().
#include <cstdio>
#include <stdexcept>

__attribute__((noinline)) int thrower(int x)
{
	if (x > 0)
		throw std::runtime_error("boom");
	return x;
}

__attribute__((noinline)) int middle(int x)
{
	return thrower(x) + 1;
}

__attribute__((noinline)) int catcher(int x)
{
	try {
		return middle(x);
	} catch (const std::exception &) {
		return -1;
	}
}

__attribute__((noinline)) int after(int x)
{
	return x * 2;
}

int main()
{
	int r = catcher(1);

	printf("caught %d after %d\n", r, after(r));
	return 0;
}
