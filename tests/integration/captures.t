#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Captured argument memory at its limits: more than a record holds, and
# captures of threads that share a CPU.
source "$(dirname "$0")/lib.sh"
T=$TARGETS/strings4

# Four strings of 5,000 bytes with -s 4094: four 4 KiB captures are more than
# a function record holds. The first three are cut by -s, the last by what is
# left of the record (16376 - 112 - 4 * 8 - 3 * 4096 = 3944 bytes with its
# NUL); none goes missing.
"$RTRACE" -s 4094 -x four -e trace=none -o "$SCRATCH/big.txt" -- "$T"
is "$?" 0 "strings4 exits 0"
want=$(python3 -c '
print("four(" + ", ".join("%s=\"%s\"..." % (k, k * n) for k, n in
      (("a", 4094), ("b", 4094), ("c", 4094), ("d", 3943))) + ") = 20000")')
is "$(sed -E 's/ <[0-9.]+>$//' "$SCRATCH/big.txt" | head -1)" "$want" \
   "-s 4094, four 5000-byte strings: three cut by -s, the last by the record's room"
"$RTRACE" --json -s 4094 -x four -e trace=none -o "$SCRATCH/big.json" -- "$T"
is "$(jsonq "$SCRATCH/big.json" "[(k, v[:1], len(v)) for e in ev if e['type']=='call' for k, v in e['args'].items()]")" \
   "[('a', 'a', 4097), ('b', 'b', 4097), ('c', 'c', 4097), ('d', 'd', 3946)]" \
   "JSON: the same strings, cut with ..."
"$RTRACE" -s 100 -x four -e trace=none -o "$SCRATCH/s100.txt" -- "$T"
want=$(python3 -c '
print("four(" + ", ".join("%s=\"%s\"..." % (k, k * 100) for k in "abcd") + ") = 20000")')
is "$(sed -E 's/ <[0-9.]+>$//' "$SCRATCH/s100.txt" | head -1)" "$want" "-s 100: all four cut by -s"

# A CPU's scratch buffer busy (its builder preempted): the record is built in
# a ring buffer reservation instead, and comes out the same.
norm() { sed -E 's/ <[0-9.]+>$//; s/0x[0-9a-f]+/ADDR/g' "$1"; }
RTRACE_NO_SCRATCH=1 "$RTRACE" -s 4094 -x four -e trace=none -o "$SCRATCH/big.ns" -- "$T"
is "$(norm "$SCRATCH/big.ns")" "$(norm "$SCRATCH/big.txt")" \
   "scratch busy: the same four cut strings, built in the ring buffer"
RTRACE_NO_SCRATCH=0 "$RTRACE" -e trace=execve,readv,writev -o "$SCRATCH/iov.txt" -- "$TARGETS/iov" \
	> /dev/null
RTRACE_NO_SCRATCH=1 "$RTRACE" -e trace=execve,readv,writev -o "$SCRATCH/iov.ns" -- "$TARGETS/iov" \
	> /dev/null
is "$(norm "$SCRATCH/iov.ns")" "$(norm "$SCRATCH/iov.txt")" \
   "scratch busy: execve's argv and iovecs (bpf_loop callbacks) the same"
like "$(head -1 "$SCRATCH/iov.ns")" '^execve\("[^"]*/iov", \[".+\], 0x[0-9a-f]+ /\* [0-9]+ vars \*/\) = 0$' \
     "scratch busy: execve decoded"

# Two threads on one CPU, each call's strings naming its thread and call: a
# capture preempted while it builds must not take the other thread's (needs a
# preemptible kernel to ever meet one: preempt=full, as make vmtest boots).
N=1500 LEN=1000
"$RTRACE" --json --buffer-size 64M -s $LEN -x four -e trace=none -o "$SCRATCH/race.json" -- \
	"$T" race $N $LEN
is "$?" 0 "race: strings4 exits 0"
python3 - "$SCRATCH/race.json" $N $LEN > "$SCRATCH/race.out" <<'PY'
import json, sys
path, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
calls, bad, lost, thread_of = {0: [], 1: []}, 0, 0, {}
for line in open(path):
    e = json.loads(line)
    lost += e.get('count', 0) if e['type'] == 'lost' else 0
    if e['type'] != 'call':
        continue
    a = e['args']
    t, i = map(int, a['a'][1:a['a'].index(':')].split('.'))
    for k, name in enumerate('abcd'):
        head = '%c%d.%d:' % (ord('a') + k, t, i)
        if a[name] != head + chr(ord('A') + k + 4 * t) * (size - len(head)):
            bad += 1
    if thread_of.setdefault(e['tid'], t) != t:
        bad += 1
    calls[t].append(i)
print(bad, lost, calls[0] == list(range(n)), calls[1] == list(range(n)), len(thread_of))
PY
is "$(cat "$SCRATCH/race.out")" "0 0 True True 2" \
   "race: every string exact, each call once, in order, from its own thread"
done_testing
