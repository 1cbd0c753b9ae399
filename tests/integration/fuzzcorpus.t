#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The trace reader's fuzz target (tests/fuzz/fuzz_trace.c, libFuzzer + ASan/UBSan) runs once
# over a seed corpus made here (real traces, and cut, damaged and lying versions of them) and
# over what `make fuzz` found: no crash, no leak, no hang; the codec's (fuzz_codec.c) likewise
# over the traces' RECORDS blocks, and the prototypes' (fuzz_proto.c) over the prototypes the
# traces carry. The seeds stay for `make fuzz`.
source "$(dirname "$0")/lib.sh"

FUZZ=$ROOT/build/fuzz/fuzz_trace
SEEDS=$ROOT/build/fuzz/seeds
CODEC_SEEDS=$ROOT/build/fuzz/codec-seeds
PROTO_SEEDS=$ROOT/build/fuzz/proto-seeds
mkdir -p "$SEEDS" "$CODEC_SEEDS" "$PROTO_SEEDS"
"$RTRACE" record --force -o "$SEEDS/fib.rtrace" -x fib -x main -- "$TARGETS/fib" 6 > /dev/null 2>&1
"$RTRACE" record --force -o "$SEEDS/types.rtrace" --show=/dev/null -x '*' -- "$TARGETS/types" \
	> /dev/null 2>&1
"$RTRACE" record --force -o "$SEEDS/threads.rtrace" -y -f -x work -- "$TARGETS/threads" > /dev/null 2>&1
"$RTRACE" record --force -o "$SEEDS/go.rtrace" -e trace=none -x 'main.*' -- "$TARGETS/gotarget" \
	> /dev/null 2>&1
ok "$(for f in fib types threads go; do test -s "$SEEDS/$f.rtrace" || exit 1; done; echo 0)" \
   "seeds recorded: fib, types (with answers), threads with -y, Go"
python3 - "$SEEDS" <<'PY'
import os, random, sys
d = sys.argv[1]
random.seed(7)
for name in ('fib', 'types', 'threads', 'go'):
    data = open(os.path.join(d, name + '.rtrace'), 'rb').read()
    open(os.path.join(d, name + '-cut.rtrace'), 'wb').write(data[:len(data) // 2])
    for i in range(4):
        m = bytearray(data)
        for _ in range(1 + i * 3):
            m[random.randrange(24, len(m))] = random.randrange(256)
        open(os.path.join(d, '%s-flip%d.rtrace' % (name, i)), 'wb').write(m)
    m = bytearray(data)
    m[24 + 8:24 + 12] = (0xffffffff).to_bytes(4, 'little')   # the first block's raw_size lies
    open(os.path.join(d, name + '-size.rtrace'), 'wb').write(m)
PY
is "$(ls "$SEEDS" | wc -l)" 28 "28 seeds: 4 traces and 24 made hostile"
# The codec's seeds: each trace's RECORDS blocks, inflated.
python3 - "$SEEDS" "$CODEC_SEEDS" <<'PY'
import os, struct, sys, zlib
src, dst = sys.argv[1:3]
for name in ('fib', 'types', 'threads', 'go'):
    data = open(os.path.join(src, name + '.rtrace'), 'rb').read()
    off, n = 24, 0
    while off + 24 <= len(data):
        btype, flags, raw, size = struct.unpack_from('<4I', data, off)
        block = data[off + 24:off + 24 + size]
        if btype == 3:
            open(os.path.join(dst, '%s-%d' % (name, n)), 'wb').write(
                zlib.decompress(block) if flags & 1 else
                zlib.decompress(block, -15) if flags & 2 else block)
            n += 1
        off += 24 + size
PY
ok "$(for f in fib types threads go; do test -s "$CODEC_SEEDS/$f-0" || exit 1; done; echo 0)" \
   "codec seeds: each trace's RECORDS blocks"
# The prototypes' seeds: each one a FUNCS entry of the types and Go traces carries (format.h:
# RTRACE_FUNCF_TYPED), then registers and two captures for its printers.
python3 - "$SEEDS" "$PROTO_SEEDS" <<'PY'
import os, struct, sys, zlib
src, dst = sys.argv[1:3]
vals = bytes(range(1, 73)) + b'\x04\x08hello\x00\x00\x00\x04\x20' + bytes(32)
for name in ('types', 'go'):
    data = open(os.path.join(src, name + '.rtrace'), 'rb').read()
    off, n = 24, 0
    while off + 24 <= len(data):
        btype, flags, raw, size = struct.unpack_from('<4I', data, off)
        block = data[off + 24:off + 24 + size]
        off += 24 + size
        if btype != 2:
            continue
        b = zlib.decompress(block, -15) if flags & 2 else block
        p = 0
        while p + 32 <= len(b):
            esize, eflags = struct.unpack_from('<2I', b, p)
            q = p + 32
            for _ in range(4):
                q += 4 + struct.unpack_from('<I', b, q)[0]
            plen = struct.unpack_from('<I', b, q)[0] if eflags & 2 else 0
            if plen:
                open(os.path.join(dst, '%s-%d' % (name, n)), 'wb').write(
                    struct.pack('<I', plen) + b[q + 4:q + 4 + plen] + vals)
                n += 1
            p += esize
PY
ok "$(test "$(ls "$PROTO_SEEDS" | grep -c '^types-')" -ge 15 &&
      test "$(ls "$PROTO_SEEDS" | grep -c '^go-')" -ge 15 && echo 0)" \
   "prototype seeds: those the types and Go traces carry ($(ls "$PROTO_SEEDS" | wc -l))"
# run_target BIN LOG WHAT OPTS FILES...: the fuzz target once over the files.
run_target() {
	local bin=$1 log=$2 what=$3 opts=$4 status
	shift 4
	# shellcheck disable=SC2086
	timeout 300 "$bin" $opts -timeout=20 "$@" > "$SCRATCH/$log" 2>&1
	status=$?
	is "$status" 0 "$what over $# files: no crash, leak or hang"
	[ "$status" -eq 0 ] || tail -20 "$SCRATCH/$log" | sed 's/^/# /'
	is "$(grep -c '^Executed ' "$SCRATCH/$log")" "$#" "every file executed"
}
files=("$SEEDS"/*)
[ -d "$ROOT/build/fuzz/corpus" ] && files+=("$ROOT"/build/fuzz/corpus/*)
[ -d "$ROOT/tests/fuzz/corpus" ] && files+=("$ROOT"/tests/fuzz/corpus/*)
run_target "$FUZZ" fuzz.log "the fuzz target" -close_fd_mask=2 "${files[@]}"
files=("$CODEC_SEEDS"/*)
[ -d "$ROOT/build/fuzz/codec-corpus" ] && files+=("$ROOT"/build/fuzz/codec-corpus/*)
run_target "$ROOT/build/fuzz/fuzz_codec" codec.log "the codec's fuzz target" "" "${files[@]}"
files=("$PROTO_SEEDS"/*)
[ -d "$ROOT/build/fuzz/proto-corpus" ] && files+=("$ROOT"/build/fuzz/proto-corpus/*)
run_target "$ROOT/build/fuzz/fuzz_proto" proto.log "the prototypes' fuzz target" "" "${files[@]}"
done_testing
