#!/usr/bin/env bash
# The LD_PRELOAD malloc on real programs (make test-malloc-preload).
# Usage: test/malloc/run.sh build/host-gcc/libslab_malloc.so OUTDIR
#
# Each program runs twice on the same input, once on glibc's malloc and
# once with LD_PRELOAD=libslab_malloc.so and SLAB_MALLOC_STATS=1, each under
# a timeout. Passing needs, for every program: the same exit status, the
# same standard output byte for byte, the same standard error once the
# slab_malloc lines are taken out, and at least one slab_malloc line, each
# exactly in its form (docs/malloc.md) with a non-zero allocation count (the
# program's and its children's: gcc runs cc1 and as). Peak RSS (GNU time's
# %M, KiB) of both runs goes to OUTDIR/rss.md.
set -u
SO=$(realpath "$1")
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
T=${PRELOAD_TIMEOUT:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
STATS_RE='^slab_malloc: [1-9][0-9]* allocs, [0-9]+ frees, peak [0-9]+ bytes in use, [0-9]+ pages held at exit \([0-9]+ bytes, [0-9]+ of them cached by the page provider\)$'
pass=0
fail=0
printf '| program | glibc peak RSS (KiB) | libslab peak RSS (KiB) | libslab / glibc | allocs (first process) |\n|---|---:|---:|---:|---:|\n' > "$OUT/rss.md"

# Deterministic inputs.
if [ ! -s "$OUT/xz-input" ]; then
	awk 'BEGIN { for (i = 0; i < 400000; i++) printf "%d %x %s\n", i, (i * 2654435761) % 4294967296, (i % 7 ? "alpha" : "omega") }' \
		> "$OUT/xz-input"
fi

# run_case NAME STDIN COMMAND...
run_case() {
	local name=$1 input=$2
	shift 2
	local d="$OUT/$name"
	mkdir -p "$d"
	(cd "$d" && timeout "$T" /usr/bin/time -f %M -o "$d/rss.glibc" "$@" < "$input" > "$d/glibc.out" 2> "$d/glibc.err")
	local s1=$?
	(cd "$d" && timeout "$T" /usr/bin/time -f %M -o "$d/rss.slab" env LD_PRELOAD="$SO" SLAB_MALLOC_STATS=1 "$@" \
		< "$input" > "$d/slab.out" 2> "$d/slab.err")
	local s2=$?
	grep -v '^slab_malloc: ' "$d/slab.err" > "$d/slab.err.program"
	local why=""
	[ "$s1" = 124 ] && why="$why glibc run timed out;"
	[ "$s2" = 124 ] && why="$why libslab run timed out;"
	[ "$s1" = "$s2" ] || why="$why exit status $s1 (glibc) vs $s2 (libslab);"
	cmp -s "$d/glibc.out" "$d/slab.out" || why="$why standard output differs;"
	cmp -s "$d/glibc.err" "$d/slab.err.program" || why="$why standard error differs;"
	local lines good
	lines=$(grep -c '^slab_malloc' "$d/slab.err")
	good=$(grep -cE "$STATS_RE" "$d/slab.err")
	[ "$lines" -ge 1 ] || why="$why no slab_malloc line;"
	[ "$lines" = "$good" ] || why="$why a slab_malloc line not in its's form;"
	local r1 r2 allocs
	r1=$(tail -n 1 "$d/rss.glibc" 2>/dev/null)
	r2=$(tail -n 1 "$d/rss.slab" 2>/dev/null)
	allocs=$(grep -m1 -oE '^slab_malloc: [0-9]+' "$d/slab.err" | grep -oE '[0-9]+$')
	printf '| %s | %s | %s | %s | %s |\n' "$name" "$r1" "$r2" \
		"$(awk -v a="$r1" -v b="$r2" 'BEGIN { if (a > 0) printf "%.2f", b / a }')" "${allocs:-0}" >> "$OUT/rss.md"
	if [ -z "$why" ]; then
		pass=$((pass + 1))
		echo "test-malloc-preload: $name: same output as glibc (exit $s1, $(wc -c < "$d/slab.out") bytes), $lines stats line(s), peak RSS ${r1} KiB glibc / ${r2} KiB libslab"
	else
		fail=$((fail + 1))
		echo "test-malloc-preload: $name: FAILED:$why (files in $d)"
		head -5 "$d/slab.err"
	fi
}

run_case sqlite3 "$HERE/workload.sql" sqlite3 :memory:
run_case lua5.4 /dev/null lua5.4 "$HERE/workload.lua"
run_case python3 /dev/null /usr/bin/python3 -S "$HERE/workload.py"
run_case perl /dev/null perl "$HERE/workload.pl"
run_case gcc /dev/null gcc -O2 -S -o - "$HERE/compile_me.c"
run_case xz-T2 "$OUT/xz-input" xz -T2 -3 --block-size=1MiB -c
run_case unxz-T2 "$OUT/xz-T2/glibc.out" xz -T2 -d -c
cmp -s "$OUT/unxz-T2/slab.out" "$OUT/xz-input" || { echo "test-malloc-preload: xz round trip differs from the input"; fail=$((fail + 1)); }

cat "$OUT/rss.md"
echo "test-malloc-preload: $pass passed, $fail failed"
[ "$fail" = 0 ]
