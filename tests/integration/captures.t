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
done_testing
