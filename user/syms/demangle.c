// SPDX-License-Identifier: GPL-2.0
/* C++ names by libiberty's demangler, the one of binutils (c++filt, nm -C) and GCC. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <libiberty/demangle.h>
#include "demangle.h"

bool demangle_is_mangled(const char *sym)
{
	/* `_Z` alone: the demangler also takes types ("i" is int), a C function `i` is none */
	return !strncmp(sym, "_Z", 2);
}

static char *demangle(const char *sym, int options)
{
	return demangle_is_mangled(sym) ? cplus_demangle_v3(sym, options) : NULL;
}

char *demangle_name(const char *sym)
{
	return demangle(sym, DMGL_PARAMS | DMGL_ANSI);
}

bool demangle_glob_matches(const char *glob, const char *sym)
{
	char *name;
	bool hit;

	if (!fnmatch(glob, sym, 0))
		return true;
	name = demangle_name(sym);
	if (!name)
		return false;
	hit = !fnmatch(glob, name, 0);
	free(name);
	if (hit)
		return true;
	/* Without DMGL_PARAMS the demangler leaves out the parameters, the cv-qualifiers of a
	 * method and a template's return type: the name alone, cut by the grammar, not by
	 * looking for parentheses in text that has them in operator() and lambdas. */
	name = demangle(sym, DMGL_ANSI);
	hit = name && !fnmatch(glob, name, 0);
	free(name);
	return hit;
}
