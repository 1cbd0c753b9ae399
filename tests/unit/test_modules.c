/* SPDX-License-Identifier: GPL-2.0 */
/* modules: -x specs, MODULE → path for running processes (/proc/PID/maps) and for programs
 * about to run (ld.so's search, checked against `ldd`, which is ld.so itself).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syms/modules.h"
#include "tap.h"
#include "fixture.h"

#define LIBC "/lib/x86_64-linux-gnu/libc.so.6"

/* libmfix.so.1 (a symlink to libmfix.so.1.0) in sub/ needs libmdep.so.1 in dep/ */
static const char mfix_src[] = "int mdep(int x);\nint mfix(int x) { return mdep(x) + 1; }\n";
static const char mdep_src[] = "int mdep(int x) { return x * 2; }\n";
/* prints "x" once its libraries are loaded, then waits for stdin to close */
static const char prog_src[] =
	"#include <stdio.h>\n"
	"#include <unistd.h>\n"
	"int mfix(int x);\n"
	"int main(void)\n"
	"{\n"
	"	char c;\n"
	"	if (mfix(1) != 3) return 1;\n"
	"	if (write(1, \"x\", 1) != 1) return 1;\n"
	"	while (read(0, &c, 1) > 0)\n"
	"		;\n"
	"	return 0;\n"
	"}\n";

/* realpath() into a static buffer ("(none)" when it fails), for CHECK_STR. */
static const char *rp(const char *path)
{
	static char bufs[4][PATH_MAX];
	static int i;
	char *b = bufs[i++ % 4];

	if (!realpath(path, b))
		snprintf(b, PATH_MAX, "(none)");
	return b;
}

static const char *tpath(const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int i;
	char *b = bufs[i++ % 4];

	snprintf(b, PATH_MAX, "%s/%s", tmp, rel);
	return b;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Oracle: the canonical paths `ldd` (ld.so in trace mode) loads for @exe, sorted; "not found"
 * entries are left out. Returns the count, or -1.
 */
static int ldd_paths(const char *env, const char *exe, char ***out)
{
	char *text, *line, *save = NULL, *p, **v = NULL, **tmpv, real[PATH_MAX];
	int n = 0;

	text = sh_out("%s ldd '%s' 2>/dev/null", env ?: "", exe);
	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		p = strstr(line, "=> ");
		p = p ? p + 3 : line + strspn(line, " \t");
		if (*p != '/')
			continue;
		p[strcspn(p, " ")] = '\0';
		if (!realpath(p, real))
			continue;
		tmpv = realloc(v, (n + 1) * sizeof(*v));
		if (!tmpv)
			break;
		v = tmpv;
		v[n++] = strdup(real);
	}
	free(text);
	qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

/* Check that @got (n entries, [0] being the executable unless @skip_first is false) holds the
 * same files as `ldd`.
 */
static void check_same_as_ldd(char **got, size_t n, bool skip_first, const char *env,
			      const char *exe, const char *what)
{
	char **want = NULL, **sorted;
	size_t i, off = skip_first ? 1 : 0;
	int nw = ldd_paths(env, exe, &want);
	bool same;

	if (!CHECK(nw > 0, "%s: ldd lists libraries", what))
		goto cleanup;
	sorted = calloc(n ?: 1, sizeof(*sorted));
	if (!sorted)
		goto cleanup;
	memcpy(sorted, got + off, (n - off) * sizeof(*sorted));
	qsort(sorted, n - off, sizeof(*sorted), cmp_str);
	same = n - off == (size_t)nw;
	for (i = 0; same && i < n - off; i++)
		same = strcmp(sorted[i], want[i]) == 0;
	if (!same) {
		for (i = 0; i < n - off; i++)
			printf("# got:  %s\n", sorted[i]);
		for (i = 0; i < (size_t)nw; i++)
			printf("# ldd:  %s\n", want[i]);
	}
	CHECK(same, "%s: same %d files as ldd", what, nw);
	free(sorted);
cleanup:
	for (i = 0; want && i < (size_t)nw; i++)
		free(want[i]);
	free(want);
}

static void check_split(const char *spec, int want_err, const char *want_mod, const char *want_glob)
{
	char *mod = (char *)1, *glob = (char *)1;
	int err = spec_split(spec, &mod, &glob);

	CHECK_INT(err, want_err, spec ? spec : "(null)");
	if (want_err) {
		CHECK(!mod && !glob, "'%s': both NULL on error", spec ? spec : "(null)");
		return;
	}
	if (want_mod)
		CHECK_STR(mod, want_mod, "module");
	else
		CHECK(!mod, "'%s': no module", spec);
	CHECK_STR(glob, want_glob, "glob");
	free(mod);
	free(glob);
}

static void test_spec_split(void)
{
	check_split("libc:malloc", 0, "libc", "malloc");
	check_split("fib", 0, NULL, "fib");
	check_split("/usr/lib/x/libz.so.1:inflate*", 0, "/usr/lib/x/libz.so.1", "inflate*");
	check_split("/odd:dir/libz.so:inf?", 0, "/odd:dir/libz.so", "inf?");
	check_split(":main", 0, NULL, "main");
	/* C++'s `::` is no module separator */
	check_split("ns::*", 0, NULL, "ns::*");
	check_split("ns::K::get(int) const", 0, NULL, "ns::K::get(int) const");
	check_split("libstdc++:std::terminate", 0, "libstdc++", "std::terminate");
	check_split("/odd:dir/libx.so:ns::f", 0, "/odd:dir/libx.so", "ns::f");
	check_split("libc:", -EINVAL, NULL, NULL);
	check_split("", -EINVAL, NULL, NULL);
	check_split(NULL, -EINVAL, NULL, NULL);
}

static void test_name_matches(void)
{
	static const struct {
		const char *name, *base;
		bool want;
	} cases[] = {
		{ "libc", "libc.so.6", true },
		{ "libc", "libc-2.31.so", true },
		{ "libc", "libcap.so.2", false },
		{ "libc", "libc-client.so.2007e", false },
		{ "libc", "libc", true },
		{ "libc.so.6", "libc.so.6", true },
		{ "libz.so.1", "libz.so.1.2.13", true },
		{ "libz.so.1", "libz.so.12", false },
		{ "libssl.so", "libssl.so.3", true },
		{ "libssl", "libssl3.so", false },
		{ "fib", "fib", true },
		{ "fib", "fibonacci", false },
		{ "", "libc.so.6", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(module_name_matches(cases[i].name, cases[i].base) == cases[i].want,
		      "'%s' %s '%s'", cases[i].name, cases[i].want ? "matches" : "does not match",
		      cases[i].base);
}

/* MODULE globs, and MODULE on a trace file (a path, no process): the rules as text. */
static void test_module_globs(void)
{
	static const struct {
		const char *glob, *path;
		bool want;
	} cases[] = {
		{ "libc*", "/usr/lib/x86_64-linux-gnu/libc.so.6", true },
		{ "libc*", "/usr/lib/x86_64-linux-gnu/libcap.so.2", true },	/* a glob's glob */
		{ "libc.so*", "/usr/lib/x86_64-linux-gnu/libcap.so.2", false },
		{ "lib?", "/usr/lib/x86_64-linux-gnu/libc.so.6", true },	/* the short name */
		{ "lib?", "/usr/lib/libc-2.31.so", true },
		{ "lib?", "/usr/lib/x86_64-linux-gnu/libcap.so.2", false },
		{ "libz.so.[0-9]", "/lib/libz.so.1.2.13", true },		/* the soname */
		{ "libz.so.[0-9]", "/lib/libz.so.12.0", false },
		{ "*ssl*", "/usr/lib/x86_64-linux-gnu/libssl.so.3", true },
		{ "/usr/lib/*/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", true },
		{ "ld-linux*", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", true },
		{ "fi?", "/work/build/targets/fib", true },			/* an executable */
		{ "libnope*", "/usr/lib/x86_64-linux-gnu/libc.so.6", false },
	};
	static const struct {
		const char *module, *path;
		bool want;
	} on_file[] = {
		{ "libc", "/usr/lib/x86_64-linux-gnu/libc.so.6", true },
		{ "libc", "/usr/lib/x86_64-linux-gnu/libcap.so.2", false },	/* not a prefix */
		{ "libc*", "/usr/lib/x86_64-linux-gnu/libcap.so.2", true },
		{ "libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", true },
		{ "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", true },
		{ LIBC, "/usr/lib/x86_64-linux-gnu/libc.so.6", true },	/* same file, a symlink */
		{ "/usr/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu/libc.so.6", false },
		{ "libc", "", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(module_glob_matches(cases[i].glob, cases[i].path) == cases[i].want,
		      "glob '%s' %s %s", cases[i].glob, cases[i].want ? "names" : "does not name",
		      cases[i].path);
	for (i = 0; i < sizeof(on_file) / sizeof(on_file[0]); i++)
		CHECK(module_path_matches(on_file[i].module, on_file[i].path) == on_file[i].want,
		      "on a file, '%s' %s %s", on_file[i].module,
		      on_file[i].want ? "names" : "does not name", on_file[i].path);
	CHECK(module_is_glob("libc*") && module_is_glob("lib[cm]") && module_is_glob("lib?") &&
	      !module_is_glob("libc") && !module_is_glob("/lib/libc.so.6") && !module_is_glob(NULL),
	      "globs have *, ? or [");
}

/* module_glob() on @exe (NULL: process @pid) must give exactly @want (NULL-terminated,
 * sorted), in any order (a process's is its address space's). */
static void check_glob(int pid, const char *exe, const char *glob, const char *const *want,
		       const char *what)
{
	char **paths = NULL;
	size_t n = 0, i;
	bool same;

	if (!CHECK_INT(module_glob(pid, exe, glob, &paths, &n), 0, what))
		return;
	qsort(paths, n, sizeof(*paths), cmp_str);
	for (i = 0; want[i]; i++)
		;
	same = n == i;
	for (i = 0; same && i < n; i++)
		same = !strcmp(paths[i], want[i]);
	for (i = 0; !same && i < n; i++)
		printf("# %s: got %s\n", what, paths[i]);
	CHECK(same, "%s: %zu modules, as expected", what, n);
	module_list_free(paths, n);
}

/* Write a synthetic cache: with @old_part, glibc's old "ld.so-1.7.0" table first (one dummy
 * entry), then the new format with libx.so.1 => /x/libx.so.1 and liby.so.2 => /y/liby.so.2.
 * @nlibs_lie overstates the new table's size. Returns whether it was written.
 */
static bool write_cache(const char *path, bool old_part, unsigned int nlibs_lie)
{
	static const char strs[] = "libx.so.1\0/x/libx.so.1\0liby.so.2\0/y/liby.so.2";
	unsigned char buf[512] = {};
	unsigned int v, hdr = 0, ents, str;
	size_t len;
	FILE *f;

	if (old_part) {
		memcpy(buf, "ld.so-1.7.0", 11);
		v = 1;
		memcpy(buf + 12, &v, 4);	/* nlibs; one 12-byte entry at 16 */
		hdr = 32;			/* 28 rounded up to 8 */
	}
	memcpy(buf + hdr, "glibc-ld.so.cache1.1", 20);
	ents = hdr + 48;
	str = ents + 2 * 24;
	v = 2 + nlibs_lie;
	memcpy(buf + hdr + 20, &v, 4);
	/* key and value offsets count from the new header */
	v = str - hdr;
	memcpy(buf + ents + 4, &v, 4);
	v = str - hdr + 10;
	memcpy(buf + ents + 8, &v, 4);
	v = str - hdr + 23;
	memcpy(buf + ents + 24 + 4, &v, 4);
	v = str - hdr + 33;
	memcpy(buf + ents + 24 + 8, &v, 4);
	memcpy(buf + str, strs, sizeof(strs));
	len = str + sizeof(strs);
	f = fopen(path, "w");
	if (!f)
		return false;
	fwrite(buf, 1, len, f);
	return fclose(f) == 0;
}

static void check_synthetic_cache(bool old_part, const char *what)
{
	struct ld_cache *c = NULL;

	if (!CHECK(write_cache(tpath("syn.cache"), old_part, 0), "%s: write", what) ||
	    !CHECK_INT(ld_cache_load(tpath("syn.cache"), &c), 0, what))
		return;
	CHECK(!c->from_ldconfig && c->n == 2, "%s: parsed, 2 entries", what);
	if (c->n == 2) {
		CHECK_STR(c->entries[0].soname, "libx.so.1", "entry 0 soname");
		CHECK_STR(c->entries[0].path, "/x/libx.so.1", "entry 0 path");
		CHECK_STR(c->entries[1].soname, "liby.so.2", "entry 1 soname");
		CHECK_STR(c->entries[1].path, "/y/liby.so.2", "entry 1 path");
	}
	ld_cache_free(c);
}

static void test_ld_cache(void)
{
	struct ld_cache *file = NULL, *ldc = NULL, *junk = NULL;
	bool same, libc = false;
	size_t i;

	if (!CHECK_INT(ld_cache_load(NULL, &file), 0, "parse /etc/ld.so.cache"))
		return;
	CHECK(!file->from_ldconfig && file->n > 0, "cache parsed from the file (%zu entries)",
	      file->n);
	for (i = 0; i < file->n; i++)
		libc |= !strcmp(file->entries[i].soname, "libc.so.6") &&
			!strcmp(rp(file->entries[i].path), rp(LIBC));
	CHECK(libc, "cache: libc.so.6 => " LIBC);

	/* the fallback: ldconfig -p, which prints the same cache */
	if (CHECK_INT(ld_cache_load("/nonexistent/ld.so.cache", &ldc), 0,
		      "fallback to ldconfig -p")) {
		CHECK(ldc->from_ldconfig, "from_ldconfig set");
		same = ldc->n == file->n;
		for (i = 0; same && i < file->n; i++)
			same = !strcmp(ldc->entries[i].soname, file->entries[i].soname) &&
			       !strcmp(ldc->entries[i].path, file->entries[i].path);
		CHECK(same, "ldconfig -p lists the same %zu entries in the same order", file->n);
	}
	if (CHECK_INT(ld_cache_load(tpath("junk.cache"), &junk), 0, "garbage cache file"))
		CHECK(junk->from_ldconfig, "garbage cache: falls back to ldconfig -p");
	ld_cache_free(junk);
	junk = NULL;

	check_synthetic_cache(false, "synthetic new-format cache");
	check_synthetic_cache(true, "synthetic old+new cache");
	if (CHECK(write_cache(tpath("syn.cache"), false, 1000), "write a cache with a bad count") &&
	    CHECK_INT(ld_cache_load(tpath("syn.cache"), &junk), 0, "bad count"))
		CHECK(junk->from_ldconfig, "bad count: rejected, ldconfig -p used");
	ld_cache_free(junk);
	ld_cache_free(ldc);
	ld_cache_free(file);
}

static void check_resolve_exe(const char *exe, const char *module, const char *want,
			      const char *what)
{
	char *got;

	errno = 0;
	got = module_resolve_exe(exe, module);
	if (want) {
		CHECK_STR(got, want, what);
	} else {
		CHECK(!got, "%s: not found", what);
		CHECK_INT(errno, ENOENT, "errno ENOENT");
	}
	free(got);
}

static void test_resolve_exe(void)
{
	char *got, **paths = NULL, llp[3 * PATH_MAX];
	size_t n = 0, i;
	bool has_mdep;

	check_resolve_exe("/bin/ls", "libc", rp(LIBC), "ls: libc");
	check_resolve_exe("/bin/ls", "libc.so.6", rp(LIBC), "ls: libc.so.6");
	check_resolve_exe("/bin/ls", NULL, rp("/bin/ls"), "ls: default module is ls itself");
	check_resolve_exe("ls", "", rp("/bin/ls"), "ls found in $PATH");
	check_resolve_exe("/bin/ls", "ls", rp("/bin/ls"), "ls: module named like the exe");
	check_resolve_exe("/bin/ls", LIBC, rp(LIBC), "ls: a path module is itself");
	check_resolve_exe("/bin/ls", "ld-linux-x86-64", rp("/lib64/ld-linux-x86-64.so.2"),
			  "ls: the interpreter");
	check_resolve_exe("/bin/ls", "libnosuchlib", NULL, "ls: libnosuchlib");
	check_resolve_exe("/bin/ls", "/nonexistent/libx.so", NULL, "ls: missing path");
	check_resolve_exe("/nonexistent/prog", "libc", NULL, "missing exe");
	errno = 0;
	got = module_resolve_exe(tpath("junk.cache"), "libc");
	CHECK(!got && errno == ENOEXEC, "exe not ELF: ENOEXEC");
	free(got);

	if (CHECK_INT(module_list_exe("/bin/ls", &paths, &n), 0, "module_list_exe(ls)")) {
		CHECK_STR(paths[0], rp("/bin/ls"), "list starts with the exe");
		check_same_as_ldd(paths, n, true, NULL, "/bin/ls", "ls");
	}
	module_list_free(paths, n);

	/* $ORIGIN in DT_RPATH, inherited by libmfix for its own dependency */
	check_resolve_exe(tpath("p_rpath"), "libmfix", rp(tpath("sub/libmfix.so.1.0")),
			  "RPATH $ORIGIN/sub: libmfix");
	check_resolve_exe(tpath("p_rpath"), "libmfix.so.1", rp(tpath("sub/libmfix.so.1.0")),
			  "libmfix.so.1 (its DT_NEEDED name)");
	check_resolve_exe(tpath("p_rpath"), "libmfix.so.1.0", rp(tpath("sub/libmfix.so.1.0")),
			  "libmfix.so.1.0 (the file's name)");
	check_resolve_exe(tpath("p_rpath"), "libmdep", rp(tpath("dep/libmdep.so.1")),
			  "DT_RPATH of the exe is searched for a library's needs");
	if (CHECK_INT(module_list_exe(tpath("p_rpath"), &paths, &n), 0, "list p_rpath"))
		check_same_as_ldd(paths, n, true, NULL, tpath("p_rpath"), "p_rpath");
	module_list_free(paths, n);

	/* a glob: every module it names */
	check_glob(0, tpath("p_rpath"), "libm*",
		   (const char *const[]){ rp(tpath("dep/libmdep.so.1")), rp(tpath("sub/libmfix.so.1.0")),
					  NULL }, "glob libm* for p_rpath");
	check_glob(0, tpath("p_rpath"), "libm?ix.so.[0-9]",
		   (const char *const[]){ rp(tpath("sub/libmfix.so.1.0")), NULL },
		   "glob of a soname for p_rpath");
	check_glob(0, tpath("p_rpath"), "libnope*", (const char *const[]){ NULL },
		   "glob matching no module of p_rpath");
	CHECK(module_glob(0, "/nonexistent/prog", "libc*", &paths, &n) < 0, "glob, missing exe");

	/* DT_RUNPATH is not: libmdep is not found (ld.so would fail too) */
	check_resolve_exe(tpath("p_runpath"), "libmfix", rp(tpath("sub/libmfix.so.1.0")),
			  "RUNPATH $ORIGIN/sub: libmfix");
	check_resolve_exe(tpath("p_runpath"), "libmdep", NULL, "RUNPATH is not inherited");
	if (CHECK_INT(module_list_exe(tpath("p_runpath"), &paths, &n), 0, "list p_runpath")) {
		for (has_mdep = false, i = 0; i < n; i++)
			has_mdep |= strstr(paths[i], "libmdep") != NULL;
		CHECK(!has_mdep, "p_runpath: libmdep left out");
		check_same_as_ldd(paths, n, true, NULL, tpath("p_runpath"), "p_runpath");
	}
	module_list_free(paths, n);

	/* a library with DT_RUNPATH: the exe's DT_RPATH no longer applies to its needs */
	check_resolve_exe(tpath("p_mixed"), "libmrun", rp(tpath("sub2/libmrun.so.1")),
			  "RPATH exe: libmrun");
	check_resolve_exe(tpath("p_mixed"), "libmdep", NULL, "loader with RUNPATH: no RPATH");
	if (CHECK_INT(module_list_exe(tpath("p_mixed"), &paths, &n), 0, "list p_mixed"))
		check_same_as_ldd(paths, n, true, NULL, tpath("p_mixed"), "p_mixed");
	module_list_free(paths, n);

	/* LD_LIBRARY_PATH */
	check_resolve_exe(tpath("p_plain"), "libmfix", NULL, "no rpath: libmfix not found");
	snprintf(llp, sizeof(llp), "%s/nothere:%s/sub;%s/dep", tmp, tmp, tmp);
	setenv("LD_LIBRARY_PATH", llp, 1);
	check_resolve_exe(tpath("p_plain"), "libmfix", rp(tpath("sub/libmfix.so.1.0")),
			  "LD_LIBRARY_PATH: libmfix");
	check_resolve_exe(tpath("p_plain"), "libmdep", rp(tpath("dep/libmdep.so.1")),
			  "LD_LIBRARY_PATH (';' separated too): libmdep");
	unsetenv("LD_LIBRARY_PATH");
	setenv("LD_LIBRARY_PATH", tpath("sub"), 1);
	check_resolve_exe(tpath("p_runpath"), "libmdep", NULL, "LD_LIBRARY_PATH without dep/");
	setenv("LD_LIBRARY_PATH", tpath("dep"), 1);
	check_resolve_exe(tpath("p_runpath"), "libmdep", rp(tpath("dep/libmdep.so.1")),
			  "LD_LIBRARY_PATH finds what RUNPATH does not");
	unsetenv("LD_LIBRARY_PATH");
}

/* Start p_rpath and wait until its main runs. Returns its pid, or -1. */
static int start_child(int *stdin_fd)
{
	int in[2], out[2], pid;
	char c;

	if (pipe(in) || pipe(out))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(tpath("p_rpath"), "p_rpath", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (pid < 0 || read(out[0], &c, 1) != 1 || c != 'x') {
		close(in[1]);
		close(out[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return -1;
	}
	close(out[0]);
	*stdin_fd = in[1];
	return pid;
}

static void check_resolve_pid(int pid, const char *module, const char *want, const char *what)
{
	char *got;

	errno = 0;
	got = module_resolve_pid(pid, module);
	if (want) {
		CHECK_STR(got, want, what);
	} else {
		CHECK(!got, "%s: not found", what);
		CHECK_INT(errno, ENOENT, "errno ENOENT");
	}
	free(got);
}

static void test_resolve_pid(void)
{
	char **paths = NULL, exe[PATH_MAX];
	int pid, in_fd = -1, st;
	size_t n = 0;
	ssize_t len;

	check_resolve_pid(getpid(), "libc", rp(LIBC), "self: libc");
	check_resolve_pid(getpid(), LIBC, rp(LIBC), "self: libc by a path through a symlink");
	check_resolve_pid(getpid(), "libz.so.1", rp("/lib/x86_64-linux-gnu/libz.so.1"),
			  "self: libz.so.1 is the libz.so.1.x file");
	check_resolve_pid(getpid(), "libnosuchlib", NULL, "self: libnosuchlib");
	check_resolve_pid(getpid(), "/nonexistent/lib.so", NULL, "self: missing path");
	check_resolve_pid(getpid(), "/etc/passwd", NULL, "self: a path not mapped");
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[len > 0 ? len : 0] = '\0';
	check_resolve_pid(getpid(), NULL, exe, "self: default module is /proc/self/exe");
	errno = 0;
	CHECK(!module_resolve_pid(0, "libc") && errno == EINVAL, "pid 0: EINVAL");

	pid = start_child(&in_fd);
	if (!CHECK(pid > 0, "start p_rpath"))
		return;
	check_resolve_pid(pid, NULL, rp(tpath("p_rpath")), "child: exe");
	check_resolve_pid(pid, "libmfix", rp(tpath("sub/libmfix.so.1.0")), "child: libmfix");
	check_resolve_pid(pid, "libmfix.so.1", rp(tpath("sub/libmfix.so.1.0")),
			  "child: libmfix.so.1");
	check_resolve_pid(pid, tpath("sub/libmfix.so.1"), rp(tpath("sub/libmfix.so.1.0")),
			  "child: path through the soname symlink");
	check_resolve_pid(pid, "libmdep", rp(tpath("dep/libmdep.so.1")), "child: libmdep");
	check_resolve_pid(pid, "p_rpath", rp(tpath("p_rpath")), "child: exe by name");
	check_glob(pid, NULL, "libm*",
		   (const char *const[]){ rp(tpath("dep/libmdep.so.1")), rp(tpath("sub/libmfix.so.1.0")),
					  NULL }, "child: glob libm*");
	check_glob(pid, NULL, "p_r?ath", (const char *const[]){ rp(tpath("p_rpath")), NULL },
		   "child: glob of the exe");
	check_glob(pid, NULL, "libnope*", (const char *const[]){ NULL }, "child: glob matching none");
	if (CHECK_INT(module_list_pid(pid, &paths, &n), 0, "module_list_pid(child)")) {
		CHECK_STR(paths[0], rp(tpath("p_rpath")), "list starts with the exe");
		check_same_as_ldd(paths, n, true, NULL, tpath("p_rpath"), "child maps");
	}
	module_list_free(paths, n);
	close(in_fd);
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child exited cleanly");

	errno = 0;
	CHECK(!module_resolve_pid(pid, "libc") && errno == ENOENT, "exited process: ENOENT");
}

static bool build_fixtures(void)
{
	if (!write_file(tpath("mfix.c"), mfix_src) || !write_file(tpath("mdep.c"), mdep_src) ||
	    !write_file(tpath("prog.c"), prog_src) ||
	    !write_file(tpath("junk.cache"), "this is no ld.so cache\n"))
		return false;
	return !sh("cd %s && mkdir -p sub dep && "
		   "cc -shared -fPIC -Wl,-soname,libmdep.so.1 mdep.c -o dep/libmdep.so.1 && "
		   "cc -shared -fPIC -Wl,-soname,libmfix.so.1 mfix.c -Ldep -l:libmdep.so.1 "
		   "-o sub/libmfix.so.1.0 && ln -sf libmfix.so.1.0 sub/libmfix.so.1 && "
		   "cc prog.c -Lsub -l:libmfix.so.1 -Wl,-rpath-link,dep -Wl,--disable-new-dtags "
		   "-Wl,-rpath,'$ORIGIN/sub:$ORIGIN/dep' -o p_rpath && "
		   "cc prog.c -Lsub -l:libmfix.so.1 -Wl,-rpath-link,dep -Wl,--enable-new-dtags "
		   "-Wl,-rpath,'${ORIGIN}/sub:${ORIGIN}/dep' -o p_runpath && "
		   "cc prog.c -Lsub -l:libmfix.so.1 -Wl,-rpath-link,dep -o p_plain && "
		   "mkdir -p sub2 && sed s/mfix/mrun/ mfix.c > mrun.c && "
		   "cc -shared -fPIC -Wl,-soname,libmrun.so.1 mrun.c -Ldep -l:libmdep.so.1 "
		   "-Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/nowhere' -o sub2/libmrun.so.1 && "
		   "sed s/mfix/mrun/ prog.c > prun.c && "
		   "cc prun.c -Lsub2 -l:libmrun.so.1 -Wl,-rpath-link,dep -Wl,--disable-new-dtags "
		   "-Wl,-rpath,'$ORIGIN/sub2:$ORIGIN/dep' -o p_mixed && "
		   "readelf -d p_rpath | grep -q '(RPATH)' && "
		   "readelf -d p_runpath | grep -q '(RUNPATH)'", tmp);
}

int main(void)
{
	test_spec_split();
	test_name_matches();
	test_module_globs();
	if (!tmp_make("/tmp/rtrace-modules-XXXXXX")) {
		CHECK(false, "make a scratch directory");
		return tap_done();
	}
	if (CHECK(build_fixtures(), "build fixtures with cc in %s", tmp)) {
		test_ld_cache();
		test_resolve_exe();
		test_resolve_pid();
	}
	tmp_remove();
	return tap_done();
}
