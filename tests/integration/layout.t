#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The source layout: user/ in folders by concern whose dependencies (by #include) form no
# cycle, util/ depending on nothing, and a folder's private header (*_priv.h) used only there.
source "$(dirname "$0")/lib.sh"

cd "$ROOT/user" || exit 1
edges=$SCRATCH/edges
: > "$edges"
private_out=()
for f in *.[ch] */*.[ch]; do
	dir=$(dirname "$f")
	[ "$dir" = . ] && dir=top
	sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" > "$SCRATCH/incs"
	while read -r inc; do
		case $inc in
		*/*) to=${inc%%/*} ;;
		*) if [ "$dir" != top ] && [ -e "$dir/$inc" ]; then to=$dir
		   elif [ -e "$inc" ]; then to=top
		   else continue	# include/ and build/: the ABI and the skeleton
		   fi ;;
		esac
		[ "$to" != "$dir" ] && echo "$dir $to" >> "$edges"
		case $inc in *_priv.h) [ "$to" != "$dir" ] && private_out+=("$f: $inc") ;; esac
	done < "$SCRATCH/incs"	# no process substitution: the test VMs have no /dev/fd
done
sort -u -o "$edges" "$edges"

is "$(tsort "$edges" 2>&1 >/dev/null)" "" "the folders' dependencies have no cycle"
is "$(awk '$1 == "util"' "$edges")" "" "util/ depends on no other folder"
is "${private_out[*]}" "" "private headers are included only in their folder"
is "$(ls ./*.c | wc -l)" "$(ls main.c opts.c launch.c tracer.c tracer_counts.c timeline.c follow.c go_attach.c record.c replay.c | wc -l)" \
   "at the top only the loader's lifecycle"
is "$(awk '$1 == "top" && $2 == "output"' "$edges")" "top output" \
   "the check sees dependencies (top uses output/)"
done_testing
