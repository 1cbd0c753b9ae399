#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# --json is valid JSON in valid UTF-8 whatever the bytes: a program run
# through a path that is not UTF-8 (a 0xff byte) shows as \u00ff, UTF-8 as is.
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

# expect PATH: the JSON string a reader gets for PATH, as a Python repr:
# bytes that are not UTF-8 as the characters U+0080-U+00FF, UTF-8 as itself.
expect() {
	python3 -c 'import sys
print(repr("".join(chr(ord(c) - 0xdc00) if "\udc80" <= c <= "\udcff" else c for c in sys.argv[1])))' "$1"
}

for what in 0xff UTF-8; do
	dir=$SCRATCH/$([ $what = 0xff ] && printf 'bad\xff' || printf 'caf\xc3\xa9')
	mkdir -p "$dir"
	cp "$TARGETS/fib" "$dir/fib"
	"$RTRACE" --json -x fib -o "$SCRATCH/out.json" -- "$dir/fib" 3 > /dev/null
	is "$?" 0 "$what in the path: fib exits 0"
	read -r lines bad <<< "$(check "$SCRATCH/out.json")"
	is "$bad" 0 "$what in the path: all $lines lines are JSON in strict UTF-8"
	want=$(expect "$dir/fib")
	is "$(jsonq "$SCRATCH/out.json" "repr([e['filename'] for e in ev if e['type']=='exec'][0])")" \
	   "$want" "$what in the path: the exec record's file name"
	is "$(jsonq "$SCRATCH/out.json" "repr({e['module'] for e in ev if e['type']=='call'}.pop())")" \
	   "$want" "$what in the path: the call records' module"
done
done_testing
