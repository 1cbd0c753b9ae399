// SPDX-License-Identifier: GPL-2.0
/* Option parsing: strace's flags, sizes, and every bad input gets -EINVAL. */
#include <errno.h>
#include "opts.h"
#include "sysdecode/syscalls.h"
#include "tap.h"



#define ARGV(...) ((char *[]){ "rtrace", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "rtrace", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(env, ...) parse(env, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

/* env->cmd points into argv: keep it alive past the statement. */
static int parse(struct env *env, int argc, char **argv)
{
	static char *saved[32];

	memcpy(saved, argv, (argc + 1) * sizeof(*argv));
	return opts_parse(env, argc, saved);
}

int main(void)
{
	unsigned long size;
	struct env env;

	CHECK_INT(PARSE(&env, "-p", "42,43", "-p", "7"), 0, "-p list and repeat");
	CHECK(env.nr_pids == 3 && env.pids[0] == 42 && env.pids[1] == 43 && env.pids[2] == 7,
	      "pids 42, 43, 7");
	opts_free(&env);

	CHECK_INT(PARSE(&env, "-f", "-T", "-ttt", "-x", "fib", "-x", "libc:malloc", "--json", "--",
			"./prog", "-x", "arg"), 0, "launch with options");
	CHECK(env.follow && env.durations && env.timestamps == 3 && env.json, "flags set");
	CHECK(env.nr_func_specs == 2 && !strcmp(env.func_specs[1], "libc:malloc"), "two -x specs");
	CHECK(env.cmd && !strcmp(env.cmd[0], "./prog") && !strcmp(env.cmd[1], "-x"),
	      "command and its own options untouched");
	CHECK_INT(env.buffer_size, RTRACE_DEFAULT_BUFFER, "default buffer size");
	CHECK(syscall_set_has(env.syscall_mask, 0) && syscall_set_has(env.syscall_mask, 257),
	      "all syscalls by default");
	opts_free(&env);

	CHECK_INT(PARSE(&env, "ls", "-l"), 0, "command without --");
	CHECK(env.cmd && !strcmp(env.cmd[1], "-l"), "its -l is its own");
	opts_free(&env);

	CHECK_INT(PARSE(&env, "-e", "trace=openat,read", "true"), 0, "-e trace=openat,read");
	CHECK(syscall_set_has(env.syscall_mask, 257) && syscall_set_has(env.syscall_mask, 0) &&
	      !syscall_set_has(env.syscall_mask, 1), "openat and read only");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "-e", "close", "true"), 0, "bare -e SET means trace=SET");
	CHECK(syscall_set_has(env.syscall_mask, 3) && !syscall_set_has(env.syscall_mask, 0),
	      "close only");
	opts_free(&env);

	CHECK_INT(PARSE(&env, "--buffer-size", "64K", "true"), 0, "--buffer-size 64K");
	CHECK_INT(env.buffer_size, 65536, "64K is 65536");
	opts_free(&env);

	CHECK_INT(PARSE(&env, "-p", "abc"), -EINVAL, "-p abc rejected");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "-p", "0"), -EINVAL, "-p 0 rejected");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "-p", "12x"), -EINVAL, "-p 12x rejected");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "-e", "trace=opn", "true"), -EINVAL, "unknown syscall rejected");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "-e", "trace=%foo", "true"), -EINVAL, "unknown class rejected");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "-e", "signal=all", "true"), -EINVAL, "unsupported qualifier");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "--buffer-size", "12Q", "true"), -EINVAL, "malformed size");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "--buffer-size", "1", "true"), -EINVAL, "size below 4K");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "--bogus", "true"), -EINVAL, "unknown long option");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "-Z", "true"), -EINVAL, "unknown short option");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "-T"), -EINVAL, "neither -p nor a command");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "-p", "1", "true"), -EINVAL, "-p and a command together");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "-x", "", "true"), -EINVAL, "empty -x");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "true", "-o"), 0, "-o after the command belongs to it");
	opts_free(&env);
	CHECK_INT(PARSE(&env, "-o"), -EINVAL, "-o without argument");
	opts_free(&env);

	CHECK(!parse_size("8M", &size) && size == 8UL << 20, "parse_size 8M");
	CHECK(!parse_size("1G", &size) && size == 1UL << 30, "parse_size 1G");
	CHECK(!parse_size("4096", &size) && size == 4096, "parse_size 4096");
	CHECK(!parse_size("16MiB", &size) && size == 16UL << 20, "parse_size 16MiB");
	CHECK(parse_size("-1", &size) == -EINVAL, "parse_size -1");
	CHECK(parse_size("", &size) == -EINVAL, "parse_size empty");
	CHECK(parse_size("99999999999999999999K", &size) == -EINVAL, "parse_size overflow");
	return tap_done();
}
