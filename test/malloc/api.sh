#!/usr/bin/env bash
# The drop-in's own behaviour (make test-malloc-preload, after run.sh).
# Usage: test/malloc/api.sh build/host-gcc/libslab_malloc.so OUTDIR
#
#   misuse     each bad free or realloc (misuse.c) kills the process with
#              SIGABRT after exactly one line on standard error naming the
#              status and the pointer; with SLAB_MALLOC_ON_ERROR=report the
#              same line, and the program goes on
#   glibc_api  memalign, aligned_alloc, posix_memalign, valloc, pvalloc and
#              mallopt answer as glibc 2.36: the same output with and
#              without the drop-in
#   stats      mallinfo, mallinfo2, malloc_trim, malloc_info, malloc_stats
#              answer from the heap's figures (stats.c); malloc_stats's
#              lines on standard error
#   pool       no madvise per free; freed pages of one size serve the next;
#              the pool bounded (pool.c); the SLAB_MALLOC_STATS line counts
#              the provider's cached pages
# The test programs are built with gcc and clang, -Wall -Wextra -Werror;
# the gcc builds run.
set -u
SO=$(realpath "$1")
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "test-malloc-api: $1"; }
bad() { fail=$((fail + 1)); echo "test-malloc-api: FAILED: $1"; }

for prog in misuse glibc_api stats pool; do
	gcc -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror "$HERE/$prog.c" -o "$OUT/$prog" || { bad "gcc $prog.c"; continue; }
	clang -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror "$HERE/$prog.c" -o "$OUT/$prog.clang" ||
		bad "clang $prog.c"
done

# --- misuse ---------------------------------------------------------------
# expect_line CASE ERR OUT: exactly one slab_malloc line in ERR, naming a
# SLAB_E status and the pointer the program printed in OUT.
expect_line() {
	local ptr lines
	ptr=$(sed -n 's/^ptr=//p' "$3")
	lines=$(grep -c '^slab_malloc: ' "$2")
	if [ -z "$ptr" ] || [ "$lines" != 1 ] || [ "$(wc -l < "$2")" != 1 ] ||
		! grep -qE "^slab_malloc: SLAB_E[A-Z]+ on $ptr \(" "$2"; then
		bad "$1: want one line 'slab_malloc: SLAB_E... on $ptr (...)' on standard error, got: $(head -3 "$2")"
		return 1
	fi
	return 0
}
for c in double-free double-free-large stack interior interior-large realloc-stack realloc-freed; do
	# (braces: the shell's own "Aborted" note goes to /dev/null)
	{ env LD_PRELOAD="$SO" "$OUT/misuse" "$c" > "$OUT/misuse.$c.out" 2> "$OUT/misuse.$c.err"; s=$?; } 2>/dev/null
	if [ "$s" != 134 ]; then
		bad "$c: exit status $s, want 134 (SIGABRT)"
	elif grep -q 'went on' "$OUT/misuse.$c.out"; then
		bad "$c: went on after the misuse"
	elif expect_line "$c" "$OUT/misuse.$c.err" "$OUT/misuse.$c.out"; then
		ok "$c: SIGABRT, $(cat "$OUT/misuse.$c.err")"
	fi
	env LD_PRELOAD="$SO" SLAB_MALLOC_ON_ERROR=report "$OUT/misuse" "$c" > "$OUT/report.$c.out" 2> "$OUT/report.$c.err"
	s=$?
	if [ "$s" != 0 ] || ! grep -q 'went on' "$OUT/report.$c.out"; then
		bad "$c with SLAB_MALLOC_ON_ERROR=report: exit status $s, want 0 and 'went on'"
	elif expect_line "$c (report)" "$OUT/report.$c.err" "$OUT/report.$c.out"; then
		ok "$c with SLAB_MALLOC_ON_ERROR=report: went on after one line"
	fi
done

# --- glibc_api ------------------------------------------------------------
"$OUT/glibc_api" > "$OUT/glibc_api.glibc" 2>&1
s1=$?
env LD_PRELOAD="$SO" "$OUT/glibc_api" > "$OUT/glibc_api.slab" 2>&1
s2=$?
if [ "$s1" = 0 ] && [ "$s2" = 0 ] && cmp -s "$OUT/glibc_api.glibc" "$OUT/glibc_api.slab"; then
	ok "memalign, aligned_alloc, posix_memalign, valloc, pvalloc, mallopt: $(wc -l < "$OUT/glibc_api.slab") answers as glibc's"
else
	bad "glibc_api: exit $s1 (glibc) / $s2 (libslab), differences:"
	diff "$OUT/glibc_api.glibc" "$OUT/glibc_api.slab" | head -20
fi

# --- stats ----------------------------------------------------------------
env LD_PRELOAD="$SO" "$OUT/stats" > "$OUT/stats.out" 2> "$OUT/stats.err"
s=$?
if [ "$s" = 0 ] && grep -q '^Arena 0:$' "$OUT/stats.err" && grep -qE '^in use bytes     = [0-9]+$' "$OUT/stats.err"; then
	ok "mallinfo, mallinfo2, malloc_trim, malloc_info, malloc_stats, mallopt answer from the heap's figures"
else
	bad "stats: exit $s: $(head -5 "$OUT/stats.err")"
fi

# --- pool -----------------------------------------------------------------
env LD_PRELOAD="$SO" SLAB_MALLOC_STATS=1 "$OUT/pool" > "$OUT/pool.out" 2> "$OUT/pool.err"
s=$?
line=$(grep '^slab_malloc: ' "$OUT/pool.err")
re='^slab_malloc: [0-9]+ allocs, [0-9]+ frees, peak [0-9]+ bytes in use, ([0-9]+) pages held at exit \(([0-9]+) bytes, ([0-9]+) of them cached by the page provider\)$'
if [ "$s" != 0 ]; then
	bad "pool: exit $s: $(grep -v '^slab_malloc' "$OUT/pool.err" | head -5)"
elif ! [[ $line =~ $re ]]; then
	bad "pool: no statistics line in its form: $line"
elif [ "${BASH_REMATCH[3]}" = 0 ] || [ "${BASH_REMATCH[2]}" -lt "${BASH_REMATCH[3]}" ]; then
	bad "pool: the statistics line does not count the provider's cached pages: $line"
else
	ok "pool: no madvise per free, sizes share pages, $(cat "$OUT/pool.out"); $line"
fi

echo "test-malloc-api: $pass passed, $fail failed"
[ "$fail" = 0 ]
