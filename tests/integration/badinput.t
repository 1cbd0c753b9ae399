#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Bad input: one clear `rtrace: ...` line, exit 1, nothing started or left behind.
source "$(dirname "$0")/lib.sh"

# fails NAME REGEX CMD...: exit 1, exactly one stderr line matching REGEX.
fails() {
	local name=$1 regex=$2
	shift 2
	"$@" > "$SCRATCH/out" 2> "$SCRATCH/err"
	local status=$?
	is "$status" 1 "$name: exit 1"
	is "$(wc -l < "$SCRATCH/err")" 1 "$name: one line"
	like "$(cat "$SCRATCH/err")" "^rtrace: $regex" "$name: says why"
}

printf 'just text\n' > "$SCRATCH/text"
chmod +x "$SCRATCH/text"
fails "no such pid" "no such process: 999999" "$RTRACE" -p 999999
fails "pid not a number" "invalid process id: 'abc'" "$RTRACE" -p abc
fails "kernel thread" "process 2 is a kernel thread: it runs no user code and makes no system calls to trace" "$RTRACE" -p 2
fails "command not found" "command not found: 'no-such-cmd-rtrace'" "$RTRACE" -- no-such-cmd-rtrace
fails "missing path" "command not found: '/nonexistent/x'" "$RTRACE" -- /nonexistent/x
fails "not executable" "cannot execute '/etc/passwd': Permission denied" "$RTRACE" -- /etc/passwd
fails "not ELF" "cannot execute '$SCRATCH/text': not an ELF executable or script" "$RTRACE" -- "$SCRATCH/text"
fails "spec matches nothing" "no function matches 'no_such_fn' in $TARGETS/fib" "$RTRACE" -x no_such_fn -- "$TARGETS/fib"
fails "module not ELF" "'/etc/passwd' is not an ELF file" "$RTRACE" -x /etc/passwd:foo -- "$TARGETS/fib"
fails "unknown syscall" "invalid system call 'opn'" "$RTRACE" -e trace=opn -- /bin/true
fails "unknown class" "invalid class '%foo'" "$RTRACE" -e trace=%foo -- /bin/true
fails "bad size" "invalid buffer size: '12Q'" "$RTRACE" --buffer-size 12Q -- /bin/true
fails "unknown option" "unknown option '--bogus'" "$RTRACE" --bogus -- /bin/true
fails "nothing to trace" "must have -p PID or a command" "$RTRACE" -T
fails "both -p and a command" "-p and a command are mutually exclusive" "$RTRACE" -p 1 -- /bin/true
fails "missing argument" "option '-o' needs an argument" "$RTRACE" -o
fails "unwritable output" "cannot open output file '/nonexistent/dir/x'" "$RTRACE" -o /nonexistent/dir/x -- /bin/true
fails "not root" "tracing needs root, or CAP_BPF and CAP_PERFMON" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$RTRACE" -- /bin/true

# With CAP_BPF+CAP_PERFMON but not root: only the caller's own processes.
CAPS=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+bpf,+perfmon --ambient-caps=+bpf,+perfmon)
fails "pid of another user" "not permitted to trace process 1: it belongs to another user" \
	"${CAPS[@]}" "$RTRACE" -p 1

# No room for a second process in the map of traced processes (was silent).
sleep 30 & s1=$!
sleep 30 & s2=$!
RTRACE_MAX_TGIDS=1 fails "tgid map full" \
	"cannot trace process $s2: too many processes traced at once \(tgid map full\)" \
	"$RTRACE" -p "$s1" -p "$s2"
kill "$s1" "$s2"
wait "$s1" "$s2" 2> /dev/null

# The program is never started when rtrace gives up: no fib process ran.
before=$(pgrep -c -x fib)
"$RTRACE" -x no_such_fn -- "$TARGETS/fib" 30 2>/dev/null
sleep 0.2
is "$(pgrep -c -x fib)" "$before" "a failed spec starts nothing"
"$RTRACE" -e trace=none -- /bin/true 2>/dev/null
is "$?" 0 "and a good command runs"
is "$(links_left)" 0 "no BPF link left behind"
done_testing
