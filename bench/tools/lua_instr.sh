#!/bin/bash
# bench-lua: whole-program instructions (callgrind) of the lua5.4 interpreter
# running test/malloc/workload.lua on glibc's malloc and on libslab's heap
# (the LD_PRELOAD drop-in, hooks/malloc/), and their ratio. Same output
# required. Issue 11's target: at most 0.90.
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
a=$(ir glibc lua5.4 "$script")
b=$(ir slab env LD_PRELOAD="$so" lua5.4 "$script")
cmp -s "$out/lua.cg.lua.glibc.out" "$out/lua.cg.lua.slab.out" || { echo "bench-lua: outputs differ"; exit 1; }
awk -v a="$a" -v b="$b" 'BEGIN { printf "| lua5.4 workload.lua | glibc %.0f | libslab heap (preload, spin lock) %.0f | ratio %.3f |\n", a, b, b / a }' |
    tee "$out/lua.md"
