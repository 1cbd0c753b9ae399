/* SPDX-License-Identifier: GPL-2.0 */
/* C++ names: the Itanium ABI's mangled symbols (`_Z9may_throwi`) as people write them
 * (`may_throw(int)`), for output and for -x. */
#ifndef RTRACE_DEMANGLE_H
#define RTRACE_DEMANGLE_H

#include <stdbool.h>

/* The demangled name of @sym with its parameter types, as c++filt prints it
 * ("may_throw(int)", "ns::K::get(int) const", "int sq<int>(int)"), malloc'd; NULL when @sym
 * is no mangled C++ name (a C name is its own) or on ENOMEM: show @sym then. */
char *demangle_name(const char *sym);

/* Whether the fnmatch(3) pattern @glob names the function of symbol @sym, -x's rule: @sym
 * itself ("_Z9may_throwi", a C name), or a C++ symbol's demangled name, with its parameter
 * types ("may_throw(int)") or without them and a template's return type ("may_throw",
 * "ns::K::get", "sq<int>"): overloads share the last. */
bool demangle_glob_matches(const char *glob, const char *sym);

/* Whether @sym is a mangled C++ name, which only demangle_glob_matches() can name by another
 * name than itself. */
bool demangle_is_mangled(const char *sym);

#endif
