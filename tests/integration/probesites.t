#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Probe sites chosen by decoding the code: a function that begins with an instruction the
# kernel would run wrongly under a uprobe (EVEX, VEX) or refuse (lock) is probed further on
# or refused with a line; single-stepped starts move to an emulated instruction when that is
# safe. The traced program computes exactly what it computes untraced.
source "$(dirname "$0")/lib.sh"

T="$TARGETS/insns"
FUNCS=(-x 'evex_*' -x 'vex_*' -x sse_first -x riprel_first -x mov_test_jcc -x sub_rsp -x lock_first -x shared_tail -x jumps_in)
avx512=1
grep -q avx512vl /proc/cpuinfo || avx512=0
avx=1
grep -qw avx /proc/cpuinfo || avx=0

# --list: where each probe goes, and why (exact).
"$RTRACE" --list "${FUNCS[@]}" -- "$T" > "$SCRATCH/list" 2> "$SCRATCH/list.err"
is "$?" 0 "--list exits 0"
is "$(cat "$SCRATCH/list.err")" "" "--list says nothing on stderr"
site() { awk -v f="$1" '$2 == f' "$SCRATCH/list" | sed -E 's/^([^ ]+ +){7}//'; }
like "$(site evex_hi)" '^jnz 0x[0-9a-f]+  emulated \(jcc\), moved from 0x[0-9a-f]+ past 3 instructions from `vpbroadcastd %edi, %ymm17` \(unsafe\)$' \
     "evex_hi (EVEX, ymm17): moved past it onto the jnz"
like "$(site evex_lo)" '^jnz 0x[0-9a-f]+  emulated \(jcc\), moved from 0x[0-9a-f]+ past 3 instructions from `vpbroadcastd %edi, %ymm1` \(unsafe\)$' \
     "evex_lo (EVEX, ymm1): moved onto the jnz"
like "$(site evex_zmm)" '^jnz 0x[0-9a-f]+  emulated \(jcc\), moved .* from `vpbroadcastd %edi, %zmm2` \(unsafe\)$' \
     "evex_zmm: moved onto the jnz"
like "$(site evex_store)" '^-  refused: `vpbroadcastd %esi, %xmm17` \(EVEX\) is unsafe: the kernel emulates its opcode byte as a conditional jump: it never runs; cannot move past `vmovdqu32x %xmm17, \(%rdi\)`: it writes memory$' \
     "evex_store: refused, with why"
like "$(site vex_first)" '^vpaddd %xmm1, %xmm1, %xmm1  single-stepped, moved from 0x[0-9a-f]+ past 1 instruction from `vmovd %edi, %xmm1` \(refused\); not moved: `ret`: it ends the straight-line entry$' \
     "vex_first (VEX refused): moved onto the next safe instruction"
like "$(site vex_store)" '^-  refused: `vmovd %esi, %xmm1` \(VEX\) is refused: .*; cannot move past `vmovd %xmm1, \(%rdi\)`: it writes memory$' \
     "vex_store: refused, with why"
like "$(site sse_first)" '^movd %edi, %xmm1  single-stepped; not moved: `ret`: it ends the straight-line entry$' \
     "sse_first (legacy SSE): single-stepped where it is"
like "$(site riprel_first)" '^jz 0x[0-9a-f]+  emulated \(jcc\), moved .* from `mov 0x[0-9a-f]+\(%rip\), %eax` \(single-stepped\)$' \
     "riprel_first: moved past the RIP-relative load"
like "$(site mov_test_jcc)" '^jz 0x[0-9a-f]+  emulated \(jcc\), moved from 0x[0-9a-f]+ past 2 instructions from `mov %rdi, %rax` \(single-stepped\)$' \
     "mov_test_jcc: moved onto the jz"
like "$(site sub_rsp)" '^sub \$0x18, %rsp  single-stepped; not moved: `sub \$0x18, %rsp`: it moves the stack pointer$' \
     "sub_rsp: stays (the return probe needs rsp)"
like "$(site lock_first)" '^-  refused: `lock inc \(%rdi\)` \(legacy\) is refused: the kernel refuses lock-prefixed instructions;' \
     "lock_first: refused"
like "$(site shared_tail)" '^mov %rdi, %rax  single-stepped; not moved: `cmp \$0x0, %rsi`: a branch or another function enters at it$' \
     "shared_tail: stays, another function jumps into it"
# probe address = the function's address + how far it moved
line=$(awk '$2 == "mov_test_jcc"' "$SCRATCH/list")
addr=$(echo "$line" | awk '{print $3}')
probe=$(echo "$line" | awk '{print $5}')
is "$((probe - addr))" 6 "mov_test_jcc: probe 6 bytes in (mov 3 + test 3)"
is "$(echo "$line" | awk '{print $6}')" uretprobe "returns by uretprobe"

# The program's own output, untraced and traced, must be the same.
"$T" 3 > "$SCRATCH/plain.out"
is "$?" 0 "untraced: exits 0"
"$RTRACE" --json -e trace=none "${FUNCS[@]}" -o "$SCRATCH/t.json" -- "$T" 3 \
	> "$SCRATCH/traced.out" 2> "$SCRATCH/traced.err"
is "$?" 0 "traced: exits 0"
is "$(cat "$SCRATCH/traced.out")" "$(cat "$SCRATCH/plain.out")" "traced: the same output, every value right"
is "$(grep -c 'not tracing' "$SCRATCH/traced.err")" 3 "three functions refused, a line each"
like "$(grep 'not tracing evex_store' "$SCRATCH/traced.err")" "^rtrace: not tracing evex_store in $T: the kernel would run \`vpbroadcastd %esi, %xmm17\` at its entry \(the kernel emulates its opcode byte as a conditional jump: it never runs\), and the probe cannot move past \`vmovdqu32x %xmm17, \(%rdi\)\`: it writes memory$" \
     "evex_store: the refusal line"
like "$(grep 'not tracing vex_store' "$SCRATCH/traced.err")" "^rtrace: not tracing vex_store in $T: the kernel refuses a probe on \`vmovd %esi, %xmm1\` at its entry" \
     "vex_store: the refusal line"
calls() { jsonq "$SCRATCH/t.json" "sum(e['type']=='$2' and e['name']=='$1' for e in ev)"; }
rets() { jsonq "$SCRATCH/t.json" "[e['ret'] for e in ev if e['type']=='return' and e['name']=='$1']"; }
for f in sse_first riprel_first mov_test_jcc sub_rsp; do
	is "$(calls $f call) $(calls $f return)" "3 3" "$f: 3 calls, 3 returns"
done
is "$(rets riprel_first)" "[187, 188, 189]" "riprel_first returns 7 + x + 100"
is "$(rets mov_test_jcc)" "[1, 3, 5]" "mov_test_jcc returns a + b"
is "$(rets sub_rsp)" "[270, 273, 276]" "sub_rsp returns 3x"
is "$(calls shared_tail call) $(calls jumps_in call)" "3 3" "shared_tail, jumps_in: 3 calls each, none counted twice"
is "$(rets shared_tail) $(rets jumps_in)" "[2, 3, 4] [1003, 1004, 1005]" "shared_tail, jumps_in: their returns"
for f in evex_store vex_store lock_first; do
	is "$(calls $f call)" 0 "$f: refused, no calls"
done
if [ $avx512 = 1 ]; then
	is "$(calls evex_hi call) $(calls evex_hi return)" "3 3" "evex_hi: 3 calls, 3 returns"
	is "$(rets evex_hi)" "[11, 12, 13]" "evex_hi returns x + 1"
	is "$(rets evex_lo)" "[22, 23, 24]" "evex_lo returns x + 2"
	is "$(rets evex_zmm)" "[33, 34, 35]" "evex_zmm returns x + 3"
else
	for t in "evex_hi: calls" "evex_hi returns" "evex_lo returns" "evex_zmm returns"; do
		skip "$t" "this CPU has no AVX-512 (the program skips those calls)"
	done
fi
if [ $avx = 1 ]; then
	is "$(calls vex_first call) $(calls vex_first return)" "3 3" "vex_first: 3 calls, 3 returns"
	is "$(rets vex_first)" "[100, 102, 104]" "vex_first returns 2x"
else
	skip "vex_first calls" "this CPU has no AVX"
	skip "vex_first returns" "this CPU has no AVX"
fi

# Naive placement (RTRACE_NAIVE_PROBES): first bytes, but never an unsafe or refused one.
RTRACE_NAIVE_PROBES=1 "$RTRACE" --list "${FUNCS[@]}" -- "$T" > "$SCRATCH/naive"
like "$(awk '$2 == "evex_hi"' "$SCRATCH/naive")" 'refused: `vpbroadcastd %edi, %ymm17` \(EVEX\) is unsafe.*cannot move past RTRACE_NAIVE_PROBES is set' \
     "naive: an unsafe first instruction is still refused"
like "$(awk '$2 == "mov_test_jcc"' "$SCRATCH/naive")" 'mov %rdi, %rax  single-stepped; not moved: RTRACE_NAIVE_PROBES is set$' \
     "naive: the first byte otherwise"

# A real program: python with every libc function probed runs as untraced, with its
# subprocess, posix_spawn and fork. (The EVEX string functions once made it misparse its
# own options and exit 2.)
cat > "$SCRATCH/py.py" <<'EOF'
import os, subprocess, sys
print("start", sys.argv[1:])
print(subprocess.run(["/bin/echo", "from", "subprocess"], capture_output=True).stdout.decode().strip())
pid = os.posix_spawn("/bin/echo", ["echo", "from", "posix_spawn"], os.environ)
print("spawn", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
pid = os.fork()
if pid == 0:
    print("from the child", "%x" % sum(ord(c) for c in "wcschr" * 100))
    os._exit(3)
print("child", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
print("wide", "abc\u00e9".find("\u00e9"), "x=1,y=2".split(","))
EOF
PY=/usr/bin/python3
"$PY" -S "$SCRATCH/py.py" -a -b > "$SCRATCH/py.plain" 2>&1
plain_status=$?
for mode in "" "-f" "naive"; do
	naive=0
	[ "$mode" = naive ] && naive=1 && mode=""
	RTRACE_NAIVE_PROBES=$naive "$RTRACE" $mode -e trace=none -x "$LIBC_ALL" -o "$SCRATCH/py.trace" \
		-- "$PY" -S "$SCRATCH/py.py" -a -b > "$SCRATCH/py.out" 2> "$SCRATCH/py.err"
	status=$?
	[ $naive = 1 ] && mode="(first bytes)"
	[ "$status" = "$plain_status" ] || grep -v 'not tracing' "$SCRATCH/py.err" | sed 's/^/# /'
	is "$status" "$plain_status" "python3 -S under -x '$LIBC_ALL' $mode: the same exit status"
	is "$(cat "$SCRATCH/py.out")" "$(cat "$SCRATCH/py.plain")" "python3 -S under -x '$LIBC_ALL' $mode: the same output"
	# all of libc: thousands of calls; the perf-link sample (setjmp and longjmp): some
	min=1000
	[ "$LIBC_ALL" = 'libc:*' ] || min=2
	n=$(grep -c '' "$SCRATCH/py.trace")
	[ "$n" -ge "$min" ]; ok $? "python3 $mode: its calls traced ($n lines)"
done
is "$(links_left)" 0 "no link left behind"
done_testing
