#!/bin/bash
# bench-lua: instructions (callgrind) of the lua5.4 interpreter running
# test/malloc/workload.lua on glibc's malloc and on libslab's heap (the
# LD_PRELOAD drop-in, hooks/malloc/): the whole program's, and the
# allocator's share (callgrind's inclusive cost of malloc, free, realloc and
# calloc, the entry points the program calls), with their ratios. Same
# output required. Issue 19's target: the allocator's share at most half
# of glibc's.
#   lua_instr.sh PRELOAD_SO OUTDIR
set -euo pipefail
so=$1
out=$2
script=test/malloc/workload.lua
mkdir -p "$out"
ir() { # total Ir of the last process of the run
    local f=$out/cg.lua.$1
    rm -f "$f".*
    shift
    valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$f.%p" "$@" >"$out/lua.$(basename "$f").out" 2>/dev/null
    cat "$f".* | awk '/^(summary|totals):/ {s = $2} END {print s}'
}
alloc_ir() { # inclusive Ir of the malloc family's entry points in the lua run
    local f
    for f in "$out"/cg.lua."$1".*; do
        callgrind_annotate --inclusive=yes --threshold=100 "$f" 2>/dev/null
    done | awk '$0 ~ /:(malloc|free|realloc|calloc) / { gsub(/,/, "", $1); s += $1 } END { printf "%.0f\n", s }'
}
a=$(ir glibc lua5.4 "$script")
b=$(ir slab env LD_PRELOAD="$so" lua5.4 "$script")
cmp -s "$out/lua.cg.lua.glibc.out" "$out/lua.cg.lua.slab.out" || { echo "bench-lua: outputs differ"; exit 1; }
ma=$(alloc_ir glibc)
mb=$(alloc_ir slab)
awk -v a="$a" -v b="$b" -v ma="$ma" -v mb="$mb" 'BEGIN {
    printf "| lua5.4 workload.lua | glibc | libslab heap (preload, spin lock) | ratio |\n|---|---:|---:|---:|\n";
    printf "| whole program | %.0f | %.0f | %.3f |\n", a, b, b / a;
    printf "| inside malloc, free, realloc, calloc (inclusive) | %.0f | %.0f | %.3f |\n", ma, mb, (ma > 0 ? mb / ma : 0) }' |
    tee "$out/lua.md"
