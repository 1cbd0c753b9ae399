#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# --json is valid JSON in valid UTF-8 whatever the bytes, and gives them back: a byte that is
# not UTF-8 comes as \udcXX, which Python's surrogateescape (the README's snippet) turns back
# into it. And the README's commands that hand JSON to jq work as printed.
source "$(dirname "$0")/lib.sh"

# check FILE: "LINES BAD": lines, and lines that are not strict UTF-8 JSON.
check() {
	python3 - "$1" <<'PY'
import json, sys
lines = open(sys.argv[1], 'rb').read().splitlines()
bad = 0
for l in lines:
    try:
        json.loads(l.decode('utf-8'))
    except ValueError as e:
        bad += 1
        print('#', e, l[:120], file=sys.stderr)
print(len(lines), bad)
PY
}

# bytes_of PATH: PATH's bytes, as a Python repr.
bytes_of() {
	python3 -c 'import os, sys; print(repr(os.fsencode(sys.argv[1])))' "$1"
}

for what in 0xff UTF-8; do
	dir=$SCRATCH/$([ $what = 0xff ] && printf 'bad\xff' || printf 'caf\xc3\xa9')
	mkdir -p "$dir"
	cp "$TARGETS/fib" "$dir/fib"
	"$RTRACE" --json -x fib -o "$SCRATCH/out.json" -- "$dir/fib" 3 > /dev/null
	is "$?" 0 "$what in the path: fib exits 0"
	read -r lines bad <<< "$(check "$SCRATCH/out.json")"
	is "$bad" 0 "$what in the path: all $lines lines are JSON in strict UTF-8"
	want=$(bytes_of "$dir/fib")
	is "$(jsonq "$SCRATCH/out.json" "repr([e['filename'] for e in ev if e['type']=='exec'][0].encode('utf-8', 'surrogateescape'))")" \
	   "$want" "$what in the path: the exec record's file name, byte for byte"
	is "$(jsonq "$SCRATCH/out.json" "repr({e['module'] for e in ev if e['type']=='call'}.pop().encode('utf-8', 'surrogateescape'))")" \
	   "$want" "$what in the path: the call records' module, byte for byte"
done

# A char * of any bytes: 1 to 255, the malformed forms (overlong, surrogates, past U+10FFFF,
# a sequence cut at the end), UTF-8 of 2 to 4 bytes, a literal \xff and \udcff, random bytes.
python3 - "$SCRATCH/bytes.dat" <<'PY'
import random, sys
r = random.Random(7)
d = (bytes(range(1, 256)) + b'\xff\xfe' + 'é€😀'.encode() +
     b'\xc0\x80\xed\xa0\x80\xed\xb3\xbf\xf4\x90\x80\x80\\xff\\udcff' +
     bytes(r.randrange(1, 256) for _ in range(1000)) + b'\xe2\x82')
open(sys.argv[1], 'wb').write(d)
PY
"$RTRACE" --json -s 4094 -e trace=none -x take -o "$SCRATCH/bytes.json" -- \
	"$TARGETS/bytes" "$SCRATCH/bytes.dat"
is "$?" 0 "bytes: exits 0"
read -r lines bad <<< "$(check "$SCRATCH/bytes.json")"
is "$bad" 0 "bytes: all $lines lines are JSON in strict UTF-8"
is "$(jsonq "$SCRATCH/bytes.json" "[e['args']['s'].encode('utf-8', 'surrogateescape') for e in ev if e['type'] == 'call'] == [open('$SCRATCH/bytes.dat', 'rb').read()]")" \
   True "bytes: take()'s string in JSON gives every byte back"
jq -c . "$SCRATCH/bytes.json" > /dev/null 2> "$SCRATCH/jq.err"
is "$?:$(cat "$SCRATCH/jq.err")" "0:" "bytes: jq reads every line"
# The README's snippet, as printed there, on take()'s line.
python3 - "$SCRATCH/bytes.json" "$SCRATCH/bytes.dat" "$ROOT/README.md" > "$SCRATCH/snippet.out" <<'PY'
import re, sys, textwrap
readme = open(sys.argv[3]).read()
blocks = re.findall(r'^( *)```python\n(.*?)^\1```$', readme, re.S | re.M)
ns = {'line': [l for l in open(sys.argv[1]) if '"type":"call"' in l][0]}
exec(textwrap.dedent(blocks[0][1]), ns)
print(len(blocks), ns['raw'] == open(sys.argv[2], 'rb').read())
PY
is "$(cat "$SCRATCH/snippet.out")" "1 True" "bytes: the README's Python snippet gives every byte back"

# The README's and --help's commands that give JSON to jq or python3, as printed (sudo aside:
# the tests run as root), in a folder where ./fib is the fib target and rtrace.data a trace of
# it; `-p 4242` attaches to a loop target, stopped after a while. Each exits 0 (pipefail) and
# jq reads records.
mkdir -p "$SCRATCH/readme" "$SCRATCH/bin"
ln -s "$RTRACE" "$SCRATCH/bin/rtrace"
cp "$TARGETS/fib" "$SCRATCH/readme/fib"
(cd "$SCRATCH/readme" && "$RTRACE" record -x fib -- ./fib 10 > /dev/null 2>&1)
pattern='^ *(sudo )?rtrace .*--json.*[|&;] *(jq|python3) '
{
	grep -E "$pattern" "$ROOT/README.md"
	"$RTRACE" --help | sed -n '/^Examples:/,$p' | grep -E "$pattern"
} | sed -E 's/^ *(sudo )?//; s/ {2,}# [^'\'']*$//' | sort -u > "$SCRATCH/commands"
like "$(wc -l < "$SCRATCH/commands")" '^[3-9]$' "README: its JSON commands found"
while IFS= read -r cmd; do
	loop= run=$cmd
	if [[ "$cmd" == *"-p 4242"* ]]; then
		"$TARGETS/loop" > /dev/null &
		loop=$!
		run=${cmd//-p 4242/-p $loop}
	fi
	(cd "$SCRATCH/readme" && PATH="$SCRATCH/bin:$PATH" bash -o pipefail -c "$run") \
		> "$SCRATCH/cmd.out" 2> "$SCRATCH/cmd.err" < /dev/null &
	pid=$!
	if [ -n "$loop" ]; then
		sleep $((2 * TIME_SCALE))
		kill "$loop"
		wait "$loop" 2> /dev/null
	fi
	wait "$pid"
	is "$?:$(cat "$SCRATCH/cmd.err")" "0:" "README: $cmd"
	like "$(grep -c '"type": *"' "$SCRATCH/cmd.out")" '^[1-9]' "README: $cmd: records come out"
done < "$SCRATCH/commands"
done_testing
