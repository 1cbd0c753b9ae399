// SPDX-License-Identifier: GPL-2.0
/* Functions that begin with each class of instruction the kernel's uprobes treat differently:
 * EVEX (AVX-512) with a high and a low register and a zmm, VEX, legacy SSE, a RIP-relative
 * load, mov/test/jcc, sub rsp, a lock prefix. Each returns a value the program prints, so a
 * probe that made one run wrongly shows in the output. Written in assembly: the entry bytes
 * are the point. `insns N` calls each N times; the AVX-512 and AVX ones only where the CPU
 * has them (it says which it skipped). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

int evex_hi(int x);		/* vpbroadcastd %edi,%ymm17: unsafe, then moves to a jcc */
int evex_lo(int x);		/* vpbroadcastd %edi,%ymm1: the same with a low register */
int evex_zmm(int x);		/* vpbroadcastd %edi,%zmm2 */
int evex_store(int *p, int x);	/* unsafe, then an unsafe store: refused */
int vex_first(int x);		/* vmovd %edi,%xmm1: refused, moves to a single-stepped one */
int vex_store(int *p, int x);	/* refused, then an unsafe store: refused */
int sse_first(int x);		/* movd %edi,%xmm1 ... ret: single-stepped, stays */
int riprel_first(int x);	/* mov k(%rip),%eax; add; test; je: moves to the je */
long mov_test_jcc(long a, long b);	/* mov; test; je: moves to the je */
int sub_rsp(int x);		/* sub $0x18,%rsp: single-stepped, stays */
int lock_first(int *p);		/* lock incl (%rdi): refused */
/* glibc's mempcpy and memcpy: one jumps into the other past its first instruction, so that
 * instruction is where the other's probe stays (a probe further in would fire for both). */
long shared_tail(long a, long b);	/* mov; cmp; jle: a + (b > 0 ? b : 0) */
long jumps_in(long a, long b);		/* lea; jmp to shared_tail's cmp: a + 1000 + ... */

asm(".text\n"
    ".globl evex_hi\n.type evex_hi,@function\nevex_hi:\n"
    "	vpbroadcastd %edi, %ymm17\n"
    "	vmovd %xmm17, %eax\n"
    "	test %eax, %eax\n"
    "	jne 1f\n"
    "	nop\n"
    "1:	add $1, %eax\n"
    "	ret\n"
    ".size evex_hi, .-evex_hi\n"

    ".globl evex_lo\n.type evex_lo,@function\nevex_lo:\n"
    "	vpbroadcastd %edi, %ymm1\n"
    "	vmovd %xmm1, %eax\n"
    "	test %eax, %eax\n"
    "	jne 1f\n"
    "	nop\n"
    "1:	add $2, %eax\n"
    "	vzeroupper\n"
    "	ret\n"
    ".size evex_lo, .-evex_lo\n"

    ".globl evex_zmm\n.type evex_zmm,@function\nevex_zmm:\n"
    "	vpbroadcastd %edi, %zmm2\n"
    "	vmovd %xmm2, %eax\n"
    "	test %eax, %eax\n"
    "	jne 1f\n"
    "	nop\n"
    "1:	add $3, %eax\n"
    "	vzeroupper\n"
    "	ret\n"
    ".size evex_zmm, .-evex_zmm\n"

    ".globl evex_store\n.type evex_store,@function\nevex_store:\n"
    "	vpbroadcastd %esi, %xmm17\n"
    "	vmovdqu32 %xmm17, (%rdi)\n"
    "	mov 12(%rdi), %eax\n"
    "	ret\n"
    ".size evex_store, .-evex_store\n"

    ".globl vex_first\n.type vex_first,@function\nvex_first:\n"
    "	vmovd %edi, %xmm1\n"
    "	vpaddd %xmm1, %xmm1, %xmm1\n"
    "	vpextrd $0, %xmm1, %eax\n"
    "	ret\n"
    ".size vex_first, .-vex_first\n"

    ".globl vex_store\n.type vex_store,@function\nvex_store:\n"
    "	vmovd %esi, %xmm1\n"
    "	vmovd %xmm1, (%rdi)\n"
    "	mov (%rdi), %eax\n"
    "	add $5, %eax\n"
    "	ret\n"
    ".size vex_store, .-vex_store\n"

    ".globl sse_first\n.type sse_first,@function\nsse_first:\n"
    "	movd %edi, %xmm1\n"
    "	paddd %xmm1, %xmm1\n"
    "	movd %xmm1, %eax\n"
    "	ret\n"
    ".size sse_first, .-sse_first\n"

    ".globl riprel_first\n.type riprel_first,@function\nriprel_first:\n"
    "	mov insns_k(%rip), %eax\n"
    "	add %edi, %eax\n"
    "	test %eax, %eax\n"
    "	je 1f\n"
    "	add $100, %eax\n"
    "1:	ret\n"
    ".size riprel_first, .-riprel_first\n"

    ".globl mov_test_jcc\n.type mov_test_jcc,@function\nmov_test_jcc:\n"
    "	mov %rdi, %rax\n"
    "	test %rsi, %rsi\n"
    "	je 1f\n"
    "	add %rsi, %rax\n"
    "1:	ret\n"
    ".size mov_test_jcc, .-mov_test_jcc\n"

    ".globl sub_rsp\n.type sub_rsp,@function\nsub_rsp:\n"
    "	sub $0x18, %rsp\n"
    "	mov %edi, 4(%rsp)\n"
    "	mov 4(%rsp), %eax\n"
    "	imul $3, %eax\n"
    "	add $0x18, %rsp\n"
    "	ret\n"
    ".size sub_rsp, .-sub_rsp\n"

    ".globl lock_first\n.type lock_first,@function\nlock_first:\n"
    "	lock incl (%rdi)\n"
    "	mov (%rdi), %eax\n"
    "	ret\n"
    ".size lock_first, .-lock_first\n"

    ".globl jumps_in\n.type jumps_in,@function\njumps_in:\n"
    "	lea 1000(%rdi), %rax\n"
    "	jmp shared_cmp\n"
    ".size jumps_in, .-jumps_in\n"

    ".globl shared_tail\n.type shared_tail,@function\nshared_tail:\n"
    "	mov %rdi, %rax\n"
    "shared_cmp:\n"
    "	cmp $0, %rsi\n"
    "	jle 1f\n"
    "	add %rsi, %rax\n"
    "1:	ret\n"
    ".size shared_tail, .-shared_tail\n"

    ".data\n.globl insns_k\ninsns_k: .long 7\n.text\n");

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1, i, v[4] = { 0 }, lk = 0;
	long sum = 0;
	bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
	bool avx = __builtin_cpu_supports("avx");

	if (!avx512)
		printf("skipped: no AVX-512 on this CPU\n");
	if (!avx)
		printf("skipped: no AVX on this CPU\n");
	for (i = 0; i < n; i++) {
		if (avx512) {
			sum += evex_hi(i + 10) + evex_lo(i + 20) + evex_zmm(i + 30);
			sum += evex_store(v, i + 40);
		}
		if (avx)
			sum += vex_first(i + 50) + vex_store(v, i + 60);
		sum += sse_first(i + 70) + riprel_first(i + 80) + mov_test_jcc(i, i + 1);
		sum += sub_rsp(i + 90) + lock_first(&lk);
		sum += shared_tail(i, 2) + jumps_in(i, 3);
		printf("round %d: sum %ld\n", i, sum);
	}
	return 0;
}
