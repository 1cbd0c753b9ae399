/* SPDX-License-Identifier: GPL-2.0 */
/* Function symbols → uprobe file offsets, with libelf.
 *
 * The kernel wants PATH plus a file offset. offset = st_value - p_vaddr + p_offset of the PT_LOAD
 * segment that holds st_value, for ET_EXEC and ET_DYN alike (bcc does the same; libbpf 1.1 uses
 * section headers instead, and misses IFUNCs, versions and debug files: see tracing-notes.md §1).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "demangle.h"
#include "elf_syms.h"

#define DEFAULT_DEBUG_DIR "/usr/lib/debug"

/* .gnu.version entries: bit 15 marks a hidden (non-default) version */
#define VERSYM_HIDDEN 0x8000
#define VERSYM_VERSION 0x7fff

/* One opened ELF file. */
struct elf_file {
	int fd;
	Elf *elf;
	GElf_Ehdr ehdr;
	size_t shstrndx;
};

/* State while loading: the real file gives program headers, the symbol tables may
 * come from it or from its debug file.
 */
struct loader {
	struct elf_file *file;
	GElf_Phdr *loads;		/* executable PT_LOAD segments of the real file */
	size_t nr_loads;
	struct elf_func *funcs;
	size_t nr_funcs, cap_funcs;
	bool cxx_eh;			/* saw __gxx_personality_v0 */
};

static void elf_file_close(struct elf_file *f)
{
	if (!f)
		return;
	if (f->elf)
		elf_end(f->elf);
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

/* Open @path as an ELF file. Returns 0 and *out, or -errno (-ENOEXEC: not ELF). */
static int elf_file_open(const char *path, struct elf_file **out)
{
	struct elf_file *f;
	int err = 0;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		err = -errno;
		goto cleanup;
	}
	f->elf = elf_begin(f->fd, ELF_C_READ_MMAP, NULL);
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF || !gelf_getehdr(f->elf, &f->ehdr) ||
	    elf_getshdrstrndx(f->elf, &f->shstrndx)) {
		err = -ENOEXEC;
		goto cleanup;
	}
	*out = f;
	return 0;
cleanup:
	elf_file_close(f);
	return err;
}

/* Returns the section called @name, or NULL. */
static Elf_Scn *find_section(struct elf_file *f, const char *name, GElf_Shdr *shdr)
{
	Elf_Scn *scn = NULL;
	const char *n;

	while ((scn = elf_nextscn(f->elf, scn))) {
		if (!gelf_getshdr(scn, shdr))
			continue;
		n = elf_strptr(f->elf, f->shstrndx, shdr->sh_name);
		if (n && strcmp(n, name) == 0)
			return scn;
	}
	return NULL;
}

/* Returns the first section of type @type, or NULL. */
static Elf_Scn *find_section_type(struct elf_file *f, Elf64_Word type, GElf_Shdr *shdr)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(f->elf, scn))) {
		if (gelf_getshdr(scn, shdr) && shdr->sh_type == type)
			return scn;
	}
	return NULL;
}

/* Copy the NT_GNU_BUILD_ID of @f into @id. Returns its length, 0 if there is none. */
static size_t read_build_id(struct elf_file *f, unsigned char *id, size_t max)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	GElf_Nhdr nhdr;
	size_t off, next, name_off, desc_off;
	Elf_Data *data;

	while ((scn = elf_nextscn(f->elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		for (off = 0; (next = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0;
		     off = next) {
			if (nhdr.n_type != NT_GNU_BUILD_ID || nhdr.n_namesz != 4 ||
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) != 0 ||
			    nhdr.n_descsz == 0 || nhdr.n_descsz > max)
				continue;
			memcpy(id, (char *)data->d_buf + desc_off, nhdr.n_descsz);
			return nhdr.n_descsz;
		}
	}
	return 0;
}

/* Returns the file offset of code at @vaddr, or -1 when no executable PT_LOAD holds it. */
static long long vaddr_to_offset(const struct loader *ld, unsigned long long vaddr)
{
	const GElf_Phdr *ph;
	size_t i;

	for (i = 0; i < ld->nr_loads; i++) {
		ph = &ld->loads[i];
		if (vaddr >= ph->p_vaddr && vaddr - ph->p_vaddr < ph->p_filesz)
			return vaddr - ph->p_vaddr + ph->p_offset;
	}
	return -1;
}

/* Append one symbol. @name may carry @VER / @@VER (from .symtab); @version comes from .gnu.version
 * (for .dynsym). Returns 0 (also for skipped symbols) or -ENOMEM.
 */
static int add_sym(struct loader *ld, const GElf_Sym *sym, const char *name, const char *version,
		   bool hidden, unsigned int table_flag)
{
	unsigned char type = GELF_ST_TYPE(sym->st_info);
	unsigned char bind = GELF_ST_BIND(sym->st_info);
	struct elf_func *f, *tmp;
	const char *at;
	long long off;
	size_t len;

	/* C++ code that unwinds for exceptions names the C++ personality routine
	 * (defined in libstdc++, imported by everything else). */
	if (name && !strncmp(name, "__gxx_personality_v0", 20) &&
	    (name[20] == '\0' || name[20] == '@'))
		ld->cxx_eh = true;
	if (type != STT_FUNC && type != STT_GNU_IFUNC)
		return 0;
	if (!sym->st_value || sym->st_shndx == SHN_UNDEF || !name || !*name)
		return 0;
	/* uprobes need an executable, file-backed mapping; anything else cannot be probed */
	off = vaddr_to_offset(ld, sym->st_value);
	if (off < 0)
		return 0;

	if (ld->nr_funcs == ld->cap_funcs) {
		size_t cap = ld->cap_funcs ? ld->cap_funcs * 2 : 256;

		tmp = realloc(ld->funcs, cap * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		ld->funcs = tmp;
		ld->cap_funcs = cap;
	}
	f = &ld->funcs[ld->nr_funcs];
	memset(f, 0, sizeof(*f));

	at = strchr(name, '@');
	len = at ? (size_t)(at - name) : strlen(name);
	if (!len)
		return 0;
	if (at) {
		/* "foo@@VER" is the default version, "foo@VER" a hidden (compat) one */
		hidden = at[1] != '@';
		version = at + (hidden ? 1 : 2);
	}
	f->name = strndup(name, len);
	if (!f->name)
		return -ENOMEM;
	if (version && *version) {
		f->version = strdup(version);
		if (!f->version) {
			free(f->name);
			return -ENOMEM;
		}
		if (hidden)
			f->flags |= ELF_FUNC_HIDDEN_VER;
	}

	f->addr = sym->st_value;
	f->size = sym->st_size;
	f->offset = off;
	f->flags |= table_flag;
	if (type == STT_GNU_IFUNC)
		f->flags |= ELF_FUNC_IFUNC;
	if (bind == STB_GLOBAL || bind == STB_GNU_UNIQUE)
		f->flags |= ELF_FUNC_GLOBAL;
	else if (bind == STB_WEAK)
		f->flags |= ELF_FUNC_WEAK;
	ld->nr_funcs++;
	return 0;
}

/* Read every function of the symbol table @scn of @f. Versions come from .gnu.version and
 * .gnu.version_d when @f has them and @scn is .dynsym. Returns 0 or -errno.
 */
static int read_symtab(struct loader *ld, struct elf_file *f, Elf_Scn *scn, unsigned int table_flag)
{
	Elf_Data *data, *versym = NULL, *verdef = NULL;
	const char **vernames = NULL;
	size_t i, n, nr_vernames = 0;
	GElf_Shdr shdr, vshdr, dshdr;
	Elf_Scn *vscn, *dscn;
	GElf_Sym sym;
	int err = 0;

	if (!gelf_getshdr(scn, &shdr) || !shdr.sh_entsize)
		return -ENOEXEC;
	data = elf_getdata(scn, NULL);
	if (!data)
		return shdr.sh_type == SHT_NOBITS ? 0 : -ENOEXEC;
	n = shdr.sh_size / shdr.sh_entsize;

	if (shdr.sh_type == SHT_DYNSYM) {
		vscn = find_section_type(f, SHT_GNU_versym, &vshdr);
		dscn = find_section_type(f, SHT_GNU_verdef, &dshdr);
		if (vscn && dscn) {
			versym = elf_getdata(vscn, NULL);
			verdef = elf_getdata(dscn, NULL);
		}
	}
	if (versym && verdef) {
		GElf_Verdef vd;
		GElf_Verdaux vda;
		size_t off = 0;

		/* index → version name; indexes are small (one per version node) */
		while (gelf_getverdef(verdef, off, &vd)) {
			if (vd.vd_ndx >= nr_vernames)
				nr_vernames = vd.vd_ndx + 1;
			if (!vd.vd_next)
				break;
			off += vd.vd_next;
		}
		vernames = calloc(nr_vernames ?: 1, sizeof(*vernames));
		if (!vernames) {
			err = -ENOMEM;
			goto cleanup;
		}
		off = 0;
		while (gelf_getverdef(verdef, off, &vd)) {
			/* the base version is the file's own soname, not a symbol version */
			if (!(vd.vd_flags & VER_FLG_BASE) && vd.vd_ndx < nr_vernames &&
			    gelf_getverdaux(verdef, off + vd.vd_aux, &vda))
				vernames[vd.vd_ndx] = elf_strptr(f->elf, dshdr.sh_link,
								 vda.vda_name);
			if (!vd.vd_next)
				break;
			off += vd.vd_next;
		}
	}

	for (i = 1; i < n; i++) {
		const char *name, *version = NULL;
		bool hidden = false;
		GElf_Versym vs;

		if (!gelf_getsym(data, i, &sym))
			break;
		name = elf_strptr(f->elf, shdr.sh_link, sym.st_name);
		if (vernames && gelf_getversym(versym, i, &vs)) {
			hidden = vs & VERSYM_HIDDEN;
			if ((size_t)(vs & VERSYM_VERSION) < nr_vernames)
				version = vernames[vs & VERSYM_VERSION];
		}
		err = add_sym(ld, &sym, name, version, hidden, table_flag);
		if (err)
			goto cleanup;
	}
cleanup:
	free(vernames);
	return err;
}

/* Returns whether @path is a regular file other than @self (same device and inode). */
static bool other_file(const char *path, const struct stat *self)
{
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	return st.st_dev != self->st_dev || st.st_ino != self->st_ino;
}

/* Returns whether the CRC32 of the file at @path is @want. */
static bool crc_matches(const char *path, uint32_t want)
{
	unsigned char buf[65536];
	uLong crc = crc32(0, Z_NULL, 0);
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		crc = crc32(crc, buf, n);
	close(fd);
	return n == 0 && crc == want;
}

/* A usable debug file: an ELF of the same class and machine with a real .symtab. Returns it opened
 * (caller closes) or NULL.
 */
static struct elf_file *open_debug_file(const char *path, const struct elf_file *real)
{
	struct elf_file *f = NULL;
	GElf_Shdr shdr;
	Elf_Scn *scn;

	if (elf_file_open(path, &f))
		return NULL;
	if (f->ehdr.e_ident[EI_CLASS] != real->ehdr.e_ident[EI_CLASS] ||
	    f->ehdr.e_machine != real->ehdr.e_machine)
		goto fail;
	scn = find_section_type(f, SHT_SYMTAB, &shdr);
	if (!scn || !shdr.sh_size)
		goto fail;
	return f;
fail:
	elf_file_close(f);
	return NULL;
}

/* Look for the separate debug file of @syms (GDB's order): build-id under @debug_dir, then
 * .gnu_debuglink in the file's dir, dir/.debug/ and @debug_dir/dir/. Returns the opened debug
 * file and sets *out_path (malloc'd), or NULL when there is none (or on ENOMEM).
 */
static struct elf_file *find_debug_file(struct elf_syms *syms, struct elf_file *real,
					const char *debug_dir, char **out_path)
{
	char path[PATH_MAX], dir[PATH_MAX], *rp = NULL;
	struct elf_file *dbg = NULL;
	const char *link_name;
	unsigned char id[64];
	GElf_Shdr shdr;
	struct stat self;
	Elf_Data *data;
	Elf_Scn *scn;
	uint32_t crc;
	size_t i, len, crc_off;
	int n;

	if (fstat(real->fd, &self))
		return NULL;

	if (syms->build_id_len >= 2) {
		char hex[sizeof(syms->build_id) * 2 + 1] = "";

		for (i = 1; i < syms->build_id_len; i++)
			sprintf(hex + 2 * (i - 1), "%02x", syms->build_id[i]);
		n = snprintf(path, sizeof(path), "%s/.build-id/%02x/%s.debug", debug_dir,
			     syms->build_id[0], hex);
		if (n > 0 && (size_t)n < sizeof(path)) {
			dbg = other_file(path, &self) ? open_debug_file(path, real) : NULL;
			/* the name says which build it is; check the note all the same */
			if (dbg && (read_build_id(dbg, id, sizeof(id)) != syms->build_id_len ||
				    memcmp(id, syms->build_id, syms->build_id_len))) {
				elf_file_close(dbg);
				dbg = NULL;
			}
			if (dbg)
				goto found;
		}
	}

	scn = find_section(real, ".gnu_debuglink", &shdr);
	data = scn ? elf_getdata(scn, NULL) : NULL;
	if (!data || !data->d_size)
		return NULL;
	link_name = data->d_buf;
	len = strnlen(link_name, data->d_size);
	crc_off = (len + 4) & ~(size_t)3;	/* name, NUL, padding to 4, then the CRC */
	if (!len || len == data->d_size || crc_off + 4 > data->d_size || strchr(link_name, '/'))
		return NULL;
	memcpy(&crc, (char *)data->d_buf + crc_off, 4);
	if ((real->ehdr.e_ident[EI_DATA] == ELFDATA2MSB) !=
	    (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__))
		crc = __builtin_bswap32(crc);

	/* the directory of the file itself, symlinks resolved */
	rp = realpath(syms->path, NULL);
	snprintf(path, sizeof(path), "%s", rp ? rp : syms->path);
	free(rp);
	snprintf(dir, sizeof(dir), "%s", dirname(path));
	if (strcmp(dir, "/") == 0)
		dir[0] = '\0';

	for (i = 0; i < 3; i++) {
		/* dir/NAME, dir/.debug/NAME, DEBUGDIR/dir/NAME */
		n = snprintf(path, sizeof(path), "%s%s/%s%s", i == 2 ? debug_dir : "", dir,
			     i == 1 ? ".debug/" : "", link_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		if (!other_file(path, &self) || !crc_matches(path, crc))
			continue;
		dbg = open_debug_file(path, real);
		if (dbg)
			goto found;
	}
	return NULL;
found:
	*out_path = strdup(path);
	if (!*out_path) {
		elf_file_close(dbg);
		return NULL;
	}
	return dbg;
}

static int cmp_func(const void *a, const void *b)
{
	const struct elf_func *fa = a, *fb = b;
	int c = strcmp(fa->name, fb->name);

	if (c)
		return c;
	return fa->addr < fb->addr ? -1 : fa->addr > fb->addr;
}

/* Sort by (name, addr) and fold duplicates (the same function in .symtab and .dynsym). */
static void sort_dedupe(struct loader *ld)
{
	struct elf_func *out, *f;
	size_t i, n = 0;

	if (!ld->nr_funcs)
		return;
	qsort(ld->funcs, ld->nr_funcs, sizeof(*ld->funcs), cmp_func);
	for (i = 0; i < ld->nr_funcs; i++) {
		f = &ld->funcs[i];
		out = n ? &ld->funcs[n - 1] : NULL;
		if (!out || strcmp(out->name, f->name) || out->addr != f->addr) {
			ld->funcs[n++] = *f;
			continue;
		}
		/* keep the default version over a hidden one, and any version over none */
		if (f->version && (!out->version || ((out->flags & ELF_FUNC_HIDDEN_VER) &&
						     !(f->flags & ELF_FUNC_HIDDEN_VER)))) {
			free(out->version);
			out->version = f->version;
			out->flags = (out->flags & ~ELF_FUNC_HIDDEN_VER) |
				     (f->flags & ELF_FUNC_HIDDEN_VER);
			f->version = NULL;
		}
		out->flags |= f->flags & ~(ELF_FUNC_HIDDEN_VER | ELF_FUNC_WEAK | ELF_FUNC_GLOBAL);
		/* local in .symtab but exported in .dynsym: take the strongest binding */
		if ((f->flags & ELF_FUNC_GLOBAL) || (out->flags & ELF_FUNC_GLOBAL))
			out->flags = (out->flags & ~ELF_FUNC_WEAK) | ELF_FUNC_GLOBAL;
		else
			out->flags |= f->flags & ELF_FUNC_WEAK;
		if (f->size > out->size)
			out->size = f->size;
		free(f->name);
		free(f->version);
	}
	ld->nr_funcs = n;
}

static void free_funcs(struct elf_func *funcs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(funcs[i].name);
		free(funcs[i].version);
	}
	free(funcs);
}

void elf_syms_free(struct elf_syms *syms)
{
	if (!syms)
		return;
	free_funcs(syms->funcs, syms->nr_funcs);
	free(syms->debug_path);
	free(syms->path);
	free(syms);
}

int elf_syms_load_opts(const char *path, const struct elf_syms_opts *opts, struct elf_syms **out)
{
	const char *debug_dir = opts && opts->debug_dir ? opts->debug_dir : DEFAULT_DEBUG_DIR;
	struct elf_file *file = NULL, *dbg = NULL;
	struct elf_syms *syms = NULL;
	struct loader ld = {};
	Elf_Scn *symtab, *dynsym;
	GElf_Shdr shdr;
	size_t i, nr_phdrs;
	int err;

	if (!path || !out)
		return -EINVAL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;

	syms = calloc(1, sizeof(*syms));
	if (!syms) {
		err = -ENOMEM;
		goto cleanup;
	}
	syms->path = strdup(path);
	if (!syms->path) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = elf_file_open(path, &file);
	if (err)
		goto cleanup;
	if (file->ehdr.e_type != ET_EXEC && file->ehdr.e_type != ET_DYN) {
		err = -ENOEXEC;
		goto cleanup;
	}
	syms->e_type = file->ehdr.e_type;
	syms->e_machine = file->ehdr.e_machine;
	ld.file = file;

	if (elf_getphdrnum(file->elf, &nr_phdrs)) {
		err = -ENOEXEC;
		goto cleanup;
	}
	ld.loads = calloc(nr_phdrs ?: 1, sizeof(*ld.loads));
	if (!ld.loads) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < nr_phdrs; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(file->elf, i, &ph) && ph.p_type == PT_LOAD && (ph.p_flags & PF_X))
			ld.loads[ld.nr_loads++] = ph;
	}

	syms->is_go = find_section(file, ".go.buildinfo", &shdr) != NULL;
	syms->build_id_len = read_build_id(file, syms->build_id, sizeof(syms->build_id));

	dynsym = find_section_type(file, SHT_DYNSYM, &shdr);
	if (dynsym) {
		err = read_symtab(&ld, file, dynsym, ELF_FUNC_DYNSYM);
		if (err)
			goto cleanup;
	}
	symtab = find_section_type(file, SHT_SYMTAB, &shdr);
	if (symtab) {
		err = read_symtab(&ld, file, symtab, ELF_FUNC_SYMTAB);
		if (err)
			goto cleanup;
	} else if (!(opts && opts->no_debug_file)) {
		dbg = find_debug_file(syms, file, debug_dir, &syms->debug_path);
		symtab = dbg ? find_section_type(dbg, SHT_SYMTAB, &shdr) : NULL;
		if (symtab) {
			/* the debug file's symbols, but the real file's segments and bytes */
			err = read_symtab(&ld, dbg, symtab, ELF_FUNC_SYMTAB);
			if (err)
				goto cleanup;
			syms->from_debug_file = true;
		}
	}

	sort_dedupe(&ld);
	syms->funcs = ld.funcs;
	syms->nr_funcs = ld.nr_funcs;
	syms->cxx_eh = ld.cxx_eh;
	ld.funcs = NULL;
	ld.nr_funcs = 0;
	*out = syms;
	syms = NULL;
	err = 0;
cleanup:
	free_funcs(ld.funcs, ld.nr_funcs);
	free(ld.loads);
	elf_file_close(dbg);
	elf_file_close(file);
	elf_syms_free(syms);
	return err;
}

int elf_build_id_hex(const char *path, char *hex, size_t len)
{
	unsigned char id[64];
	struct elf_file *f;
	size_t n, i;
	int err;

	if (!len)
		return -EINVAL;
	hex[0] = '\0';
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOTSUP;
	err = elf_file_open(path, &f);
	if (err)
		return err;
	n = read_build_id(f, id, sizeof(id));
	elf_file_close(f);
	for (i = 0; i < n && 2 * i + 2 < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	return 0;
}

int elf_syms_load(const char *path, struct elf_syms **out)
{
	return elf_syms_load_opts(path, NULL, out);
}

/* Calls @cb for every function whose symbol the fnmatch(3) pattern @glob matches, or with
 * @cxx that demangle_glob_matches() names. Returns the count, or @cb's negative return. */
static int match_scan(const struct elf_syms *syms, const char *glob, bool cxx,
		      int (*cb)(const struct elf_func *f, void *ctx), void *ctx)
{
	size_t i;
	int n = 0, err;

	for (i = 0; i < syms->nr_funcs; i++) {
		if (cxx ? !demangle_glob_matches(glob, syms->funcs[i].name) :
			  fnmatch(glob, syms->funcs[i].name, 0) != 0)
			continue;
		err = cb ? cb(&syms->funcs[i], ctx) : 0;
		if (err < 0)
			return err;
		n++;
	}
	return n;
}

int elf_syms_match(const struct elf_syms *syms, const char *glob,
		   int (*cb)(const struct elf_func *f, void *ctx), void *ctx)
{
	size_t lo = 0, hi, mid, i;
	int n = 0, err;

	if (!syms || !glob)
		return -EINVAL;

	if (!strpbrk(glob, "*?[\\")) {
		/* a plain name: binary search, funcs are sorted by name */
		hi = syms->nr_funcs;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (strcmp(syms->funcs[mid].name, glob) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (i = lo; i < syms->nr_funcs && strcmp(syms->funcs[i].name, glob) == 0; i++) {
			err = cb ? cb(&syms->funcs[i], ctx) : 0;
			if (err < 0)
				return err;
			n++;
		}
		return n;
	}

	return match_scan(syms, glob, false, cb, ctx);
}

int elf_syms_match_spec(const struct elf_syms *syms, const char *glob,
			int (*cb)(const struct elf_func *f, void *ctx), void *ctx)
{
	/* A mangled name names its symbol alone: no name needs demangling to tell. */
	if (!syms || !glob || (demangle_is_mangled(glob) && !strpbrk(glob, "*?[\\")))
		return elf_syms_match(syms, glob, cb, ctx);
	return match_scan(syms, glob, true, cb, ctx);
}
