#!/usr/bin/env bash
# The drop-in's figures of docs/malloc.md (not a test: timings vary).
# Usage: test/malloc/measure.sh build/host-gcc/libslab_malloc.so [RUNS]
#   python zlib  time (median of RUNS), user, sys, minor faults under glibc
#                and the drop-in (/usr/bin/time -v); madvise calls (strace -c)
#   phases       peak RSS (test/malloc/phases.c) under glibc and the drop-in
set -u
SO=$(realpath "$1")
RUNS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
PY='import zlib; [zlib.compress(b"hello world "*50) for _ in range(50000)]'
field() { sed -n "s/^\t$1: //p" "$2"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for who in glibc libslab; do
	pre=""
	[ "$who" = libslab ] && pre=$SO
	for i in $(seq "$RUNS"); do
		env LD_PRELOAD="$pre" /usr/bin/time -v -o "$OUT/t" python3 -c "$PY"
		e=$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$OUT/t" | awk -F: '{ print $NF + 60 * $(NF - 1) }')
		echo "$e $(field 'User time (seconds)' "$OUT/t") $(field 'System time (seconds)' "$OUT/t") $(field 'Minor (reclaiming a frame) page faults' "$OUT/t")"
	done > "$OUT/$who.runs"
	m=$(cut -d' ' -f1 "$OUT/$who.runs" | median)
	line=$(awk -v m="$m" '$1 == m { print; exit }' "$OUT/$who.runs")
	set -- $line
	echo "python zlib, $who: median of $RUNS: $1 s (user $2 s, sys $3 s), $4 minor faults"
	if command -v strace > /dev/null; then
		n=$(env LD_PRELOAD="$pre" strace -f -c -e trace=madvise -o "$OUT/s" python3 -c "$PY"; awk '$NF == "madvise" { print $4 }' "$OUT/s")
		echo "python zlib, $who: ${n:-0} madvise calls"
	fi
done
gcc -O2 -o "$OUT/phases" "$HERE/phases.c"
for who in glibc libslab; do
	pre=""
	[ "$who" = libslab ] && pre=$SO
	env LD_PRELOAD="$pre" /usr/bin/time -v -o "$OUT/t" "$OUT/phases"
	echo "phases, $who: peak RSS $(field 'Maximum resident set size (kbytes)' "$OUT/t") KiB"
done
rm -rf "$OUT"
