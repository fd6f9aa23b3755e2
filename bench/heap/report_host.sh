#!/bin/bash
# bench-heap-host: instructions (callgrind) per malloc and per free, inside
# the allocator's entry function (--toggle-collect: its whole call tree)
# plus 1 for the call instruction, on x86-64:
#   hot pair   alloc(64) then its free, 200,000 times, per pair
#   random     the firmware's random workload (same seed, same checksum),
#              per malloc, per free and per operation
# for libslab's heap, the four embedded peers (gcc -O2) and the malloc of
# each binary (glibc, jemalloc, mimalloc). Markdown on stdout.
#   report_host.sh DIR   (DIR holds hb_host_glibc, hb_host_jemalloc, hb_host_mimalloc)
set -euo pipefail
dir=$1
tmp=$dir/cg
mkdir -p "$tmp"
HOT=200000

# Ir inside function $1 over the run of the rest
inside() {
    local fn=$1 f=$tmp/cg.$$.$RANDOM
    shift
    valgrind --tool=callgrind --toggle-collect="$fn" --callgrind-out-file="$f" "$@" > "$f.out" 2>/dev/null ||
        { echo "bench-heap-host: failed: $*" >&2; exit 1; }
    awk '/^(summary|totals):/ {print $2; exit}' "$f"
}

entry_alloc() { case $1 in libslab) echo slab_heap_alloc;; o1heap) echo o1heapAllocate;; TLSF) echo tlsf_malloc;;
    umm_malloc) echo umm_malloc;; heap_4) echo pvPortMalloc;; *) echo malloc;; esac; }
entry_free() { case $1 in libslab) echo slab_heap_free;; o1heap) echo o1heapFree;; TLSF) echo tlsf_free;;
    umm_malloc) echo umm_free;; heap_4) echo vPortFree;; *) echo free;; esac; }

echo "| allocator | hot pair (alloc 64 + free) | random: per malloc | per free | per operation | checksum |"
echo "|---|---:|---:|---:|---:|---|"
row() { # binary name label
    local bin=$1 name=$2 label=$3 ha hf ra rf line n sum
    line=$("$bin" "$name" random)
    n=$(echo "$line" | cut -d'|' -f3)
    sum=$(echo "$line" | cut -d'|' -f5)
    ha=$(inside "$(entry_alloc "$label")" "$bin" "$name" hot $HOT)
    hf=$(inside "$(entry_free "$label")" "$bin" "$name" hot $HOT)
    ra=$(inside "$(entry_alloc "$label")" "$bin" "$name" random)
    rf=$(inside "$(entry_free "$label")" "$bin" "$name" random)
    awk -v l="$label" -v ha="$ha" -v hf="$hf" -v ra="$ra" -v rf="$rf" -v h=$HOT -v n="$n" -v s="$sum" 'BEGIN {
        printf "| %s | %.1f | %.1f | %.1f | %.1f | %s |\n", l, (ha + hf) / h + 2, ra / n + 1, rf / n + 1, (ra + rf) / (2 * n) + 1, s }'
}
for a in libslab o1heap TLSF umm_malloc heap_4; do row "$dir/hb_host_glibc" "$a" "$a"; done
for m in glibc jemalloc mimalloc; do row "$dir/hb_host_$m" malloc "$m"; done
