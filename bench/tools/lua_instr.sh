#!/bin/bash
# bench-lua: instructions (callgrind) of the lua5.4 interpreter running
# test/malloc/workload.lua on glibc's malloc and on libslab's heap (the
# LD_PRELOAD drop-in, hooks/malloc/): the whole program's, and the
# allocator's share, with their ratios. Same output required. Issue 19's
# target: the allocator's share at most half of glibc's.
# The allocator's share is measured by callgrind_share.py over the
# callgrind files of the run: the self cost of every function of the
# allocator's code plus the inclusive cost of every call from that code to
# code outside it (memcpy, mmap, ...). Each instruction executed on the
# allocator's behalf counts once, whichever way its code was entered and
# however its functions reach one another (calls or tail jumps). glibc's
# allocator: the functions of libc.so.6 from malloc/{malloc,arena,hooks,
# morecore}.c; libslab's: every function of the preloaded object. The sum
# of callgrind's inclusive costs of malloc, free, realloc and calloc, used
# before, was not that: an entry point that calls another is counted twice
# (glibc's realloc calls malloc: 142M of its 459M on this workload), and
# allocator code reached other than by a call to one of those four names
# (the drop-in's constructor and destructor; a function an entry point
# tail-jumps to, if callgrind does not take the jump for a call) is
# counted nowhere.
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
share=$(dirname "$0")/callgrind_share.py
alloc_ir() { # the allocator's share of the lua run: callgrind_share.py ARGS
    local run=$1
    shift
    python3 "$share" "$@" "$out"/cg.lua."$run".*
}
a=$(ir glibc lua5.4 "$script")
b=$(ir slab env LD_PRELOAD="$so" lua5.4 "$script")
cmp -s "$out/lua.cg.lua.glibc.out" "$out/lua.cg.lua.slab.out" || { echo "bench-lua: outputs differ"; exit 1; }
ma=$(alloc_ir glibc --object libc.so.6 --file '/malloc/(malloc|arena|hooks|morecore)\.c$')
mb=$(alloc_ir slab --object "$(basename "$so")")
awk -v a="$a" -v b="$b" -v ma="$ma" -v mb="$mb" 'BEGIN {
    printf "| lua5.4 workload.lua | glibc | libslab heap (preload, spin lock) | ratio |\n|---|---:|---:|---:|\n";
    printf "| whole program | %.0f | %.0f | %.3f |\n", a, b, b / a;
    printf "| inside the allocator (self cost of its code + what it calls) | %.0f | %.0f | %.3f |\n", ma, mb, (ma > 0 ? mb / ma : 0) }' |
    tee "$out/lua.md"
