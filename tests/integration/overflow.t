#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Nothing lost silently: with a tiny ring buffer, delivered + lost = produced.
source "$(dirname "$0")/lib.sh"
N=200000

# counts FILE: "delivered lost" from rtrace -v's closing line.
counts() {
	sed -n 's/^rtrace: \([0-9]*\) events delivered, \([0-9]*\) lost$/\1 \2/p' "$1"
}

# The same deterministic run, once with room for everything.
"$RTRACE" -v --json -o "$SCRATCH/big.json" --buffer-size 256M -- "$TARGETS/spin" $N 2> "$SCRATCH/big.err"
read -r produced big_lost <<< "$(counts "$SCRATCH/big.err")"
is "$big_lost" 0 "a large buffer loses nothing"
is "$(jsonq "$SCRATCH/big.json" "sum(e.get('name')=='getppid' for e in ev)")" $N "all $N getppid calls delivered"

"$RTRACE" -v --json -o "$SCRATCH/small.json" --buffer-size 4K -- "$TARGETS/spin" $N 2> "$SCRATCH/small.err"
is "$?" 0 "spin exits 0 with a 4K buffer"
read -r delivered lost <<< "$(counts "$SCRATCH/small.err")"
[ "${lost:-0}" -gt 0 ]; ok $? "a 4K buffer loses events ($lost)"
is "$((delivered + lost))" "$produced" "delivered ($delivered) + lost ($lost) = produced ($produced)"
is "$(jsonq "$SCRATCH/small.json" "sum(e['count'] for e in ev if e['type']=='lost')")" "$lost" \
   "lost records add up to the loss"
like "$(cat "$SCRATCH/small.err")" "rtrace: $lost events lost \\(ring buffer full\\): try a larger --buffer-size" \
     "a line at exit says how many were lost"
is "$(jsonq "$SCRATCH/small.json" "[e['type'] for e in ev][-1]")" exit "the trace still ends with the exit record"

"$RTRACE" --buffer-size 4K -o "$SCRATCH/small.txt" -- "$TARGETS/spin" $N 2>/dev/null
like "$(grep -m1 -- '--- lost' "$SCRATCH/small.txt")" '^--- lost [0-9]+ events \(ring buffer full; see --buffer-size\) ---$' \
     "text output marks the gap"
done_testing
