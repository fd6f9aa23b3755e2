#!/bin/bash
# test-bench-threads-smoke (make test; docs/threads.md): the threads
# benchmark cannot rot. No timing is checked. Asserts:
#   - under each malloc (glibc, the libslab drop-in, jemalloc, mimalloc) the
#     benchmark runs 1, 2 and 4 threads, the cross-thread pair and the
#     producer-consumer pair (pipe) for a fixed
#     number of allocations, exits 0 (every block freed, no tag changed, no
#     NULL), and the malloc it ran is the one preloaded;
#   - the checksum of each of those runs is the same under every malloc
#     (the same blocks, sizes and tags: it depends on the work only), and
#     the counts are the exact ones the work implies;
#   - a wrong usage is refused (status 2);
#   - run.sh, one short pass, prints the five rows with a figure for every
#     malloc and the five targets, each met or missed.
#   smoke.sh <threads_bench> <run.sh> <libslab_malloc.so> <jemalloc .so> <mimalloc .so> <out dir>
set -uo pipefail
bin=$1 runner=$2 slab=$3 je=$4 mi=$5 out=$6
fail() { echo "test-bench-threads-smoke: FAILED: $*"; exit 1; }
mkdir -p "$out"

N=20000 # allocations per thread
names=(glibc libslab jemalloc mimalloc)
declare -A preload=([glibc]= [libslab]=$slab [jemalloc]=$je [mimalloc]=$mi)
declare -A want=([glibc]=libc.so.6 [libslab]=libslab_malloc.so [jemalloc]=$(basename "$je") [mimalloc]=$(basename "$mi"))
field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<< " $2"; }

for row in "local 1" "local 2" "local 4" "cross" "pipe"; do
    sum=
    for a in "${names[@]}"; do
        # shellcheck disable=SC2086 # row is two words on purpose
        line=$(LD_PRELOAD=${preload[$a]} timeout 60 "$bin" $row -$N) || fail "$a, $row: exit $? ($line)"
        [ "$(field malloc "$line")" = "${want[$a]}" ] || fail "$a, $row: malloc from '$(field malloc "$line")', not ${want[$a]}"
        n=$(field threads "$line")
        [ "$row" != pipe ] || n=1 # (one of its two threads allocates)
        [ "$(field allocs "$line")" = $((n * N)) ] || fail "$a, $row: allocs $(field allocs "$line"), not $((n * N))"
        [ "$(field frees "$line")" = $((n * N)) ] || fail "$a, $row: frees $(field frees "$line"), not $((n * N))"
        [ "$(field bad "$line")" = 0 ] || fail "$a, $row: $(field bad "$line") blocks with a changed tag"
        c=$(field checksum "$line")
        [ -n "$c" ] || fail "$a, $row: no checksum ($line)"
        [ -z "$sum" ] || [ "$c" = "$sum" ] || fail "$a, $row: checksum $c, glibc's $sum"
        sum=$c
    done
    echo "test-bench-threads-smoke: $row: 4 mallocs, $N allocations per thread, checksum $sum under each"
done

"$bin" local 0 1 2> /dev/null; [ $? = 2 ] || fail "0 threads not refused with status 2"
"$bin" cross 2> /dev/null; [ $? = 2 ] || fail "a missing duration not refused with status 2"

"$runner" "$bin" "$out/threads-smoke.md" 1 0.02 "$slab" "$je" "$mi" > "$out/threads-smoke.log" 2>&1 ||
    { cat "$out/threads-smoke.log"; fail "run.sh"; }
rows=$(grep -cE '^\| (1|2|4|2, frees by the other thread|2, one allocates, the other frees) \|( [0-9]+\.[0-9] \([0-9.]+-[0-9.]+\) \|){5}$' "$out/threads-smoke.md")
[ "$rows" = 5 ] || { cat "$out/threads-smoke.md"; fail "run.sh: $rows complete rows, not 5"; }
targets=$(grep -cE '^- .*: [0-9]+\.[0-9]{2}x \(.*\) (met|missed)$' "$out/threads-smoke.md")
[ "$targets" = 5 ] || { cat "$out/threads-smoke.md"; fail "run.sh: $targets targets with a verdict, not 5"; }
echo "test-bench-threads-smoke: run.sh: 5 rows of 5 columns, 5 targets each met or missed (figures not checked)"
