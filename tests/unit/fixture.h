/* SPDX-License-Identifier: GPL-2.0 */
/* Fixture helpers for the unit tests that build programs with cc: a scratch directory, files
 * written into it, and shell commands run there.
 */
#ifndef RTRACE_FIXTURE_H
#define RTRACE_FIXTURE_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* the scratch directory, symlinks resolved (the code under test reports canonical paths) */
static char tmp[256];

/* Run a shell command, saying so when it fails. Returns its exit status (or -1). */
static inline int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st)
		printf("# command failed (%d): %s\n", st, cmd);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

/* Run a shell command. Returns its stdout, malloc'd, or NULL. */
static inline char *sh_out(const char *fmt, ...)
{
	char cmd[8192], *buf = NULL;
	size_t len = 0;
	va_list ap;
	FILE *p, *m;
	int c;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	m = open_memstream(&buf, &len);
	if (!m) {
		pclose(p);
		return NULL;
	}
	while ((c = fgetc(p)) != EOF)
		fputc(c, m);
	fclose(m);
	pclose(p);
	return buf;
}

/* Write @text to the file @path. Returns whether all of it was written. */
static inline bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

/* Make the scratch directory tmp from @pattern ("/tmp/rtrace-NAME-XXXXXX"). Returns whether it
 * did; when not, it says why.
 */
static inline bool tmp_make(const char *pattern)
{
	char tmpl[PATH_MAX], real[PATH_MAX];

	snprintf(tmpl, sizeof(tmpl), "%s", pattern);
	if (!mkdtemp(tmpl) || !realpath(tmpl, real) ||
	    snprintf(tmp, sizeof(tmp), "%s", real) >= (int)sizeof(tmp)) {
		printf("# mkdtemp: %s\n", strerror(errno));
		return false;
	}
	return true;
}

/* Remove the scratch directory, or keep it (and say so) when KEEP_TMP is set. Returns nothing. */
static inline void tmp_remove(void)
{
	if (getenv("KEEP_TMP"))
		printf("# kept %s\n", tmp);
	else
		sh("rm -rf '%s'", tmp);
}

#endif
