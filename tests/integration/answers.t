#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What decoding asks the live process (the names of function pointers, constant strings BPF
# could not read) is in a trace file whether record showed the calls or not: plain record
# asks it for the calls that may ask, at their own place in the file, and a replay, text or
# JSON, shows what live output showed. A text --show asks an entry's questions only when the
# line is printed: a JSON replay of that file, which asks them at the entry, finds them too.
export RTRACE_CHECK_CODEC=1
source "$(dirname "$0")/lib.sh"
T=$TARGETS/answers
FUNCS=(-e trace=none -x apply -x pick -x far_arg -x far_ret)
# Runs differ in their durations only: the lines without them.
strip_dur() { sed -E 's/ <[0-9.]+>$//' "$1"; }
CALLS="[(e['type'], e['name'], e.get('args'), e.get('ret')) for e in ev
        if e['type'] in ('call', 'return')]"
WANT_TEXT='apply(fn=toupper, c=97) = 65
pick(upper=0) = tolower
far_arg(s="far") = 1
far_ret() = "ret"
+++ exited with 0 +++'
WANT_JSON="[('call', 'apply', {'fn': 'toupper', 'c': 97}, None), ('return', 'apply', None, 65), \
('call', 'pick', {'upper': 0}, None), ('return', 'pick', None, 'tolower'), \
('call', 'far_arg', {'s': 'far'}, None), ('return', 'far_arg', None, 1), \
('call', 'far_ret', {}, None), ('return', 'far_ret', None, 'ret')]"

# record NAME OPTS...: records the target, says whether rtrace exited 0 and said nothing.
record() {
	local name=$1
	shift
	"$RTRACE" record -o "$SCRATCH/$name.rtrace" "$@" "${FUNCS[@]}" -- "$T" \
		> /dev/null 2> "$SCRATCH/$name.err"
	is "$?:$(cat "$SCRATCH/$name.err")" "0:" "$name: record exits 0, says nothing"
}

# replay NAME FORMAT [OPTS...]: replays NAME.rtrace into NAME.FORMAT.
replay() {
	local name=$1 fmt=$2
	shift 2
	"$RTRACE" replay "$@" "$SCRATCH/$name.rtrace" -o "$SCRATCH/$name.$fmt" \
		2> "$SCRATCH/$name.$fmt.err"
	is "$?:$(cat "$SCRATCH/$name.$fmt.err")" "0:" "$name: replay${*:+ $*} exits 0, says nothing"
}

# Live output, text and JSON, of two runs.
record show --show="$SCRATCH/show.live"
is "$(strip_dur "$SCRATCH/show.live")" "$WANT_TEXT" \
   "live text: pointers into libc by name, strings from a page the program never touched"
record showjson --json --show="$SCRATCH/showjson.live"
is "$(jsonq "$SCRATCH/showjson.live" "$CALLS")" "$WANT_JSON" "live JSON: the same values"

# Plain record: nothing shown, the answers kept.
record plain
is "$("$RTRACE" info "$SCRATCH/plain.rtrace" | awk '$1 == "answers" { print $2 }')" 4 \
   "plain: one answer a question (two names, two strings BPF could not read)"
replay plain txt
is "$(strip_dur "$SCRATCH/plain.txt")" "$WANT_TEXT" "plain, replayed: the live text"
replay plain json --json
is "$(jsonq "$SCRATCH/plain.json" "$CALLS")" "$WANT_JSON" "plain, replayed as JSON: the live values"

# --show's text asks an entry's questions at the line, after its return: a JSON replay asks
# them at the entry.
is "$("$RTRACE" info "$SCRATCH/show.rtrace" | awk '$1 == "answers" { print $2 }')" 4 \
   "--show: the same answers, asked at the record and at the line, kept once"
replay show txt
ok "$(cmp -s "$SCRATCH/show.live" "$SCRATCH/show.txt"; echo $?)" \
   "--show, replayed: the live text, byte for byte"
replay show json --json
is "$(jsonq "$SCRATCH/show.json" "$CALLS")" "$WANT_JSON" "--show, replayed as JSON: the live values"

# Calls that cannot ask leave no answers.
"$RTRACE" record -o "$SCRATCH/fib.rtrace" -e trace=none -x fib -- "$TARGETS/fib" 10 > /dev/null
is "$("$RTRACE" info "$SCRATCH/fib.rtrace" | awk '$1 == "answers" { print $2 }')" 0 \
   "fib(int): no answers"
done_testing
