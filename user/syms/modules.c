/* SPDX-License-Identifier: GPL-2.0 */
/* MODULE of `-x [MODULE:]GLOB` → a file path.
 *
 * For a running process the answer is in /proc/PID/maps. For a program not started yet we do
 * what ld.so will do: walk DT_NEEDED breadth first and search each name in DT_RPATH,
 * LD_LIBRARY_PATH, DT_RUNPATH, the ld.so cache and the default directories (ld.so(8)).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules.h"
#include "procmaps.h"

#define LD_CACHE_PATH "/etc/ld.so.cache"
#define LDCONFIG "/sbin/ldconfig"
#define CACHE_MAGIC_OLD "ld.so-1.7.0"
#define CACHE_MAGIC_NEW "glibc-ld.so.cache"
#define CACHE_VERSION_NEW "1.1"
#define DELETED_SUFFIX " (deleted)"

/* ld.so's trusted directories on Debian x86-64, after the cache */
static const char *const default_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/lib", "/usr/lib",
};

/* glibc's struct cache_file_new and struct file_entry_new (sysdeps/generic/dl-cache.h) */
struct cache_header_new {
	char magic[sizeof(CACHE_MAGIC_NEW) - 1];
	char version[sizeof(CACHE_VERSION_NEW) - 1];
	uint32_t nlibs;
	uint32_t len_strings;
	uint8_t flags;
	uint8_t pad[3];
	uint32_t extension_offset;
	uint32_t unused[3];
};

struct cache_entry_new {
	int32_t flags;
	uint32_t key;		/* soname, offset from the new header */
	uint32_t value;		/* path, offset from the new header */
	uint32_t osversion;
	uint64_t hwcap;
};

/* the old format: magic, nlibs, then 12-byte entries; the new one follows at 8-byte alignment */
#define CACHE_OLD_HDR 16
#define CACHE_OLD_ENTRY 12

/* ELF identity that ld.so checks before taking a candidate: class, byte order, machine */
struct elf_ident {
	unsigned char cls, data;
	unsigned char machine[2];	/* raw e_machine bytes, in the file's byte order */
};

/* One object of the load graph of a program. */
struct mod_node {
	char *name;		/* the DT_NEEDED string (basename for the executable) */
	char *path;		/* canonical path */
	char *origin;		/* $ORIGIN: directory it was found in */
	char *rpath;		/* DT_RPATH, DT_RUNPATH, or NULL */
	char *runpath;
	char **needed;		/* DT_NEEDED strings */
	size_t nr_needed;
	int parent;		/* index of the object that needed it, -1 for the executable */
};

struct mod_graph {
	struct mod_node *nodes;
	size_t n, cap;
	struct elf_ident id;	/* of the executable */
	char *interp;		/* PT_INTERP of the executable */
	struct ld_cache *cache;	/* loaded on first use */
	bool cache_tried;
};

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* ---- ld.so cache ---- */

void ld_cache_free(struct ld_cache *cache)
{
	size_t i;

	if (!cache)
		return;
	for (i = 0; i < cache->n; i++) {
		free(cache->entries[i].soname);
		free(cache->entries[i].path);
	}
	free(cache->entries);
	free(cache);
}

/* Append (soname, path). Returns 0 or -ENOMEM. */
static int cache_add(struct ld_cache *c, size_t *cap, const char *soname, size_t soname_len,
		     const char *path, size_t path_len)
{
	struct ld_cache_entry *tmp, *e;

	if (c->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;

		tmp = realloc(c->entries, ncap * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		c->entries = tmp;
		*cap = ncap;
	}
	e = &c->entries[c->n];
	e->soname = strndup(soname, soname_len);
	e->path = strndup(path, path_len);
	if (!e->soname || !e->path) {
		free(e->soname);
		free(e->path);
		return -ENOMEM;
	}
	c->n++;
	return 0;
}

/* Parse the ld.so cache image @buf. Returns 0, -ENOEXEC when it is not a cache in the new format,
 * or -ENOMEM.
 */
static int cache_parse(struct ld_cache *c, const char *buf, size_t size)
{
	const struct cache_header_new *hdr;
	const struct cache_entry_new *ents;
	size_t off = 0, cap = 0, i, left;
	const char *base;
	uint32_t nlibs;
	int err;

	if (size >= CACHE_OLD_HDR && memcmp(buf, CACHE_MAGIC_OLD, strlen(CACHE_MAGIC_OLD)) == 0) {
		memcpy(&nlibs, buf + 12, sizeof(nlibs));
		off = CACHE_OLD_HDR + (size_t)nlibs * CACHE_OLD_ENTRY;
		off = (off + 7) & ~(size_t)7;
	}
	if (off > size || size - off < sizeof(*hdr))
		return -ENOEXEC;
	base = buf + off;
	left = size - off;
	hdr = (const struct cache_header_new *)base;
	if (memcmp(hdr->magic, CACHE_MAGIC_NEW, sizeof(hdr->magic)) ||
	    memcmp(hdr->version, CACHE_VERSION_NEW, sizeof(hdr->version)))
		return -ENOEXEC;
	if (hdr->nlibs > (left - sizeof(*hdr)) / sizeof(*ents))
		return -ENOEXEC;
	ents = (const struct cache_entry_new *)(base + sizeof(*hdr));
	for (i = 0; i < hdr->nlibs; i++) {
		uint32_t k = ents[i].key, v = ents[i].value;
		size_t kl, vl;

		if (k >= left || v >= left)
			return -ENOEXEC;
		kl = strnlen(base + k, left - k);
		vl = strnlen(base + v, left - v);
		if (k + kl == left || v + vl == left)
			return -ENOEXEC;
		err = cache_add(c, &cap, base + k, kl, base + v, vl);
		if (err)
			return err;
	}
	return 0;
}

/* Parse `ldconfig -p`: "\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6". Returns 0
 * or -errno (-ENOENT when it could not be run or printed nothing).
 */
static int cache_from_ldconfig(struct ld_cache *c)
{
	char *line = NULL, *paren, *arrow;
	size_t linecap = 0, cap = 0, len;
	FILE *p;
	int err = 0, status;

	p = popen(LDCONFIG " -p 2>/dev/null", "re");
	if (!p)
		return -errno;
	while (getline(&line, &linecap, p) > 0) {
		if (line[0] != '\t')
			continue;
		len = strcspn(line, "\n");
		line[len] = '\0';
		paren = strstr(line, " (");
		arrow = strstr(line, " => ");
		if (!paren || !arrow || paren > arrow)
			continue;
		err = cache_add(c, &cap, line + 1, paren - line - 1, arrow + 4, strlen(arrow + 4));
		if (err)
			break;
	}
	free(line);
	status = pclose(p);
	if (!err && (status != 0 || !c->n))
		err = -ENOENT;
	return err;
}

int ld_cache_load(const char *path, struct ld_cache **out)
{
	struct ld_cache *c = NULL;
	void *map = MAP_FAILED;
	struct stat st;
	int fd = -1, err;

	if (!out)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;

	fd = open(path ?: LD_CACHE_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || st.st_size <= 0) {
		err = -ENOENT;
	} else {
		map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		err = map == MAP_FAILED ? -errno : cache_parse(c, map, st.st_size);
	}
	if (err == -ENOMEM)
		goto cleanup;
	if (err) {
		/* unreadable, or a format we do not know: ask ldconfig, which knows them all */
		ld_cache_free(c);
		c = calloc(1, sizeof(*c));
		if (!c) {
			err = -ENOMEM;
			goto cleanup;
		}
		c->from_ldconfig = true;
		err = cache_from_ldconfig(c);
		if (err)
			goto cleanup;
	}
	*out = c;
	c = NULL;
cleanup:
	if (map != MAP_FAILED)
		munmap(map, st.st_size);
	if (fd >= 0)
		close(fd);
	ld_cache_free(c);
	return err;
}

/* ---- load graph of a program ---- */

/* Read the ELF identity of @path. Returns 0 or -errno (-ENOEXEC: not ELF). */
static int read_ident(const char *path, struct elf_ident *id)
{
	unsigned char h[20];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, h, sizeof(h), 0);
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG))
		return -ENOEXEC;
	id->cls = h[EI_CLASS];
	id->data = h[EI_DATA];
	memcpy(id->machine, h + 18, 2);	/* e_machine: same place in ELF32 and ELF64 */
	return 0;
}

/* Returns whether @path is a regular file ld.so would load next to an object of identity @want. */
static bool compatible(const char *path, const struct elf_ident *want)
{
	struct elf_ident id;
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || read_ident(path, &id))
		return false;
	return id.cls == want->cls && id.data == want->data &&
	       memcmp(id.machine, want->machine, 2) == 0;
}

/* Returns the file offset of @vaddr in any PT_LOAD of @elf, or -1. */
static long long vaddr_offset(Elf *elf, size_t nr_phdrs, unsigned long long vaddr)
{
	GElf_Phdr ph;
	size_t i;

	for (i = 0; i < nr_phdrs; i++) {
		if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr &&
		    vaddr - ph.p_vaddr < ph.p_filesz)
			return vaddr - ph.p_vaddr + ph.p_offset;
	}
	return -1;
}

/* Returns a malloc'd copy of the NUL-terminated string at @off of the file image, or NULL. */
static char *raw_string(const char *raw, size_t size, unsigned long long off)
{
	size_t len;

	if (off >= size)
		return NULL;
	len = strnlen(raw + off, size - off);
	return off + len < size ? strndup(raw + off, len) : NULL;
}

/* Fill @node's DT_NEEDED, DT_RPATH and DT_RUNPATH (and *interp for the executable when @interp)
 * from the program headers, which are what ld.so reads too. Returns 0 (an object without
 * PT_DYNAMIC has nothing), -ENOEXEC when @node->path is not ELF, -ENOMEM or -errno from open.
 */
static int read_dynamic(struct mod_node *node, char **interp)
{
	unsigned long long strtab = 0, strsz = 0;
	size_t i, nr_phdrs, raw_size, nr_dyn, cap = 0;
	Elf_Data *dyn_data = NULL;
	Elf *elf = NULL;
	long long stroff;
	const char *raw;
	GElf_Phdr ph;
	GElf_Dyn dyn;
	int fd, err = 0;
	char **tmp;

	fd = open(node->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &nr_phdrs)) {
		err = -ENOEXEC;
		goto cleanup;
	}
	raw = elf_rawfile(elf, &raw_size);
	if (!raw) {
		err = -ENOEXEC;
		goto cleanup;
	}
	for (i = 0; i < nr_phdrs; i++) {
		if (!gelf_getphdr(elf, i, &ph))
			continue;
		if (ph.p_type == PT_INTERP && interp && !*interp) {
			*interp = raw_string(raw, raw_size, ph.p_offset);
		} else if (ph.p_type == PT_DYNAMIC && !dyn_data && ph.p_filesz &&
			   ph.p_offset < raw_size && ph.p_filesz <= raw_size - ph.p_offset) {
			dyn_data = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz, ELF_T_DYN);
		}
	}
	if (!dyn_data)
		goto cleanup;

	nr_dyn = dyn_data->d_size / gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);
	for (i = 0; i < nr_dyn && gelf_getdyn(dyn_data, i, &dyn); i++) {
		if (dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_STRTAB)
			strtab = dyn.d_un.d_ptr;
		else if (dyn.d_tag == DT_STRSZ)
			strsz = dyn.d_un.d_val;
	}
	stroff = vaddr_offset(elf, nr_phdrs, strtab);
	if (stroff < 0 || (size_t)stroff >= raw_size)
		goto cleanup;
	/* DT_STRSZ bounds the strings; the file's size bounds DT_STRSZ */
	if (!strsz || strsz > raw_size - stroff)
		strsz = raw_size - stroff;

	for (i = 0; i < nr_dyn && gelf_getdyn(dyn_data, i, &dyn); i++) {
		char *s, **slot = NULL;

		if (dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_RPATH)
			slot = &node->rpath;
		else if (dyn.d_tag == DT_RUNPATH)
			slot = &node->runpath;
		else if (dyn.d_tag != DT_NEEDED)
			continue;
		if (dyn.d_un.d_val >= strsz)
			continue;
		s = raw_string(raw, stroff + strsz, stroff + dyn.d_un.d_val);
		if (!s) {
			err = -ENOMEM;
			goto cleanup;
		}
		if (slot) {
			free(*slot);
			*slot = s;
			continue;
		}
		if (node->nr_needed == cap) {
			cap = cap ? cap * 2 : 8;
			tmp = realloc(node->needed, cap * sizeof(*tmp));
			if (!tmp) {
				free(s);
				err = -ENOMEM;
				goto cleanup;
			}
			node->needed = tmp;
		}
		node->needed[node->nr_needed++] = s;
	}
cleanup:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

static void graph_free(struct mod_graph *g)
{
	struct mod_node *node;
	size_t i;

	for (i = 0; i < g->n; i++) {
		node = &g->nodes[i];
		free_strv(node->needed, node->nr_needed);
		free(node->runpath);
		free(node->rpath);
		free(node->origin);
		free(node->path);
		free(node->name);
	}
	free(g->nodes);
	free(g->interp);
	ld_cache_free(g->cache);
	memset(g, 0, sizeof(*g));
}

/* Add an object found at @found (not canonical) as needed by @parent. Takes @name. Returns the
 * new node, NULL when the same file is already in the graph (@name is freed), or NULL with
 * errno = ENOMEM.
 */
static struct mod_node *graph_add(struct mod_graph *g, char *name, const char *found, int parent)
{
	struct mod_node *node, *tmp;
	char *path, *dir, *origin;
	size_t i;

	path = realpath(found, NULL);
	if (!path) {
		free(name);
		errno = errno == ENOMEM ? ENOMEM : 0;
		return NULL;
	}
	for (i = 0; i < g->n; i++) {
		if (strcmp(g->nodes[i].path, path) == 0) {
			free(path);
			free(name);
			errno = 0;
			return NULL;
		}
	}
	dir = strdup(found);
	origin = dir ? strdup(dirname(dir)) : NULL;
	free(dir);
	if (!origin)
		goto nomem;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;

		tmp = realloc(g->nodes, cap * sizeof(*tmp));
		if (!tmp)
			goto nomem;
		g->nodes = tmp;
		g->cap = cap;
	}
	node = &g->nodes[g->n++];
	memset(node, 0, sizeof(*node));
	node->name = name;
	node->path = path;
	node->origin = origin;
	node->parent = parent;
	return node;
nomem:
	free(origin);
	free(path);
	free(name);
	errno = ENOMEM;
	return NULL;
}

/* Expand $ORIGIN / ${ORIGIN} in the search-path element @elem (length @len). Returns a malloc'd
 * string, or NULL (no origin to expand, or ENOMEM).
 */
static char *expand_origin(const char *elem, size_t len, const char *origin)
{
	char *out, *p;
	size_t i, olen = origin ? strlen(origin) : 0;

	/* the result is at most len * (olen + 1) long */
	out = malloc(len * (olen + 1) + 2);
	if (!out)
		return NULL;
	p = out;
	for (i = 0; i < len;) {
		size_t tok = 0;

		if (elem[i] == '$' && len - i >= 7 && strncmp(elem + i, "$ORIGIN", 7) == 0)
			tok = 7;
		else if (elem[i] == '$' && len - i >= 9 && strncmp(elem + i, "${ORIGIN}", 9) == 0)
			tok = 9;
		if (!tok) {
			*p++ = elem[i++];
			continue;
		}
		if (!origin) {
			free(out);
			return NULL;
		}
		memcpy(p, origin, olen);
		p += olen;
		i += tok;
	}
	if (p == out)
		*p++ = '.';	/* an empty element is the current directory */
	*p = '\0';
	return out;
}

/* Search the ':'-separated @list for @name. Returns the malloc'd path found, or NULL (errno =
 * ENOMEM, or 0 when not found).
 */
static char *search_list(const struct mod_graph *g, const char *list, const char *seps,
			 const char *origin, const char *name)
{
	const char *elem = list;
	char *dir, *path;
	size_t len;

	errno = 0;
	while (list && *elem) {
		len = strcspn(elem, seps);
		dir = expand_origin(elem, len, origin);
		if (dir) {
			if (asprintf(&path, "%s/%s", dir, name) < 0) {
				free(dir);
				errno = ENOMEM;
				return NULL;
			}
			free(dir);
			if (compatible(path, &g->id))
				return path;
			free(path);
		}
		elem += len;
		if (*elem)
			elem++;
	}
	errno = 0;
	return NULL;
}

/* Find @name, needed by node @loader, the way ld.so does (ld.so(8) "Shared object dependencies").
 * Returns the malloc'd path, or NULL (errno = ENOMEM, or 0 when not found).
 */
static char *find_needed(struct mod_graph *g, int loader, const char *name)
{
	const struct mod_node *ln = &g->nodes[loader];
	char *path;
	size_t i;
	int l;

	if (strchr(name, '/')) {
		errno = 0;
		return compatible(name, &g->id) ? strdup(name) : NULL;
	}
	/* DT_RPATH of the loader and of the objects that loaded it, unless it has DT_RUNPATH */
	if (!ln->runpath) {
		for (l = loader; l >= 0; l = g->nodes[l].parent) {
			const struct mod_node *n = &g->nodes[l];

			if (n->runpath || !n->rpath)
				continue;
			path = search_list(g, n->rpath, ":", n->origin, name);
			if (path || errno)
				return path;
		}
	}
	path = search_list(g, getenv("LD_LIBRARY_PATH"), ":;", g->nodes[0].origin, name);
	if (path || errno)
		return path;
	path = search_list(g, ln->runpath, ":", ln->origin, name);
	if (path || errno)
		return path;

	if (!g->cache_tried) {
		g->cache_tried = true;
		if (ld_cache_load(NULL, &g->cache) == -ENOMEM) {
			errno = ENOMEM;
			return NULL;
		}
	}
	for (i = 0; g->cache && i < g->cache->n; i++) {
		if (strcmp(g->cache->entries[i].soname, name) == 0 &&
		    compatible(g->cache->entries[i].path, &g->id)) {
			path = strdup(g->cache->entries[i].path);
			errno = path ? 0 : ENOMEM;
			return path;
		}
	}

	for (i = 0; i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++) {
		path = search_list(g, default_dirs[i], ":", NULL, name);
		if (path || errno)
			return path;
	}
	return NULL;
}

/* Find an executable named @exe in $PATH (execvp's rule) unless it has a '/'. Returns a malloc'd
 * path or NULL with errno.
 */
static char *find_exe(const char *exe)
{
	const char *list, *elem;
	char *path;
	size_t len;

	if (strchr(exe, '/'))
		return strdup(exe);
	list = getenv("PATH") ?: "/usr/local/bin:/usr/bin:/bin";
	for (elem = list; *elem; elem += *elem ? 1 : 0) {
		struct stat st;

		len = strcspn(elem, ":");
		if (asprintf(&path, "%.*s/%s", (int)len, len ? elem : ".", exe) < 0) {
			errno = ENOMEM;
			return NULL;
		}
		if (!stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK))
			return path;
		free(path);
		elem += len;
	}
	errno = ENOENT;
	return NULL;
}

/* Build the load graph of @exe_path. Returns 0 or -errno. */
static int graph_build(const char *exe_path, struct mod_graph *g)
{
	struct mod_node *node;
	char *exe = NULL, *name = NULL, *found;
	size_t i, j, k;
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	exe = find_exe(exe_path);
	if (!exe)
		return -errno;
	err = read_ident(exe, &g->id);
	if (err)
		goto cleanup;
	name = strdup(base_name(exe));
	if (!name) {
		err = -ENOMEM;
		goto cleanup;
	}
	node = graph_add(g, name, exe, -1);
	name = NULL;
	if (!node) {
		err = errno == ENOMEM ? -ENOMEM : -ENOENT;
		goto cleanup;
	}
	/* ld.so takes $ORIGIN of the executable from /proc/self/exe, a canonical path */
	free(node->origin);
	node->origin = NULL;
	name = strdup(node->path);
	if (name)
		node->origin = strdup(dirname(name));
	free(name);
	name = NULL;
	if (!node->origin) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = read_dynamic(node, &g->interp);
	if (err)
		goto cleanup;

	/* breadth first, as ld.so loads them */
	for (i = 0; i < g->n; i++) {
		for (j = 0; j < g->nodes[i].nr_needed; j++) {
			const char *needed = g->nodes[i].needed[j];
			bool loaded = false;

			for (k = 1; k < g->n && !loaded; k++)
				loaded = strcmp(g->nodes[k].name, needed) == 0;
			if (loaded)
				continue;
			found = find_needed(g, i, needed);
			if (!found) {
				if (errno == ENOMEM) {
					err = -ENOMEM;
					goto cleanup;
				}
				continue;	/* ld.so would fail; list what can be found */
			}
			name = strdup(needed);
			node = name ? graph_add(g, name, found, i) : NULL;
			name = NULL;
			free(found);
			if (!node) {
				if (errno == ENOMEM) {
					err = -ENOMEM;
					goto cleanup;
				}
				continue;
			}
			/* an unreadable object just has no dependencies */
			if (read_dynamic(node, NULL) == -ENOMEM) {
				err = -ENOMEM;
				goto cleanup;
			}
		}
	}
	if (g->interp && compatible(g->interp, &g->id)) {
		name = strdup(base_name(g->interp));
		node = name ? graph_add(g, name, g->interp, 0) : NULL;
		name = NULL;
		if (!node && errno == ENOMEM) {
			err = -ENOMEM;
			goto cleanup;
		}
	}
	err = 0;
cleanup:
	free(name);
	free(exe);
	return err;
}

char *module_resolve_exe(const char *exe_path, const char *module)
{
	struct mod_graph g = {};
	char *exe = NULL, *ret = NULL;
	size_t i;
	int err = 0, pass;

	if (!exe_path) {
		err = -EINVAL;
		goto cleanup;
	}
	if (!module || !*module || strchr(module, '/')) {
		if (!module || !*module) {
			exe = find_exe(exe_path);
			if (!exe) {
				err = -errno;
				goto cleanup;
			}
		}
		ret = realpath(exe ?: module, NULL);
		if (!ret)
			err = -errno;
		goto cleanup;
	}

	err = graph_build(exe_path, &g);
	if (err)
		goto cleanup;
	/* an exact name anywhere beats a prefix match: "libfoo.so.1" over "libfoo.so.1.2" */
	for (pass = 0; pass < 2 && !ret; pass++) {
		for (i = 0; i < g.n && !ret; i++) {
			const char *names[2] = { g.nodes[i].name, base_name(g.nodes[i].path) };
			int k;

			for (k = 0; k < 2; k++) {
				if (pass == 0 ? strcmp(module, names[k]) == 0
					      : module_name_matches(module, names[k]))
					break;
			}
			if (k == 2)
				continue;
			ret = strdup(g.nodes[i].path);
			if (!ret)
				err = -ENOMEM;
		}
	}
	if (!ret && !err)
		err = -ENOENT;
cleanup:
	graph_free(&g);
	free(exe);
	if (err)
		errno = -err;
	return ret;
}

int module_list_exe(const char *exe_path, char ***paths, size_t *n)
{
	struct mod_graph g = {};
	char **v = NULL;
	size_t i = 0;
	int err;

	if (!exe_path || !paths || !n)
		return -EINVAL;
	err = graph_build(exe_path, &g);
	if (err)
		goto cleanup;
	v = calloc(g.n, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < g.n; i++) {
		/* the graph's strings move to the list */
		v[i] = g.nodes[i].path;
		g.nodes[i].path = NULL;
	}
	*paths = v;
	*n = g.n;
	v = NULL;
cleanup:
	free_strv(v, i);
	graph_free(&g);
	return err;
}

void module_list_free(char **paths, size_t n)
{
	free_strv(paths, n);
}

/* ---- running processes ---- */

/* One file mapped executable by a process. */
struct mapping {
	char *path;	/* where to open it: for a deleted file, /proc/PID/map_files/START-END */
	char *name;	/* the file's own path, " (deleted)" cut off */
};

/* Read the distinct files that @pid maps executable, in address order. Returns
 * 0 or -errno.
 */
static int read_maps(int pid, struct mapping **out, size_t *nr)
{
	char fname[64], *line = NULL;
	struct mapping *maps = NULL, *tmp;
	size_t linecap = 0, n = 0, cap = 0, i, path_len;
	struct proc_map m;
	const char *path;
	bool deleted;
	FILE *f;
	int err = 0;

	snprintf(fname, sizeof(fname), "/proc/%d/maps", pid);
	f = fopen(fname, "re");
	if (!f)
		return -errno;
	while (getline(&line, &linecap, f) > 0) {
		if (!proc_map_parse(line, &m))
			continue;
		path = m.path;
		/* "[heap]", anonymous memory */
		if (path[0] != '/')
			continue;
		/* only code can be probed: data files (locale-archive, fonts) are no modules */
		if (m.perms[2] != 'x')
			continue;
		deleted = ends_with(path, DELETED_SUFFIX);
		if (deleted)
			path_len = strlen(path) - strlen(DELETED_SUFFIX);
		else
			path_len = strlen(path);
		for (i = 0; i < n && (strlen(maps[i].name) != path_len ||
				      strncmp(maps[i].name, path, path_len)); i++)
			;
		if (i < n)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			tmp = realloc(maps, cap * sizeof(*tmp));
			if (!tmp) {
				err = -ENOMEM;
				goto cleanup;
			}
			maps = tmp;
		}
		/* Deleted or replaced on disk since (a library upgraded under a running
		 * service): still there behind map_files. */
		maps[n].name = strndup(path, path_len);
		if (deleted && asprintf(&maps[n].path, "/proc/%d/map_files/%llx-%llx", pid,
					m.start, m.end) < 0)
			maps[n].path = NULL;
		else if (!deleted)
			maps[n].path = strdup(path);
		if (!maps[n].path || !maps[n].name) {
			free(maps[n].path);
			free(maps[n].name);
			err = -ENOMEM;
			goto cleanup;
		}
		n++;
	}
	*out = maps;
	*nr = n;
	maps = NULL;
	n = 0;
cleanup:
	for (i = 0; i < n; i++) {
		free(maps[i].path);
		free(maps[i].name);
	}
	free(maps);
	free(line);
	fclose(f);
	return err;
}

static void free_maps(struct mapping *maps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(maps[i].path);
		free(maps[i].name);
	}
	free(maps);
}

/* Returns the target of /proc/PID/exe, malloc'd, or NULL with errno (ENOENT when deleted). */
static char *read_exe_link(int pid)
{
	char link[64], buf[PATH_MAX];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	len = readlink(link, buf, sizeof(buf) - 1);
	if (len < 0)
		return NULL;
	buf[len] = '\0';
	if (ends_with(buf, DELETED_SUFFIX)) {
		errno = ENOENT;
		return NULL;
	}
	return strdup(buf);
}

/* stat() @path in @pid's mount namespace (relative paths are ours). Returns 0 or -errno. */
static int stat_in(int pid, const char *path, struct stat *st)
{
	char buf[PATH_MAX];

	if (path[0] != '/')
		return stat(path, st) ? -errno : 0;
	if (snprintf(buf, sizeof(buf), "/proc/%d/root%s", pid, path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	return stat(buf, st) ? -errno : 0;
}

char *module_resolve_pid(int pid, const char *module)
{
	struct mapping *maps = NULL;
	char *ret = NULL;
	struct stat want, st;
	size_t n = 0, i;
	int err = 0, pass;

	if (pid <= 0) {
		err = -EINVAL;
		goto cleanup;
	}
	if (!module || !*module) {
		ret = read_exe_link(pid);
		/* Deleted or replaced on disk (a service upgraded in place): the file it runs
		 * is still there, behind the link. */
		if (!ret && errno == ENOENT && asprintf(&ret, "/proc/%d/exe", pid) < 0)
			ret = NULL;
		if (!ret)
			err = -errno;
		goto cleanup;
	}
	err = read_maps(pid, &maps, &n);
	if (err)
		goto cleanup;

	if (strchr(module, '/')) {
		/* the same file, whatever symlinks either path goes through */
		err = stat_in(pid, module, &want);
		if (err)
			goto cleanup;
		for (i = 0; i < n && !ret; i++) {
			if (strcmp(maps[i].name, module) &&
			    (stat_in(pid, maps[i].path, &st) || st.st_dev != want.st_dev ||
			     st.st_ino != want.st_ino))
				continue;
			ret = strdup(maps[i].path);
			if (!ret)
				err = -ENOMEM;
		}
	} else {
		for (pass = 0; pass < 2 && !ret; pass++) {
			for (i = 0; i < n && !ret; i++) {
				const char *base = base_name(maps[i].name);

				if (pass == 0 ? strcmp(module, base)
					      : !module_name_matches(module, base))
					continue;
				ret = strdup(maps[i].path);
				if (!ret)
					err = -ENOMEM;
			}
		}
	}
	if (!ret && !err)
		err = -ENOENT;
cleanup:
	free_maps(maps, n);
	if (err)
		errno = -err;
	return ret;
}

int module_list_pid(int pid, char ***paths, size_t *nr)
{
	struct mapping *maps = NULL;
	char **v = NULL, *exe = NULL;
	size_t n = 0, i, k = 0;
	int err;

	if (pid <= 0 || !paths || !nr)
		return -EINVAL;
	err = read_maps(pid, &maps, &n);
	if (err)
		goto cleanup;
	exe = read_exe_link(pid);
	v = calloc(n ?: 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto cleanup;
	}
	/* main executable first, then the others in address order */
	for (i = 0; exe && i < n; i++) {
		if (strcmp(maps[i].path, exe) == 0) {
			v[k++] = maps[i].path;
			maps[i].path = NULL;
		}
	}
	for (i = 0; i < n; i++) {
		if (maps[i].path) {
			v[k++] = maps[i].path;
			maps[i].path = NULL;
		}
	}
	*paths = v;
	*nr = k;
	v = NULL;
cleanup:
	free_strv(v, k);
	free(exe);
	free_maps(maps, n);
	return err;
}

/* module_glob() for a program about to run: its modules, those @module names kept. */
static int glob_exe(const char *exe, const char *module, char ***paths, size_t *n)
{
	char **v = NULL;
	size_t nr = 0, i, k = 0;
	int err;

	err = module_list_exe(exe, &v, &nr);
	if (err)
		return err;
	for (i = 0; i < nr; i++) {
		if (module_glob_matches(module, v[i]))
			v[k++] = v[i];
		else
			free(v[i]);
	}
	*paths = v;
	*n = k;
	return 0;
}

/* module_glob() for a running process: its mappings, by the names they were mapped by. */
static int glob_pid(int pid, const char *module, char ***paths, size_t *n)
{
	struct mapping *maps = NULL;
	char **v = NULL;
	size_t nr = 0, i, k = 0;
	int err;

	err = read_maps(pid, &maps, &nr);
	if (err)
		return err;
	v = calloc(nr ?: 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < nr; i++) {
		if (!module_glob_matches(module, maps[i].name))
			continue;
		/* where it is opened: a deleted file's map_files link */
		v[k++] = maps[i].path;
		maps[i].path = NULL;
	}
	*paths = v;
	*n = k;
cleanup:
	free_maps(maps, nr);
	return err;
}

int module_glob(int pid, const char *exe, const char *module, char ***paths, size_t *n)
{
	if (!module || !paths || !n || (!exe && pid <= 0))
		return -EINVAL;
	return exe ? glob_exe(exe, module, paths, n) : glob_pid(pid, module, paths, n);
}
