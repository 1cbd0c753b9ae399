#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Nothing lost silently: with a tiny ring buffer, delivered + lost = produced.
source "$(dirname "$0")/lib.sh"
N=200000

# counts FILE: "delivered lost" from rtrace -v's closing line.
counts() {
	sed -n 's/^rtrace: \([0-9]*\) events delivered, \([0-9]*\) lost$/\1 \2/p' "$1"
}

# stalled OUT ERR ARGS...: traces `spin N wait` with rtrace stopped (SIGSTOP)
# during the whole burst, so the buffer must overflow unless it is huge.
stalled() {
	local out=$1 err=$2 rt spin
	shift 2
	rm -f "$SCRATCH/go"
	mkfifo "$SCRATCH/go"
	"$RTRACE" -v "$@" -o "$out" -- "$TARGETS/spin" $N wait < "$SCRATCH/go" 2> "$err" &
	rt=$!
	exec 3> "$SCRATCH/go"
	for _ in $(seq 1200); do
		spin=$(pgrep -P "$rt" -x spin) && [ "$(cut -d' ' -f3 /proc/$spin/stat 2>/dev/null)" = S ] && break
		sleep 0.05
	done
	kill -STOP "$rt"
	echo go >&3
	exec 3>&-
	while kill -0 "$spin" 2>/dev/null && [ "$(cut -d' ' -f3 /proc/$spin/stat 2>/dev/null)" != Z ]; do
		sleep 0.05
	done
	kill -CONT "$rt"
	wait "$rt"
}

# The same deterministic run, once with room for everything.
stalled "$SCRATCH/big.json" "$SCRATCH/big.err" --json --buffer-size 32M
is "$?" 0 "spin exits 0 with a 32M buffer"
read -r produced big_lost <<< "$(counts "$SCRATCH/big.err")"
is "$big_lost" 0 "a large buffer loses nothing"
is "$(jsonq "$SCRATCH/big.json" "sum(e.get('name')=='getppid' for e in ev)")" $N "all $N getppid calls delivered"

# Records wait in per-CPU batches that the loader sends out every poll: a
# program blocked after a burst shows the burst while it blocks.
rm -f "$SCRATCH/hold"
mkfifo "$SCRATCH/hold"
"$RTRACE" --json -e trace=getppid -o "$SCRATCH/hold.json" -- "$TARGETS/spin" 5 hold < "$SCRATCH/hold" &
rt=$!
exec 3> "$SCRATCH/hold"
for _ in $(seq 400); do
	n=$(grep -c '"getppid"' "$SCRATCH/hold.json" 2>/dev/null)
	[ "${n:-0}" -ge 5 ] && break
	sleep 0.05
done
is "${n:-0}" 5 "a burst shows while the program blocks after it"
echo go >&3
exec 3>&-
wait "$rt"

stalled "$SCRATCH/small.json" "$SCRATCH/small.err" --json --buffer-size 4K
is "$?" 0 "spin exits 0 with a 4K buffer"
read -r delivered lost <<< "$(counts "$SCRATCH/small.err")"
[ "${lost:-0}" -gt 0 ]; ok $? "a 4K buffer loses events ($lost)"
is "$((delivered + lost))" "$produced" "delivered ($delivered) + lost ($lost) = produced ($produced)"
is "$(jsonq "$SCRATCH/small.json" "sum(e['count'] for e in ev if e['type']=='lost')")" "$lost" \
   "lost records add up to the loss"
like "$(cat "$SCRATCH/small.err")" "rtrace: $lost events lost \\(ring buffer full\\): try a larger --buffer-size" \
     "a line at exit says how many were lost"
is "$(jsonq "$SCRATCH/small.json" "[e['type'] for e in ev][-1], [e.get('code') for e in ev if e['type']=='exit']")" "('exit', [0])" \
   "room kept for process events: the trace still ends with the exit record"

stalled "$SCRATCH/small.txt" "$SCRATCH/small.terr" --buffer-size 4K
like "$(grep -m1 -- '--- lost' "$SCRATCH/small.txt")" '^--- lost [0-9]+ events \(ring buffer full; see --buffer-size\) ---$' \
     "text output marks the gap"

done_testing
