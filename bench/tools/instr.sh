#!/bin/bash
# bench-instr: instructions per alloc+free pair under callgrind, for every
# allocator of every instr_* binary, hot pair and batch of 1e3.
#   instr.sh OUTDIR "SIZES"
# Each figure is (Ir(L2) - Ir(L1)) / (pairs(L2) - pairs(L1)): two runs that
# differ only in loop length, so start-up, set-up and teardown cancel.
# Writes OUTDIR/instr.csv and OUTDIR/instr.md.
set -euo pipefail
out=$1
sizes=${2:-64}
tmp=$out/instr-tmp
mkdir -p "$tmp"
csv=$out/instr.csv
echo "allocator,workload,size,instr_per_pair" > "$csv"

# total Ir of one run
ir() {
    local f=$tmp/cg.$$.$RANDOM
    valgrind --tool=callgrind --callgrind-out-file="$f" "$@" >/dev/null 2>&1 || { echo "instr: failed: $*" >&2; exit 1; }
    awk '/^(summary|totals):/ {print $2; exit}' "$f"
    rm -f "$f"
}

count() { # binary label alloc workload size
    local bin=$1 label=$2 alloc=$3 work=$4 size=$5 l1 l2 pairs
    if [ "$work" = hot ]; then l1=20000; l2=120000; pairs=1; else l1=5; l2=25; pairs=1000; fi
    local a b
    a=$(ir "$bin" "$alloc" "$work" "$size" "$l1")
    b=$(ir "$bin" "$alloc" "$work" "$size" "$l2")
    awk -v a="$a" -v b="$b" -v n=$(( (l2 - l1) * pairs )) -v l="$label" -v w="$work" -v s="$size" \
        'BEGIN { printf "%s,%s,%s,%.1f\n", l, w, s, (b - a) / n }'
}

for bin in "$out"/instr_main "$out"/instr_mimalloc "$out"/instr_jemalloc "$out"/instr_nostats; do
    for alloc in $("$bin" list); do
        label=$alloc
        if [ "${bin##*/}" = instr_nostats ]; then
            case $alloc in slab-box|slab-c) label="$alloc(SLAB_STATS=0)";; *) continue;; esac
        fi
        for size in $sizes; do
            for work in hot batch1k-same; do
                count "$bin" "$label" "$alloc" "$work" "$size" | tee -a "$csv"
            done
        done
    done
done

# The random mix with 1e5 live objects, under cachegrind's cache simulation:
# instructions and L1 data misses (reads + writes) per round (one free and one
# alloc), by the same two-length difference. Slow under valgrind: only the
# allocators the issue compares.
mix_csv=$out/instr-mix.csv
echo "allocator,size,instr_per_round,d1_misses_per_round" > "$mix_csv"
cg() { # prints "Ir D1mr+D1mw" of one run
    local f=$tmp/cgm.$$.$RANDOM
    valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file="$f" "$@" >/dev/null 2>&1 ||
        { echo "instr: failed: $*" >&2; exit 1; }
    awk '/^events:/ { for (i = 2; i <= NF; i++) col[$i] = i - 1 }
         /^summary:/ { print $(col["Ir"] + 1), $(col["D1mr"] + 1) + $(col["D1mw"] + 1) }' "$f"
    rm -f "$f"
}
for pair in main:slab-box main:slab-c main:glibc mimalloc:mimalloc jemalloc:jemalloc; do
    bin=$out/instr_${pair%%:*} alloc=${pair#*:}
    for size in $sizes; do
        read -r a1 m1 < <(cg "$bin" "$alloc" mix100k "$size" 100000)
        read -r a2 m2 < <(cg "$bin" "$alloc" mix100k "$size" 600000)
        awk -v a1="$a1" -v a2="$a2" -v m1="$m1" -v m2="$m2" -v l="$alloc" -v s="$size" \
            'BEGIN { printf "%s,%s,%.1f,%.2f\n", l, s, (a2 - a1) / 500000, (m2 - m1) / 500000 }' | tee -a "$mix_csv"
    done
done
rmdir "$tmp" 2>/dev/null || true

# Markdown: one row per allocator and size, hot and batch side by side.
{
    echo "| allocator | size (B) | hot pair | batch of 1e3 (per pair) |"
    echo "|---|---:|---:|---:|"
    awk -F, 'NR > 1 { key = $1 "|" $3; if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
                      v[key, $2] = $4 }
             END { for (i = 1; i <= n; i++) { split(order[i], k, "|");
                   printf "| %s | %s | %s | %s |\n", k[1], k[2], v[order[i], "hot"], v[order[i], "batch1k-same"] } }' "$csv"
    echo
    echo "Random mix, 1e5 live objects (cachegrind): per round of one free and one alloc"
    echo
    echo "| allocator | size (B) | instructions | L1d misses |"
    echo "|---|---:|---:|---:|"
    awk -F, 'NR > 1 { printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$mix_csv"
} > "$out/instr.md"
cat "$out/instr.md"
