// SPDX-License-Identifier: GPL-2.0
/* The live view asks /proc and the files; the replay view looks answers up by
 * (kind, pid, key), the one given while the same record was decoded, else the
 * latest before it. So the live view records an answer only when it is not the
 * latest it recorded to the question, which it keeps as a replay view would. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "procview.h"
#include "syms/constmem.h"
#include "syms/symbolize.h"
#include "sysdecode/sysdecode.h"
#include "trace/format.h"
#include "util/hmap.h"

#define PV_MAX_DATA	4096	/* an answer's bytes: a path, a name, a string */

struct answer {
	struct answer *next;	/* same hash */
	__u64 seq;
	__u32 kind;
	__s32 pid;
	__u64 key[2];
	__s64 result;
	__u32 len;
	unsigned char data[];
};

struct procview {
	bool live;
	__u64 seq;
	struct symbolizer *syms;
	procview_record_fn record;
	void *record_ctx;
	struct hmap answers;	/* hash → struct answer chain: replay's; live, recorded */
};

static struct procview *pv_new(bool live)
{
	struct procview *pv = calloc(1, sizeof(*pv));

	if (pv)
		pv->live = live;
	return pv;
}

struct procview *procview_live(void)
{
	return pv_new(true);
}

struct procview *procview_replay(void)
{
	return pv_new(false);
}

void procview_set_recorder(struct procview *pv, procview_record_fn fn, void *ctx)
{
	pv->record = fn;
	pv->record_ctx = ctx;
}

void procview_set_seq(struct procview *pv, __u64 seq)
{
	pv->seq = seq;
}

static unsigned long long answer_hash(__u32 kind, __s32 pid, const __u64 *key)
{
	unsigned long long h = kind * 0x9e3779b97f4a7c15ULL;

	h = (h ^ (__u32)pid) * 0xff51afd7ed558ccdULL;
	h = (h ^ key[0]) * 0xc4ceb9fe1a85ec53ULL;
	h = (h ^ key[1]) * 0x9e3779b97f4a7c15ULL;
	return h | 1;	/* hmap keys are non-zero */
}

int procview_add_answer(struct procview *pv, const struct rtrace_file_answer *a, size_t size)
{
	unsigned long long h;
	struct answer *n;

	if (size < sizeof(*a) || a->len > PV_MAX_DATA || size - sizeof(*a) < a->len)
		return -EINVAL;
	n = malloc(sizeof(*n) + a->len + 1);
	if (!n)
		return -ENOMEM;
	*n = (struct answer){ .seq = a->seq, .kind = a->kind, .pid = a->pid,
			      .key = { a->key[0], a->key[1] }, .result = a->result, .len = a->len };
	memcpy(n->data, a + 1, a->len);
	n->data[a->len] = '\0';
	h = answer_hash(a->kind, a->pid, a->key);
	n->next = hmap_get(&pv->answers, h);
	if (hmap_put(&pv->answers, h, n)) {
		free(n);
		return -ENOMEM;
	}
	return 0;
}

/* Replay: the answer to (kind, pid, key) given at the current record, else the latest
 * before it; NULL if the file has none. */
static const struct answer *find(const struct procview *pv, __u32 kind, int pid, __u64 k0,
				 __u64 k1)
{
	__u64 key[2] = { k0, k1 };
	const struct answer *a, *best = NULL;

	for (a = hmap_get(&pv->answers, answer_hash(kind, pid, key)); a; a = a->next) {
		if (a->kind != kind || a->pid != pid || a->key[0] != k0 || a->key[1] != k1 ||
		    a->seq > pv->seq)
			continue;
		if (!best || a->seq > best->seq)
			best = a;
	}
	return best;
}

/* Live: whether @a, its data at @data, is the latest answer recorded to its question. */
static bool recorded(const struct procview *pv, const struct rtrace_file_answer *a,
		     const void *data)
{
	const struct answer *last = find(pv, a->kind, a->pid, a->key[0], a->key[1]);

	return last && last->result == a->result && last->len == a->len &&
	       !memcmp(last->data, data, a->len);
}

/* Live: hands an answer to the recorder, unless a replay would find it already (a call
 * asked about at every record: one answer). */
static void record(struct procview *pv, __u32 kind, int pid, __u64 k0, __u64 k1,
		   __s64 result, const void *data, size_t len)
{
	struct {
		struct rtrace_file_answer a;
		unsigned char data[PV_MAX_DATA];
	} rec;

	/* handed on as one record: the data right after the answer */
	_Static_assert(offsetof(typeof(rec), data) == sizeof(struct rtrace_file_answer),
		       "answer and data contiguous");

	if (!pv->record)
		return;
	if (len > PV_MAX_DATA)
		len = PV_MAX_DATA;
	memset(&rec.a, 0, sizeof(rec.a));
	rec.a.hdr.type = RTRACE_FILE_ANSWER;
	rec.a.hdr.size = sizeof(rec.a) + len;
	rec.a.seq = pv->seq;
	rec.a.kind = kind;
	rec.a.pid = pid;
	rec.a.key[0] = k0;
	rec.a.key[1] = k1;
	rec.a.result = result;
	rec.a.len = len;
	if (len)
		memcpy(rec.data, data, len);
	if (recorded(pv, &rec.a, rec.data))
		return;
	pv->record(pv->record_ctx, &rec, rec.a.hdr.size);
	procview_add_answer(pv, &rec.a, rec.a.hdr.size);	/* -ENOMEM: recorded again */
}

const char *procview_sym(struct procview *pv, int pid, const char *module, __u64 anchor_addr,
			 __u64 anchor_off, __u64 addr, char *buf, size_t len)
{
	const struct answer *a;
	const char *name;
	__u64 bias = anchor_addr - anchor_off;

	if (!pv->live) {
		a = find(pv, PV_SYM, pid, addr, 0);
		if (!a || a->result <= 0 || !len)
			return NULL;
		snprintf(buf, len, "%s", (const char *)a->data);
		return buf;
	}
	if (!pv->syms)
		pv->syms = symbolizer_new();
	name = symbolize(pv->syms, pid, addr, buf, len);
	/* The process may be gone by now: a function of the called function's own module
	 * still resolves through the probe's address (and the answer is the one kept). */
	if (!name && pv->syms && module && addr > bias)
		name = symbolize_offset(pv->syms, module, addr - bias, buf, len);
	record(pv, PV_SYM, pid, addr, 0, name != NULL, name, name ? strlen(name) : 0);
	return name;
}

long procview_const(struct procview *pv, int pid, const char *module, __u64 anchor_addr,
		    __u64 anchor_off, __u64 addr, void *buf, size_t len)
{
	const struct answer *a;
	long n;

	if (len > PV_MAX_DATA)
		len = PV_MAX_DATA;
	if (!pv->live) {
		a = find(pv, PV_CONST, pid, addr, len);
		if (!a)
			return -ENOENT;
		if (a->result < 0)
			return a->result;
		n = a->len < len ? a->len : len;
		memcpy(buf, a->data, n);
		return n;
	}
	n = constmem_read(pid, module, anchor_addr, anchor_off, addr, buf, len);
	record(pv, PV_CONST, pid, addr, len, n, buf, n > 0 ? n : 0);
	return n;
}

bool procview_link(struct procview *pv, int pid, long long fd, char *buf, size_t len)
{
	const struct answer *a;
	bool found;

	if (!len)
		return false;
	if (!pv->live) {
		a = find(pv, PV_LINK, pid, fd, 0);
		if (!a || a->result <= 0)
			return false;
		snprintf(buf, len, "%s", (const char *)a->data);
		return true;
	}
	found = sysdecode_proc_link(pid, fd, buf, len);
	record(pv, PV_LINK, pid, fd, 0, found, buf, found ? strlen(buf) : 0);
	return found;
}

void procview_free(struct procview *pv)
{
	size_t i;

	if (!pv)
		return;
	for (i = 0; i < pv->answers.cap; i++) {
		struct answer *a = pv->answers.vals[i], *next;

		for (; a; a = next) {
			next = a->next;
			free(a);
		}
	}
	hmap_free(&pv->answers);
	symbolizer_free(pv->syms);
	free(pv);
}
