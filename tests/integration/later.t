#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Libraries and programs that appear later: a spec whose library is not loaded waits (said
# once) and is traced once the library comes (dlopen), and again after dlclose and a reload;
# a process that execs has the specs resolved again against its new program; a script is
# traced in its interpreter and in what it execs; a binary deleted while it runs, a kernel
# thread, a program in its own mount namespace.
source "$(dirname "$0")/lib.sh"

D="$TARGETS/dlopener"
LIB="$TARGETS/libplug.so"
# plug_x FILE: the arguments of plug_fn's calls, in order (plug_fn(100) may come before the
# probes do, and is left out: whether it shows is a matter of timing, never invented).
plug_x() { grep -oP '^(\[pid +[0-9]+\] )?plug_fn\(x=\K[0-9]+(?=\))' "$1" | grep -v '^100$' | tr '\n' ' '; }

"$RTRACE" -e trace=none -x 'libplug:plug_*' -o "$SCRATCH/dl" -- "$D" "$LIB" > "$SCRATCH/dl.out" \
	2> "$SCRATCH/dl.err"
is "$?" 0 "dlopen: exits 0"
is "$(cat "$SCRATCH/dl.out")" "sum 210" "dlopen: the program's own result"
is "$(cat "$SCRATCH/dl.err")" "rtrace: 'libplug:plug_*': its library is not loaded in $D: traced once it is" \
   "dlopen: the waiting spec said once, nothing else"
is "$(plug_x "$SCRATCH/dl")" "1 2 3 4 5 6 " "dlopen: traced once loaded, and again after dlclose and a reload"
is "$(grep -c '^plug_fn(x=[1-6]) = [1-6]0 <' "$SCRATCH/dl")" 6 "dlopen: each with its return value"

# A spec that matches nothing in the library that came is still said.
"$RTRACE" -e trace=none -x 'libplug:nosuch*' -x 'libplug:plug_fn' -o "$SCRATCH/dl2" -- "$D" "$LIB" \
	> /dev/null 2> "$SCRATCH/dl2.err"
is "$?" 0 "a spec matching nothing in the loaded library: still exits 0"
like "$(cat "$SCRATCH/dl2.err")" "rtrace: no function matches 'nosuch\*' in $LIB" \
     "a spec matching nothing in the loaded library: said when it loads"
is "$(plug_x "$SCRATCH/dl2")" "1 2 3 4 5 6 " "and the other spec is traced"

# Attached to a running process that loads the library later.
"$D" "$LIB" 1500 > /dev/null &
pid=$!
wait_comm "$pid" dlopener
"$RTRACE" -e trace=none -x 'libplug:plug_*' -p "$pid" -o "$SCRATCH/dl3" 2> "$SCRATCH/dl3.err"
is "$?" 0 "-p, dlopen later: exits 0 with the process"
is "$(cat "$SCRATCH/dl3.err")" "rtrace: 'libplug:plug_*': its library is not loaded in process $pid: traced once it is" \
   "-p, dlopen later: said once"
is "$(plug_x "$SCRATCH/dl3")" "1 2 3 4 5 6 " "-p, dlopen later: traced"
wait "$pid"

# -f: a shell execs the program: its specs resolved again there, its library waited for.
"$RTRACE" -f -e trace=none -x 'libplug:plug_*' -o "$SCRATCH/dl4" -- sh -c "exec '$D' '$LIB'" \
	> "$SCRATCH/dl4.out" 2> /dev/null
is "$?" 0 "-f, exec then dlopen: exits 0"
is "$(plug_x "$SCRATCH/dl4")" "1 2 3 4 5 6 " "-f, exec then dlopen: traced"
"$RTRACE" -f -e trace=none -x child_work -o "$SCRATCH/ex" -- sh -c "$TARGETS/forker" \
	2> "$SCRATCH/ex.err"
is "$?" 0 "-f, a function of a program run by a shell: exits 0"
is "$(cat "$SCRATCH/ex.err")" "rtrace: 'child_work' matches nothing in /usr/bin/sh: traced in the programs it runs, if they have it" \
   "-f: the spec waits for the programs the shell runs"
is "$(grep -oP 'child_work\(k=\K[0-9]' "$SCRATCH/ex" | tr '\n' ' ')" "0 1 " \
   "-f: child_work traced in both children of the program the shell ran"

# A script first on PATH that execs the real program (as pyenv's shims do).
mkdir -p "$SCRATCH/shims"
printf '#!/bin/sh\nexec /usr/bin/python3 "$@"\n' > "$SCRATCH/shims/python3"
chmod +x "$SCRATCH/shims/python3"
PATH="$SCRATCH/shims:$PATH" "$RTRACE" -e trace=none -x 'libc:getpid' -o "$SCRATCH/py" \
	-- python3 -S -c 'import os; print(os.getpid())' > "$SCRATCH/py.out" 2> "$SCRATCH/py.err"
is "$?" 0 "a script that execs python: exits 0"
is "$(cat "$SCRATCH/py.err")" "" "a script that execs python: no error"
like "$(grep 'getpid()' "$SCRATCH/py" | tail -1)" "^getpid\(\) = $(cat "$SCRATCH/py.out") <" \
     "a script that execs python: python's getpid traced, returning the pid it printed"
PATH="$SCRATCH/shims:$PATH" "$RTRACE" -e trace=none -x "$LIBC_ALL" -o /dev/null \
	-- python3 -S -c 'print(6 * 7)' > "$SCRATCH/py2.out" 2> /dev/null
is "$?:$(cat "$SCRATCH/py2.out")" "0:42" "a script that execs python, -x '$LIBC_ALL': runs as untraced"

# ticks_of PID NAME: rtrace -p PID -x tick for half a second; checks it exits 0 and traced
# at least 10 calls, then ends the process.
ticks_of() {
	local pid=$1 name=$2 rt n
	"$RTRACE" -v -e trace=none -x tick -p "$pid" -o "$SCRATCH/tick" 2> "$SCRATCH/tick.err" &
	rt=$!
	wait_ready "$SCRATCH/tick.err"
	sleep 0.5
	kill -INT "$rt"
	wait "$rt"
	is "$?" 0 "$name: rtrace exits 0"
	n=$(grep -c '^tick(i=[0-9]*) = [0-9]* <' "$SCRATCH/tick")
	[ "$n" -ge 10 ]; ok $? "$name: its function traced ($n calls)"
	kill "$pid"
	wait "$pid" 2> /dev/null
}

# A binary deleted while it runs (a service upgraded in place): traced through /proc/PID/exe.
cp "$TARGETS/loop" "$SCRATCH/loopdel"
"$SCRATCH/loopdel" &
pid=$!
wait_comm "$pid" loopdel
rm "$SCRATCH/loopdel"
ticks_of "$pid" "a deleted binary"

# A library deleted while a process has it loaded (upgraded under a running service):
# traced through /proc/PID/map_files.
cp "$LIB" "$SCRATCH/libplug.so"
"$D" "$SCRATCH/libplug.so" 0 1500 > "$SCRATCH/dl5.out" &
pid=$!
wait_comm "$pid" dlopener
sleep 0.2
rm "$SCRATCH/libplug.so"
"$RTRACE" -e trace=none -x 'libplug:plug_*' -p "$pid" -o "$SCRATCH/dl5" 2> "$SCRATCH/dl5.err"
is "$?" 0 "a deleted library: exits 0 with the process"
is "$(cat "$SCRATCH/dl5.err")" "" "a deleted library: found, nothing said"
is "$(plug_x "$SCRATCH/dl5")" "1 2 3 " "a deleted library: its function traced"
wait "$pid"

# A program in its own mount namespace, its file only there.
if unshare -m true 2> /dev/null; then
	unshare -m --propagation private sh -c "mount -t tmpfs none /mnt && cp '$TARGETS/loop' /mnt/nsloop && exec /mnt/nsloop" &
	pid=$!
	wait_comm "$pid" nsloop
	ticks_of "$pid" "own mount namespace"
else
	skip "own mount namespace: exits 0" "unshare -m is not allowed here"
	skip "own mount namespace: traced" "unshare -m is not allowed here"
fi
is "$(links_left)" 0 "no link left behind"
done_testing
