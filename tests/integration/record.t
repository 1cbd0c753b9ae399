#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Trace files: rtrace record writes one, replay prints the timeline live output printed
# (byte for byte, text and JSON), info says what it holds; an existing file is never
# overwritten unless asked; a cut, damaged, foreign or newer file is said, never a crash.
# Every block written here is decoded again by the writer and compared with its records,
# bit for bit (RTRACE_CHECK_CODEC).
export RTRACE_CHECK_CODEC=1
source "$(dirname "$0")/lib.sh"

# roundtrip NAME REPLAY-OPTS -- RECORD-ARGS...: records with the timeline shown live,
# replays, and compares.
roundtrip() {
	local name=$1 ropts=$2
	shift 3
	"$RTRACE" record -o "$SCRATCH/$name.rtrace" --show="$SCRATCH/$name.live" "$@" \
		> "$SCRATCH/$name.out" 2> "$SCRATCH/$name.err" < /dev/null
	echo "$?" > "$SCRATCH/$name.status"
	is "$(grep '^rtrace: cannot write' "$SCRATCH/$name.err")" "" \
	   "$name: every record decodes back bit for bit"
	# shellcheck disable=SC2086
	"$RTRACE" replay $ropts "$SCRATCH/$name.rtrace" -o "$SCRATCH/$name.replay" \
		2> "$SCRATCH/$name.rerr"
	is "$?" 0 "$name: replay exits 0"
	ok "$(cmp -s "$SCRATCH/$name.live" "$SCRATCH/$name.replay"; echo $?)" \
	   "$name: replay is live output, byte for byte ($(wc -l < "$SCRATCH/$name.live") lines)"
	is "$(cat "$SCRATCH/$name.rerr")" "" "$name: replay says nothing"
}

roundtrip fib "" -- -x fib -- "$TARGETS/fib" 10
is "$(cat "$SCRATCH/fib.status")" 0 "fib: record exits with the program's status"
is "$(cat "$SCRATCH/fib.out")" "fib(10) = 55" "fib: the program's own output"
is "$(grep -c '^ *fib(n=' "$SCRATCH/fib.replay")" 177 "fib 10: 177 calls replayed"
roundtrip fibjson "--json" -- --json -T -x fib -- "$TARGETS/fib" 10
is "$(jsonq "$SCRATCH/fibjson.replay" "sum(e['type'] == 'return' and e['name'] == 'fib' for e in ev)")" \
   177 "fib 10 JSON: 177 returns replayed"
# Function pointers and constant strings come from the live process: their answers travel.
roundtrip types "--json" -- --json -x '*' -- "$TARGETS/types"
like "$(grep -o '"name":"callback","module":[^}]*' "$SCRATCH/types.replay" | head -1)" '"fn":"twice"' \
     "types: a function pointer by its name, as live"
like "$("$RTRACE" info "$SCRATCH/types.rtrace" | grep '^answers')" '^answers +[1-9]' \
     "types: the process's answers are in the file"
roundtrip paths "-y" -- -y -f -- sh -c 'cat /etc/hostname > /dev/null; ls / > /dev/null'
like "$(cat "$SCRATCH/paths.replay")" 'openat\(AT_FDCWD</[^>]*>, "/etc/hostname", O_RDONLY\) = 3</etc/hostname>' \
     "-y -f: fd paths replayed"
roundtrip threads "-tt -T" -- -tt -T -f -x '*' -- "$TARGETS/threads"
roundtrip summary "-c" -- -c -x fib -- "$TARGETS/fib" 10
like "$(cat "$SCRATCH/summary.replay")" '177 +fib' "-c: the function table from the file"
roundtrip go "--json" -- --json -x 'main.*' -- "$TARGETS/gotarget"
is "$(cat "$SCRATCH/go.status")" "$("$TARGETS/gotarget" > /dev/null 2>&1; echo $?)" \
   "go: record exits with the program's status"
roundtrip python "--json" -- --json -e trace=none -x 'libc:mem*' -x 'libc:str*' -- python3 -S -c 'print(1)'
is "$(cat "$SCRATCH/python.out")" 1 "python3 -S under libc:mem*, libc:str*: its own output"

# The file carries each function's prototype and the types it reaches: a replay where the
# binary (and its DWARF) is gone prints the arguments live output printed, byte for byte.
mkdir -p "$SCRATCH/away"
cp "$TARGETS/types" "$TARGETS/gotarget" "$SCRATCH/away/"
roundtrip_away() {
	local name=$1 ropts=$2
	shift 3
	"$RTRACE" record -o "$SCRATCH/$name.rtrace" --show="$SCRATCH/$name.live" "$@" \
		> /dev/null 2>&1 < /dev/null
}
roundtrip_away away "" -- -x '*' -- "$SCRATCH/away/types"
roundtrip_away awayjson "--json" -- --json --deref -x '*' -- "$SCRATCH/away/types"
roundtrip_away awaygo "" -- -e trace=none -x 'main.*' -- "$SCRATCH/away/gotarget"
mv "$SCRATCH/away" "$SCRATCH/gone"
for name in away awayjson awaygo; do
	opts=
	[ "$name" = awayjson ] && opts=--json
	"$RTRACE" replay $opts "$SCRATCH/$name.rtrace" -o "$SCRATCH/$name.replay" \
		2> "$SCRATCH/$name.rerr"
	ok "$(cmp -s "$SCRATCH/$name.live" "$SCRATCH/$name.replay"; echo $?)" \
	   "$name: without the binary, replay is live output ($(wc -l < "$SCRATCH/$name.live") lines)"
	is "$(cat "$SCRATCH/$name.rerr")" "" "$name: and says nothing of a missing file"
done
like "$(grep -m1 'strings(' "$SCRATCH/away.replay")" 'strings\(s="literal", t="mutable", null=NULL\) = 14' \
     "types without the binary: a string argument by its type"
like "$(grep -m1 'main.add(' "$SCRATCH/awaygo.replay")" 'main.add\(a=3, b=4\) = 7' \
     "Go without the binary: arguments and result by Go's ABI"
like "$("$RTRACE" info "$SCRATCH/away.rtrace" | grep '^functions')" \
     '^functions +[0-9]+ \([1-9][0-9]* with their types\)$' "info: how many functions carry types"

# The default file, never overwritten unless asked.
cd "$SCRATCH" || exit 1
"$RTRACE" record -- /bin/true 2> rec1.err
is "$?" 0 "record: exit 0"
ok "$(test -s rtrace.data; echo $?)" "record: writes rtrace.data by default"
"$RTRACE" record -- /bin/true 2> rec2.err
is "$?" 1 "record over an existing file: exit 1"
is "$(cat rec2.err)" "rtrace: 'rtrace.data' exists: give another file with -o, or --force to overwrite it" \
   "record over an existing file: one line saying so"
"$RTRACE" record --force -e trace=exit_group -- /bin/true 2> rec3.err
is "$?" 0 "record --force: exit 0"
is "$("$RTRACE" replay 2>&1)" "exit_group(0) = ?
+++ exited with 0 +++" "replay: rtrace.data by default, the new trace"
cd "$ROOT" || exit 1

# info
"$RTRACE" info "$SCRATCH/fib.rtrace" > "$SCRATCH/info"
is "$?" 0 "info: exit 0"
like "$(grep '^command' "$SCRATCH/info")" "record -o $SCRATCH/fib.rtrace .* -x fib -- $TARGETS/fib 10\$" \
     "info: the command line"
like "$(grep '^module' "$SCRATCH/info")" "^module +$TARGETS/fib [0-9a-f]{40}\$" "info: the module and its build-id"
is "$(grep -E '^(functions|complete|lost|format)' "$SCRATCH/info" | tr -s ' ')" "format 2
functions 1 (1 with their types)
lost 0
complete yes" "info: functions, losses, format, whole"
is "$(awk '$1 == "kernel" { print $2 }' "$SCRATCH/info")" "$(uname -r)" "info: the kernel"

# Hostile files: one clear line; what is whole still replays.
"$RTRACE" replay /etc/passwd 2> "$SCRATCH/bad.err"
is "$?" 1 "not a trace file: exit 1"
is "$(cat "$SCRATCH/bad.err")" "rtrace: /etc/passwd: not an rtrace trace file" "not a trace file: said"
"$RTRACE" replay "$SCRATCH/none.rtrace" 2> "$SCRATCH/none.err"
is "$?" 1 "no such file: exit 1"
is "$(cat "$SCRATCH/none.err")" "rtrace: cannot open '$SCRATCH/none.rtrace': No such file or directory" \
   "no such file: said"
# A trace of several blocks to damage: fib 20, 43,782 records.
"$RTRACE" record -o "$SCRATCH/big.rtrace" -e trace=none -x fib -- "$TARGETS/fib" 20 > /dev/null 2> "$SCRATCH/big.err"
is "$(cat "$SCRATCH/big.err")" "" "fib 20: recorded, every record decoded back bit for bit"
records=$("$RTRACE" info "$SCRATCH/big.rtrace" | awk '$1 == "records" { print $2 }')
per=$(awk -v r="$records" -v s="$(stat -c %s "$SCRATCH/big.rtrace")" 'BEGIN { printf "%.2f", s / r }')
ok "$(awk -v p="$per" 'BEGIN { exit !(p <= 6) }'; echo $?)" "fib 20: $per bytes per function event (at most 6)"
"$RTRACE" replay --json "$SCRATCH/big.rtrace" > "$SCRATCH/big.replay"
python3 - "$SCRATCH" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
data = bytearray(open(d + '/big.rtrace', 'rb').read())
newer = bytearray(data); newer[8] = 3
open(d + '/newer.rtrace', 'wb').write(newer)
open(d + '/cut.rtrace', 'wb').write(data[:len(data) * 2 // 3])
# the third block: its first stored byte flipped (its CRC fails), or its records lying about
# their size under a good CRC
off, n = 24, 0
while n < 2:
    off += 24 + int.from_bytes(data[off + 12:off + 16], 'little')
    n += 1
btype, flags, raw_size, size = struct.unpack_from('<4I', data, off)
assert flags == 2  # raw deflate
records = bytearray(zlib.decompress(data[off + 24:off + 24 + size], -15))
records[0:4] = struct.pack('<I', len(records))
c = zlib.compressobj(1, zlib.DEFLATED, -15)
z = c.compress(bytes(records)) + c.flush()
lying = data[:off] + struct.pack('<6I', btype, flags, len(records), len(z), zlib.crc32(z), 0) + \
        z + data[off + 24 + size:]
open(d + '/lying.rtrace', 'wb').write(lying)
data[off + 24] ^= 0xff
open(d + '/damaged.rtrace', 'wb').write(data)
open(d + '/damaged.offset', 'w').write(str(off))
PY
"$RTRACE" replay "$SCRATCH/newer.rtrace" 2> "$SCRATCH/newer.err"
is "$?" 1 "a newer format: exit 1"
is "$(cat "$SCRATCH/newer.err")" "rtrace: $SCRATCH/newer.rtrace: written by a newer rtrace (file version 3; this one reads 2)" \
   "a newer format: said"
full=$(wc -l < "$SCRATCH/big.replay")
"$RTRACE" replay --json "$SCRATCH/cut.rtrace" > "$SCRATCH/cut.json" 2> "$SCRATCH/cut.err"
is "$?" 0 "a cut file: replays, exit 0"
like "$(cat "$SCRATCH/cut.err")" "^rtrace: $SCRATCH/cut.rtrace: cut short at offset [0-9]+ \(rtrace stopped while recording\?\): read up to its last whole block\$" \
     "a cut file: says so"
n=$(wc -l < "$SCRATCH/cut.json")
ok "$([ "$n" -gt 0 ] && [ "$n" -lt "$full" ]; echo $?)" "a cut file: what is whole ($n of $full lines)"
head -n "$((n - 1))" "$SCRATCH/cut.json" > "$SCRATCH/cut.head"
ok "$(head -n "$((n - 1))" "$SCRATCH/big.replay" | cmp -s - "$SCRATCH/cut.head"; echo $?)" \
   "a cut file: the same lines as the whole one"
"$RTRACE" replay --json "$SCRATCH/damaged.rtrace" > "$SCRATCH/damaged.json" 2> "$SCRATCH/damaged.err"
is "$?" 0 "a damaged block: replays, exit 0"
is "$(cat "$SCRATCH/damaged.err")" "rtrace: $SCRATCH/damaged.rtrace: damaged block at offset $(cat "$SCRATCH/damaged.offset") skipped" \
   "a damaged block: named by its offset"
n=$(wc -l < "$SCRATCH/damaged.json")
ok "$([ "$n" -gt 0 ] && [ "$n" -lt "$full" ]; echo $?)" "a damaged block: the rest replays ($n of $full lines)"
tail -n 1 "$SCRATCH/big.replay" > "$SCRATCH/big.tail"
ok "$(tail -n 1 "$SCRATCH/damaged.json" | cmp -s - "$SCRATCH/big.tail"; echo $?)" \
   "a damaged block: replayed to the end"
"$RTRACE" replay --json "$SCRATCH/lying.rtrace" > "$SCRATCH/lying.json" 2> "$SCRATCH/lying.err"
is "$?:$(cat "$SCRATCH/lying.err")" "0:rtrace: $SCRATCH/lying.rtrace: damaged block at offset $(cat "$SCRATCH/damaged.offset") skipped" \
   "records malformed under a good CRC: the block is damaged, said by its offset"
ok "$(cmp -s "$SCRATCH/lying.json" "$SCRATCH/damaged.json"; echo $?)" \
   "records malformed under a good CRC: the rest replays, as with a damaged CRC"

# -y with plain record: the fds a process had before the trace are in the file (their paths
# asked through the view at attach), so a replay names them as the live output would.
sh -c "exec 7> '$SCRATCH/fd7.txt'; while :; do echo hi >&7; sleep 0.05; done" &
sp=$!
wait_comm "$sp" sh
"$RTRACE" record -v -y -o "$SCRATCH/y.rtrace" -p "$sp" 2> "$SCRATCH/y.err" &
rt=$!
wait_ready "$SCRATCH/y.err"
sleep 0.5
kill -INT "$rt"
wait "$rt"
kill "$sp"
wait "$sp" 2> /dev/null
"$RTRACE" replay "$SCRATCH/y.rtrace" > "$SCRATCH/y.txt" 2>&1
like "$(grep -m1 '^dup2(7' "$SCRATCH/y.txt")" "^dup2\\(7<$SCRATCH/fd7.txt>, 1\\) = 1<$SCRATCH/fd7.txt>\$" \
     "record -y -p: an fd opened before the trace has its path in the replay"
like "$(grep -m1 '^write(1' "$SCRATCH/y.txt")" "^write\\(1<$SCRATCH/fd7.txt>, \"hi\\\\n\", 3\\) = 3\$" \
     "... and the write through the dup2 of it"

# Options that cannot apply to a file.
"$RTRACE" replay -p 1 "$SCRATCH/fib.rtrace" 2> "$SCRATCH/x.err"
is "$?:$(cat "$SCRATCH/x.err")" "1:rtrace: replay: -p does not apply to a trace file" "replay -p: said, exit 1"
"$RTRACE" info -x fib "$SCRATCH/fib.rtrace" 2> "$SCRATCH/ix.err"
is "$?:$(cat "$SCRATCH/ix.err")" "1:rtrace: info: -x does not apply to a trace file" "info -x: said, exit 1"
"$RTRACE" --show -- /bin/true 2> "$SCRATCH/show.err"
is "$?:$(cat "$SCRATCH/show.err")" "1:rtrace: --show is for rtrace record" "--show without record: said, exit 1"
done_testing
