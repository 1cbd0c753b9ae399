/* SPDX-License-Identifier: GPL-2.0 */
/* insnlab --forms [--entry-blocks] NAME=LIBRARY...: the instructions at function entries,
 * grouped by form.
 *
 * For every function symbol (rtrace's own symbol reader: debug file's .symtab when there is one,
 * else .dynsym; one entry per address), the first instruction and, after an endbr64, the next.
 * With --entry-blocks, every instruction of the function's straight-line entry instead: those a
 * probe may be moved past or onto (user/probes/probesite.c), up to and with the first branch, ret or
 * syscall, at most ENTRY_BLOCK_MAX of them, within st_size.
 * A form is the mnemonic, the encoding, the prefixes that are not part of the opcode, and the
 * operand kinds (register class, memory size and base, immediate or relative width). Prints
 * "HEX<TAB>FORM<TAB>COUNT..." with the bytes of the first example seen, most common first; a
 * count is of functions (first instructions) or of instructions (entry blocks).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syms/elf_syms.h"
#include "insnlab.h"

#define MAX_LIBS 8
/* probesite.c's MAX_SKIP instructions passed, and the one the probe lands on */
#define ENTRY_BLOCK_MAX 17

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
	/* the kernel tells nops apart by their bytes (x86_nops[], the nop5 it optimizes) */
	if (insn->mnemonic == ZYDIS_MNEMONIC_NOP && insn->length > 1)
		PUT(" len%u", insn->length);
#undef PUT
}

/* Whether a probe can go no further than @in: it leaves the straight line (probesite.c's
 * is_branch(), by the same Zydis categories). */
static bool ends_block(const ZydisDecodedInstruction *in)
{
	switch (in->meta.category) {
	case ZYDIS_CATEGORY_COND_BR:
	case ZYDIS_CATEGORY_UNCOND_BR:
	case ZYDIS_CATEGORY_CALL:
	case ZYDIS_CATEGORY_RET:
	case ZYDIS_CATEGORY_SYSCALL:
	case ZYDIS_CATEGORY_SYSRET:
	case ZYDIS_CATEGORY_INTERRUPT:
	case ZYDIS_CATEGORY_SYSTEM:
		return true;
	default:
		return false;
	}
}

/* Counts the instruction at @code (@avail bytes readable) in its form. Sets *@len to its length
 * (0: undecodable) and *@ends when a straight-line entry ends with it. Returns 0 or -ENOMEM.
 */
static int add_site(const uint8_t *code, size_t avail, int lib, const ZydisDecoder *dec,
		    size_t *ilen, bool *ends)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	ZydisDecodedInstruction insn;
	char key[160];
	size_t i, len;
	struct form *f;

	*ilen = 0;
	*ends = true;
	if (ZYAN_SUCCESS(ZydisDecoderDecodeFull(dec, code, avail, &insn, ops))) {
		form_key(&insn, ops, key, sizeof(key));
		len = insn.length;
		*ilen = len;
		*ends = ends_block(&insn);
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

/* Adds the instructions of @code's straight-line entry, @avail bytes of it. Sets *@n to how
 * many. Returns 0 or -ENOMEM. */
static int add_block(const uint8_t *code, size_t avail, int lib, const ZydisDecoder *dec,
		     size_t *n)
{
	ZydisDecodedInstruction insn;
	size_t off = 0, len;
	bool ends = false;
	int err = 0;

	for (*n = 0; !err && !ends && *n < ENTRY_BLOCK_MAX && off < avail; (*n)++) {
		/* past the first, what does not decode is not code (or is cut by st_size) */
		if (*n && ZYAN_FAILED(ZydisDecoderDecodeInstruction(dec, NULL, code + off,
								     avail - off, &insn)))
			break;
		err = add_site(code + off, avail - off, lib, dec, &len, &ends);
		off += len;
		ends |= !len;
	}
	return err;
}

/* Adds the entry sites of one library (@blocks: whole entry blocks). Returns 0 or -errno. */
static int scan_lib(const char *name, const char *path, int lib, bool blocks,
		    const ZydisDecoder *dec)
{
	struct elf_syms *syms = NULL;
	struct elf_func *funcs = NULL;
	uint8_t code[ENTRY_BLOCK_MAX * ZYDIS_MAX_INSTRUCTION_LENGTH];
	size_t i, nfuncs = 0, nendbr = 0, ninsns = 0, n, len, want;
	long long off;
	ssize_t got;
	bool ends;
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
		/* blocks stay within st_size (0: not known, as for some assembly) */
		want = blocks ? sizeof(code) : ZYDIS_MAX_INSTRUCTION_LENGTH + 4;
		if (blocks && f->size && f->size < want)
			want = f->size;
		got = pread(fd, code, want, off);
		if (got <= 0)
			continue;
		endbr = got >= 4 && !memcmp(code, "\xf3\x0f\x1e\xfa", 4);
		nendbr += endbr;
		if (blocks) {
			err = add_block(code, got, lib, dec, &n);
			ninsns += n;
		} else {
			err = add_site(code, got, lib, dec, &len, &ends);
			if (!err && endbr && got > 4)
				err = add_site(code + 4, got - 4, lib, dec, &len, &ends);
		}
		if (err)
			goto cleanup;
	}
	fprintf(stderr, "insnlab: %s: %zu functions (%zu with endbr64)", name, nfuncs, nendbr);
	if (blocks)
		fprintf(stderr, ", %zu instructions in their entry blocks", ninsns);
	fprintf(stderr, ", symbols from %s\n", syms->from_debug_file ? syms->debug_path : path);
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
	bool blocks = false;
	char hex[64];
	size_t i, j;
	int lib, err;

	if (argc > 0 && !strcmp(argv[0], "--entry-blocks")) {
		blocks = true;
		argc--;
		argv++;
	}
	if (argc < 1 || argc > MAX_LIBS) {
		fprintf(stderr,
			"usage: insnlab --forms [--entry-blocks] NAME=LIBRARY... (up to %d)\n",
			MAX_LIBS);
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
		err = scan_lib(argv[lib], eq + 1, lib, blocks, &dec);
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
