/* SPDX-License-Identifier: GPL-2.0 */
/* insnlab --forms NAME=LIBRARY...: the instructions at function entries, grouped by form.
 *
 * For every function symbol (rtrace's own symbol reader: debug file's .symtab when there is one,
 * else .dynsym; one entry per address), the first instruction and, after an endbr64, the next.
 * A form is the mnemonic, the encoding, the prefixes that are not part of the opcode, and the
 * operand kinds (register class, memory size and base, immediate or relative width). Prints
 * "HEX<TAB>FORM<TAB>COUNT..." with the bytes of the first example seen, most common first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_syms.h"
#include "insnlab.h"

#define MAX_LIBS 8

struct form {
	char key[160];
	uint8_t bytes[ZYDIS_MAX_INSTRUCTION_LENGTH];
	uint8_t len;
	unsigned int count[MAX_LIBS];
	unsigned int total;
};

static struct form *forms;
static size_t nr_forms, cap_forms;

static const char *reg_class(ZydisRegister r)
{
	switch (ZydisRegisterGetClass(r)) {
	case ZYDIS_REGCLASS_GPR8: return "r8";
	case ZYDIS_REGCLASS_GPR16: return "r16";
	case ZYDIS_REGCLASS_GPR32: return "r32";
	case ZYDIS_REGCLASS_GPR64: return "r64";
	case ZYDIS_REGCLASS_X87: return "st";
	case ZYDIS_REGCLASS_MMX: return "mm";
	case ZYDIS_REGCLASS_XMM: return "xmm";
	case ZYDIS_REGCLASS_YMM: return "ymm";
	case ZYDIS_REGCLASS_ZMM: return "zmm";
	case ZYDIS_REGCLASS_MASK: return "k";
	case ZYDIS_REGCLASS_SEGMENT: return "seg";
	case ZYDIS_REGCLASS_BOUND: return "bnd";
	default: return ZydisRegisterGetString(r);
	}
}

static const char *prefix_name(const ZydisDecodedInstruction *in, uint8_t p)
{
	switch (p) {
	case 0xf0: return "lock";
	case 0xf2: return in->attributes & ZYDIS_ATTRIB_HAS_BND ? "bnd" :
		   in->attributes & ZYDIS_ATTRIB_HAS_REPNE ? "repne" : "f2";
	case 0xf3: return in->attributes & ZYDIS_ATTRIB_HAS_REP ? "rep" :
		   in->attributes & ZYDIS_ATTRIB_HAS_REPE ? "repe" : "f3";
	case 0x2e: return "cs";
	case 0x36: return "ss";
	case 0x3e: return in->attributes & ZYDIS_ATTRIB_HAS_NOTRACK ? "notrack" : "ds";
	case 0x26: return "es";
	case 0x64: return "fs";
	case 0x65: return "gs";
	case 0x66: return "data16";
	case 0x67: return "addr32";
	default: return NULL;
	}
}

/* Writes the form of @insn to @out: "[PREFIXES ]MNEMONIC ENCODING OPERAND,...". */
void form_key(const ZydisDecodedInstruction *insn, const ZydisDecodedOperand *ops, char *out,
	      size_t size)
{
	static const char *const encodings[] = { "legacy", "3dnow", "xop", "vex", "evex", "mvex" };
	ZydisRegister base;
	size_t n = 0;
	int i, nimm = 0;

#define PUT(...) (n += snprintf(out + n, n < size ? size - n : 0, __VA_ARGS__))
	out[0] = '\0';
	for (i = 0; i < insn->raw.prefix_count; i++) {
		const char *p = prefix_name(insn, insn->raw.prefixes[i].value);

		if (insn->raw.prefixes[i].type == ZYDIS_PREFIX_TYPE_MANDATORY || !p)
			continue;
		/* fs:/gs: show up in the memory operand */
		if ((!strcmp(p, "fs") || !strcmp(p, "gs")) &&
		    insn->raw.prefixes[i].type == ZYDIS_PREFIX_TYPE_EFFECTIVE)
			continue;
		PUT("%s ", p);
	}
	PUT("%s %s", ZydisMnemonicGetString(insn->mnemonic),
	    insn->encoding < 6 ? encodings[insn->encoding] : "?");
	for (i = 0; i < insn->operand_count_visible; i++) {
		const ZydisDecodedOperand *op = &ops[i];

		PUT(i ? "," : " ");
		switch (op->type) {
		case ZYDIS_OPERAND_TYPE_REGISTER:
			PUT("%s", reg_class(op->reg.value));
			break;
		case ZYDIS_OPERAND_TYPE_MEMORY:
			if (op->mem.type == ZYDIS_MEMOP_TYPE_AGEN)
				PUT("agen[");
			else
				PUT("m%u[", op->size);
			base = op->mem.base;
			if (op->mem.segment == ZYDIS_REGISTER_FS ||
			    op->mem.segment == ZYDIS_REGISTER_GS)
				PUT("%s:", ZydisRegisterGetString(op->mem.segment));
			if (base == ZYDIS_REGISTER_RIP || base == ZYDIS_REGISTER_EIP)
				PUT("rip");
			else if (base == ZYDIS_REGISTER_RSP || base == ZYDIS_REGISTER_ESP)
				PUT("rsp");
			else if (base == ZYDIS_REGISTER_NONE)
				PUT("abs");
			else
				PUT("r");
			if (op->mem.index != ZYDIS_REGISTER_NONE)
				PUT(op->mem.type == ZYDIS_MEMOP_TYPE_VSIB ? "+v" : "+i");
			PUT("]");
			break;
		case ZYDIS_OPERAND_TYPE_IMMEDIATE:
			PUT("%s%u", op->imm.is_relative ? "rel" : "imm",
			    nimm < 2 ? insn->raw.imm[nimm].size : 0);
			nimm++;
			break;
		case ZYDIS_OPERAND_TYPE_POINTER:
			PUT("ptr");
			break;
		default:
			PUT("?");
		}
	}
#undef PUT
}

static int add_site(const uint8_t *code, size_t avail, int lib, const ZydisDecoder *dec)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	ZydisDecodedInstruction insn;
	char key[160];
	size_t i, len;
	struct form *f;

	if (ZYAN_SUCCESS(ZydisDecoderDecodeFull(dec, code, avail, &insn, ops))) {
		form_key(&insn, ops, key, sizeof(key));
		len = insn.length;
	} else {
		snprintf(key, sizeof(key), "(undecodable)");
		len = avail < 4 ? avail : 4;
	}
	for (i = 0; i < nr_forms && strcmp(forms[i].key, key); i++)
		;
	if (i == nr_forms) {
		if (nr_forms == cap_forms) {
			cap_forms = cap_forms ? 2 * cap_forms : 256;
			f = realloc(forms, cap_forms * sizeof(*f));
			if (!f)
				return -ENOMEM;
			forms = f;
		}
		f = &forms[nr_forms++];
		memset(f, 0, sizeof(*f));
		snprintf(f->key, sizeof(f->key), "%s", key);
		memcpy(f->bytes, code, len);
		f->len = len;
	}
	forms[i].count[lib]++;
	forms[i].total++;
	return 0;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct elf_func *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_form(const void *a, const void *b)
{
	const struct form *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* Adds the entry sites of one library. Returns 0 or -errno. */
static int scan_lib(const char *name, const char *path, int lib, const ZydisDecoder *dec)
{
	struct elf_syms *syms = NULL;
	struct elf_func *funcs = NULL;
	uint8_t code[ZYDIS_MAX_INSTRUCTION_LENGTH + 4];
	size_t i, nfuncs = 0, nendbr = 0;
	long long off;
	ssize_t got;
	int fd = -1, err;

	err = elf_syms_load(path, &syms);
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	funcs = malloc(syms->nr_funcs * sizeof(*funcs) + 1);
	if (fd < 0 || !funcs) {
		err = fd < 0 ? -errno : -ENOMEM;
		goto cleanup;
	}
	memcpy(funcs, syms->funcs, syms->nr_funcs * sizeof(*funcs));
	qsort(funcs, syms->nr_funcs, sizeof(*funcs), cmp_addr);
	for (i = 0; i < syms->nr_funcs; i++) {
		const struct elf_func *f = &funcs[i];
		bool endbr;

		/* aliases share an entry */
		if (i && f->addr == funcs[i - 1].addr)
			continue;
		nfuncs++;
		off = f->offset;
		got = pread(fd, code, sizeof(code), off);
		if (got <= 0)
			continue;
		endbr = got >= 4 && !memcmp(code, "\xf3\x0f\x1e\xfa", 4);
		err = add_site(code, got, lib, dec);
		if (!err && endbr && got > 4) {
			nendbr++;
			err = add_site(code + 4, got - 4, lib, dec);
		}
		if (err)
			goto cleanup;
	}
	fprintf(stderr, "insnlab: %s: %zu functions (%zu with endbr64), symbols from %s\n", name,
		nfuncs, nendbr, syms->from_debug_file ? syms->debug_path : path);
cleanup:
	free(funcs);
	if (fd >= 0)
		close(fd);
	elf_syms_free(syms);
	return err;
}

int forms_main(int argc, char **argv)
{
	const char *names[MAX_LIBS];
	ZydisDecoder dec;
	char hex[64];
	size_t i, j;
	int lib, err;

	if (argc < 1 || argc > MAX_LIBS) {
		fprintf(stderr, "usage: insnlab --forms NAME=LIBRARY... (up to %d)\n", MAX_LIBS);
		return 2;
	}
	ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	for (lib = 0; lib < argc; lib++) {
		char *eq = strchr(argv[lib], '=');

		if (!eq) {
			fprintf(stderr, "insnlab: %s: want NAME=LIBRARY\n", argv[lib]);
			return 2;
		}
		*eq = '\0';
		names[lib] = argv[lib];
		err = scan_lib(argv[lib], eq + 1, lib, &dec);
		if (err) {
			fprintf(stderr, "insnlab: %s: %s\n", eq + 1, strerror(-err));
			return 1;
		}
	}
	qsort(forms, nr_forms, sizeof(*forms), cmp_form);
	printf("# bytes\tform");
	for (lib = 0; lib < argc; lib++)
		printf("\t%s", names[lib]);
	printf("\n");
	for (i = 0; i < nr_forms; i++) {
		hex[0] = '\0';
		for (j = 0; j < forms[i].len; j++)
			sprintf(hex + strlen(hex), "%s%02x", j ? " " : "", forms[i].bytes[j]);
		printf("%s\t%s", hex, forms[i].key);
		for (lib = 0; lib < argc; lib++)
			printf("\t%u", forms[i].count[lib]);
		printf("\n");
	}
	free(forms);
	return 0;
}
