#!/usr/bin/env bash
# make lint: cppcheck and clang-tidy over src/, include/ and hooks/ with the
# checked-in configuration (.clang-tidy, tools/cppcheck-suppressions.txt,
# tools/clang-tidy-baseline.txt). Exits non-zero on any finding left.
# Usage: tools/lint.sh [clang-tidy binary] [cppcheck binary]
set -u
cd "$(dirname "$0")/.."
TIDY=${1:-clang-tidy-14}
CPPCHECK=${2:-cppcheck}
OUT=${LINT_OUT:-build/lint}
mkdir -p "$OUT"
fail=0
# A tool that is missing must fail the lint, not pass it with no finding.
for tool in "$TIDY" "$CPPCHECK"; do
	command -v "$tool" >/dev/null || { echo "lint: $tool not found (make deps)"; exit 1; }
done

# --- cppcheck: C++ core and headers, then the C page providers -------------
CPPCHECK_COMMON=(--enable=warning,style,performance,portability --inline-suppr --quiet
	--suppressions-list=tools/cppcheck-suppressions.txt --error-exitcode=1 -Iinclude)
"$CPPCHECK" "${CPPCHECK_COMMON[@]}" --std=c++17 --language=c++ src include/slab 2>"$OUT/cppcheck-cxx.txt" || fail=1
hook_dirs=$(ls -d hooks/*/)
"$CPPCHECK" "${CPPCHECK_COMMON[@]}" --std=c11 --language=c $(for d in $hook_dirs; do echo -I"$d"; done) \
	hooks 2>"$OUT/cppcheck-c.txt" || fail=1
cat "$OUT/cppcheck-cxx.txt" "$OUT/cppcheck-c.txt"
echo "lint: cppcheck $( [ $fail = 0 ] && echo clean || echo FOUND PROBLEMS )"

# --- clang-tidy: every core file in both check modes, the C++ front's
# templates instantiated (tools/lint/instantiate.cpp), every hook provider.
CXXFLAGS=(-std=c++17 -ffreestanding -fno-exceptions -fno-rtti -Iinclude)
jobs=()
for checks in 0 1; do
	for f in src/*.cpp tools/lint/instantiate.cpp; do
		jobs+=("$f|${CXXFLAGS[*]} -DSLAB_CHECKS=$checks")
	done
done
# A hook directory whose code needs more than its own headers (an RTOS's,
# another target) names the extra flags in its lint-flags.txt.
for f in hooks/*/*.c; do
	extra=""
	[ -f "$(dirname "$f")/lint-flags.txt" ] &&
		extra=$(grep -v '^#' "$(dirname "$f")/lint-flags.txt" |
			sed "s|@FREERTOS_DIR@|${FREERTOS_DIR:-../shared/peers/freertos-kernel}|g" | tr '\n' ' ')
	jobs+=("$f|-std=c11 -Iinclude -I$(dirname "$f") $extra")
done
printf '%s\n' "${jobs[@]}" | xargs -P 2 -I{} bash -c \
	'f="${1%%|*}"; flags="${1#*|}"; '"$TIDY"' --quiet "$f" -- $flags 2>"$0/clang-tidy-stderr-$$.txt"' "$OUT" {} \
	>"$OUT/clang-tidy-raw.txt" || { echo "lint: clang-tidy failed to run on some file:"; cat "$OUT"/clang-tidy-stderr-*.txt; fail=1; }
rm -f "$OUT"/clang-tidy-stderr-*.txt

# Keep "path:line:col: warning: text [check]" lines, paths relative, unique.
root="$(pwd)/"
grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$OUT/clang-tidy-raw.txt" | sed "s|^$root||" | sort -u \
	>"$OUT/clang-tidy-all.txt"
baseline=$(grep -vE '^\s*(#|$)' tools/clang-tidy-baseline.txt | awk '{print $1 " " $2}')
: >"$OUT/clang-tidy-left.txt"
while IFS= read -r line; do
	path=${line%%:*}
	check=$(echo "$line" | sed -E 's/.*\[([^]]+)\]$/\1/')
	hidden=0
	while read -r bpath bcheck; do
		[ -z "$bpath" ] && continue
		if [ "$path" = "$bpath" ] && [[ ",$check," == *",$bcheck,"* ]]; then hidden=1; fi
	done <<<"$baseline"
	[ $hidden = 0 ] && echo "$line" >>"$OUT/clang-tidy-left.txt"
done <"$OUT/clang-tidy-all.txt"
while read -r bpath bcheck; do
	[ -z "$bpath" ] && continue
	grep -q "^$bpath:.*\[.*$bcheck.*\]$" "$OUT/clang-tidy-all.txt" ||
		echo "lint: note: baseline entry '$bpath $bcheck' matches nothing any more: delete it"
done <<<"$baseline"
total=$(wc -l <"$OUT/clang-tidy-all.txt")
left=$(wc -l <"$OUT/clang-tidy-left.txt")
cat "$OUT/clang-tidy-left.txt"
echo "lint: clang-tidy $total finding(s), $((total - left)) in the baseline, $left left"
[ "$left" = 0 ] || fail=1
if [ $fail != 0 ]; then
	echo "lint: FAILED (details in $OUT/)"
	exit 1
fi
echo "lint: clean"
