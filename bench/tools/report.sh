#!/bin/bash
# Turns Google Benchmark CSV output (OUTDIR/gbench_*.csv) into
#   OUTDIR/results.csv   workload,allocator,size,ns_per_pair
#   OUTDIR/results.md    one table per object size: allocators x workloads
#   OUTDIR/chart.dat     64-byte table for tools/chart.gp
# ns_per_pair = 1e9 / items_per_second (one item = one alloc+free pair).
set -euo pipefail
out=$1
allocs="slab-box slab-box-spin slab-c slab-c-spin freelist boost-pool boost-object-pool boost-fast-pool glibc mimalloc jemalloc jemalloc-mallocx pmr-unsync pmr-sync"
works="hot batch1k-same batch1k-reverse batch1k-random batch1m-same batch1m-reverse batch1m-random queue mix100k"

echo "workload,allocator,size,ns_per_pair" > "$out/results.csv"
cat "$out"/gbench_*.csv | awk -F, '/^"/ {
        gsub(/"/, "", $1); split($1, n, "/");
        if ($9 != "" && $9 != "false") { printf "bench: %s failed: %s\n", $1, $10 > "/dev/stderr"; bad = 1; next }
        if ($7 + 0 > 0) printf "%s,%s,%s,%.2f\n", n[1], n[2], n[3], 1e9 / $7 }
        END { exit bad }' >> "$out/results.csv"

table() { # size: Markdown table, rows allocators, columns workloads
    local size=$1
    awk -F, -v size="$size" -v allocs="$allocs" -v works="$works" '
        NR > 1 && $3 == size { v[$2, $1] = $4; have[$2] = 1 }
        END {
            na = split(allocs, A, " "); nw = split(works, W, " ");
            printf "| allocator |"; for (j = 1; j <= nw; j++) printf " %s |", W[j]; printf "\n|---|";
            for (j = 1; j <= nw; j++) printf "---:|"; printf "\n";
            for (i = 1; i <= na; i++) { if (!(A[i] in have)) continue; printf "| %s |", A[i];
                for (j = 1; j <= nw; j++) { if ((A[i], W[j]) in v) printf " %.2f |", v[A[i], W[j]]; else printf " skipped |" }
                printf "\n" } }' "$out/results.csv"
}

{
    echo "ns per alloc+free pair (lower is better); \"skipped\": not run (boost::object_pool's ordered free is O(n) per call)."
    for size in 16 64 256; do
        echo
        echo "### $size-byte objects"
        echo
        table "$size"
    done
} > "$out/results.md"

# chart.dat: rows workloads, columns allocators (64 B), "?" where missing.
awk -F, -v allocs="$allocs" -v works="$works" '
    NR > 1 && $3 == 64 { v[$2, $1] = $4; have[$2] = 1 }
    END {
        na = split(allocs, A, " "); nw = split(works, W, " ");
        printf "workload"; for (i = 1; i <= na; i++) if (A[i] in have) printf " %s", A[i]; printf "\n";
        for (j = 1; j <= nw; j++) { printf "%s", W[j];
            for (i = 1; i <= na; i++) if (A[i] in have) printf " %s", ((A[i], W[j]) in v) ? v[A[i], W[j]] : "?";
            printf "\n" } }' "$out/results.csv" > "$out/chart.dat"
cat "$out/results.md"
