// SPDX-License-Identifier: GPL-2.0
/* Address → symbol for function pointers. Modules' symbol tables are loaded
 * once and kept; the maps are read per lookup, since they change. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demangle.h"
#include "elf_syms.h"
#include "procmaps.h"
#include "symbolize.h"

struct sym_module {
	char *path;
	struct elf_syms *syms;	/* NULL: could not be read */
};

struct symbolizer {
	struct sym_module *mods;
	size_t nr_mods;
};

struct symbolizer *symbolizer_new(void)
{
	return calloc(1, sizeof(struct symbolizer));
}

void symbolizer_free(struct symbolizer *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nr_mods; i++) {
		elf_syms_free(s->mods[i].syms);
		free(s->mods[i].path);
	}
	free(s->mods);
	free(s);
}

/* Returns the symbols of a module (NULL if unreadable), cached; pid > 0:
 * a path in that process's mount namespace. */
static struct elf_syms *module_syms(struct symbolizer *s, int pid, const char *path)
{
	struct sym_module *grown;
	char open_path[4096 + 64];
	size_t i;


	for (i = 0; i < s->nr_mods; i++)
		if (!strcmp(s->mods[i].path, path))
			return s->mods[i].syms;
	grown = realloc(s->mods, (s->nr_mods + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	s->mods = grown;
	grown = &s->mods[s->nr_mods];
	grown->path = strdup(path);
	grown->syms = NULL;
	if (!grown->path)
		return NULL;
	s->nr_mods++;
	if (pid > 0)
		snprintf(open_path, sizeof(open_path), "/proc/%d/root%s", pid, path);
	else
		snprintf(open_path, sizeof(open_path), "%s", path);
	if (elf_syms_load(open_path, &grown->syms))
		grown->syms = NULL;
	return grown->syms;
}

/* The function of syms whose code covers file offset off; NULL if none. */
static const struct elf_func *func_at(const struct elf_syms *syms, unsigned long long off)
{
	const struct elf_func *best = NULL;
	size_t i;

	for (i = 0; i < syms->nr_funcs; i++) {
		const struct elf_func *f = &syms->funcs[i];
		unsigned long long start = f->offset;

		if (off < start || off >= start + (f->size ?: 1))
			continue;
		/* Prefer the exact start, then a global name over a local alias. */
		if (!best || start > best->offset || (f->flags & ELF_FUNC_GLOBAL))
			best = f;
	}
	return best;
}

/* Writes `name` or `name+0x10` for file offset off of syms into buf, a C++ name demangled
 * as the traced functions' are. */
static const char *name_at(const struct elf_syms *syms, unsigned long long off, char *buf,
			   unsigned long len)
{
	const struct elf_func *fn = func_at(syms, off);
	char *demangled;

	if (!fn)
		return NULL;
	demangled = demangle_name(fn->name);
	if (off == fn->offset)
		snprintf(buf, len, "%s", demangled ?: fn->name);
	else
		snprintf(buf, len, "%s+%#llx", demangled ?: fn->name, off - fn->offset);
	free(demangled);
	return buf;
}

const char *symbolize_offset(struct symbolizer *s, const char *path, unsigned long long off,
			     char *buf, unsigned long len)
{
	struct elf_syms *syms = s ? module_syms(s, 0, path) : NULL;

	return syms ? name_at(syms, off, buf, len) : NULL;
}

const char *symbolize(struct symbolizer *s, int pid, unsigned long long addr, char *buf,
		      unsigned long len)
{
	struct elf_syms *syms;
	struct proc_map m;
	char path[4096];

	if (!s || !addr || proc_map_at(pid, addr, &m, path, sizeof(path)) || path[0] != '/')
		return NULL;
	syms = module_syms(s, pid, path);
	return syms ? name_at(syms, addr - m.start + m.pgoff, buf, len) : NULL;
}
