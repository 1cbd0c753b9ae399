// SPDX-License-Identifier: GPL-2.0
/* rtrace export --format svg: an interactive flame graph drawn by rtrace itself, from
 * flame.c's stacks (the folded export's): a frame per prefix of a stack, as wide as the
 * time under it, siblings sorted by name, so a trace always gives the same bytes. The
 * script that zooms and searches is svg_script.c's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "flame.h"
#include "sink.h"
#include "svg_script.h"
#include "util/arena.h"
#include "util/hmap.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xml.h"

#define FRAME_H		16		/* a row, the rect one less: a line between rows */
#define TOP_H		36		/* the title and controls */
#define BOTTOM_H	30		/* the hovered frame's details */
_Static_assert(SVG_FRAMES_W == SVG_W - 2 * SVG_PAD, "the frames fill the width less the pads");

struct fnode {
	char *name;
	__u64 total;		/* its own time and all under it */
	struct fnode *kids, *last, *next;
	size_t nr_kids;
};

/* How frames are drawn: where, and the whole they are shares of. */
struct layout {
	FILE *out;
	__u64 all;		/* ns under the root */
	int height;
};

/* @parent's child named s[0..len), added if new; NULL on ENOMEM. Rows come sorted, so
 * the child is nearly always the last one added. */
static struct fnode *kid(struct arena *a, struct fnode *parent, const char *s, size_t len)
{
	struct fnode *k = parent->last;

	if (!k || strncmp(k->name, s, len) || k->name[len])
		for (k = parent->kids; k && (strncmp(k->name, s, len) || k->name[len]); k = k->next)
			;
	if (k)
		return k;
	k = arena_alloc(a, sizeof(*k));
	if (!k || !(k->name = arena_alloc(a, len + 1)))
		return NULL;
	memcpy(k->name, s, len);
	if (parent->last)
		parent->last->next = k;
	else
		parent->kids = k;
	parent->last = k;
	parent->nr_kids++;
	return k;
}

/* The tree of the rows' paths under @root ("all"); its depth (rows of frames), or
 * -ENOMEM. */
static int build(struct arena *a, struct fnode *root, struct flame_row *const *rows,
		 size_t n)
{
	int depth, max = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		struct fnode *node = root;
		const char *p = rows[i]->path, *end;

		root->total += rows[i]->ns;
		for (depth = 1; *p; depth++) {
			end = strchrnul(p, ';');
			node = kid(a, node, p, end - p);
			if (!node)
				return -ENOMEM;
			node->total += rows[i]->ns;
			p = *end ? end + 1 : end;
		}
		if (depth > max)
			max = depth;
	}
	return max;
}

/* Same name, same colour: a hash of it picks the shade within the kind's hue. */
static void colour(const struct fnode *f, int depth, char *buf, size_t size)
{
	unsigned long long h = hmap_hash_str(f->name);
	size_t len = strlen(f->name);
	unsigned int a = h % 256, b = (h >> 8) % 256, c = (h >> 16) % 256;

	if (depth == 0)
		snprintf(buf, size, "rgb(200,200,205)");
	else if (depth == 1)	/* a process: lavender */
		snprintf(buf, size, "rgb(%u,%u,%u)", 165 + a % 30, 145 + b % 30, 215 + c % 40);
	else if (len > 4 && !strcmp(f->name + len - 4, "_[k]"))	/* a syscall: kernel blue */
		snprintf(buf, size, "rgb(%u,%u,%u)", 60 + a % 50, 150 + b % 50, 205 + c % 50);
	else	/* a function: warm, red to yellow */
		snprintf(buf, size, "rgb(%u,%u,%u)", 205 + a % 50, 70 + b % 150, c % 60);
}

/* A label of @name for a frame @w px wide: whole, cut with `..`, or nothing. The script
 * fits labels again the same way as frames widen (SVG_CHAR_W). */
static void label(FILE *out, const char *name, double w)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len = strlen(name), fit = w > 6 ? (size_t)((w - 6) / SVG_CHAR_W) : 0;

	if (fit < 3)
		return;
	if (utf8_chars(s, len) <= fit) {
		xml_chars(out, s, len);
		return;
	}
	xml_chars(out, s, utf8_prefix(s, len, fit - 2));
	fputs("..", out);
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(struct fnode *const *)a)->name, (*(struct fnode *const *)b)->name);
}

/* @f and all above it, @f starting @start ns into the root. */
static int draw(const struct layout *l, const struct fnode *f, int depth, __u64 start)
{
	double x = SVG_PAD + (double)start * SVG_FRAMES_W / l->all;
	double w = (double)f->total * SVG_FRAMES_W / l->all;
	int y = l->height - BOTTOM_H - (depth + 1) * FRAME_H, err = 0;
	struct fnode **kids = calloc(f->nr_kids ?: 1, sizeof(*kids));
	struct fnode *k;
	char fill[32];
	size_t i = 0;

	if (!kids)
		return -ENOMEM;
	colour(f, depth, fill, sizeof(fill));
	fprintf(l->out, "<g class=\"f\" data-s=\"%llu\" data-w=\"%llu\" data-d=\"%d\"><title>",
		(unsigned long long)start, (unsigned long long)f->total, depth);
	xml_chars(l->out, (const unsigned char *)f->name, strlen(f->name));
	fprintf(l->out, " (%llu ns, %.2f%%)</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" "
		"height=\"%d\" fill=\"%s\"/><text x=\"%.2f\" y=\"%.1f\">",
		(unsigned long long)f->total, 100.0 * f->total / l->all, x, y, w, FRAME_H - 1, fill,
		x + 3, y + 11.5);
	label(l->out, f->name, w);
	fputs("</text></g>\n", l->out);
	for (k = f->kids; k; k = k->next)
		kids[i++] = k;
	qsort(kids, f->nr_kids, sizeof(*kids), by_name);
	for (i = 0; i < f->nr_kids && !err; i++) {
		err = draw(l, kids[i], depth + 1, start);
		start += kids[i]->total;
	}
	free(kids);
	return err;
}

static void header(FILE *out, int height)
{
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\">\n<style>%s</style>\n", SVG_W, height, SVG_W,
		height, svg_style);
	fprintf(out, "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>\n", SVG_W,
		height);
	fprintf(out, "<text id=\"title\" x=\"%d\" y=\"24\">Flame graph: time by stack</text>\n",
		SVG_W / 2);
}

/* An empty trace still gives a picture, which says so. */
static void nothing(FILE *out)
{
	header(out, TOP_H + BOTTOM_H);
	fprintf(out, "<text id=\"details\" x=\"%d\" y=\"%d\">Nothing to draw: no timed calls or "
		"syscalls (in the trace, or left by the filters)</text>\n</svg>\n", SVG_PAD, TOP_H + 12);
}

static int svg_draw(FILE *out, struct flame_row *const *rows, size_t n)
{
	struct fnode root = { .name = "all" };
	struct layout l = { .out = out };
	struct arena a = {};
	int depth, err = 0;

	depth = build(&a, &root, rows, n);
	if (depth < 0) {
		err = depth;
		goto cleanup;
	}
	if (!root.total) {
		nothing(out);
		goto cleanup;
	}
	l.all = root.total;
	l.height = TOP_H + depth * FRAME_H + BOTTOM_H;
	header(out, l.height);
	fprintf(out, "<script><![CDATA[%s]]></script>\n", svg_script);
	fprintf(out, "<text id=\"reset\" class=\"ctl hide\" x=\"%d\" y=\"24\">Reset Zoom</text>\n"
		"<text id=\"search\" class=\"ctl\" x=\"%d\" y=\"24\">Search</text>\n"
		"<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n"
		"<text id=\"matched\" x=\"%d\" y=\"%d\"> </text>\n<g id=\"frames\">\n",
		SVG_PAD, SVG_W - SVG_PAD, SVG_PAD, l.height - 10, SVG_W - SVG_PAD, l.height - 10);
	err = draw(&l, &root, 0, 0);
	fputs("</g>\n</svg>\n", out);
cleanup:
	if (err)
		elog("export: %s", strerror(-err));
	arena_free(&a);
	return err;
}

struct out_sink *sink_svg_new(const struct out_sink *cfg)
{
	return flame_sink_new(cfg, svg_draw);
}
