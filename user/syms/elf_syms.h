/* SPDX-License-Identifier: GPL-2.0 */
/* Function symbols of one ELF file, with the file offsets that uprobes take. */
#ifndef RTRACE_ELF_SYMS_H
#define RTRACE_ELF_SYMS_H

#include <stdbool.h>
#include <stddef.h>

enum elf_func_flags {
	ELF_FUNC_GLOBAL = 1u << 0,	/* STB_GLOBAL (in either symbol table) */
	ELF_FUNC_WEAK = 1u << 1,	/* STB_WEAK */
	ELF_FUNC_IFUNC = 1u << 2,	/* STT_GNU_IFUNC: addr is the resolver, not the code */
	ELF_FUNC_HIDDEN_VER = 1u << 4,	/* non-default version (name@VER, not name@@VER) */
	ELF_FUNC_DYNSYM = 1u << 5,	/* found in .dynsym */
	ELF_FUNC_SYMTAB = 1u << 6,	/* found in .symtab (of the file or its debug file) */
};

struct elf_func {
	char *name;			/* bare name, without any @VER / @@VER */
	char *version;			/* symbol version name, or NULL */
	unsigned long long addr;	/* st_value */
	unsigned long long offset;	/* file offset of its first byte (probesite.h places the
					 * probe) */
	unsigned long long size;	/* st_size */
	unsigned int flags;		/* enum elf_func_flags */
};

struct elf_syms {
	char *path;			/* the file as passed to elf_syms_load() */
	struct elf_func *funcs;		/* sorted by name, then addr */
	size_t nr_funcs;
	bool is_go;			/* has a .go.buildinfo section */
	bool cxx_eh;			/* C++ with exceptions: references __gxx_personality_v0 */
	bool from_debug_file;		/* .symtab came from a separate debug file */
	char *debug_path;		/* that debug file, or NULL */
	unsigned short e_type;		/* ET_EXEC or ET_DYN */
	unsigned short e_machine;	/* EM_X86_64 ... */
	unsigned char build_id[64];	/* NT_GNU_BUILD_ID of the file */
	size_t build_id_len;		/* 0 if it has none */
};

struct elf_syms_opts {
	/* Root of separate debug files; NULL means "/usr/lib/debug". */
	const char *debug_dir;
	/* Do not look for a separate debug file at all. */
	bool no_debug_file;
};

/* Read the function symbols of the ELF file at @path (see struct elf_syms).
 * Returns 0 and a new *out (free with elf_syms_free()), or -errno: -ENOENT
 * and the like from open(2), -ENOEXEC when the file is not an ELF executable
 * or shared object, -ENOMEM.
 */
int elf_syms_load(const char *path, struct elf_syms **out);
/* The NT_GNU_BUILD_ID of the file at @path in hex ("" if it has none). 0 or -errno. */
int elf_build_id_hex(const char *path, char *hex, size_t len);

/* elf_syms_load() with options; @opts may be NULL. Same return values. */
int elf_syms_load_opts(const char *path, const struct elf_syms_opts *opts,
		       struct elf_syms **out);

/* Free @syms and everything it owns; NULL is a no-op. */
void elf_syms_free(struct elf_syms *syms);

/* Call @cb (if not NULL) for every function whose name matches the fnmatch(3)
 * pattern @glob, in name order. A negative return from @cb stops the walk.
 * Returns the number of matching functions, @cb's negative return, or
 * -EINVAL for bad arguments.
 */
int elf_syms_match(const struct elf_syms *syms, const char *glob,
		   int (*cb)(const struct elf_func *f, void *ctx), void *ctx);

/* elf_syms_match() for the GLOB of a -x spec: a C++ function also by its demangled name, with
 * or without its parameters (demangle_glob_matches()). Same returns. */
int elf_syms_match_spec(const struct elf_syms *syms, const char *glob,
			int (*cb)(const struct elf_func *f, void *ctx), void *ctx);

#endif
