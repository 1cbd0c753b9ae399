// SPDX-License-Identifier: GPL-2.0
/* syms/demangle.c: C++ names as output shows them, and -x's rule for naming a function. */
#include <stdlib.h>
#include "syms/demangle.h"
#include "tap.h"

static void test_names(void)
{
	static const struct {
		const char *sym, *want;	/* want NULL: shown as the symbol itself */
	} cases[] = {
		{ "_Z9may_throwi", "may_throw(int)" },
		{ "_ZN2ns5twiceEl", "ns::twice(long)" },
		{ "_ZNK2ns1K3getEi", "ns::K::get(int) const" },
		{ "_Z2sqIiET_S0_", "int sq<int>(int)" },
		{ "_ZN5GuardD1Ev", "Guard::~Guard()" },
		{ "_Z3foov.cold", "foo() [clone .cold]" },
		{ "main", NULL },
		{ "i", NULL },		/* a type to the demangler, a C function here */
		{ "_Znot_mangled", NULL },
		{ "", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = demangle_name(cases[i].sym);

		if (cases[i].want)
			CHECK_STR(got, cases[i].want, cases[i].sym);
		else
			CHECK(!got, "'%s' is no C++ name (got '%s')", cases[i].sym, got ?: "");
		free(got);
	}
}

static void test_glob(void)
{
	static const struct {
		const char *glob, *sym;
		bool want;
	} cases[] = {
		/* each form of a C++ name */
		{ "may_throw", "_Z9may_throwi", true },
		{ "may_throw(int)", "_Z9may_throwi", true },
		{ "_Z9may_throwi", "_Z9may_throwi", true },
		{ "may_*", "_Z9may_throwi", true },
		{ "may_throw(long)", "_Z9may_throwi", false },
		{ "may_throw()", "_Z9may_throwi", false },
		{ "may", "_Z9may_throwi", false },	/* whole names, as for C */
		/* scopes and overloads */
		{ "ns::*", "_ZN2ns5twiceEi", true },
		{ "ns::*", "_ZNK2ns1K3getEi", true },
		{ "ns::*", "_Z9may_throwi", false },
		{ "ns::twice", "_ZN2ns5twiceEi", true },
		{ "ns::twice", "_ZN2ns5twiceEl", true },
		{ "ns::twice(long)", "_ZN2ns5twiceEl", true },
		{ "ns::twice(long)", "_ZN2ns5twiceEi", false },
		{ "ns::K::get", "_ZNK2ns1K3getEi", true },
		{ "ns::K::get(int) const", "_ZNK2ns1K3getEi", true },
		{ "K::get", "_ZNK2ns1K3getEi", false },
		{ "*::get", "_ZNK2ns1K3getEi", true },
		/* a template: its name alone has no return type */
		{ "sq<int>", "_Z2sqIiET_S0_", true },
		{ "sq<*>", "_Z2sqIiET_S0_", true },
		{ "int sq<int>(int)", "_Z2sqIiET_S0_", true },
		{ "sq", "_Z2sqIiET_S0_", false },
		/* a compiler's clone: its name alone is the function's */
		{ "foo", "_Z3foov.cold", true },
		{ "foo()", "_Z3foov.cold", false },
		/* mangled globs, C names */
		{ "_Z*", "_Z9may_throwi", true },
		{ "_Z*", "fib", false },
		{ "fib", "fib", true },
		{ "f?b", "fib", true },
		{ "*", "_ZN5GuardD1Ev", true },
		{ "Guard::~Guard", "_ZN5GuardD1Ev", true },
		{ "not_mangled", "_Znot_mangled", false },
		{ "_Znot_mangled", "_Znot_mangled", true },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(demangle_glob_matches(cases[i].glob, cases[i].sym) == cases[i].want,
		      "'%s' %s %s", cases[i].glob, cases[i].want ? "names" : "does not name",
		      cases[i].sym);
	CHECK(demangle_is_mangled("_Z9may_throwi") && !demangle_is_mangled("fib") &&
	      !demangle_is_mangled("_"), "mangled: the `_Z` names");
}

int main(void)
{
	test_names();
	test_glob();
	return tap_done();
}
