// SPDX-License-Identifier: GPL-2.0
/* Functions with arguments of every kind the DWARF decoding knows, called
 * once each with known values (issue 3's type list). */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum color { RED, GREEN, BLUE };
enum perm { P_READ = 1, P_WRITE = 2, P_EXEC = 4 };
struct point { int x, y; };
struct pair { long a, b; };
struct mixed { double d; int i; };
struct big { long v[4]; };
struct node { int id; const char *name; struct node *next; };

static volatile long sink;

/* Keeps the compiler from folding the calls away; yields x. */
#define KEEP(x) (sink = (long)(x), (x))

/* Reads the first byte: BPF cannot fault a page in at a uprobe, and a
 * literal in a page the program never touched is not resident. */
__attribute__((noinline)) void touch(const char *p)
{
	sink = p[0];
}

__attribute__((noinline)) int ints(int8_t a, uint8_t b, int16_t c, uint16_t d, int32_t e,
				    uint32_t f)
{
	return KEEP(a + b + c + d + e + f);
}

__attribute__((noinline)) long wide(int64_t a, uint64_t b, bool t, char ch)
{
	return KEEP(a + 1 + t + ch);
}

__attribute__((noinline)) int enums(enum color c, enum perm p)
{
	return KEEP(c + p);
}

__attribute__((noinline)) size_t strings(const char *s, char *t, const char *null)
{
	return KEEP(strlen(s) + strlen(t) + (null != NULL));
}

__attribute__((noinline)) int byvalue(struct point p, struct pair q)
{
	return KEEP(p.x + p.y + q.a + q.b);
}

__attribute__((noinline)) int floats(int a, double b, int c)
{
	return KEEP(a + (int)b + c);
}

__attribute__((noinline)) long stacked(long a, long b, long c, long d, long e, long f, long g,
				       long h)
{
	return KEEP(a + b + c + d + e + f + g + h);
}

__attribute__((noinline)) long bigval(struct big b)
{
	return KEEP(b.v[0] + b.v[3]);
}

__attribute__((noinline)) int deref(const struct node *n)
{
	return KEEP(n->id + (n->name[0] == 'h') + (n->next != NULL));
}

__attribute__((noinline)) enum color pick(int i)
{
	return KEEP(i) ? BLUE : RED;
}

__attribute__((noinline)) bool is_even(int i)
{
	return !(KEEP(i) & 1);
}

__attribute__((noinline)) void nothing(void)
{
	KEEP(0);
}

__attribute__((noinline)) const char *greeting(void)
{
	return "hello";
}

/* Its result is overwritten once it has returned: only a read at the return shows it. */
__attribute__((noinline)) char *fill(char *dst)
{
	strcpy(dst, "filled");
	return dst;
}

__attribute__((noinline)) int callback(int (*fn)(int), int x)
{
	int r = fn(x);

	return KEEP(r) + 1;
}

/* Never dereferences p: rtrace must say it cannot read it, not show garbage. */
__attribute__((noinline)) int peek(const char *p)
{
	return KEEP(p != NULL);
}

/* 1 MiB into a 2 MiB constant: a page the program has not touched when it
 * calls far_str(), so BPF cannot read the string at the call. */
static const char far_away[2 << 20] = { [1 << 20] = 'f', 'a', 'r' };

__attribute__((noinline)) int far_str(const char *s)
{
	return KEEP(s != NULL);
}

/* Whether the page at p is mapped in this process: bit 63 of its pagemap
 * entry (reading it faults nothing in). */
static int page_present(const void *p)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return -1;
	if (pread(fd, &e, sizeof(e), (uintptr_t)p / 4096 * sizeof(e)) != sizeof(e))
		e = 0;
	close(fd);
	return (int)(e >> 63);
}

__attribute__((noinline)) int twice(int x)
{
	return KEEP(x) * 2;
}

int main(int argc, char **argv)
{
	char buf[] = "mutable", out[16] = "empty";
	struct node tail = { 2, "tail", NULL }, head = { 1, "head", &tail };
	struct big b = { { 10, 20, 30, 40 } };

	if (argc > 1 && !strcmp(argv[1], "far"))
		printf("far page present: %d\n", page_present(far_away + (1 << 20)));
	far_str(far_away + (1 << 20));
	touch("literal");
	ints(-1, 200, -300, 60000, -70000, 4000000000U);
	wide(-5000000000LL, 18000000000000000000ULL, true, 'A');
	enums(BLUE, P_READ | P_EXEC);
	strings("literal", buf, NULL);
	byvalue((struct point){ 3, -4 }, (struct pair){ 5, 6 });
	floats(1, 2.5, 3);
	stacked(1, 2, 3, 4, 5, 6, 7, 8);
	bigval(b);
	deref(&head);
	pick(7);
	is_even(4);
	nothing();
	touch(greeting());
	strcpy(fill(out), "changed");
	touch(out);
	callback(twice, 21);
	peek((const char *)16);
	return 0;
}
