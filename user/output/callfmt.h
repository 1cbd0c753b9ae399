/* SPDX-License-Identifier: GPL-2.0 */
/* Private to user/output/: a traced function's name, arguments and return value
 * as text or JSON, from its entry and return records (C or Go); shared by the
 * sinks, as is a syscall's argument text in JSON. */
#ifndef RTRACE_OUTPUT_CALLFMT_H
#define RTRACE_OUTPUT_CALLFMT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "output.h"
#include "sysdecode/sysdecode.h"

struct callfmt;

struct procview;

/* @view: where names of addresses and constant memory come from. */
struct callfmt *callfmt_new(const struct output_opts *opts, func_info_fn funcs, void *funcs_ctx,
			    struct procview *view);
void callfmt_free(struct callfmt *f);

/* What the loader knows of a cookie's function; a made-up name if nothing.
 * The name stays valid until the next call. */
void callfmt_func(struct callfmt *cf, __u64 cookie, struct output_func *f);
const char *callfmt_name(struct callfmt *cf, __u64 cookie);

/* The arguments of an entry record: typed from DWARF, the registers with
 * --args=raw when there are no types, else nothing (false). JSON: an
 * object, an array, or nothing. */
bool callfmt_args(struct callfmt *cf, FILE *out, const struct output_func *f, const void *rec,
		  size_t size, bool json);
/* `name(args)` of an entry record. */
void callfmt_call(struct callfmt *cf, FILE *out, const void *rec, size_t size);
/* ` = value` of a return record, typed when DWARF knows it; nothing for void. */
void callfmt_ret(struct callfmt *cf, FILE *out, const struct output_func *f, const void *rec,
		 size_t size);
/* JSON `,"ret":value,"ret_raw":n` of a return record. */
void callfmt_json_ret(struct callfmt *cf, FILE *out, const struct output_func *f,
		      const void *rec, size_t size);

/* Recording: asks the view now what showing @rec (any record) as text or JSON would ask it,
 * so that its answers are in the file at @rec's own place, where every replay finds them:
 * plain record shows nothing, and a text line shows an entry only once what follows it is
 * known. The printing goes nowhere; only calls of functions that may ask are printed
 * (dwarf_proto_asks()), a string argument or result only where its capture faulted. */
void callfmt_ask_ahead(struct callfmt *cf, const void *rec, size_t size);

/* @key, then a syscall's decoded arguments (strace's text) as one JSON string, for the
 * sinks that embed it; @t keeps the text's buffer from one call to the next. Writes
 * nothing and returns false if it cannot. */
struct callfmt_text {
	FILE *f;
	char *buf;
	size_t size;
};
bool callfmt_sys_args_json(struct callfmt_text *t, FILE *out, const char *key,
			   const struct sysdecode_call *call, const struct sysdecode_opts *decode,
			   struct sysdecode_fds *fds);
void callfmt_text_free(struct callfmt_text *t);

#endif
