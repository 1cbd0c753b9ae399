// SPDX-License-Identifier: GPL-2.0
/* The MODULE of `-x [MODULE:]GLOB` as text: where a spec splits, and which names, globs and
 * paths name a module's file. modules.c finds the files. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "modules.h"

/* The ':' that ends MODULE in @spec, or NULL: the last one, so that a path module may contain
 * one, that is not half of C++'s `::` (`ns::*`, `libstdc++:std::terminate`). */
static const char *module_colon(const char *spec)
{
	const char *c, *last = NULL;

	for (c = strchr(spec, ':'); c; c = strchr(c + 1, ':')) {
		if (c[1] == ':')
			c++;
		else
			last = c;
	}
	return last;
}

int spec_split(const char *spec, char **module, char **glob)
{
	const char *colon;
	int err = 0;

	if (!module || !glob)
		return -EINVAL;
	*module = NULL;
	*glob = NULL;
	if (!spec)
		return -EINVAL;
	colon = module_colon(spec);
	if (!*(colon ? colon + 1 : spec))
		return -EINVAL;
	*glob = strdup(colon ? colon + 1 : spec);
	if (!*glob) {
		err = -ENOMEM;
		goto cleanup;
	}
	if (colon && colon != spec) {
		*module = strndup(spec, colon - spec);
		if (!*module) {
			err = -ENOMEM;
			goto cleanup;
		}
	}
	return 0;
cleanup:
	free(*glob);
	*glob = NULL;
	return err;
}

bool module_name_matches(const char *name, const char *base)
{
	size_t len;
	const char *rest;

	if (!name || !base || !*name)
		return false;
	if (strcmp(name, base) == 0)
		return true;
	len = strlen(name);
	if (strncmp(base, name, len))
		return false;
	rest = base + len;
	/* "libz.so.1" names the file "libz.so.1.2.13" that the libz.so.1 symlink points to */
	if (strstr(name, ".so"))
		return rest[0] == '.';
	/* "libc" is libc.so.6, or the libc-2.31.so of older glibc, not libcap.so */
	return strncmp(rest, ".so", 3) == 0 || (rest[0] == '-' && isdigit((unsigned char)rest[1]));
}


bool module_is_glob(const char *module)
{
	return module && strpbrk(module, "*?[");
}

bool module_glob_matches(const char *glob, const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	char name[NAME_MAX + 1];
	size_t len = strlen(base), i;

	if (!fnmatch(glob, path, 0) || !fnmatch(glob, base, 0))
		return true;
	if (len >= sizeof(name))
		return false;
	/* The names a MODULE without glob characters takes for this file: its short name (libc
	 * for libc.so.6 or libc-2.31.so), its soname (libz.so.1 for libz.so.1.2.13). */
	for (i = 1; i < len; i++) {
		memcpy(name, base, i);
		name[i] = '\0';
		if (module_name_matches(name, base) && !fnmatch(glob, name, 0))
			return true;
	}
	return false;
}

bool module_path_matches(const char *module, const char *path)
{
	const char *slash = strrchr(path, '/');
	struct stat a, b;

	if (module_is_glob(module))
		return module_glob_matches(module, path);
	if (!strchr(module, '/'))
		return module_name_matches(module, slash ? slash + 1 : path);
	/* the same file, whatever symlinks either path goes through, where it is still there */
	return !strcmp(module, path) || (!stat(module, &a) && !stat(path, &b) &&
					 a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}
