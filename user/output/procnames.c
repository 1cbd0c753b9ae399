// SPDX-License-Identifier: GPL-2.0
/* A short list: a trace has few processes. */
#include <stdlib.h>
#include <string.h>
#include "procnames.h"

static void set(struct procnames *pn, __u32 tgid, const char *name)
{
	char *copy = strdup(name);
	size_t i;

	if (!copy)
		return;
	for (i = 0; i < pn->nr && pn->v[i].tgid != tgid; i++)
		;
	if (i == pn->nr) {
		void *grown = realloc(pn->v, (pn->nr + 1) * sizeof(*pn->v));

		if (!grown) {
			free(copy);
			return;
		}
		pn->v = grown;
		pn->v[pn->nr].tgid = tgid;
		pn->v[pn->nr++].name = NULL;
	}
	free(pn->v[i].name);
	pn->v[i].name = copy;
}

const char *procnames_get(const struct procnames *pn, __u32 tgid)
{
	size_t i;

	for (i = 0; i < pn->nr; i++)
		if (pn->v[i].tgid == tgid)
			return pn->v[i].name;
	return NULL;
}

void procnames_event(struct procnames *pn, const struct out_event *e)
{
	const char *name;

	switch (e->type) {
	case OUT_EXEC:
		name = strrchr(e->exec.filename, '/');
		set(pn, e->who.tgid, name ? name + 1 : e->exec.filename);
		break;
	case OUT_NAME:
		set(pn, e->who.tgid, e->name.name);
		break;
	case OUT_FORK:
		name = procnames_get(pn, e->who.tgid);
		if (name)
			set(pn, e->fork.child_tgid, name);
		break;
	default:
		break;
	}
}

void procnames_free(struct procnames *pn)
{
	size_t i;

	for (i = 0; i < pn->nr; i++)
		free(pn->v[i].name);
	free(pn->v);
	pn->v = NULL;
	pn->nr = 0;
}
