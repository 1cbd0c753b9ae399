/* SPDX-License-Identifier: GPL-2.0 */
/* elf_syms: symbols and uprobe offsets of fixtures built here with cc, checked against offsets
 * computed independently from `nm` and `readelf -lW`, and bytes shown by `objdump`.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>

#include "syms/elf_syms.h"
#include "tap.h"
#include "fixture.h"

#define LIBC "/lib/x86_64-linux-gnu/libc.so.6"

static const char prog_src[] =
	"int alpha(int x) { return x + 1; }\n"
	"int beta_one(int x) { return x * 2; }\n"
	"int beta_two(int x) { return x * 3; }\n"
	"static int gamma_local(int x) { return x - VARIANT; }\n"
	"__attribute__((weak)) int weak_fn(int x) { return x; }\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"	(void)argv;\n"
	"	return alpha(argc) + beta_one(argc) + beta_two(argc) + gamma_local(argc) +\n"
	"	       weak_fn(argc);\n"
	"}\n";

/* two versions of vfn, an IFUNC whose resolver is a local alias at the same address */
static const char lib_src[] =
	"int old_impl(void) { return 1; }\n"
	"__asm__(\".symver old_impl, vfn@VERS_1\");\n"
	"int new_impl(void) { return 2; }\n"
	"__asm__(\".symver new_impl, vfn@@VERS_2\");\n"
	"int lib_fn(int x) { return x + 1; }\n"
	"static int impl_a(int x) { return x; }\n"
	"static void *resolve_ifn(void) { return (void *)impl_a; }\n"
	"int ifn(int x) __attribute__((ifunc(\"resolve_ifn\")));\n";

/* C++: a namespace with overloads and a method, a free function, an extern "C" one */
static const char cxx_src[] =
	"namespace ns {\n"
	"int twice(int x) { return 2 * x; }\n"
	"long twice(long x) { return 2 * x; }\n"
	"struct K { int n; int get(int x) const; };\n"
	"int K::get(int x) const { return n + x; }\n"
	"}\n"
	"int may_throw(int x) { if (x < 0) throw x; return x; }\n"
	"extern \"C\" int plain_c(int x) { return x; }\n";

static const char lib_map[] =
	"VERS_1 { global: lib_fn; ifn; vfn; local: *; };\n"
	"VERS_2 { } VERS_1;\n";

#define CFLAGS "-O0 -g -fno-omit-frame-pointer -fno-inline -w"

/* Oracle: address and size of symbol @want in `nm` output (-D: .dynsym). @want is a bare name
 * (the default version is taken) or name@VER / name@@VER. Returns whether it was found.
 */
static bool nm_sym(const char *file, bool dyn, const char *want, unsigned long long *addr,
		   unsigned long long *size)
{
	char *out, *line, *save = NULL, name[512];
	unsigned long long a, s;
	bool found = false;
	char type;

	out = sh_out("nm %s -S --defined-only '%s' 2>/dev/null", dyn ? "-D" : "", file);
	if (!out)
		return false;
	for (line = strtok_r(out, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t bare;

		if (sscanf(line, "%llx %llx %c %511s", &a, &s, &type, name) != 4) {
			s = 0;
			if (sscanf(line, "%llx %c %511s", &a, &type, name) != 3)
				continue;
		}
		bare = strcspn(name, "@");
		if (strcmp(name, want) == 0 ||
		    (!strchr(want, '@') && strlen(want) == bare && strncmp(name, want, bare) == 0 &&
		     (!name[bare] || strncmp(name + bare, "@@", 2) == 0))) {
			*addr = a;
			*size = s;
			found = true;
		}
	}
	free(out);
	return found;
}

/* Oracle: file offset of @addr from the PT_LOAD lines of `readelf -lW`. */
static bool readelf_offset(const char *file, unsigned long long addr, unsigned long long *off)
{
	char *out, *line, *save = NULL;
	unsigned long long o, v, p, fsz, msz;
	bool found = false;

	out = sh_out("readelf -lW '%s'", file);
	if (!out)
		return false;
	for (line = strtok_r(out, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, " LOAD %llx %llx %llx %llx %llx", &o, &v, &p, &fsz, &msz) != 5)
			continue;
		if (addr >= v && addr < v + fsz) {
			*off = addr - v + o;
			found = true;
		}
	}
	free(out);
	return found;
}

struct collect {
	const struct elf_func *f[8];
	int n;
};

static int collect_cb(const struct elf_func *f, void *ctx)
{
	struct collect *c = ctx;

	if (c->n < 8)
		c->f[c->n] = f;
	c->n++;
	return 0;
}

/* Returns the one function called @name, or NULL (and says why) when there are 0 or several. */
static const struct elf_func *one(const struct elf_syms *s, const char *name)
{
	struct collect c = {};
	int n = elf_syms_match(s, name, collect_cb, &c);

	if (n != 1 || c.n != 1)
		printf("# %s: %d matches\n", name, n);
	return n == 1 ? c.f[0] : NULL;
}

/* Check that @name's addr, size and offset are what nm and readelf say about @oracle_file. */
static void check_func(const struct elf_syms *s, const char *name, const char *oracle_file,
		       bool dyn, unsigned int want_flags, const char *what)
{
	unsigned long long addr = 0, size = 0, off = 0;
	const struct elf_func *f = one(s, name);
	char label[256];
	bool ok;

	if (!CHECK(f, "%s: %s found once", what, name))
		return;
	ok = nm_sym(oracle_file, dyn, name, &addr, &size) &&
	     readelf_offset(oracle_file, addr, &off);
	if (!CHECK(ok, "%s: oracle knows %s", what, name))
		return;
	snprintf(label, sizeof(label), "%s: %s addr = nm's", what, name);
	CHECK_INT(f->addr, addr, label);
	snprintf(label, sizeof(label), "%s: %s size = nm -S's", what, name);
	CHECK_INT(f->size, size, label);
	snprintf(label, sizeof(label),
		 "%s: %s offset = st_value - p_vaddr + p_offset (readelf -lW)", what, name);
	CHECK_INT(f->offset, off, label);
	snprintf(label, sizeof(label), "%s: %s flags include 0x%x", what, name, want_flags);
	CHECK_INT(f->flags & want_flags, want_flags, label);
}

/* Invariants of every load: sorted by (name, addr), no duplicate, bare names, sane offsets. */
static void check_invariants(const struct elf_syms *s, const char *what)
{
	bool sorted = true, bare = true;
	size_t i;
	int c;

	for (i = 0; i < s->nr_funcs; i++) {
		if (strchr(s->funcs[i].name, '@') || !s->funcs[i].name[0])
			bare = false;
		if (!i)
			continue;
		c = strcmp(s->funcs[i - 1].name, s->funcs[i].name);
		if (c > 0 || (c == 0 && s->funcs[i - 1].addr >= s->funcs[i].addr))
			sorted = false;
	}
	CHECK(s->nr_funcs > 0, "%s: has functions", what);
	CHECK(sorted, "%s: sorted by name, addr; one entry per name+addr", what);
	CHECK(bare, "%s: names carry no @VERSION", what);
}

static int stop_cb(const struct elf_func *f, void *ctx)
{
	(void)f;
	(*(int *)ctx)++;
	return -EINTR;
}

static void test_errors(void)
{
	struct elf_syms *s = NULL;
	char path[PATH_MAX];

	CHECK_INT(elf_syms_load("/nonexistent/rtrace/file", &s), -ENOENT, "missing file: -ENOENT");
	CHECK(!s, "missing file: *out untouched");
	snprintf(path, sizeof(path), "%s/text.txt", tmp);
	write_file(path, "hello, this is not ELF\n");
	CHECK_INT(elf_syms_load(path, &s), -ENOEXEC, "text file: -ENOEXEC");
	snprintf(path, sizeof(path), "%s/empty", tmp);
	write_file(path, "");
	CHECK_INT(elf_syms_load(path, &s), -ENOEXEC, "empty file: -ENOEXEC");
	snprintf(path, sizeof(path), "%s/prog.o", tmp);
	CHECK_INT(elf_syms_load(path, &s), -ENOEXEC, "relocatable .o: -ENOEXEC");
	CHECK_INT(elf_syms_load(tmp, &s), -ENOEXEC, "directory: -ENOEXEC");
	CHECK_INT(elf_syms_match(NULL, "*", NULL, NULL), -EINVAL, "match(NULL): -EINVAL");
	elf_syms_free(NULL);
}

static void test_exe(const char *name, unsigned short e_type)
{
	struct elf_syms *s = NULL;
	char path[PATH_MAX];
	struct collect c = {};
	int calls = 0;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	if (!CHECK_INT(elf_syms_load(path, &s), 0, name))
		return;
	check_invariants(s, name);
	CHECK_INT(s->e_type, e_type, "e_type");
	CHECK(!s->is_go && !s->from_debug_file && !s->debug_path, "%s: C, own .symtab", name);
	CHECK_STR(s->path, path, "path kept");

	check_func(s, "alpha", path, false, ELF_FUNC_GLOBAL, name);
	check_func(s, "beta_one", path, false, ELF_FUNC_GLOBAL, name);
	check_func(s, "main", path, false, ELF_FUNC_GLOBAL, name);
	check_func(s, "gamma_local", path, false, ELF_FUNC_SYMTAB, name);
	check_func(s, "weak_fn", path, false, ELF_FUNC_WEAK, name);
	if (one(s, "gamma_local"))
		CHECK(!(one(s, "gamma_local")->flags & (ELF_FUNC_GLOBAL | ELF_FUNC_WEAK)),
		      "%s: static function is neither global nor weak", name);
	if (one(s, "alpha"))
		CHECK(!(one(s, "alpha")->flags & ELF_FUNC_IFUNC), "%s: not IFUNC", name);

	CHECK_INT(elf_syms_match(s, "beta_*", collect_cb, &c), 2, "glob beta_* matches 2");
	CHECK(c.n == 2 && !strcmp(c.f[0]->name, "beta_one") && !strcmp(c.f[1]->name, "beta_two"),
	      "beta_* callbacks in name order");
	CHECK_INT(elf_syms_match(s, "b?ta_t[vw]o", NULL, NULL), 1, "glob ? and [] classes");
	CHECK_INT(elf_syms_match(s, "alpha", NULL, NULL), 1, "plain name matches 1");
	CHECK_INT(elf_syms_match(s, "alph", NULL, NULL), 0, "plain name is not a prefix match");
	CHECK_INT(elf_syms_match(s, "nomatch*", NULL, NULL), 0, "glob matching nothing: 0");
	CHECK_INT(elf_syms_match(s, "*", NULL, NULL), (int)s->nr_funcs, "* matches all");
	CHECK_INT(elf_syms_match(s, "beta_*", stop_cb, &calls), -EINTR, "callback error returned");
	CHECK_INT(calls, 1, "walk stops at the callback's error");
	elf_syms_free(s);
}

/* -rdynamic puts alpha in .dynsym too: still one entry, flagged as in both tables. */
static void test_dedupe(void)
{
	struct elf_syms *s = NULL;
	const struct elf_func *f;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/pie", tmp);
	if (!CHECK_INT(elf_syms_load(path, &s), 0, "pie"))
		return;
	f = one(s, "alpha");
	CHECK(f && (f->flags & ELF_FUNC_DYNSYM) && (f->flags & ELF_FUNC_SYMTAB),
	      "alpha from .symtab and .dynsym folded into one entry");
	elf_syms_free(s);
}

static void test_cet(void)
{
	char path[PATH_MAX], *dis = NULL, *l1, *l2;
	struct elf_syms *s = NULL;
	const struct elf_func *f;
	unsigned char b[5];
	int fd;

	snprintf(path, sizeof(path), "%s/cet", tmp);
	if (!CHECK_INT(elf_syms_load(path, &s), 0, "cet build"))
		return;
	check_invariants(s, "cet");
	check_func(s, "alpha", path, false, ELF_FUNC_GLOBAL, "cet");
	check_func(s, "beta_two", path, false, 0, "cet");
	f = one(s, "alpha");
	if (!f)
		goto cleanup;

	/* objdump: alpha starts with endbr64, then push %rbp; the file agrees around our offset */
	dis = sh_out("objdump -d --no-show-raw-insn --disassemble=alpha '%s' | grep -A2 '<alpha>:'",
		     path);
	l1 = dis ? strchr(dis, '\n') : NULL;
	l2 = l1 ? strchr(l1 + 1, '\n') : NULL;
	CHECK(l1 && strstr(l1, "endbr64") && (!l2 || !strstr(l2, "endbr64")),
	      "objdump: alpha starts with endbr64");
	CHECK(l2 && strstr(l2, "push") && strstr(l2, "%rbp"), "objdump: then push %%rbp");
	/* The offset is the function's first byte; probesite.c places the probe past it. */
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && pread(fd, b, 5, f->offset) == 5, "read bytes at the offset");
	if (fd >= 0)
		close(fd);
	CHECK(!memcmp(b, "\xf3\x0f\x1e\xfa", 4), "endbr64 bytes at the offset");
	CHECK_INT(b[4], 0x55, "then push %rbp (0x55)");
cleanup:
	free(dis);
	elf_syms_free(s);
}

struct vfn_seen {
	bool v1_hidden, v2_default;
	int n;
};

static int vfn_cb(const struct elf_func *f, void *ctx)
{
	struct vfn_seen *v = ctx;

	v->n++;
	if (f->version && !strcmp(f->version, "VERS_1") && (f->flags & ELF_FUNC_HIDDEN_VER))
		v->v1_hidden = true;
	if (f->version && !strcmp(f->version, "VERS_2") && !(f->flags & ELF_FUNC_HIDDEN_VER))
		v->v2_default = true;
	return 0;
}

static void test_shared(void)
{
	unsigned long long a1 = 0, a2 = 0, sz, off;
	struct vfn_seen v = {};
	struct elf_syms *s = NULL;
	const struct elf_func *f, *r;
	char path[PATH_MAX];
	struct collect c = {};

	snprintf(path, sizeof(path), "%s/libfix.so.1", tmp);
	if (!CHECK_INT(elf_syms_load(path, &s), 0, "shared library"))
		return;
	check_invariants(s, "libfix");
	CHECK_INT(s->e_type, ET_DYN, "e_type ET_DYN");
	check_func(s, "lib_fn", path, true, ELF_FUNC_GLOBAL | ELF_FUNC_DYNSYM, "libfix");
	f = one(s, "lib_fn");
	CHECK(f && f->version && !strcmp(f->version, "VERS_1") &&
	      !(f->flags & ELF_FUNC_HIDDEN_VER), "lib_fn has default version VERS_1");

	/* vfn@VERS_1 and vfn@@VERS_2: two entries named vfn, at nm's two addresses */
	CHECK_INT(elf_syms_match(s, "vfn", vfn_cb, &v), 2, "vfn: one entry per version");
	CHECK(v.v1_hidden && v.v2_default, "vfn: VERS_1 hidden, VERS_2 default");
	elf_syms_match(s, "vfn", collect_cb, &c);
	if (nm_sym(path, true, "vfn@VERS_1", &a1, &sz) &&
	    nm_sym(path, true, "vfn@@VERS_2", &a2, &sz) && c.n == 2) {
		CHECK((c.f[0]->addr == a1 && c.f[1]->addr == a2) ||
		      (c.f[0]->addr == a2 && c.f[1]->addr == a1), "vfn addrs = nm -D's");
		CHECK(readelf_offset(path, c.f[0]->addr, &off) && c.f[0]->offset == off,
		      "vfn offset = readelf's");
	} else {
		CHECK(false, "vfn: nm -D shows both versions");
	}

	/* the IFUNC symbol's address is its resolver's */
	f = one(s, "ifn");
	r = one(s, "resolve_ifn");
	CHECK(f && (f->flags & ELF_FUNC_IFUNC), "ifn flagged ELF_FUNC_IFUNC");
	CHECK(r && !(r->flags & ELF_FUNC_IFUNC), "resolve_ifn is a plain function");
	CHECK(f && r && f->addr == r->addr && f->offset == r->offset,
	      "ifn and its resolver: separate entries at one address");
	check_func(s, "impl_a", path, false, 0, "libfix");
	elf_syms_free(s);
}

/* Stripped file + debug file found through .gnu_debuglink in @where (relative to tmp). */
static void check_debug(const char *file, const char *debug_dir, const char *want_debug,
			const char *what)
{
	struct elf_syms_opts opts = { .debug_dir = debug_dir };
	char path[PATH_MAX], full[PATH_MAX];
	struct elf_syms *s = NULL;

	snprintf(path, sizeof(path), "%s/%s", tmp, file);
	snprintf(full, sizeof(full), "%s/pie", tmp);
	if (!CHECK_INT(elf_syms_load_opts(path, &opts, &s), 0, what))
		return;
	check_invariants(s, what);
	CHECK(s->from_debug_file, "%s: symbols from the debug file", what);
	CHECK_STR(s->debug_path, want_debug, "debug_path");
	/* the static function is only in the debug file's .symtab; offsets as in the unstripped */
	check_func(s, "gamma_local", full, false, ELF_FUNC_SYMTAB, what);
	check_func(s, "beta_two", full, false, ELF_FUNC_GLOBAL, what);
	elf_syms_free(s);
}

static void check_no_debug(const char *file, const char *debug_dir, const char *what)
{
	struct elf_syms_opts opts = { .debug_dir = debug_dir };
	struct elf_syms *s = NULL;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmp, file);
	if (!CHECK_INT(elf_syms_load_opts(path, &opts, &s), 0, what))
		return;
	CHECK(!s->from_debug_file && !s->debug_path, "%s: no debug file used", what);
	CHECK_INT(elf_syms_match(s, "gamma_local", NULL, NULL), 0, "static function unknown");
	/* -rdynamic: the exported ones are still there from .dynsym */
	CHECK_INT(elf_syms_match(s, "beta_*", NULL, NULL), 2, "exported ones from .dynsym");
	elf_syms_free(s);
}

static void test_debuglink(void)
{
	char nodbg[PATH_MAX], root[PATH_MAX], want[2 * PATH_MAX];
	struct elf_syms_opts opts = { .no_debug_file = true };
	struct elf_syms *s = NULL;

	snprintf(nodbg, sizeof(nodbg), "%s/nodebugroot", tmp);
	snprintf(root, sizeof(root), "%s/debugroot", tmp);
	if (sh("cd %s && objcopy --only-keep-debug pie dl.debug && strip -o dl pie && "
	       "objcopy --add-gnu-debuglink=dl.debug dl && mkdir -p nodebugroot", tmp)) {
		CHECK(false, "make a stripped binary with a debuglink");
		return;
	}
	snprintf(want, sizeof(want), "%s/dl.debug", tmp);
	check_debug("dl", nodbg, want, "debuglink in the same dir");

	snprintf(want, sizeof(want), "%s/dl", tmp);
	CHECK_INT(elf_syms_load_opts(want, &opts, &s), 0, "no_debug_file");
	CHECK(s && !s->from_debug_file && !elf_syms_match(s, "gamma_local", NULL, NULL),
	      "no_debug_file: only .dynsym");
	elf_syms_free(s);

	sh("cd %s && mkdir -p .debug && mv dl.debug .debug/", tmp);
	snprintf(want, sizeof(want), "%s/.debug/dl.debug", tmp);
	check_debug("dl", nodbg, want, "debuglink in dir/.debug");

	sh("mkdir -p %s%s && mv %s/.debug/dl.debug %s%s/", root, tmp, tmp, root, tmp);
	snprintf(want, sizeof(want), "%s%s/dl.debug", root, tmp);
	check_debug("dl", root, want, "debuglink in DEBUGDIR/dir");

	/* a file of that name from another build: its CRC does not match */
	sh("rm -f %s%s/dl.debug && cd %s && objcopy --only-keep-debug pie2 dl.debug", root, tmp,
	   tmp);
	check_no_debug("dl", root, "debuglink CRC mismatch");
}

/* Oracle: the build id as `readelf -n` prints it. */
static bool readelf_build_id(const char *file, char *hex, size_t len)
{
	char *out = sh_out("readelf -n '%s'", file), *p;
	bool ok = false;

	p = out ? strstr(out, "Build ID: ") : NULL;
	if (p && sscanf(p, "Build ID: %127[0-9a-f]", hex) == 1 && strlen(hex) < len)
		ok = strlen(hex) > 2;
	free(out);
	return ok;
}

static void test_build_id(void)
{
	char root[PATH_MAX], hex[128], hex2[128], want[PATH_MAX + 256], got[130] = "";
	struct elf_syms *s = NULL;
	size_t i;

	snprintf(root, sizeof(root), "%s/bidroot", tmp);
	snprintf(want, sizeof(want), "%s/pie", tmp);
	if (!CHECK(readelf_build_id(want, hex, sizeof(hex)), "fixture has a build id"))
		return;
	snprintf(want, sizeof(want), "%s/pie2", tmp);
	if (!CHECK(readelf_build_id(want, hex2, sizeof(hex2)) && strcmp(hex, hex2),
		   "the second build has another"))
		return;
	if (sh("cd %s && strip -o bid pie && mkdir -p %s/.build-id/%.2s && "
	       "objcopy --only-keep-debug pie %s/.build-id/%.2s/%s.debug",
	       tmp, root, hex, root, hex, hex + 2)) {
		CHECK(false, "make a stripped binary and its build-id debug file");
		return;
	}
	snprintf(want, sizeof(want), "%s/.build-id/%.2s/%s.debug", root, hex, hex + 2);
	check_debug("bid", root, want, "build-id debug file");

	snprintf(want, sizeof(want), "%s/bid", tmp);
	if (!CHECK_INT(elf_syms_load(want, &s), 0, "bid: default debug dir"))
		return;
	for (i = 0; i < s->build_id_len && i < 64; i++)
		sprintf(got + 2 * i, "%02x", s->build_id[i]);
	CHECK_STR(got, hex, "build_id = readelf -n's");
	elf_syms_free(s);

	/* the right name but another build inside: the note does not match */
	sh("objcopy --only-keep-debug %s/pie2 %s/.build-id/%.2s/%s.debug", tmp, root, hex, hex + 2);
	check_no_debug("bid", root, "build-id file of another build");
}

static void test_go(void)
{
	struct elf_syms *s = NULL;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/gofake", tmp);
	if (sh("cd %s && echo buildinfo > bi && objcopy --add-section .go.buildinfo=bi pie gofake",
	       tmp)) {
		CHECK(false, "add a .go.buildinfo section");
		return;
	}
	if (CHECK_INT(elf_syms_load(path, &s), 0, "fake Go binary"))
		CHECK(s->is_go, "is_go with a .go.buildinfo section");
	elf_syms_free(s);
}

static void test_libc(void)
{
	struct elf_syms *s = NULL;
	struct collect c = {};
	const struct elf_func *f = NULL;
	int i;

	if (!CHECK_INT(elf_syms_load(LIBC, &s), 0, "load " LIBC))
		return;
	check_invariants(s, "libc");
	CHECK(!s->is_go, "libc: is_go false");
	check_func(s, "malloc", LIBC, true, ELF_FUNC_GLOBAL | ELF_FUNC_DYNSYM, "libc");
	check_func(s, "getpid", LIBC, true, ELF_FUNC_DYNSYM, "libc");
	f = one(s, "malloc");
	CHECK(f && !(f->flags & ELF_FUNC_IFUNC), "malloc is no IFUNC");

	/* memcpy has a compat version too: check the default one */
	elf_syms_match(s, "memcpy", collect_cb, &c);
	for (f = NULL, i = 0; i < c.n && i < 8; i++)
		if (c.f[i]->version && !(c.f[i]->flags & ELF_FUNC_HIDDEN_VER))
			f = c.f[i];
	CHECK(f && (f->flags & ELF_FUNC_IFUNC), "memcpy (default version) is ELF_FUNC_IFUNC");
	if (f) {
		unsigned long long addr = 0, size, off;

		CHECK(nm_sym(LIBC, true, "memcpy", &addr, &size) && addr == f->addr &&
		      readelf_offset(LIBC, addr, &off) && off == f->offset,
		      "memcpy addr and offset = nm -D + readelf's");
	}
	f = one(s, "strlen");
	CHECK(f && (f->flags & ELF_FUNC_IFUNC), "strlen is ELF_FUNC_IFUNC");
	elf_syms_free(s);
}

/* -x's GLOB on C++ symbols: each form of a name, against elf_syms_match()'s symbols alone. */
static void test_cxx(void)
{
	static const struct {
		const char *glob;
		int want;
	} cases[] = {
		{ "may_throw", 1 }, { "may_throw(int)", 1 }, { "_Z9may_throwi", 1 },
		{ "may_throw(long)", 0 }, { "ns::twice", 2 }, { "ns::twice(long)", 1 },
		{ "ns::*", 3 }, { "ns::K::get(int) const", 1 }, { "plain_c", 1 }, { "_Z*", 4 },
	};
	struct elf_syms *s = NULL;
	struct collect c = {};
	char path[PATH_MAX];
	size_t i;

	snprintf(path, sizeof(path), "%s/libcxx.so", tmp);
	if (!CHECK_INT(elf_syms_load(path, &s), 0, "C++ library"))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INT(elf_syms_match_spec(s, cases[i].glob, NULL, NULL), cases[i].want,
			  cases[i].glob);
	elf_syms_match_spec(s, "may_throw", collect_cb, &c);
	CHECK(c.n == 1 && !strcmp(c.f[0]->name, "_Z9may_throwi"),
	      "may_throw is the symbol _Z9may_throwi");
	CHECK_INT(elf_syms_match(s, "may_throw", NULL, NULL), 0, "symbols alone: no may_throw");
	CHECK_INT(elf_syms_match_spec(s, "*", NULL, NULL), elf_syms_match(s, "*", NULL, NULL),
		  "* names every function either way");
	elf_syms_free(s);
}

static bool build_fixtures(void)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/prog.c", tmp);
	if (!write_file(path, prog_src))
		return false;
	snprintf(path, sizeof(path), "%s/lib.c", tmp);
	if (!write_file(path, lib_src))
		return false;
	snprintf(path, sizeof(path), "%s/lib.map", tmp);
	if (!write_file(path, lib_map))
		return false;
	snprintf(path, sizeof(path), "%s/cxx.cc", tmp);
	if (!write_file(path, cxx_src))
		return false;
	return !sh("cd %s && "
		   "cc " CFLAGS " -DVARIANT=1 -fcf-protection=none -fPIE -pie -rdynamic "
		   "-Wl,--build-id prog.c -o pie && "
		   "cc " CFLAGS " -DVARIANT=2 -fcf-protection=none -fPIE -pie -rdynamic "
		   "-Wl,--build-id prog.c -o pie2 && "
		   "cc " CFLAGS " -DVARIANT=1 -fcf-protection=none -fno-pie -no-pie prog.c "
		   "-o nopie && "
		   "cc " CFLAGS " -DVARIANT=1 -fcf-protection=full prog.c -o cet && "
		   "cc " CFLAGS " -DVARIANT=1 -c prog.c -o prog.o && "
		   "cc " CFLAGS " -fcf-protection=none -shared -fPIC -Wl,--version-script=lib.map "
		   "-Wl,-soname,libfix.so.1 lib.c -o libfix.so.1 && "
		   "c++ " CFLAGS " -shared -fPIC cxx.cc -o libcxx.so", tmp);
}

int main(void)
{
	if (!tmp_make("/tmp/rtrace-elfsyms-XXXXXX")) {
		CHECK(false, "make a scratch directory");
		return tap_done();
	}
	if (CHECK(build_fixtures(), "build fixtures with cc in %s", tmp)) {
		test_errors();
		test_exe("pie", ET_DYN);
		test_exe("nopie", ET_EXEC);
		test_dedupe();
		test_cet();
		test_shared();
		test_debuglink();
		test_build_id();
		test_go();
		test_cxx();
	}
	test_libc();
	tmp_remove();
	return tap_done();
}
