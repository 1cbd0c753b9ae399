#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Attach to a running process, detach on each signal, leave it healthy.
source "$(dirname "$0")/lib.sh"

"$TARGETS/loop" > "$SCRATCH/loop.out" &
loop=$!
wait_comm "$loop" loop

for sig in INT TERM HUP; do
	# As from a terminal: under nohup SIGHUP comes ignored, and rtrace then
	# keeps ignoring it, as nohup asks.
	env --default-signal=HUP "$RTRACE" -v -p "$loop" --json -x tick -e trace=getppid \
		-o "$SCRATCH/a-$sig.json" 2> "$SCRATCH/a-$sig.err" &
	rt=$!
	wait_ready "$SCRATCH/a-$sig.err"
	sleep 1
	kill -"$sig" "$rt"
	wait "$rt"
	is "$?" 0 "SIG$sig: rtrace detaches and exits 0"
	calls=$(jsonq "$SCRATCH/a-$sig.json" "sum(e['type']=='call' for e in ev)")
	like "$calls" '^[0-9]+$' "SIG$sig: calls counted"
	[ "$calls" -ge 20 ]; ok $? "SIG$sig: at least 20 tick() calls seen in ~1 s ($calls)"
	# A tick() under way when tracing starts shows its return only (marked
	# entry_seen false), one under way when it stops its entry only: never more.
	is "$(jsonq "$SCRATCH/a-$sig.json" "[sum(e['type']=='return' and e.get('entry_seen', True) for e in ev) in ($calls, $calls - 1), sum(e['type']=='return' and e.get('entry_seen') is False for e in ev) <= 1]")" \
	   "[True, True]" "SIG$sig: calls and returns pair up, but for one in flight at each end"
	is "$(jsonq "$SCRATCH/a-$sig.json" "abs(sum(e['type']=='syscall' and e['name']=='getppid' for e in ev) - $calls) <= 1")" True \
	   "SIG$sig: one getppid per tick"
	is "$(jsonq "$SCRATCH/a-$sig.json" "{e['pid'] for e in ev}")" "{$loop}" "SIG$sig: only the target's events"
	is "$(links_left)" 0 "SIG$sig: no BPF link left behind"
done

# Even SIGKILL leaves nothing behind: links die with their file descriptors.
"$RTRACE" -v -p "$loop" -x tick -o /dev/null 2> "$SCRATCH/kill.err" &
rt=$!
wait_ready "$SCRATCH/kill.err"
kill -KILL "$rt"
wait "$rt" 2>/dev/null
sleep 0.2
is "$(links_left)" 0 "SIGKILL: no BPF link left behind"

# The target carries on: it answers SIGUSR1 with its tick count.
kill -USR1 "$loop"
sleep 0.3
like "$(cat "$SCRATCH/loop.out")" '^ticks [0-9]+' "target still healthy after three detaches"

# The target exiting ends the trace; rtrace exits 0 and reports the signal.
"$RTRACE" -v -p "$loop" --json -e trace=none -o "$SCRATCH/end.json" 2> "$SCRATCH/end.err" &
rt=$!
wait_ready "$SCRATCH/end.err"
kill -TERM "$loop"
wait "$rt"
is "$?" 0 "rtrace exits 0 when the traced process ends"
is "$(jsonq "$SCRATCH/end.json" "[(e['type'], e.get('signal')) for e in ev if e['type']=='exit']")" "[('exit', 'SIGTERM')]" \
   "exit record says SIGTERM"
wait "$loop" 2>/dev/null

# Not root, only CAP_BPF+CAP_PERFMON: the caller's own process can be traced.
# (Syscalls: 6.1 also wants CAP_SYS_ADMIN for uprobe perf events.)
setpriv --reuid=65534 --regid=65534 --clear-groups "$TARGETS/loop" > /dev/null &
mine=$!	# setpriv execs the loop: same pid
wait_comm "$mine" loop
chmod 777 "$SCRATCH"
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+bpf,+perfmon --ambient-caps=+bpf,+perfmon \
	"$RTRACE" -v -p "$mine" -e trace=getppid --json -o "$SCRATCH/caps.json" 2> "$SCRATCH/caps.err" &
rt=$!
wait_ready "$SCRATCH/caps.err"
sleep 0.5
kill -INT "$rt"
wait "$rt"
kill "$mine"
[ "$(jsonq "$SCRATCH/caps.json" "sum(e.get('name')=='getppid' for e in ev)")" -ge 10 ]
ok $? "with CAP_BPF+CAP_PERFMON only, the caller's own process is traced"

# A thread id is taken as its process.
"$TARGETS/loop" > /dev/null &
loop=$!
wait_comm "$loop" loop
"$RTRACE" -v -p "$loop" -e trace=getppid -o "$SCRATCH/txt" 2> "$SCRATCH/txt.err" &
rt=$!
wait_ready "$SCRATCH/txt.err"
sleep 0.3
kill -INT "$rt"; wait "$rt"
like "$(head -1 "$SCRATCH/txt")" '^(<\.\.\. [a-z_0-9]+ resumed>\) = [0-9]+|getppid\(\) = [0-9]+)$' "text output when attached"
kill "$loop"; wait "$loop" 2>/dev/null
done_testing
