#!/bin/bash
# test-bench-smoke: every bench binary runs briefly and must succeed, so the
# benchmarks cannot rot. Asserts: each Google Benchmark binary runs every
# benchmark it registers with no error; each instr binary runs each of its
# allocators on both counted workloads; each latency binary completes (every
# allocation non-NULL); the overhead program's layout target holds. No
# timing is checked.
set -uo pipefail
out=$1
fail() { echo "test-bench-smoke: FAILED: $*"; exit 1; }

for f in main mimalloc jemalloc; do
    bin=$out/bench_$f
    want=$("$bin" --benchmark_list_tests | wc -l)
    [ "$want" -gt 0 ] || fail "$bin registers no benchmark"
    csv=$out/smoke_$f.csv
    "$bin" --benchmark_min_time=0.00001 --benchmark_format=csv > "$csv" 2>/dev/null || fail "$bin exited $?"
    got=$(grep -c '^"' "$csv")
    errs=$(awk -F, '/^"/ && $9 != "" && $9 != "false"' "$csv" | wc -l)
    [ "$got" -eq "$want" ] || fail "$bin: $got results for $want benchmarks"
    [ "$errs" -eq 0 ] || fail "$bin: $errs benchmarks reported an error"
    echo "test-bench-smoke: $bin: $got benchmarks ran"
done

for f in main mimalloc jemalloc nostats; do
    bin=$out/instr_$f
    n=0
    for a in $("$bin" list); do
        "$bin" "$a" hot 64 1000 || fail "$bin $a hot"
        "$bin" "$a" batch1k-same 16 2 || fail "$bin $a batch1k-same"
        n=$((n + 1))
    done
    [ "$n" -gt 0 ] || fail "$bin lists no allocator"
    "$bin" no-such-allocator hot 64 1 2>/dev/null && fail "$bin accepted an unknown allocator"
    echo "test-bench-smoke: $bin: $n allocators ran"
done

for f in main mimalloc jemalloc; do
    lines=$("$out/latency_$f" quick | wc -l) || fail "latency_$f"
    [ "$lines" -gt 0 ] || fail "latency_$f printed nothing"
done
echo "test-bench-smoke: latency binaries ran"

"$out/overhead" > /dev/null || fail "overhead: 32-byte objects fill less than 97% of a 4 KiB slab"
echo "test-bench-smoke: passed"
