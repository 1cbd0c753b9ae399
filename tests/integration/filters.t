#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# --max-depth, --tid, --since/--until, -e/-x, --sample and --min-duration, live and on a
# trace file: exactly the expected subset of the unfiltered stream, computed from it here.
source "$(dirname "$0")/lib.sh"

F=$SCRATCH/fib.rtrace
"$RTRACE" record -o "$F" --show="$SCRATCH/fib.live" --json -x fib -x main -- "$TARGETS/fib" 10 \
	> /dev/null 2>&1
"$RTRACE" replay --json "$F" > "$SCRATCH/fib.all"
ok "$(cmp -s "$SCRATCH/fib.all" "$SCRATCH/fib.live"; echo $?)" "the unfiltered replay is the live output"
# subset FILE EXPR: the lines of $SCRATCH/fib.all whose record satisfies EXPR (e), as text.
subset() {
	python3 - "$1" "$2" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if eval(sys.argv[2]):
        sys.stdout.write(l)
PY
}
for n in 1 2 4; do
	"$RTRACE" replay --json --max-depth "$n" "$F" > "$SCRATCH/d$n"
	subset "$SCRATCH/fib.all" "e['type'] not in ('call', 'return') or e['depth'] < $n" > "$SCRATCH/d$n.want"
	ok "$(cmp -s "$SCRATCH/d$n" "$SCRATCH/d$n.want"; echo $?)" \
	   "replay --max-depth $n: exactly the calls at depth 0..$((n - 1)) ($(grep -c '"type":"call"' "$SCRATCH/d$n") calls), every syscall and process event"
done
is "$(grep -c '"name":"fib"' "$SCRATCH/d1")" 0 "--max-depth 1: main only, no fib"
"$RTRACE" report --max-depth 2 "$F" > "$SCRATCH/rep2"
like "$(grep ' fib$' "$SCRATCH/rep2")" ' +1 +0 ' "report --max-depth 2: the one fib call at depth 1"

# Live: the same subset as the replay's.
"$RTRACE" --json --max-depth 3 -x fib -x main -o "$SCRATCH/live3" -- "$TARGETS/fib" 10 > /dev/null
is "$(grep -c '"type":"call"' "$SCRATCH/live3")" "$(grep '"type":"call"' "$SCRATCH/fib.all" | grep -c '"depth":[012][,}]')" \
   "live --max-depth 3: as many calls as the unfiltered trace has at depth 0..2"
is "$(python3 -c 'import json, sys; print(max(json.loads(l)["depth"] for l in open(sys.argv[1]) if "\"call\"" in l))' "$SCRATCH/live3")" 2 \
   "live --max-depth 3: none deeper"

# In BPF: what --max-depth, --sample and --tid hide is never recorded. fib 15 makes 1,973
# fib calls: with --max-depth 2 the file holds main's and fib(15)'s entries and returns,
# the exec and the exit.
recs() { "$RTRACE" info "$1" | awk '$1 == "records" { print $2 }'; }
"$RTRACE" record -o "$SCRATCH/all15.rtrace" -e trace=none -x fib -x main -- "$TARGETS/fib" 15 > /dev/null 2>&1
"$RTRACE" record -o "$SCRATCH/d2.rtrace" --max-depth 2 -e trace=none -x fib -x main -- "$TARGETS/fib" 15 > /dev/null 2>&1
is "$(recs "$SCRATCH/all15.rtrace"):$(recs "$SCRATCH/d2.rtrace")" "3950:6" \
   "record --max-depth 2: 6 records where the whole run has 3,950 (cut in BPF)"
# what happened, less the times and addresses that differ from run to run
shape() {
	"$RTRACE" replay --json "$@" | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    print(e["type"], e.get("name"), e.get("depth"), e.get("args", {}).get("n"), e.get("ret"))'
}
is "$(shape --max-depth 2 "$SCRATCH/all15.rtrace")" "$(shape "$SCRATCH/d2.rtrace")" \
   "... the same calls as the whole run's replay with --max-depth 2"
"$RTRACE" record -o "$SCRATCH/s10.rtrace" --sample 10 -x work -e trace=getppid -- "$TARGETS/threads" > /dev/null 2>&1
"$RTRACE" replay --json "$SCRATCH/s10.rtrace" > "$SCRATCH/s10.json"
is "$(recs "$SCRATCH/s10.rtrace"):$(grep -c '"type":"call"' "$SCRATCH/s10.json"):$(grep -c '"name":"getppid"' "$SCRATCH/s10.json")" "42:10:10" \
   "record --sample 10 on 100 calls: 10 calls and their getppid recorded, 42 records (cut in BPF)"
"$TARGETS/loop" > /dev/null &
loop=$!
wait_comm "$loop" loop
for tid in "$loop" 1; do
	"$RTRACE" record -v -o "$SCRATCH/tid$tid.rtrace" -p "$loop" --tid "$tid" -x tick -e trace=getppid \
		2> "$SCRATCH/tid.err" &
	rt=$!
	wait_ready "$SCRATCH/tid.err"
	sleep 0.5
	kill -INT "$rt"
	wait "$rt"
done
kill "$loop"
wait "$loop" 2> /dev/null
n=$(recs "$SCRATCH/tid$loop.rtrace")
[ "$n" -ge 40 ]; ok $? "record -p PID --tid PID: its ticks and getppid ($n records)"
is "$(recs "$SCRATCH/tid1.rtrace")" 0 "record -p PID --tid 1: no record of another thread (cut in BPF)"

# --tid: one worker's calls and syscalls; process events stay.
T=$SCRATCH/thr.rtrace
"$RTRACE" record -o "$T" -x work -- "$TARGETS/threads" > /dev/null 2>&1
"$RTRACE" replay --json "$T" > "$SCRATCH/thr.all"
tid=$(python3 -c 'import json, sys; print(sorted({json.loads(l)["tid"] for l in open(sys.argv[1]) if "\"name\":\"work\"" in l})[1])' "$SCRATCH/thr.all")
"$RTRACE" replay --json --tid "$tid" "$T" > "$SCRATCH/thr.one"
subset "$SCRATCH/thr.all" "e['type'] not in ('call', 'return', 'syscall') or e['tid'] == $tid" > "$SCRATCH/thr.want"
ok "$(cmp -s "$SCRATCH/thr.one" "$SCRATCH/thr.want"; echo $?)" "replay --tid: exactly that thread's calls and syscalls, and the process events"
is "$(grep -c '"type":"call"' "$SCRATCH/thr.one")" 25 "--tid: the worker's 25 calls"

# --since/--until: what began in the window, from the first record (a call with its
# return, a syscall by its start).
python3 - "$SCRATCH/fib.all" > "$SCRATCH/window" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
begin = lambda e: e.get('start_ns') or (e['ts_ns'] - e['dur_ns'] if e['type'] == 'return' else e['ts_ns'])
first = min(begin(e) for e in ev)
span = max(e['ts_ns'] for e in ev) - first
print(span // 4, span * 3 // 4, first)
PY
read -r since until first < "$SCRATCH/window"
"$RTRACE" replay --json --since "${since}ns" --until "${until}ns" "$F" > "$SCRATCH/win"
subset "$SCRATCH/fib.all" "$since <= (e.get('start_ns') or (e['ts_ns'] - e['dur_ns'] if e['type'] == 'return' else e['ts_ns'])) - $first <= $until" \
	> "$SCRATCH/win.want"
ok "$(cmp -s "$SCRATCH/win" "$SCRATCH/win.want"; echo $?)" \
   "replay --since/--until: exactly what began in the window ($(wc -l < "$SCRATCH/win") of $(wc -l < "$SCRATCH/fib.all") records)"
ok "$([ -s "$SCRATCH/win" ] && [ "$(wc -l < "$SCRATCH/win")" -lt "$(wc -l < "$SCRATCH/fib.all")" ]; echo $?)" \
   "the window holds some records, not all"
"$RTRACE" --since 1s -- /bin/true 2> "$SCRATCH/since.err"
is "$?:$(cat "$SCRATCH/since.err")" "1:rtrace: --since is for a trace file (replay, report, export)" \
   "--since live: said, exit 1"

# -e and -x narrow a replay to some syscalls and functions.
"$RTRACE" replay --json -e trace=write,mmap "$F" > "$SCRATCH/e"
subset "$SCRATCH/fib.all" "e['type'] != 'syscall' or e['name'] in ('write', 'mmap')" > "$SCRATCH/e.want"
ok "$(cmp -s "$SCRATCH/e" "$SCRATCH/e.want"; echo $?)" "replay -e trace=write,mmap: exactly those syscalls, and every call"
"$RTRACE" replay --json -e trace=none -x main "$F" > "$SCRATCH/x"
subset "$SCRATCH/fib.all" "e['type'] in ('call', 'return') and e['name'] == 'main' or e['type'] not in ('call', 'return', 'syscall')" \
	> "$SCRATCH/x.want"
ok "$(cmp -s "$SCRATCH/x" "$SCRATCH/x.want"; echo $?)" "replay -e trace=none -x main: main's call and return, the process events"
"$RTRACE" replay --json -e trace=none -x 'fib:fi*' "$F" > "$SCRATCH/xm"
is "$(grep -c '"type":"call","ts_ns":[0-9]*,"pid":[0-9]*,"tid":[0-9]*,"name":"fib"' "$SCRATCH/xm"):$(grep -c '"name":"main"' "$SCRATCH/xm")" \
   "177:0" "replay -x 'fib:fi*': a module by its file name, fib's 177 calls, not main"
"$RTRACE" report -x main "$F" > "$SCRATCH/xr"
is "$(awk 'NR > 2 && $NF != "(syscall)" { print $NF }' "$SCRATCH/xr")" main "report -x main: main's row alone among functions"

# --sample: 1 in N outermost calls, counted over every thread, with all inside them.
"$RTRACE" replay --json --sample 10 "$T" > "$SCRATCH/s10"
python3 - "$SCRATCH/thr.all" > "$SCRATCH/s10.want" <<'PY'
import json, sys
n, shown, out = 0, {}, []
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e['type'] == 'call' and e['depth'] == 0:
        shown[e['tid']] = n % 10 == 0
        n += 1
    if e['type'] in ('call', 'return') or (e['type'] == 'syscall' and e['name'] == 'getppid'):
        if not shown.get(e['tid'], True):
            continue
    sys.stdout.write(l)
PY
ok "$(cmp -s "$SCRATCH/s10" "$SCRATCH/s10.want"; echo $?)" "replay --sample 10: exactly every tenth outermost call, its getppid inside"
is "$(grep -c '"type":"call"' "$SCRATCH/s10"):$(grep -c '"name":"getppid"' "$SCRATCH/s10")" "10:10" \
   "--sample 10 on 100 calls: 10 calls, their 10 getppid"
"$RTRACE" --json --sample 4 -x work -e trace=getppid -o "$SCRATCH/live4" -- "$TARGETS/threads"
is "$(grep -c '"type":"call"' "$SCRATCH/live4"):$(grep -c '"type":"return"' "$SCRATCH/live4")" "25:25" \
   "live --sample 4 on 100 calls: 25 calls, 25 returns"

# --min-duration: the calls and syscalls that took at least TIME, with the calls around
# them; the threshold is the fib calls' median, so about half go.
python3 - "$SCRATCH/fib.all" "$SCRATCH/md.want" > "$SCRATCH/md.min" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
durs = sorted(e['dur_ns'] for e in ev if e['type'] == 'return' and e['name'] == 'fib')
low = durs[len(durs) // 2]
# a call's duration is its return's; the open stack pairs them
dur, stack = {}, []
for i, e in enumerate(ev):
    if e['type'] == 'call':
        stack.append(i)
    elif e['type'] == 'return':
        dur[stack.pop()] = dur[i] = e['dur_ns']
with open(sys.argv[2], 'w') as out:
    for i, e in enumerate(ev):
        if e['type'] in ('call', 'return'):
            keep = dur[i] >= low
        elif e['type'] == 'syscall':
            keep = 'start_ns' in e and e['ts_ns'] - e['start_ns'] >= low
        else:
            keep = True
        if keep:
            out.write(json.dumps(e, separators=(',', ':')) + '\n')
print(low)
PY
low=$(cat "$SCRATCH/md.min")
"$RTRACE" replay --json --min-duration "${low}ns" "$F" > "$SCRATCH/md"
python3 -c 'import json, sys; [print(json.dumps(json.loads(l), separators=(",", ":"))) for l in open(sys.argv[1])]' \
	"$SCRATCH/md" > "$SCRATCH/md.norm"
ok "$(cmp -s "$SCRATCH/md.norm" "$SCRATCH/md.want"; echo $?)" \
   "replay --min-duration ${low}ns: exactly the calls and syscalls that took that long ($(grep -c '"type":"call"' "$SCRATCH/md") of $(grep -c '"type":"call"' "$SCRATCH/fib.all") calls)"
python3 - "$SCRATCH/md" "$low" <<'PY' > "$SCRATCH/md.short"
import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l).get('dur_ns', 1 << 62) < int(sys.argv[2])))
PY
is "$(cat "$SCRATCH/md.short")" 0 "--min-duration: nothing shorter"
"$RTRACE" replay -T --min-duration "${low}ns" "$F" > "$SCRATCH/md.txt" 2>&1
is "$(grep -cE '^ *(fib|main)\(' "$SCRATCH/md.txt"):$(grep -c resumed "$SCRATCH/md.txt")" \
   "$(grep -c '"type":"call"' "$SCRATCH/md"):0" "--min-duration in text: the same calls, syscalls whole"
"$RTRACE" -T --min-duration 1s -x fib -x main -o "$SCRATCH/md.live" -- "$TARGETS/fib" 10 > /dev/null
is "$(cat "$SCRATCH/md.live")" "+++ exited with 0 +++" "live --min-duration 1s on a 10 ms run: its exit only"
# In BPF, for leaf calls: durations' fast() (100 calls) not recorded, slow() (2 ms, 3 calls)
# and the calls around it are.
D=$TARGETS/durations
DF=(-e trace=none -x fast -x slow -x parent -x main)
"$RTRACE" record -o "$SCRATCH/dur.all" "${DF[@]}" -- "$D" > /dev/null 2>&1
"$RTRACE" record -o "$SCRATCH/dur.md" --min-duration 1ms "${DF[@]}" -- "$D" > /dev/null 2>&1
# A fast() call is as short as a call gets, but a guest under emulation can stall one past
# 1 ms: the checks hold whatever the timing (slow's 2 ms sleeps always count).
n=$(recs "$SCRATCH/dur.md")
ok "$([ "$(recs "$SCRATCH/dur.all")" = 212 ] && [ "$n" -ge 12 ] && [ "$n" -le 40 ]; echo $?)" \
   "record --min-duration 1ms: $n records where the run has 212 (short leaf calls cut in BPF)"
"$RTRACE" replay --json "$SCRATCH/dur.md" > "$SCRATCH/dur.json"
is "$(jsonq "$SCRATCH/dur.json" "[e['name'] for e in ev if e['type'] == 'call' and e['name'] != 'fast']")" \
   "['main', 'parent', 'slow', 'slow', 'slow']" "... main, parent and slow's three calls"
is "$(jsonq "$SCRATCH/dur.json" "[e for e in ev if e['type'] == 'return' and e.get('dur_ns', 0) < 1000000]")" \
   "[]" "... and nothing that took less than 1 ms"
"$RTRACE" -T --min-duration 1ms -x fast -x slow -x parent -x main -o "$SCRATCH/dur.txt" -- "$D"
is "$(grep -c 'slow(i=' "$SCRATCH/dur.txt"):$(grep -c 'nanosleep(' "$SCRATCH/dur.txt"):$(grep -c 'fast(.*<0\.000[0-9]*>$' "$SCRATCH/dur.txt")" "3:3:0" \
   "live --min-duration 1ms with syscalls: slow's calls and their nanosleeps, no fast() under 1 ms"
"$RTRACE" replay --min-duration 0 "$F" 2> "$SCRATCH/bad.err"
is "$?:$(cat "$SCRATCH/bad.err")" "1:rtrace: invalid --min-duration: '0' (a time: 1.5ms, 200us, 1000ns)" \
   "--min-duration 0: said, exit 1"

"$RTRACE" replay --max-depth 0 "$F" 2> "$SCRATCH/bad.err"
is "$?:$(cat "$SCRATCH/bad.err")" "1:rtrace: invalid --max-depth: '0' (a positive number)" "--max-depth 0: said, exit 1"
done_testing
