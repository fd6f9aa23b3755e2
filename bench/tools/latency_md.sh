#!/bin/bash
# latency.csv (allocator,live,phase,op,samples,p50,p99,p999,max in ns) to
# Markdown: one table per phase and operation, one column per live count.
set -euo pipefail
awk -F, '
    { key = $1; if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
      lives[$2] = 1; v[$1, $2, $3 "-" $4] = $6 " / " $7 " / " $8 " / " $9 }
    END {
        nl = 0; for (l in lives) L[++nl] = l + 0;
        for (i = 1; i <= nl; i++) for (j = i + 1; j <= nl; j++) if (L[j] < L[i]) { t = L[i]; L[i] = L[j]; L[j] = t }
        split("fill-alloc steady-alloc steady-free", P, " ");
        split("fill: each allocation from empty to L live (includes every new slab / page)|steady: alloc, one random object freed and replaced per round (200000 rounds)|steady: free of a random live object (200000 rounds)", T, "|");
        for (p = 1; p <= 3; p++) {
            printf "\n#### %s\n\np50 / p99 / p99.9 / max, ns\n\n| allocator |", T[p];
            for (i = 1; i <= nl; i++) printf " L = %d |", L[i]; printf "\n|---|";
            for (i = 1; i <= nl; i++) printf "---:|"; printf "\n";
            for (k = 1; k <= n; k++) { printf "| %s |", order[k];
                for (i = 1; i <= nl; i++) { x = v[order[k], L[i], P[p]]; printf " %s |", x == "" ? "skipped" : x }
                printf "\n" } } }' "$1"
