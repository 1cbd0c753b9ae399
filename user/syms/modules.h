/* SPDX-License-Identifier: GPL-2.0 */
/* -x [MODULE:]GLOB: which file MODULE names, for a running process or a program about to run
 * (modules.c), or by its path alone (modspec.c: the rules as text). */
#ifndef RTRACE_MODULES_H
#define RTRACE_MODULES_H

#include <stdbool.h>
#include <stddef.h>

/* Split a -x spec at its LAST ':' ("libc:malloc", "/usr/lib/x/libz.so.1:inflate*", "fib") that
 * is not half of a C++ `::` ("ns::*", "libstdc++:std::terminate").
 * Returns 0 with *module (malloc'd, NULL when the spec has no module or an empty one) and *glob
 * (malloc'd), or -EINVAL (NULL spec, empty glob) / -ENOMEM; on error both are NULL.
 */
int spec_split(const char *spec, char **module, char **glob);

/* Returns whether a file called @base (a basename or DT_NEEDED name) is what MODULE @name means:
 * the same name; for a name with ".so" in it ("libz.so.1"), also "libz.so.1.2.13"; for a short
 * name ("libc"), "libc.so*" or "libc-<digit>*" ("libc-2.31.so").
 */
bool module_name_matches(const char *name, const char *base);

/* Whether MODULE @module is a glob (has *, ? or [): it names every module it matches. */
bool module_is_glob(const char *module);

/* Whether the fnmatch(3) pattern @glob names the module file at @path: it matches the path,
 * the file name, or a name module_name_matches() takes for the file ("libc*" and "libc" name
 * libc.so.6; "libz.so.[0-9]" names libz.so.1.2.13, as "libz.so.1" does).
 */
bool module_glob_matches(const char *glob, const char *path);

/* Whether MODULE @module names the module at @path with no process to ask (a trace file): a
 * glob by module_glob_matches(), a path that is the same file, a name by module_name_matches()
 * on the file name.
 */
bool module_path_matches(const char *module, const char *path);

/* Resolve MODULE for running process @pid from /proc/PID/maps: NULL or "" is the main executable
 * (/proc/PID/exe; that link itself, "/proc/PID/exe", when the file was deleted), a path (it has a
 * '/') is the mapped file that is the same file, a name matches mapped files by basename
 * (module_name_matches(), an exact basename first). A file deleted or replaced since it was
 * mapped resolves to /proc/PID/map_files/START-END, where it still is. Returns the path as the
 * target sees it, in its mount namespace (open it through /proc/PID/root; a /proc path as it
 * is), malloc'd; or NULL with errno (ENOENT: nothing matches; or from reading /proc).
 */
char *module_resolve_pid(int pid, const char *module);

/* The modules of running process @pid (@exe NULL) or of the program @exe about to be launched
 * that the glob @module names (module_glob_matches(); a process's by the paths it mapped them
 * at), each once, in load order (a process's: address order), each path as module_resolve_pid()
 * or module_resolve_exe() returns it. Returns 0 with *paths (free with module_list_free()) and
 * *n, 0 when none match, or -errno.
 */
int module_glob(int pid, const char *exe, const char *module, char ***paths, size_t *n);

/* Resolve MODULE for a program about to be launched: NULL or "" is @exe_path itself (searched in
 * $PATH when it has no '/'), an existing path is itself, a name is matched against the DT_NEEDED
 * closure of the executable, which is resolved the way ld.so does (DT_RPATH, LD_LIBRARY_PATH,
 * DT_RUNPATH, /etc/ld.so.cache, default dirs; $ORIGIN). Returns the canonical (realpath) path,
 * malloc'd, or NULL with errno (ENOENT: no such module; ENOEXEC: exe is not ELF).
 */
char *module_resolve_exe(const char *exe_path, const char *module);

/* List the modules of a program about to be launched: the executable, its interpreter and every
 * shared object it needs (transitively), each a canonical path, once, in load (BFS) order.
 * Needed objects that cannot be found are left out. Returns 0 with *paths (free with
 * module_list_free()) and *n, or -errno.
 */
int module_list_exe(const char *exe_path, char ***paths, size_t *n);

/* List the file-backed executable mappings of running process @pid (main executable first, then
 * in address order), each path once, as the target sees it (a deleted file by its map_files
 * link). Returns 0 with *paths and *n, or -errno.
 */
int module_list_pid(int pid, char ***paths, size_t *n);

/* Free a list from module_list_exe() or module_list_pid(). */
void module_list_free(char **paths, size_t n);

/* The ld.so cache as (soname, path) pairs, in the cache's own order (preferred first). */
struct ld_cache_entry {
	char *soname;
	char *path;
};

struct ld_cache {
	struct ld_cache_entry *entries;
	size_t n;
	bool from_ldconfig;	/* parsed `ldconfig -p` output, not the file */
};

/* Read the ld.so cache at @path (NULL: /etc/ld.so.cache, "glibc-ld.so.cache1.1" format, alone or
 * after the old "ld.so-1.7.0" one). When it cannot be read or parsed, fall back to the output of
 * `/sbin/ldconfig -p` (which reads the system cache). Returns 0 with *out (free with
 * ld_cache_free()), or -errno (-ENOENT when neither works).
 */
int ld_cache_load(const char *path, struct ld_cache **out);

/* Free @cache; NULL is a no-op. */
void ld_cache_free(struct ld_cache *cache);

#endif
