// SPDX-License-Identifier: GPL-2.0
/* rtrace --list: each function the specs match, where its probe would go and why, with
 * nothing attached. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "funclist.h"
#include "funcs.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* How a function's returns are traced. */
static const char *returns_how(const struct func_desc *f, bool throws)
{
	if (f->refused)
		return "-";
	if (f->go.is_go)
		return f->no_return ? "none" : "RET-sites";
	switch (funcs_ret_how(f, throws)) {
	case FUNCS_RET_URETPROBE: return "uretprobe";
	case FUNCS_RET_EXITS: return "RET-sites";
	default: return "none";
	}
}

/* What happened to the probe, in words: `emulated (push)`, `moved from +0 past 1
 * instruction; emulated (jcc)`, `single-stepped: <why it could not move>`, `refused: ...`. */
static void print_site(FILE *out, const struct func_desc *f)
{
	const struct psite *ps = &f->site;
	char stop[160];

	if (f->refused) {
		if (!ps->first.len) {
			fprintf(out, "refused: %s", ps->why);
			return;
		}
		fprintf(out, "refused: `%s` (%s) is %s: %s; cannot move past %s", ps->first.text,
			ps->first.encoding, psite_class_name(ps->first.cls), ps->first.why,
			psite_stop(ps, stop, sizeof(stop)));
		return;
	}
	if (f->go.is_go) {
		go_print_site(out, ps, &f->go, f->addr);
		return;
	}
	fputs(psite_class_name(ps->at.cls), out);
	if (ps->at.why)
		fprintf(out, " (%s)", ps->at.why);
	if (ps->verdict == PSITE_MOVED)
		fprintf(out, ", moved from %#llx past %u instruction%s from `%s` (%s)",
			(unsigned long long)f->addr, ps->skipped, ps->skipped == 1 ? "" : "s",
			ps->first.text, psite_class_name(ps->first.cls));
	if (ps->at.cls != PSITE_EMULATED && ps->why)
		fprintf(out, "; not moved: %s", psite_stop(ps, stop, sizeof(stop)));
}

/* The widest FUNCTION column: a C++ name past it (`std::vector<...>::push_back(...)`, 100
 * characters and more) runs into its row's next column rather than widening all rows. */
#define MAX_NAME_COLUMN	48

void funcs_list(FILE *out, const struct func_table *ft, bool throws)
{
	int wmod = 6, wfn = 8;
	size_t i;

	for (i = 0; i < ft->nr_funcs; i++) {
		int m = strlen(base_name(ft->funcs[i].module)),
		    n = strlen(func_shown_name(&ft->funcs[i]));

		wmod = m > wmod ? m : wmod;
		wfn = n > wfn && n <= MAX_NAME_COLUMN ? n : wfn;
	}
	fprintf(out, "%-*s  %-*s  %-12s  %-10s  %-12s  %-9s  %-5s  %s\n", wmod, "MODULE", wfn,
		"FUNCTION", "ADDRESS", "OFFSET", "PROBE", "RETURNS", "TYPES", "INSTRUCTION  SITE");
	for (i = 0; i < ft->nr_funcs; i++) {
		const struct func_desc *f = &ft->funcs[i];
		char probe[32] = "-";

		if (!f->refused)
			snprintf(probe, sizeof(probe), "%#llx",
				 (unsigned long long)(f->addr + f->site.off));
		fprintf(out, "%-*s  %-*s  %#-12llx  %#-10llx  %-12s  %-9s  %-5s  %s  ", wmod,
			base_name(f->module), wfn, func_shown_name(f), (unsigned long long)f->addr,
			(unsigned long long)f->entry_offset, probe, returns_how(f, throws),
			f->proto || f->go_proto ? "yes" : "no", f->refused ? "-" : f->site.at.text);
		print_site(out, f);
		fputc('\n', out);
	}
}
