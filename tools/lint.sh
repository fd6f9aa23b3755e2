#!/usr/bin/env bash
# make lint: static analysis of src/, include/slab/ and hooks/, held against
# the deviation register docs/misra.md. Exits non-zero on any finding whose
# (file, rule) the register does not list, and when a tool is missing or fails.
#
#   cppcheck (C++)     src/*.cpp and tools/lint/instantiate*.cpp (the C++ front's
#                      templates) with the include/slab/ headers they include, as
#                      C++17: warning, style, performance, portability
#   cppcheck (C)       the C public headers include/slab/*.h and the C hooks and
#                      page providers hooks/*/*.c, hooks/*/*.h as C11: the same
#                      checks plus the MISRA C:2012 addon (misra.py)
#   clang-tidy         .clang-tidy (bugprone, cert, hicpp, ...) over every core
#                      file in both check modes, the C++ front's templates
#                      (tools/lint/instantiate*.cpp), and every hook as C
#                      (without hicpp-*: HIC++ is a C++ standard, the C files
#                      are held to MISRA C by the addon)
#   in-code NOLINT     every NOLINT comment in the linted code is a deviation too
#
# Register rows in docs/misra.md: | D-nn or F-nn | path globs | rule ids | reason |
# (a glob's * also matches '/'; several globs or ids per row, comma separated).
# Usage: tools/lint.sh [clang-tidy binary] [cppcheck binary]
set -u
cd "$(dirname "$0")/.." || exit 1
TIDY=${1:-clang-tidy-14}
CPPCHECK=${2:-cppcheck}
OUT=${LINT_OUT:-build/lint}
REGISTER=docs/misra.md
mkdir -p "$OUT"
rm -f "$OUT"/*.txt
fail=0
# A tool that is missing must fail the lint, not pass it with no finding.
for tool in "$TIDY" "$CPPCHECK" python3; do
	command -v "$tool" >/dev/null || { echo "lint: $tool not found (make deps)"; exit 1; }
done
[ -f "$REGISTER" ] || { echo "lint: $REGISTER missing"; exit 1; }

# Every finding ends up as "path:line:col: severity: message [id]" in
# $OUT/<tool>.txt; paths relative to the repository.
TEMPLATE='{file}:{line}:{column}: {severity}: {message} [{id}]'
FINDING='^[^ :]+:[0-9]+:[0-9]+: [a-z]+: .* \[[^]]+\]$'
# $1: a cppcheck run's whole output (stdout and stderr). Findings in the
# linted directories go to $2; a line that is no finding (an addon not
# found, python missing, an internal error) fails the lint.
cppcheck_sort() {
	if grep -vE "$FINDING" "$1" | grep -q .; then
		echo "lint: cppcheck did not run cleanly:"
		grep -vE "$FINDING" "$1"
		fail=1
	fi
	grep -E "$FINDING" "$1" | grep -E '^(src|include/slab|hooks)/' |
		sed 's/misra violation (use --rule-texts=<file> to get proper output)/MISRA C:2012 violation/' |
		sort -u >"$2"
}

# --- cppcheck: the C++ core, its headers, the C++ front's templates --------
CPPCHECK_COMMON=(--enable=warning,style,performance,portability --quiet -j2 --template="$TEMPLATE" -Iinclude)
"$CPPCHECK" "${CPPCHECK_COMMON[@]}" --std=c++17 --language=c++ src tools/lint/instantiate.cpp tools/lint/instantiate_hosted.cpp \
	>"$OUT/cppcheck-cxx.log" 2>&1 ||
	{ echo "lint: cppcheck (C++) exited with $?"; fail=1; }
cppcheck_sort "$OUT/cppcheck-cxx.log" "$OUT/cppcheck-cxx.txt"

# --- cppcheck + MISRA C:2012: the C headers and the C hooks ----------------
# One run over all of them, so that the addon's whole-program rules (unused
# macros and types, unique identifiers, internal linkage) see every C file.
# Include paths: every hook directory and the -I flags of the hooks'
# lint-flags.txt (the FreeRTOS kernel's headers); findings in those foreign
# headers are dropped by cppcheck_sort.
c_includes=()
for d in hooks/*/; do
	c_includes+=("-I${d%/}")
	[ -f "$d/lint-flags.txt" ] && for flag in $(grep -v '^#' "$d/lint-flags.txt" | sed "s|@FREERTOS_DIR@|${FREERTOS_DIR:-../shared/peers/freertos-kernel}|g"); do
		[[ $flag == -I* ]] && c_includes+=("$flag")
	done
done
# The addon must work: it has to flag this file (Rule 14.4: an int as a
# condition), else a missing misra.py or python would look like a clean run.
printf 'int lint_canary(int x);\nint lint_canary(int x) { if (x) { return 1; } return 0; }\n' >"$OUT/misra-canary.c"
"$CPPCHECK" --addon=misra --quiet --template="$TEMPLATE" "$OUT/misra-canary.c" 2>&1 | grep -q 'misra-c2012-14.4' ||
	{ echo "lint: the cppcheck MISRA addon reports nothing on a known violation: not working (misra.py, python3?)"; exit 1; }
"$CPPCHECK" "${CPPCHECK_COMMON[@]}" --addon=misra --std=c11 --language=c "${c_includes[@]}" \
	include/slab/*.h hooks/*/*.c hooks/*/*.h >"$OUT/cppcheck-c.log" 2>&1 ||
	{ echo "lint: cppcheck (C, MISRA) exited with $?"; fail=1; }
cppcheck_sort "$OUT/cppcheck-c.log" "$OUT/cppcheck-c.txt"
# cppcheck 2.10 of Debian 12 ships no CERT addon (no cert.py among its
# addons); the CERT C and C++ rules come from clang-tidy's cert-* below.

# --- clang-tidy: every core file in both check modes, the C++ front's
# templates instantiated (tools/lint/instantiate*.cpp), every hook provider.
# Job: file|extra clang-tidy arguments|compiler flags.
CXXFLAGS=(-std=c++17 -ffreestanding -fno-exceptions -fno-rtti -Iinclude)
jobs=()
for checks in 0 1; do
	for f in src/*.cpp tools/lint/instantiate.cpp; do
		jobs+=("$f||${CXXFLAGS[*]} -DSLAB_CHECKS=$checks")
	done
	# The std::pmr headers need the hosted library, exceptions and RTTI.
	jobs+=("tools/lint/instantiate_hosted.cpp||-std=c++17 -Iinclude -DSLAB_CHECKS=$checks")
done
# A hook directory whose code needs more than its own headers (an RTOS's,
# another target) names the extra flags in its lint-flags.txt.
for f in hooks/*/*.c; do
	extra=""
	[ -f "$(dirname "$f")/lint-flags.txt" ] &&
		extra=$(grep -v '^#' "$(dirname "$f")/lint-flags.txt" |
			sed "s|@FREERTOS_DIR@|${FREERTOS_DIR:-../shared/peers/freertos-kernel}|g" | tr '\n' ' ')
	jobs+=("$f|--checks=-hicpp-*|-std=c11 -Iinclude -I$(dirname "$f") $extra")
done
printf '%s\n' "${jobs[@]}" | xargs -P 2 -I{} bash -c \
	'set -f; IFS="|" read -r f args flags <<<"$1"; '"$TIDY"' --quiet $args "$f" -- $flags 2>"$0/clang-tidy-stderr-$$.log"' "$OUT" {} \
	>"$OUT/clang-tidy.log" || { echo "lint: clang-tidy failed to run on some file:"; cat "$OUT"/clang-tidy-stderr-*.log; fail=1; }
rm -f "$OUT"/clang-tidy-stderr-*.log
root="$(pwd)/"
grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$OUT/clang-tidy.log" | sed "s|^$root||" | sort -u >"$OUT/clang-tidy.txt"

# --- in-code suppressions: each NOLINT is a deviation, listed like a finding
grep -rnoE 'NOLINT(NEXTLINE|BEGIN|END)?(\([^)]*\))?' src include/slab hooks tools/lint |
	awk -F: '$3 ~ /^NOLINTEND/ { next } { n = split($3, c, /[(),]/); if (n < 3) print $1 ":" $2 ":1: note: in-code NOLINT [nolint:all]";
		else for (i = 2; i < n; i++) if (c[i] != "") print $1 ":" $2 ":1: note: in-code " $3 " [nolint:" c[i] "]" }' |
	sort -u >"$OUT/nolint.txt"

# --- the register ----------------------------------------------------------
# Rows "| D-nn | globs | ids | reason |" (deviations) and "| F-nn | ... |"
# (defects to fix in the code), one (id, glob, rule) triple per pair.
reg_id=() reg_glob=() reg_rule=()
set -f # the globs are patterns for the findings' paths, not for the disk
while IFS='|' read -r _ rid globs rules reason _; do
	rid=$(echo "$rid" | tr -d ' ')
	# Every row needs paths, rules and a reason.
	if [ -z "${globs// /}" ] || [ -z "${rules// /}" ] || [ -z "${reason// /}" ]; then
		echo "lint: $REGISTER: row $rid lacks paths, rules or a reason"
		fail=1
	fi
	for g in $(echo "$globs" | tr -d '`' | tr ',' ' '); do
		for r in $(echo "$rules" | tr -d '`' | tr ',' ' '); do
			reg_id+=("$rid") reg_glob+=("$g") reg_rule+=("$r")
		done
	done
done < <(grep -E '^\| *[DF]-[0-9]+ *\|' "$REGISTER")
set +f
[ ${#reg_id[@]} -gt 0 ] || { echo "lint: no register rows found in $REGISTER"; exit 1; }
# What matched something: "row path" and "row rule" (a row lists several
# paths and rules, not every pair of which need occur).
declare -A used=()

# $1: one tool's findings file. Prints the unlisted ones and a count line;
# returns 1 when any is unlisted.
check_findings() {
	local name=$1 file=$2 total=0 left=0 line path ids i hit
	while IFS= read -r line; do
		total=$((total + 1))
		path=${line%%:*}
		ids=",$(echo "$line" | sed -E 's/.*\[([^]]+)\]$/\1/'),"
		hit=0
		for i in "${!reg_id[@]}"; do
			# shellcheck disable=SC2053  # the glob is a pattern on purpose
			if [[ $path == ${reg_glob[$i]} && $ids == *",${reg_rule[$i]},"* ]]; then
				hit=1
				used["${reg_id[$i]} path ${reg_glob[$i]}"]=1
				used["${reg_id[$i]} rule ${reg_rule[$i]}"]=1
			fi
		done
		[ $hit = 0 ] && { left=$((left + 1)); echo "NOT LISTED: $line"; }
	done <"$file"
	echo "lint: $name: $total finding(s), $((total - left)) listed in $REGISTER, $left not listed"
	[ $left = 0 ]
}
grep -F '[misra-c2012-' "$OUT/cppcheck-c.txt" >"$OUT/misra.txt"
grep -vF '[misra-c2012-' "$OUT/cppcheck-c.txt" >"$OUT/cppcheck-c-other.txt"
check_findings "cppcheck C++ (src, include/slab, tools/lint)" "$OUT/cppcheck-cxx.txt" || fail=1
check_findings "cppcheck C (include/slab/*.h, hooks)" "$OUT/cppcheck-c-other.txt" || fail=1
check_findings "cppcheck MISRA C:2012 (include/slab/*.h, hooks)" "$OUT/misra.txt" || fail=1
check_findings "clang-tidy" "$OUT/clang-tidy.txt" || fail=1
check_findings "in-code NOLINT" "$OUT/nolint.txt" || fail=1
for i in "${!reg_id[@]}"; do
	for key in "${reg_id[$i]} path ${reg_glob[$i]}" "${reg_id[$i]} rule ${reg_rule[$i]}"; do
		[ -n "${used[$key]:-}" ] || { echo "lint: note: register $key matches no finding any more: delete it"; used[$key]=noted; }
	done
done
# Every source and header of the library, its providers and examples names
# its license (SPDX), but the build's generated secret header.
nospdx=$(find src include hooks examples tools/lint -type f \( -name '*.c' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' \) \
	! -name build_secret.h | sort | xargs grep -L 'SPDX-License-Identifier: MIT' || true)
if [ -n "$nospdx" ]; then
	echo "lint: no SPDX-License-Identifier line in:" $nospdx
	fail=1
else
	echo "lint: every source and header has its SPDX-License-Identifier line"
fi
if [ $fail != 0 ]; then
	echo "lint: FAILED (details in $OUT/; list a deviation in $REGISTER only with a reason)"
	exit 1
fi
echo "lint: clean (every finding is listed in $REGISTER)"
