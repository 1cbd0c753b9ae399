/* SPDX-License-Identifier: GPL-2.0 */
/* Function prototypes from DWARF: opening a module's DWARF (in the file or a separate debug
 * file), finding a function's DIE by address through a lazily built per-CU index, building its
 * prototype and planning what BPF must copy at entry. Types and the ABI are in dwarf_types.c,
 * printing in dwarf_format.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dwarf.h>
#include <gelf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <zlib.h>

#include "dwarf_priv.h"

typedef unsigned long long u64;

#define DEFAULT_DEBUG_DIR	"/usr/lib/debug"
#define MAX_DEPTH		8	/* nesting of types and namespaces we follow */

/* ---- opening: the file's own DWARF or its separate debug file ---- */

struct efile {
	int fd;
	Elf *elf;
};

/* Returns 0, or -errno (-ENOEXEC: not ELF). */
static int efile_open(const char *path, struct efile *f)
{
	f->elf = NULL;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return -errno;
	f->elf = elf_begin(f->fd, ELF_C_READ_MMAP, NULL);
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF) {
		elf_end(f->elf);
		close(f->fd);
		f->fd = -1;
		f->elf = NULL;
		return -ENOEXEC;
	}
	return 0;
}

static void efile_close(struct efile *f)
{
	elf_end(f->elf);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->elf = NULL;
}

/* Whether the file carries .debug_info with contents (a stripped file may keep an empty
 * section header; an --only-keep-debug file has NOBITS code but real DWARF). */
static bool elf_has_dwarf(Elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS || !sh.sh_size)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info")))
			return true;
	}
	return false;
}

/* Takes @f's DWARF for @m (and @f itself) if it has any. Returns 0, -ENODATA or -ENOMEM. */
static int module_attach(struct dwarf_module *m, struct efile *f, const char *path)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Half ver;
	uint8_t ut;
	Dwarf *dbg;

	if (!elf_has_dwarf(f->elf))
		return -ENODATA;
	dbg = dwarf_begin_elf(f->elf, DWARF_C_READ, NULL);
	if (!dbg)
		return -ENODATA;
	/* at least one unit: dwarf_begin_elf accepts line tables alone */
	if (dwarf_get_units(dbg, NULL, &cu, &ver, &ut, NULL, NULL) != 0) {
		dwarf_end(dbg);
		return -ENODATA;
	}
	m->path = strdup(path);
	if (!m->path) {
		dwarf_end(dbg);
		return -ENOMEM;
	}
	m->dbg = dbg;
	m->fd = f->fd;
	m->elf = f->elf;
	f->fd = -1;
	f->elf = NULL;
	return 0;
}

/* Returns whether @path is a regular file other than @self. */
static bool other_file(const char *path, const struct stat *self)
{
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	return st.st_dev != self->st_dev || st.st_ino != self->st_ino;
}

/* Returns whether the CRC32 of the file open at @fd is @want. */
static bool crc_matches(int fd, uint32_t want)
{
	unsigned char buf[65536];
	uLong crc = crc32(0, Z_NULL, 0);
	off_t pos = 0;
	ssize_t n;

	while ((n = pread(fd, buf, sizeof(buf), pos)) > 0) {
		crc = crc32(crc, buf, n);
		pos += n;
	}
	return n == 0 && crc == want;
}

/* Tries the debug file at @path for the file @real: the same build-id if both have one, else
 * (debuglink) the CRC. Returns 0 when @m took it. */
static int try_debug_file(struct dwarf_module *m, const char *path, struct efile *real,
			  const struct stat *self, const uint32_t *crc)
{
	const void *id_real, *id_dbg;
	ssize_t n_real, n_dbg;
	struct efile f;
	bool ok;
	int err;

	if (!other_file(path, self) || efile_open(path, &f))
		return -ENOENT;
	n_real = dwelf_elf_gnu_build_id(real->elf, &id_real);
	n_dbg = dwelf_elf_gnu_build_id(f.elf, &id_dbg);
	if (n_real > 0 && n_dbg > 0)
		ok = n_real == n_dbg && !memcmp(id_real, id_dbg, n_real);
	else
		ok = crc && crc_matches(f.fd, *crc);
	err = ok ? module_attach(m, &f, path) : -ENOENT;
	efile_close(&f);
	return err;
}

/* GDB's order: build-id under the debug dir, then .gnu_debuglink next to the file, in its
 * .debug/, and under the debug dir. Returns 0 when @m took one, else -ENODATA (or -ENOMEM). */
static int find_debug_file(struct dwarf_module *m, const char *path, struct efile *real,
			   const char *debug_dir)
{
	char cand[PATH_MAX], dir[PATH_MAX], *rp;
	const unsigned char *id;
	const char *link;
	struct stat self;
	GElf_Word crc;
	ssize_t n, i;
	int len, err;

	if (fstat(real->fd, &self))
		return -ENODATA;
	n = dwelf_elf_gnu_build_id(real->elf, (const void **)&id);
	if (n >= 2) {
		len = snprintf(cand, sizeof(cand), "%s/.build-id/%02x/", debug_dir, id[0]);
		for (i = 1; i < n && len > 0 && len < (int)sizeof(cand) - 3; i++)
			len += snprintf(cand + len, sizeof(cand) - len, "%02x", id[i]);
		if (len > 0 && i == n && len + 7 < (int)sizeof(cand)) {
			strcpy(cand + len, ".debug");
			err = try_debug_file(m, cand, real, &self, NULL);
			if (err != -ENOENT && err != -ENODATA)
				return err;
		}
	}

	link = dwelf_elf_gnu_debuglink(real->elf, &crc);
	if (!link || !*link || strchr(link, '/'))
		return -ENODATA;
	rp = realpath(path, NULL);
	snprintf(cand, sizeof(cand), "%s", rp ? rp : path);
	free(rp);
	snprintf(dir, sizeof(dir), "%s", dirname(cand));
	if (!strcmp(dir, "/"))
		dir[0] = '\0';
	for (i = 0; i < 3; i++) {
		/* dir/NAME, dir/.debug/NAME, DEBUGDIR/dir/NAME */
		len = snprintf(cand, sizeof(cand), "%s%s/%s%s", i == 2 ? debug_dir : "", dir,
			       i == 1 ? ".debug/" : "", link);
		if (len < 0 || len >= (int)sizeof(cand))
			continue;
		err = try_debug_file(m, cand, real, &self, &crc);
		if (err != -ENOENT && err != -ENODATA)
			return err;
	}
	return -ENODATA;
}

struct dwarf_module *dwarf_module_open_opts(const char *path, const char *debug_path,
					    const struct dwarf_open_opts *opts)
{
	const char *debug_dir = opts && opts->debug_dir ? opts->debug_dir : DEFAULT_DEBUG_DIR;
	struct efile real = { .fd = -1 }, f;
	struct dwarf_module *m;
	int err;

	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	elf_version(EV_CURRENT);
	m = calloc(1, sizeof(*m));
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->fd = -1;

	if (debug_path && !efile_open(debug_path, &f)) {
		err = module_attach(m, &f, debug_path);
		efile_close(&f);
		if (!err)
			return m;
		if (err == -ENOMEM)
			goto fail;
	}
	err = efile_open(path, &real);
	if (err)
		goto fail;
	err = module_attach(m, &real, path);
	if (err == -ENODATA)
		err = find_debug_file(m, path, &real, debug_dir);
	efile_close(&real);
	if (!err)
		return m;
fail:
	dwarf_module_close(m);
	errno = -err;
	return NULL;
}

struct dwarf_module *dwarf_module_open(const char *path, const char *debug_path)
{
	return dwarf_module_open_opts(path, debug_path, NULL);
}

const char *dwarf_module_path(const struct dwarf_module *m)
{
	return m ? m->path : NULL;
}

void dwarf_module_close(struct dwarf_module *m)
{
	if (!m)
		return;
	if (m->dbg)
		dwarf_end(m->dbg);
	elf_end(m->elf);
	if (m->fd >= 0)
		close(m->fd);
	arena_free(&m->arena);
	hmap_free(&m->types);
	hmap_free(&m->fns);
	free(m->cus);
	free(m->ranges);
	free(m->path);
	free(m);
}

/* ---- the function index: CU address ranges read once, a CU's subprograms when first hit ---- */

static int cmp_range(const void *a, const void *b)
{
	const struct cu_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Reads every compile unit's DIE and address ranges: one DIE per CU, not their contents.
 * Returns 0 or -ENOMEM. */
static int read_cus(struct dwarf_module *m)
{
	size_t cap_cus = 0, cap_ranges = 0;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	Dwarf_Half ver;
	uint8_t ut;

	m->cus_read = true;
	while (dwarf_get_units(m->dbg, cu, &cu, &ver, &ut, &cudie, NULL) == 0) {
		Dwarf_Addr base, lo, hi;
		struct cu_info *ci;
		ptrdiff_t off = 0;

		if (ut != DW_UT_compile)
			continue;
		if (m->nr_cus == cap_cus) {
			cap_cus = cap_cus ? cap_cus * 2 : 64;
			ci = realloc(m->cus, cap_cus * sizeof(*ci));
			if (!ci)
				return -ENOMEM;
			m->cus = ci;
		}
		ci = &m->cus[m->nr_cus];
		memset(ci, 0, sizeof(*ci));
		ci->die = cudie;
		while ((off = dwarf_ranges(&cudie, off, &base, &lo, &hi)) > 0) {
			struct cu_range *r;

			if (lo >= hi)
				continue;
			if (m->nr_ranges == cap_ranges) {
				cap_ranges = cap_ranges ? cap_ranges * 2 : 64;
				r = realloc(m->ranges, cap_ranges * sizeof(*r));
				if (!r)
					return -ENOMEM;
				m->ranges = r;
			}
			m->ranges[m->nr_ranges++] = (struct cu_range){ lo, hi, m->nr_cus };
			ci->has_ranges = true;
		}
		m->nr_cus++;
	}
	qsort(m->ranges, m->nr_ranges, sizeof(*m->ranges), cmp_range);
	return 0;
}

/* The address a subprogram is entered at: low_pc, or the start of its first range (a function
 * split into hot and cold parts). Returns whether it has code. */
static bool fn_entry_pc(Dwarf_Die *die, Dwarf_Addr *pc)
{
	Dwarf_Addr base, lo, hi;

	if (dwarf_lowpc(die, pc) == 0)
		return true;
	if (dwarf_ranges(die, 0, &base, &lo, &hi) > 0) {
		*pc = lo;
		return true;
	}
	return false;
}

static int add_fn(struct dwarf_module *m, Dwarf_Die *die)
{
	struct fn_entry *fe, *head;
	Dwarf_Addr pc;

	if (!fn_entry_pc(die, &pc) || !pc)
		return 0;
	fe = arena_alloc(&m->arena, sizeof(*fe));
	if (!fe)
		return -ENOMEM;
	fe->die = *die;
	head = hmap_get(&m->fns, pc);
	if (head) {
		/* keep the first at the head, in DIE order */
		while (head->next)
			head = head->next;
		head->next = fe;
		return 0;
	}
	return hmap_put(&m->fns, pc, fe);
}

/* Indexes the subprograms under @parent, descending into C++ namespaces. */
static int index_children(struct dwarf_module *m, Dwarf_Die *parent, int depth)
{
	Dwarf_Die child;
	int err = 0;

	if (dwarf_child(parent, &child) != 0)
		return 0;
	do {
		switch (dwarf_tag(&child)) {
		case DW_TAG_subprogram:
			err = add_fn(m, &child);
			break;
		case DW_TAG_namespace:
			if (depth < MAX_DEPTH)
				err = index_children(m, &child, depth + 1);
			break;
		}
	} while (!err && dwarf_siblingof(&child, &child) == 0);
	return err;
}

static int index_cu(struct dwarf_module *m, struct cu_info *ci)
{
	if (ci->indexed)
		return 0;
	ci->indexed = true;
	return index_children(m, &ci->die, 0);
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

static bool fn_named(Dwarf_Die *die, const char *name)
{
	Dwarf_Attribute a;
	const char *s;

	s = die_name(die);
	if (s && !strcmp(s, name))
		return true;
	s = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	return s && !strcmp(s, name);
}

/* The subprogram entered at @addr (preferring one called @name), or by @name alone when @addr
 * is 0. Returns NULL if none. */
static struct fn_entry *find_fn(struct dwarf_module *m, const char *name, u64 addr)
{
	struct fn_entry *fe, *head;
	size_t lo = 0, hi, i;

	if (!m->cus_read && read_cus(m))
		return NULL;
	if (!addr) {
		if (!name)
			return NULL;
		/* rare (callers know the address): index everything, then look at every entry */
		for (i = 0; i < m->nr_cus; i++)
			if (index_cu(m, &m->cus[i]))
				return NULL;
		for (i = 0; i < m->fns.cap; i++)
			for (fe = m->fns.vals[i]; fe; fe = fe->next)
				if (fn_named(&fe->die, name))
					return fe;
		return NULL;
	}

	/* the last range starting at or below addr; ranges of different CUs may interleave */
	hi = m->nr_ranges;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->ranges[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	head = NULL;
	for (i = lo; i-- > 0 && !head;) {
		if (m->ranges[i].hi <= addr)
			continue;
		if (index_cu(m, &m->cus[m->ranges[i].cu]))
			return NULL;
		head = hmap_get(&m->fns, addr);
	}
	if (!head && !m->rangeless_indexed) {
		m->rangeless_indexed = true;
		for (i = 0; i < m->nr_cus; i++)
			if (!m->cus[i].has_ranges && index_cu(m, &m->cus[i]))
				return NULL;
		head = hmap_get(&m->fns, addr);
	}
	if (!head || !name)
		return head;
	for (fe = head; fe; fe = fe->next)
		if (fn_named(&fe->die, name))
			return fe;
	return head;
}

bool dwarf_fn_die(struct dwarf_module *m, const char *name, unsigned long long addr,
		  Dwarf_Die *die)
{
	struct fn_entry *fe = m ? find_fn(m, name, addr) : NULL;

	if (fe)
		*die = fe->die;
	return fe != NULL;
}

static void add_cap(struct dwarf_proto *p, int d, unsigned char kind, unsigned char src,
		    unsigned char reg, int off, unsigned int size)
{
	struct rtrace_func_capture_spec *c = &p->spec[d].cap[p->nr_caps[d]++];

	c->kind = kind;
	c->src = src;
	c->reg = reg;
	c->off = off;
	c->size = size > RTRACE_CAPTURE_MAX ? RTRACE_CAPTURE_MAX : size;
}

/* A capture of the memory a pointer argument points to, from its register or stack slot. */
static void add_mem_cap(struct dwarf_proto *p, int d, struct dwarf_param *pa, unsigned char kind,
			unsigned int size)
{
	pa->mem_cap[d] = p->nr_caps[d];
	if (pa->loc == LOC_REGS)
		add_cap(p, d, kind, RTRACE_FCAP_REG, pa->eb[0].reg, 0, size);
	else
		add_cap(p, d, kind, RTRACE_FCAP_STACK_PTR, 0, 8 + pa->stack_off, size);
}

static bool pointer_param(const struct dwarf_param *pa)
{
	return (pa->loc == LOC_REGS && pa->neb == 1 && pa->eb[0].kind == EB_INT) ||
	       pa->loc == LOC_STACK;
}

void dp_plan_captures(struct dwarf_proto *p)
{
	unsigned int i;
	int d;

	for (d = 0; d < 2; d++) {
		memset(&p->spec[d], 0, sizeof(p->spec[d]));
		p->nr_caps[d] = 0;
		p->stack_cap[d] = -1;
		for (i = 0; i < p->nr_params; i++)
			p->params[i].mem_cap[d] = -1;
		/* the stack block first: without it those arguments have no value at all */
		if (p->stack_size) {
			p->stack_cap[d] = p->nr_caps[d];
			add_cap(p, d, RTRACE_CAP_FIXED, RTRACE_FCAP_STACK, 0, 8, p->stack_size);
		}
		for (i = 0; i < p->nr_params && p->nr_caps[d] < RTRACE_MAX_FUNC_CAPTURES; i++) {
			struct dwarf_param *pa = &p->params[i];

			if (pa->type->kind == DT_PTR && !pa->type->is_ref && pointer_param(pa) &&
			    dt_is_string_target(pa->type->target))
				add_mem_cap(p, d, pa, RTRACE_CAP_STR, 0);
		}
		for (i = 0; i < p->nr_params && p->nr_caps[d] < RTRACE_MAX_FUNC_CAPTURES; i++) {
			struct dwarf_param *pa = &p->params[i];

			if (!pointer_param(pa))
				continue;
			/* a C++ by-reference copy is a value: shown whole without --deref too */
			if (pa->by_ref && dt_is_deref_target(pa->type))
				add_mem_cap(p, d, pa, RTRACE_CAP_FIXED, pa->type->size);
			else if (d && pa->type->kind == DT_PTR &&
				 dt_is_deref_target(pa->type->target))
				add_mem_cap(p, d, pa, RTRACE_CAP_FIXED, pa->type->target->size);
		}
	}
}

/* ---- prototypes ---- */

/* Clones whose ABI GCC changed, and split-off cold parts, which are not entry points. */
static bool is_clone_name(const char *name)
{
	return strstr(name, ".isra.") || strstr(name, ".constprop.") || strstr(name, ".part.") ||
	       strstr(name, ".cold");
}

/* The DIE whose children list the parameters: the function's own, or for a concrete instance
 * without them, its abstract origin's or declaration's. */
static bool has_params(Dwarf_Die *fn)
{
	Dwarf_Die c;

	if (dwarf_child(fn, &c) != 0)
		return false;
	do {
		int tag = dwarf_tag(&c);

		if (tag == DW_TAG_formal_parameter || tag == DW_TAG_unspecified_parameters)
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

static bool params_die(Dwarf_Die *fn, Dwarf_Die *out)
{
	static const unsigned int refs[] = { DW_AT_abstract_origin, DW_AT_specification };
	Dwarf_Die cur = *fn;
	unsigned int i, hops;
	Dwarf_Attribute a;

	for (hops = 0; hops < 4; hops++) {
		if (has_params(&cur)) {
			*out = cur;
			return true;
		}
		for (i = 0; i < 2; i++)
			if (dwarf_attr(&cur, refs[i], &a) && dwarf_formref_die(&a, &cur))
				break;
		if (i == 2)
			break;
	}
	*out = *fn;
	return false;
}

static struct dwarf_proto *build_proto(struct dwarf_module *m, Dwarf_Die *fn, u64 addr)
{
	struct dwarf_proto *p;
	Dwarf_Die pdie, c, cudie;
	unsigned int i = 0, n = 0;
	Dwarf_Word cc;
	bool own;

	/* DW_CC_nocall: gcc changed its ABI; vendor values: clang's ms_abi and the like */
	if (attr_udata(fn, DW_AT_calling_convention, &cc) && cc != DW_CC_normal &&
	    cc != DW_CC_program)
		return NULL;
	/* an assembler's DIE for a symbol: it says nothing of the parameters */
	if (!dwarf_diecu(fn, &cudie, NULL, NULL) || dwarf_srclang(&cudie) == DW_LANG_Mips_Assembler)
		return NULL;
	p = arena_alloc(&m->arena, sizeof(*p));
	if (!p)
		return NULL;
	p->name = die_name(fn);
	p->addr = addr;
	p->ret = type_of(m, fn, 0);
	p->ret_type_name = die_type_name(m, fn);

	own = params_die(fn, &pdie) && pdie.addr == fn->addr;
	if (dwarf_child(&pdie, &c) == 0) {
		do {
			if (dwarf_tag(&c) == DW_TAG_formal_parameter)
				n++;
			else if (dwarf_tag(&c) == DW_TAG_unspecified_parameters)
				p->variadic = true;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	p->params = n ? arena_alloc(&m->arena, n * sizeof(*p->params)) : NULL;
	if (n && !p->params)
		return NULL;
	if (n && dwarf_child(&pdie, &c) == 0) {
		do {
			struct dwarf_param *pa = &p->params[i];
			const char *name;

			if (dwarf_tag(&c) != DW_TAG_formal_parameter || i >= n)
				continue;
			name = die_name(&c);
			if (!name) {
				char buf[16];

				snprintf(buf, sizeof(buf), "arg%u", i + 1);
				name = arena_strdup(&m->arena, buf);
			}
			pa->name = name ? name : "?";
			pa->type = type_of(m, &c, 0);
			pa->type_name = die_type_name(m, &c);
			i++;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	p->nr_params = i;

	assign_locations(m, p);

	/* where the compiler says a register parameter is at entry wins over our reading */
	if (own && dwarf_child(fn, &c) == 0) {
		i = 0;
		do {
			struct dwarf_param *pa = &p->params[i];
			struct eb_loc loc;

			if (dwarf_tag(&c) != DW_TAG_formal_parameter)
				continue;
			if (i >= p->nr_params)
				break;
			if (pa->loc == LOC_REGS && pa->neb == 1 && pa->type->size <= 8 &&
			    entry_location(&c, addr, &loc) &&
			    (loc.kind != pa->eb[0].kind || loc.reg != pa->eb[0].reg)) {
				pa->eb[0] = loc;
				pa->loc_fixed = true;
			}
			i++;
		} while (dwarf_siblingof(&c, &c) == 0);
	}

	/* structs behind pointer arguments, for --deref */
	for (i = 0; i < p->nr_params; i++)
		if (p->params[i].type->kind == DT_PTR && p->params[i].type->target)
			complete_type(m, p->params[i].type->target, 0);
	dp_plan_captures(p);
	return p;
}

const struct dwarf_proto *dwarf_proto_find(struct dwarf_module *m, const char *name,
					   unsigned long long addr)
{
	struct fn_entry *fe;

	if (!m || (!name && !addr)) {
		errno = EINVAL;
		return NULL;
	}
	if (name && is_clone_name(name)) {
		errno = ENOENT;
		return NULL;
	}
	fe = find_fn(m, name, addr);
	if (!fe) {
		errno = ENOENT;
		return NULL;
	}
	if (!fe->built) {
		Dwarf_Addr pc = addr;

		if (!pc)
			fn_entry_pc(&fe->die, &pc);
		fe->built = true;
		fe->proto = build_proto(m, &fe->die, pc);
	}
	if (!fe->proto)
		errno = ENOENT;
	return fe->proto;
}

int dwarf_proto_captures(const struct dwarf_proto *p, bool deref, struct rtrace_func_spec *spec)
{
	if (!spec)
		return -EINVAL;
	if (!p) {
		memset(spec, 0, sizeof(*spec));
		return 0;
	}
	*spec = p->spec[deref];
	return p->nr_caps[deref];
}

int dwarf_proto_ret_captures(const struct dwarf_proto *p, struct rtrace_func_spec *spec)
{
	if (!spec)
		return -EINVAL;
	memset(spec, 0, sizeof(*spec));
	if (!p || p->ret_loc != RET_REGS || !p->ret || p->ret->kind != DT_PTR ||
	    p->ret->is_ref || !dt_is_string_target(p->ret->target))
		return 0;
	spec->cap[0].kind = RTRACE_CAP_STR;
	spec->cap[0].src = RTRACE_FCAP_RET;
	return 1;
}

/* ---- accessors ---- */

const char *dwarf_proto_name(const struct dwarf_proto *p)
{
	return p ? p->name : NULL;
}

unsigned int dwarf_proto_nr_params(const struct dwarf_proto *p)
{
	return p ? p->nr_params : 0;
}

const char *dwarf_proto_param_name(const struct dwarf_proto *p, unsigned int i)
{
	return p && i < p->nr_params ? p->params[i].name : NULL;
}

const char *dwarf_proto_param_type(const struct dwarf_proto *p, unsigned int i)
{
	return p && i < p->nr_params ? p->params[i].type_name : NULL;
}

bool dwarf_proto_variadic(const struct dwarf_proto *p)
{
	return p && p->variadic;
}

bool dwarf_proto_has_ret(const struct dwarf_proto *p)
{
	return p && p->ret_loc != RET_VOID;
}

unsigned int dwarf_proto_arg_regs(const struct dwarf_proto *p)
{
	unsigned int mask = 0, i, e;

	for (i = 0; p && i < p->nr_params; i++) {
		const struct dwarf_param *pa = &p->params[i];

		if (pa->loc == LOC_UNKNOWN)
			break;		/* this and later values print as `?` */
		if (pa->loc != LOC_REGS)
			continue;
		for (e = 0; e < pa->neb && e < 2; e++)
			if (pa->eb[e].kind == EB_INT && pa->eb[e].reg < 6)
				mask |= 1u << pa->eb[e].reg;
	}
	return mask;
}

static const char *const int_reg_names[6] = { "rdi", "rsi", "rdx", "rcx", "r8", "r9" };

static void print_eb(FILE *out, const struct eb_loc *e, bool ret)
{
	if (e->kind == EB_INT)
		fputs(ret ? (e->reg ? "rdx" : "rax") : int_reg_names[e->reg % 6], out);
	else if (e->kind == EB_SSE)
		fprintf(out, "xmm%u", e->reg);
	else
		fputs("-", out);
}

void dwarf_proto_describe(FILE *out, const struct dwarf_proto *p)
{
	unsigned int i, k;

	if (!p)
		return;
	fprintf(out, "%s(", p->name ? p->name : "?");
	for (i = 0; i < p->nr_params; i++) {
		const struct dwarf_param *pa = &p->params[i];
		const char *tn = pa->type_name ? pa->type_name : "?";

		const char *fp = strstr(tn, "(*)");

		if (i)
			fputs(", ", out);
		if (fp)		/* int (*cmp)() */
			fprintf(out, "%.*s(*%s)%s@", (int)(fp - tn), tn, pa->name, fp + 3);
		else
			fprintf(out, "%s%s%s@", tn, tn[0] && tn[strlen(tn) - 1] == '*' ? "" : " ",
				pa->name);
		switch (pa->loc) {
		case LOC_REGS:
			for (k = 0; k < pa->neb; k++) {
				/* SSEUP: the upper half of the same xmm */
				if (k && pa->eb[k].kind == EB_SSE && pa->eb[k - 1].kind == EB_SSE &&
				    pa->eb[k].reg == pa->eb[k - 1].reg)
					continue;
				if (k)
					fputc(':', out);
				print_eb(out, &pa->eb[k], false);
			}
			if (pa->by_ref)
				fputs("(ref)", out);
			break;
		case LOC_STACK:
			fprintf(out, "stack+%u%s", pa->stack_off, pa->by_ref ? "(ref)" : "");
			break;
		case LOC_NONE:
			fputs("none", out);
			break;
		default:
			fputs("?", out);
		}
	}
	if (p->variadic)
		fputs(p->nr_params ? ", ..." : "...", out);
	if (p->ret_loc == RET_VOID) {
		fputs(") -> void", out);
		return;
	}
	fprintf(out, ") -> %s@", p->ret_type_name ? p->ret_type_name : "?");
	switch (p->ret_loc) {
	case RET_REGS:
		for (k = 0; k < p->ret_neb; k++) {
			if (k && p->ret_eb[k].kind == EB_SSE && p->ret_eb[k - 1].kind == EB_SSE &&
			    p->ret_eb[k].reg == p->ret_eb[k - 1].reg)
				continue;
			if (k)
				fputc(':', out);
			print_eb(out, &p->ret_eb[k], true);
		}
		break;
	case RET_MEM:
		fputs("mem", out);
		break;
	case RET_X87:
		fputs("st0", out);
		break;
	default:
		fputs("?", out);
	}
}
