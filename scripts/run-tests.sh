#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs rtrace's TAP tests through prove and ends with one line
# "N passed, N failed" counting every individual check.
#   scripts/run-tests.sh [unit|integration]...   (default: both)
set -uo pipefail
cd "$(dirname "$0")/.."

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(unit integration)
files=()
for s in "${suites[@]}"; do
	case "$s" in
	unit) files+=(build/tests/unit/test_*) ;;
	integration) files+=(tests/integration/*.t) ;;
	*) echo "run-tests.sh: unknown suite '$s'" >&2; exit 2 ;;
	esac
done

log=$(mktemp /tmp/rtrace-tests.XXXXXX)
trap 'rm -f "$log"' EXIT
prove -v --merge "${files[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -cE '^[[:space:]]*ok [0-9]+' "$log")
failed=$(grep -cE '^[[:space:]]*not ok [0-9]+' "$log")
skipped=$(grep -cE '^[[:space:]]*ok [0-9]+.*# SKIP' "$log")
# A file that died before printing its "not ok" lines still fails the run.
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$((passed - skipped)) passed, $failed failed, $skipped skipped"
exit "$status"
