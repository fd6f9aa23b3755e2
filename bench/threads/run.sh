#!/bin/bash
# make bench-threads (issue 22; docs/threads.md): bench/threads/threads.c
# under each malloc in one run, the median of REPS runs per cell, a Markdown
# table and issue 22's targets, each with its figure, met or missed.
#
#   run.sh <threads_bench> <out.md> <reps> <seconds> <libslab_malloc.so> <jemalloc .so> <mimalloc .so>
#
# Rows: 1, 2 and 4 threads (local frees), 2 threads each freeing what
# the other allocated (cross), and 2 threads of which one allocates and
# the other frees (pipe: a producer and a consumer). Columns: libslab (the LD_PRELOAD drop-in),
# the same with SLAB_MALLOC_MAGAZINES=0 (its per-thread magazines off),
# glibc (no preload), jemalloc and mimalloc (their shared libraries
# preloaded). Runs are interleaved (every malloc once, then again), so that
# a slow spell of a shared machine falls on all of them. Each run must exit
# 0 (every block freed, no tag changed) and must report the malloc it was
# meant to run (threads.c names the file that defines malloc); the script
# stops at the first that does not. The table and targets go to <out.md>
# and to standard output.
set -uo pipefail
bin=$1 out=$2 reps=$3 secs=$4
fail() { echo "bench-threads: FAILED: $*" >&2; exit 1; }

# libslab-0: the same drop-in with its per-thread magazines left off
# (SLAB_MALLOC_MAGAZINES=0, docs/malloc.md): what they change, in the same run.
names=(libslab libslab-0 glibc jemalloc mimalloc)
declare -A preload=([libslab]=$5 [libslab-0]=$5 [glibc]= [jemalloc]=$6 [mimalloc]=$7)
declare -A magazines=([libslab-0]=0)
declare -A want=([libslab]=libslab_malloc.so [libslab-0]=libslab_malloc.so [glibc]=libc.so.6 [jemalloc]=$(basename "$6") [mimalloc]=$(basename "$7"))
rows=("local 1" "local 2" "local 4" "cross" "pipe")
declare -A label=([local 1]=1 [local 2]=2 [local 4]=4 [cross]="2, frees by the other thread"
    [pipe]="2, one allocates, the other frees")

for a in libslab jemalloc mimalloc; do
    [ -f "${preload[$a]}" ] || fail "$a: no ${preload[$a]} (make deps installs it; libslab: make malloc-preload)"
done

raw=$(mktemp) && trap 'rm -f "$raw"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= reps; r++)); do
    for row in "${rows[@]}"; do
        for a in "${names[@]}"; do
            # shellcheck disable=SC2086 # row is two words on purpose
            line=$(SLAB_MALLOC_MAGAZINES=${magazines[$a]:-} LD_PRELOAD=${preload[$a]} "$bin" $row "$secs") ||
                fail "$a, $row: exit $? ($line)"
            got=$(sed -n 's/^malloc=\([^ ]*\) .*/\1/p' <<< "$line")
            [ "$got" = "${want[$a]}" ] || fail "$a, $row: malloc came from '$got', not ${want[$a]}"
            mops=$(sed -n 's/.* mops=\([0-9.]*\) .*/\1/p' <<< "$line")
            echo "$row|$a|$mops" >> "$raw"
        done
    done
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# median and range of one cell: cell "local 1" libslab -> "29.8 28.1 30.2";
# fails when the cell has no figure.
cell() {
    awk -F'|' -v row="$1" -v a="$2" '$1 == row && $2 == a { print $3 }' "$raw" | sort -g |
        awk '{ v[++n] = $1 } END { if (n == 0) exit 1; m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2;
              printf "%.1f %.1f %.1f\n", m, v[1], v[n] }'
}
for row in "${rows[@]}"; do
    for a in "${names[@]}"; do cell "$row" "$a" > /dev/null || fail "$a, $row: no figure"; done
done
med() { cell "$1" "$2" | cut -d' ' -f1; }

{
    echo "Mops/s (one operation is one malloc or one free), median of $reps runs of $secs s each; min-max in brackets."
    echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1);" \
        "load average (1, 5, 15 min) $load_before before the runs, $load_after after."
    echo
    echo "| threads | libslab | libslab, no magazines | glibc | jemalloc | mimalloc |"
    echo "|---|---|---|---|---|---|"
    for row in "${rows[@]}"; do
        line="| ${label[$row]} |"
        for a in "${names[@]}"; do
            read -r m lo hi < <(cell "$row" "$a")
            line+=" $m ($lo-$hi) |"
        done
        echo "$line"
    done
    echo
    echo "Targets (issue 22), libslab's medians:"
    echo
    # target text, the measured ratio, the threshold
    target() {
        local verdict
        verdict=$(awk -v r="$2" -v t="$3" 'BEGIN { print (r >= t) ? "met" : "missed" }')
        printf -- '- %s: %.2fx (%s) %s\n' "$1" "$2" "$4" "$verdict"
    }
    s1=$(med "local 1" libslab) s2=$(med "local 2" libslab) sx=$(med cross libslab)
    g1=$(med "local 1" glibc) g2=$(med "local 2" glibc) jx=$(med cross jemalloc)
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b > 0) ? a / b : 0 }'; }
    target "2 threads >= 1.8x one thread" "$(ratio "$s2" "$s1")" 1.8 "$s2 / $s1 Mops/s"
    target "2 threads, cross-thread frees, >= 1.8x one thread" "$(ratio "$sx" "$s1")" 1.8 "$sx / $s1 Mops/s"
    target "one thread >= glibc" "$(ratio "$s1" "$g1")" 1 "$s1 / $g1 Mops/s"
    target "2 threads >= glibc" "$(ratio "$s2" "$g2")" 1 "$s2 / $g2 Mops/s"
    target "cross-thread >= jemalloc" "$(ratio "$sx" "$jx")" 1 "$sx / $jx Mops/s"
} | tee "$out"
