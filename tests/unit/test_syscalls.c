/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests for user/sysdecode/syscalls.c: the x86-64 table and the -e trace= parser. */
#include <asm/unistd_64.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysdecode/syscalls.h"
#include "tap.h"

#define NAMED_SYSCALLS	383	/* 0..336 and 424..469 in Linux 6.18 */

typedef unsigned long long mask_t[SYSCALL_MASK_WORDS];

static int count(const unsigned long long *m)
{
	int i, n = 0;

	for (i = 0; i < RTRACE_MAX_SYSCALLS; i++)
		n += syscall_set_has(m, i);
	return n;
}

static bool has(const unsigned long long *m, const char *name)
{
	long nr = syscall_lookup(name);

	if (nr < 0) {
		printf("# no such syscall in the table: %s\n", name);
		return false;
	}
	return syscall_set_has(m, nr);
}

/* Parse expr into m, which starts out as garbage so that stale bits show. */
static int parse(const char *expr, unsigned long long *m, char *err, size_t errlen)
{
	memset(m, 0xa5, sizeof(mask_t));
	return syscall_set_parse(expr, m, err, errlen);
}

static void test_known(void)
{
	static const struct {
		const char *name;
		long nr;
		int nargs;
		unsigned int classes;
	} known[] = {
		{ "read", 0, 3, TRACE_DESC },
		{ "openat", 257, 4, TRACE_DESC | TRACE_FILE },
		{ "execve", 59, 3, TRACE_FILE | TRACE_PROCESS },
		{ "exit_group", 231, 1, TRACE_PROCESS },
		{ "uretprobe", 335, 0, 0 },
		{ "uprobe", 336, 0, 0 },
		{ "file_setattr", 469, 5, TRACE_DESC | TRACE_FILE },
		{ "clone3", 435, 2, TRACE_PROCESS },
		{ "stat", 4, 2, TRACE_FILE | TRACE_STAT | TRACE_STAT_LIKE },
		{ "newfstatat", 262, 4, TRACE_DESC | TRACE_FILE | TRACE_FSTAT | TRACE_STAT_LIKE },
		{ "getpid", 39, 0, TRACE_PURE },
		{ "getuid", 102, 0, TRACE_CREDS | TRACE_PURE },
		{ "clock_gettime", 228, 2, TRACE_CLOCK },
		{ "mmap", 9, 6, TRACE_DESC | TRACE_MEMORY },
		{ "cachestat", 451, 4, TRACE_DESC },
		{ "mseal", 462, 3, TRACE_MEMORY },
	};
	char buf[SYSCALL_NAME_BUF], name[64];
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct syscall_info *si = syscall_info(known[i].nr);

		snprintf(name, sizeof(name), "lookup(%s)", known[i].name);
		CHECK_INT(syscall_lookup(known[i].name), known[i].nr, name);
		snprintf(name, sizeof(name), "name(%ld)", known[i].nr);
		CHECK_STR(syscall_name(known[i].nr, buf, sizeof(buf)), known[i].name, name);
		snprintf(name, sizeof(name), "info(%ld)", known[i].nr);
		if (!CHECK(si, "%s", name))
			continue;
		snprintf(name, sizeof(name), "%s nargs", known[i].name);
		CHECK_INT(si->nargs, known[i].nargs, name);
		snprintf(name, sizeof(name), "%s classes", known[i].name);
		CHECK_INT(si->classes, known[i].classes, name);
	}
}

static void test_holes(void)
{
	static const long holes[] = { 337, 400, 423, 470, 511, 4096, -1 };
	char buf[SYSCALL_NAME_BUF], want[SYSCALL_NAME_BUF], name[64];
	size_t i;

	for (i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
		snprintf(want, sizeof(want), "syscall_%ld", holes[i]);
		snprintf(name, sizeof(name), "name of hole %ld", holes[i]);
		CHECK_STR(syscall_name(holes[i], buf, sizeof(buf)), want, name);
		CHECK(!syscall_info(holes[i]), "no info for hole %ld", holes[i]);
	}
	CHECK_INT(syscall_table_size(), 470, "table ends after file_setattr");
	CHECK_INT(syscall_lookup("syscall_400"), 400, "syscall_NNN reads back");
	CHECK_INT(syscall_lookup("syscall_512"), -ENOENT, "syscall_NNN beyond the bitmap");
	CHECK_INT(syscall_lookup("nosuch"), -ENOENT, "lookup of unknown");
	CHECK_INT(syscall_lookup(""), -ENOENT, "lookup of empty name");
	CHECK_INT(syscall_lookup("READ"), -ENOENT, "lookup is case-sensitive");
	CHECK_INT(syscall_lookup(NULL), -EINVAL, "lookup of NULL");
}

/* Every entry: a name looks up to its own number, nargs is 0..6, no duplicates. */
static void test_table(void)
{
	long nr, got, named = 0, bad_lookup = 0, bad_nargs = 0;

	for (nr = 0; nr < syscall_table_size(); nr++) {
		const struct syscall_info *si = syscall_info(nr);

		if (!si)
			continue;
		named++;
		got = syscall_lookup(si->name);
		if (got != nr) {
			printf("# %s (%ld) looks up to %ld\n", si->name, nr, got);
			bad_lookup++;
		}
		if (si->nargs < 0 || si->nargs > 6) {
			printf("# %s has %d arguments\n", si->name, si->nargs);
			bad_nargs++;
		}
	}
	CHECK_INT(named, NAMED_SYSCALLS, "named entries in the table");
	CHECK_INT(bad_lookup, 0, "every name looks up to its own number");
	CHECK_INT(bad_nargs, 0, "every nargs is 0..6");
}

/* Compile time: the libc headers' numbers (Linux 6.1 on Debian 12). */
static void test_unistd_macros(void)
{
	static const struct {
		const char *name;
		long nr;
	} m[] = {
		{ "read", __NR_read },		{ "write", __NR_write },
		{ "open", __NR_open },		{ "execve", __NR_execve },
		{ "exit_group", __NR_exit_group }, { "openat", __NR_openat },
		{ "clone3", __NR_clone3 },	{ "pidfd_open", __NR_pidfd_open },
		{ "io_uring_setup", __NR_io_uring_setup },
		{ "rseq", __NR_rseq },		{ "statx", __NR_statx },
		{ "futex_waitv", __NR_futex_waitv },
		{ "set_mempolicy_home_node", __NR_set_mempolicy_home_node },
	};
	char name[64];
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		snprintf(name, sizeof(name), "__NR_%s", m[i].name);
		CHECK_INT(syscall_lookup(m[i].name), m[i].nr, name);
	}
}

/* Run time: every __NR_ in the installed header, both ways. */
static void test_unistd_header(void)
{
	static const char *const paths[] = {
		"/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
		"/usr/include/asm/unistd_64.h",
	};
	char line[256], name[128], buf[SYSCALL_NAME_BUF];
	int seen = 0, bad = 0;
	FILE *f = NULL;
	size_t i;
	long nr;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]) && !f; i++)
		f = fopen(paths[i], "r");
	if (!f) {
		tap_skip("unistd_64.h cross-check", "header not installed");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "#define __NR_%127s %ld", name, &nr) != 2)
			continue;
		seen++;
		if (syscall_lookup(name) != nr ||
		    strcmp(syscall_name(nr, buf, sizeof(buf)), name)) {
			printf("# header: %s = %ld, table: %s = %ld\n", name, nr,
			       syscall_name(nr, buf, sizeof(buf)), syscall_lookup(name));
			bad++;
		}
	}
	fclose(f);
	/* Debian 12's 6.1 header has 362; a broken parse would see none */
	CHECK(seen >= 362, "unistd_64.h has %d syscalls (want >= 362)", seen);
	CHECK_INT(bad, 0, "every unistd_64.h entry matches the table");
}

static void test_parse_basic(void)
{
	char err[128];
	mask_t m, m2;
	int i, all;

	CHECK_INT(parse("all", m, err, sizeof(err)), 0, "parse all");
	CHECK_INT(count(m), RTRACE_MAX_SYSCALLS, "all: every bit, unknown numbers too");

	CHECK_INT(parse("none", m, err, sizeof(err)), 0, "parse none");
	CHECK_INT(count(m), 0, "none: no bit");

	CHECK_INT(parse("!all", m, err, sizeof(err)), 0, "parse !all");
	CHECK_INT(count(m), 0, "!all is none");
	CHECK_INT(parse("!none", m, err, sizeof(err)), 0, "parse !none");
	CHECK_INT(count(m), RTRACE_MAX_SYSCALLS, "!none is all");

	CHECK_INT(parse("open,read", m, err, sizeof(err)), 0, "parse open,read");
	CHECK(has(m, "open") && has(m, "read"), "open,read has open and read");
	CHECK_INT(count(m), 2, "open,read has nothing else");

	CHECK_INT(parse("read,,write,", m, err, sizeof(err)), 0, "empty tokens are skipped");
	CHECK_INT(count(m), 2, "read,,write, has two");

	CHECK_INT(parse("!read", m, err, sizeof(err)), 0, "parse !read");
	CHECK(!has(m, "read"), "!read excludes read");
	CHECK_INT(count(m), RTRACE_MAX_SYSCALLS - 1, "!read excludes read only");

	CHECK_INT(parse("!open,close", m, err, sizeof(err)), 0, "parse !open,close");
	CHECK(!has(m, "open") && !has(m, "close") && has(m, "read"),
	      "! negates the whole list");
	CHECK_INT(parse("!!read", m, err, sizeof(err)), 0, "parse !!read");
	CHECK(has(m, "read") && count(m) == 1, "!!read is read");

	CHECK_INT(parse("59,syscall_400", m, err, sizeof(err)), 0, "parse raw numbers");
	CHECK(has(m, "execve") && syscall_set_has(m, 400) && count(m) == 2,
	      "59,syscall_400 is execve and 400");

	/* each call replaces the mask */
	parse("read", m, err, sizeof(err));
	CHECK_INT(syscall_set_parse("write", m, err, sizeof(err)), 0, "second parse");
	CHECK(has(m, "write") && !has(m, "read"), "a later parse replaces the earlier");

	CHECK(!syscall_set_has(m, -1) && !syscall_set_has(m, RTRACE_MAX_SYSCALLS),
	      "set_has is false outside the bitmap");

	/* "all" inside a list is strace's legacy class: every known syscall */
	CHECK_INT(parse("read,all", m, err, sizeof(err)), 0, "parse read,all");
	CHECK_INT(count(m), NAMED_SYSCALLS, "all in a list is every known syscall");

	parse("file", m, err, sizeof(err));
	parse("%file", m2, err, sizeof(err));
	CHECK(!memcmp(m, m2, sizeof(m)), "legacy file == %%file");

	for (all = 1, i = 0; i < RTRACE_MAX_SYSCALLS; i++)
		all &= syscall_set_has(m2, i) == !!(syscall_info(i) &&
						   (syscall_info(i)->classes & TRACE_FILE));
	CHECK(all, "%%file is exactly the TRACE_FILE entries");
}

static void test_parse_classes(void)
{
	char err[128];
	mask_t m, m2;

	CHECK_INT(parse("%file", m, err, sizeof(err)), 0, "parse %%file");
	CHECK(has(m, "openat") && has(m, "execve") && has(m, "stat") && has(m, "open"),
	      "%%file has openat, execve, stat, open");
	CHECK(!has(m, "read") && !has(m, "close"), "%%file lacks read and close");

	CHECK_INT(parse("%desc", m, err, sizeof(err)), 0, "parse %%desc");
	CHECK(has(m, "read") && has(m, "openat") && !has(m, "stat"), "%%desc has read, not stat");

	CHECK_INT(parse("%net", m, err, sizeof(err)), 0, "parse %%net");
	CHECK_INT(parse("%network", m2, err, sizeof(err)), 0, "parse %%network");
	CHECK(!memcmp(m, m2, sizeof(m)), "%%net == %%network");
	CHECK(has(m, "socket") && has(m, "sendfile") && !has(m, "read"),
	      "%%network has socket and sendfile, not read");

	parse("%process", m, err, sizeof(err));
	CHECK(has(m, "clone3") && has(m, "exit_group") && has(m, "kill") && !has(m, "getpid"),
	      "%%process");
	parse("%signal", m, err, sizeof(err));
	CHECK(has(m, "rt_sigaction") && has(m, "kill") && !has(m, "read"), "%%signal");
	parse("%ipc", m, err, sizeof(err));
	CHECK(has(m, "shmget") && has(m, "semtimedop") && !has(m, "socket"), "%%ipc");
	parse("%memory", m, err, sizeof(err));
	CHECK(has(m, "mmap") && has(m, "brk") && has(m, "mseal") && !has(m, "read"), "%%memory");
	parse("%creds", m, err, sizeof(err));
	CHECK(has(m, "setuid") && has(m, "capget") && has(m, "prctl") && !has(m, "getpid"),
	      "%%creds");
	parse("%clock", m, err, sizeof(err));
	CHECK(has(m, "clock_gettime") && has(m, "time") && !has(m, "nanosleep"), "%%clock");
	parse("%pure", m, err, sizeof(err));
	CHECK(has(m, "getpid") && has(m, "gettid") && !has(m, "read") && count(m) == 8,
	      "%%pure is the 8 no-argument getters");

	parse("%stat", m, err, sizeof(err));
	CHECK(has(m, "stat") && count(m) == 1, "%%stat is stat");
	parse("%lstat", m, err, sizeof(err));
	CHECK(has(m, "lstat") && count(m) == 1, "%%lstat is lstat");
	parse("%fstat", m, err, sizeof(err));
	CHECK(has(m, "fstat") && has(m, "newfstatat") && has(m, "statx") && count(m) == 3,
	      "%%fstat is fstat, newfstatat, statx");
	parse("%%stat", m, err, sizeof(err));
	CHECK(count(m) == 5 && has(m, "stat") && has(m, "lstat") && has(m, "statx"),
	      "%%%%stat is the five stat calls");
	parse("%statfs", m, err, sizeof(err));
	CHECK(has(m, "statfs") && count(m) == 1, "%%statfs is statfs");
	parse("%fstatfs", m, err, sizeof(err));
	CHECK(has(m, "fstatfs") && count(m) == 1, "%%fstatfs is fstatfs");
	parse("%%statfs", m, err, sizeof(err));
	CHECK(count(m) == 3 && has(m, "ustat") && has(m, "statfs") && has(m, "fstatfs"),
	      "%%%%statfs is ustat, statfs, fstatfs");

	CHECK_INT(parse("!%file", m, err, sizeof(err)), 0, "parse !%%file");
	CHECK(has(m, "read") && !has(m, "openat") && syscall_set_has(m, 400), "!%%file");
}

static void test_parse_regex(void)
{
	char err[128];
	mask_t m;
	int n;

	CHECK_INT(parse("/^open", m, err, sizeof(err)), 0, "parse /^open");
	CHECK(has(m, "open") && has(m, "openat") && has(m, "openat2") &&
	      has(m, "open_by_handle_at") && has(m, "open_tree") && has(m, "open_tree_attr"),
	      "/^open matches open, openat, openat2, open_by_handle_at, open_tree*");
	n = count(m);
	CHECK_INT(n, 6, "/^open matches nothing else");
	CHECK(!has(m, "fsopen"), "/^open is anchored");

	CHECK_INT(parse("/stat$,read", m, err, sizeof(err)), 0, "parse /stat$,read");
	/* stat fstat lstat ustat cachestat, and read */
	CHECK(has(m, "stat") && has(m, "cachestat") && has(m, "read") && !has(m, "statx") &&
	      !has(m, "newfstatat") && count(m) == 6,
	      "regex and name mix");

	CHECK_INT(parse("/^(getpid|gettid)$", m, err, sizeof(err)), 0, "extended regex");
	CHECK_INT(count(m), 2, "alternation matches two");

	CHECK_INT(parse("/^zzz", m, err, sizeof(err)), -EINVAL, "regex matching nothing");
	CHECK_STR(err, "invalid system call '/^zzz'", "regex matching nothing: message");
	CHECK_INT(parse("?/^zzz,read", m, err, sizeof(err)), 0, "?/regex matching nothing");
	CHECK_INT(count(m), 1, "?/regex matching nothing adds nothing");

	CHECK_INT(parse("/(", m, err, sizeof(err)), -EINVAL, "broken regex");
	CHECK(!strncmp(err, "invalid regular expression '/(': ", 33), "broken regex: message");
	CHECK_INT(parse("?/(", m, err, sizeof(err)), -EINVAL, "broken regex fails even with ?");
}

static void test_parse_errors(void)
{
	char err[128];
	mask_t m, before;

	CHECK_INT(parse("?nosuch,read", m, err, sizeof(err)), 0, "parse ?nosuch,read");
	CHECK(has(m, "read") && count(m) == 1, "?nosuch,read is read");
	CHECK_INT(parse("??nosuch", m, err, sizeof(err)), 0, "parse ??nosuch");
	CHECK_INT(count(m), 0, "??nosuch alone is empty");
	CHECK_INT(parse("?%foo,read", m, err, sizeof(err)), 0, "?%%foo is ignored");

	CHECK_INT(parse("opn", m, err, sizeof(err)), -EINVAL, "opn fails");
	CHECK_STR(err, "invalid system call 'opn'", "opn: message");
	CHECK_INT(parse("read,opn,write", m, err, sizeof(err)), -EINVAL, "opn in a list fails");
	CHECK_STR(err, "invalid system call 'opn'", "opn in a list: message names opn");

	CHECK_INT(parse("%foo", m, err, sizeof(err)), -EINVAL, "%%foo fails");
	CHECK_STR(err, "invalid class '%foo'", "%foo: message");
	CHECK_INT(parse("!%foo", m, err, sizeof(err)), -EINVAL, "!%%foo fails");
	CHECK_STR(err, "invalid class '%foo'", "!%foo: message");

	CHECK_INT(parse("512", m, err, sizeof(err)), -EINVAL, "number beyond the bitmap");
	CHECK_STR(err, "invalid system call '512'", "512: message");
	CHECK_INT(parse("12abc", m, err, sizeof(err)), -EINVAL, "number with junk");
	CHECK_INT(parse("-1", m, err, sizeof(err)), -EINVAL, "negative number");
	CHECK_INT(parse("Read", m, err, sizeof(err)), -EINVAL, "names are case-sensitive");

	CHECK_INT(parse("", m, err, sizeof(err)), -EINVAL, "empty expression");
	CHECK_STR(err, "invalid system call ''", "empty expression: message");
	CHECK_INT(parse(",", m, err, sizeof(err)), -EINVAL, "only commas");
	CHECK_INT(parse("!", m, err, sizeof(err)), -EINVAL, "only !");
	CHECK_INT(parse(NULL, m, err, sizeof(err)), -EINVAL, "NULL expression");

	/* a failed parse leaves the previous mask alone */
	syscall_set_parse("read", m, err, sizeof(err));
	memcpy(before, m, sizeof(m));
	CHECK_INT(syscall_set_parse("write,opn", m, err, sizeof(err)), -EINVAL, "failing parse");
	CHECK(!memcmp(before, m, sizeof(m)), "a failed parse leaves the mask alone");

	CHECK_INT(syscall_set_parse("opn", m, NULL, 0), -EINVAL, "no error buffer");
	CHECK_INT(syscall_set_parse("opn", m, err, 8), -EINVAL, "short error buffer");
	CHECK_STR(err, "invalid", "short error buffer is truncated, terminated");
}

int main(void)
{
	test_known();
	test_holes();
	test_table();
	test_unistd_macros();
	test_unistd_header();
	test_parse_basic();
	test_parse_classes();
	test_parse_regex();
	test_parse_errors();
	return tap_done();
}
