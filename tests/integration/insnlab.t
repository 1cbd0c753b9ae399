#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# insnlab on this kernel: instructions run under a uprobe as without one, run differently, or are
# refused, as the kernel's uprobe code (arch/x86/kernel/uprobes.c) says they should.
source "$(dirname "$0")/lib.sh"

# INSNLAB= runs another binary (a wrapper that spoils its output shows that each check can fail)
INSNLAB="${INSNLAB:-$ROOT/build/tests/insnlab}"

# One instruction a line, tab, a label the checks below use.
cat > "$SCRATCH/in" <<'EOF'
55	push
48 89 f8	mov
48 83 ec 18	sub
85 ff	test
74 05	je
e8 00 00 00 00	call
c3	ret
48 8b 05 78 56 34 12	riprel-load
f3 0f 1e fa	endbr64
66 0f 6e ce	movd-sse
c5 f9 6e ce	vmovd-vex
62 a2 7d 28 7c ce	vpbroadcastd-ymm17
62 f2 7d 28 7c ce	vpbroadcastd-ymm1
c5 f8 77	vzeroupper
f0 48 0f b1 0f	lock-cmpxchg
0f 31	rdtsc
0f 0b	ud2
64 48 89 3c 25 00 03 00 00	fs-store
65 48 89 11	gs-store
zz	bad-hex
EOF
"$INSNLAB" "$SCRATCH/in" > "$SCRATCH/out" 2> "$SCRATCH/err"
is "$?" 0 "insnlab exits 0"
sed 's/^/# /' "$SCRATCH/out"

# outcome LABEL / detail LABEL: columns 3 and 4 of LABEL's line
outcome() { awk -F'\t' -v l="$1" '$1 == l { print $3 }' "$SCRATCH/out"; }
detail() { awk -F'\t' -v l="$1" '$1 == l { print $4 }' "$SCRATCH/out"; }

# Emulated by the kernel (push, call, jcc) or single-stepped out of line (the others).
for l in push mov sub test call ret riprel-load endbr64 movd-sse; do
	is "$(outcome "$l")" same "$l: same under the probe"
done
is "$(outcome je)" same "je: same under the probe"
like "$(detail je)" '^ends next/taken,' "je: ran with ZF clear and with ZF set, taking both exits"
is "$(outcome call)/$(detail call | cut -d, -f1)" "same/ends taken" "call: lands on its target"

# The kernel checks only the opcode byte after a VEX prefix: 6e is in its table of bad opcodes.
is "$(outcome vmovd-vex)/$(detail vmovd-vex)" refused/ENOTSUPP "vmovd (VEX): refused, ENOTSUPP"
is "$(outcome lock-cmpxchg)/$(detail lock-cmpxchg)" refused/ENOTSUPP "lock prefix: refused"

# EVEX opcode 7c is taken for jl and "emulated": the instruction never runs.
if grep -qw avx512f /proc/cpuinfo; then
	is "$(outcome vpbroadcastd-ymm17)/$(detail vpbroadcastd-ymm17)" differs/ymm17 \
	   "vpbroadcastd %esi,%ymm17 (EVEX): ymm17 differs"
	is "$(outcome vpbroadcastd-ymm1)/$(detail vpbroadcastd-ymm1)" differs/ymm1 \
	   "vpbroadcastd %esi,%ymm1 (EVEX, low register): ymm1 differs"
else
	is "$(outcome vpbroadcastd-ymm17)/$(detail vpbroadcastd-ymm17)" "skipped/needs avx512f" \
	   "vpbroadcastd (EVEX): skipped without avx512f"
	skip "vpbroadcastd %esi,%ymm1 (EVEX, low register)" "no avx512f"
fi
# The same skip, forced: insnlab does not run what the CPU lacks.
printf '62 a2 7d 28 7c ce\tx\n' | "$INSNLAB" --without avx512f > "$SCRATCH/without" 2>/dev/null
is "$(cut -f3,4 "$SCRATCH/without")" "skipped	needs avx512f" "--without avx512f: EVEX skipped, needs avx512f"

# VEX opcode 77 (vzeroupper) is taken for ja: upper halves of the vector registers stay.
if grep -qw avx /proc/cpuinfo; then
	like "$(outcome vzeroupper)/$(detail vzeroupper)" '^differs/[yz]mm0\.\.[yz]mm15$' \
	     "vzeroupper (VEX): the upper halves differ"
else
	skip "vzeroupper (VEX)" "no avx"
fi

# Stores to TLS (libc's mov %rdi,%fs:0x300) and to %gs: run with the fs and gs bases pointed into
# insnlab's buffer, where the CPU has fsgsbase and the kernel (5.9+) enables it (AT_HWCAP2 bit 1).
hwcap2=$(LD_SHOW_AUXV=1 /bin/true | awk '$1 == "AT_HWCAP2:" { print $2 }')
if grep -qw fsgsbase /proc/cpuinfo && (( 16#${hwcap2#0x} & 2 )); then
	like "$(outcome fs-store)/$(detail fs-store)" '^same/ends next, probe ' \
	     "mov %rdi,%fs:0x300: same under the probe"
	like "$(outcome gs-store)/$(detail gs-store)" '^same/ends next, probe ' \
	     "mov %rdx,%gs:(%rcx): same under the probe"
	# where they wrote, in the memory compared: fs+0x300; %rcx a TLS-like offset (-0x71c0)
	printf '64 48 89 3c 25 00 03 00 00\tfs\n65 48 89 11\tgs\n' |
		"$INSNLAB" -v > /dev/null 2> "$SCRATCH/seg.err"
	is "$(grep -c ': wrote mem(fs+768..+775)$' "$SCRATCH/seg.err")" 2 \
	   "mov %rdi,%fs:0x300 wrote the 8 bytes at the run's fs base + 0x300 (both rflags values)"
	is "$(grep -c ': wrote mem(gs-29120..-29113)$' "$SCRATCH/seg.err")" 2 \
	   "mov %rdx,%gs:(%rcx) wrote 8 bytes below the run's gs base (both rflags values)"
else
	is "$(outcome fs-store)/$(detail fs-store)" "skipped/needs fsgsbase" \
	   "mov %rdi,%fs:0x300: skipped without fsgsbase"
	is "$(outcome gs-store)/$(detail gs-store)" "skipped/needs fsgsbase" \
	   "mov %rdx,%gs:(%rcx): skipped without fsgsbase"
	skip "mov %rdi,%fs:0x300: where it wrote" "no fsgsbase"
	skip "mov %rdx,%gs:(%rcx): where it wrote" "no fsgsbase"
fi
# The same skip, forced.
printf '64 48 89 3c 25 00 03 00 00\tx\n' | "$INSNLAB" --without fsgsbase > "$SCRATCH/without" \
	2>/dev/null
is "$(cut -f3,4 "$SCRATCH/without")" "skipped	needs fsgsbase" \
   "--without fsgsbase: mov %rdi,%fs:0x300 skipped, needs fsgsbase"

# rdtsc: the two unprobed runs already differ in all it writes.
is "$(outcome rdtsc)/$(detail rdtsc)" "nondeterministic/unstable rax,rdx" "rdtsc: nondeterministic"
like "$(outcome ud2)/$(detail ud2)" '^same/ends signal 4,' "ud2: SIGILL with the probe as without"
is "$(outcome bad-hex)/$(detail bad-hex)" "skipped/bad hex" "a line that is not hex: skipped"
# The counts depend on the CPU (what is skipped): take them from the lines printed.
want=$(awk -F'\t' '{ n[$3]++ } END { printf "insnlab: %d instructions: %d same, %d differs, " \
	"%d refused, %d skipped, %d nondeterministic", NR, n["same"], n["differs"], n["refused"],
	n["skipped"], n["nondeterministic"] }' "$SCRATCH/out")
is "$(tail -n1 "$SCRATCH/err")" "$want" "summary line on stderr counts the outcomes"
is "$(wc -l < "$SCRATCH/out")" 20 "one line per instruction"

# Its own errors: one line, non-zero.
"$INSNLAB" "$SCRATCH/nonexistent" > /dev/null 2> "$SCRATCH/err2"
st=$?
[ "$st" -ne 0 ]; ok $? "missing input file: non-zero exit ($st)"
like "$(cat "$SCRATCH/err2")" '^insnlab: .*No such file' "missing input file: one insnlab: line"

# Nothing left behind: the code files are unlinked as soon as they are mapped.
is "$(find /tmp -maxdepth 1 -name 'insnlab-*' | wc -l)" 0 "no temporary code file left in /tmp"

done_testing
