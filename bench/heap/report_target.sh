#!/bin/bash
# bench-heap-target's report: markdown tables from the firmware logs of
# mk/bench-heap.mk (timing, memory with 4 KiB and 1 KiB slabs) and .text
# from the timing firmware's link map.
#   report_target.sh OUTDIR      (OUTDIR = build/bench-heap)
set -euo pipefail
out=$1
m3=$out/cortex-m3
echo "Cortex-M3 (QEMU 7.2 mps2-an385, -icount shift=10), arm-none-eabi-gcc -Os; instructions per call, the call included."
echo
echo "| allocator | live cap | malloc mean | malloc max | free mean | free max | .text (B) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
awk -f bench/heap/text.awk "$m3/bench_heap.map" > "$out/text.log"
awk -F'|' 'FNR == NR { text[$2] = $3; next }
    $1 == "run" { printf "| %s | %s | %.1f | %d | %.1f | %d | %s |\n", $2, $3, $6 / $5, $7, $9 / $8, $10, ($3 == 200 ? text[$2] : "") }' \
    "$out/text.log" "$m3/bench.log"
echo
echo "libslab by path (did the call take a page from the hook?):"
echo
echo "| live cap | call | path | calls | mean | max |"
echo "|---:|---|---|---:|---:|---:|"
awk -F"|" '$1 == "path" && $6 > 0 { printf "| %s | %s | %s | %d | %.1f | %d |\n", $3, $4, $5, $6, $7 / $6, $8 }' "$m3/bench.log"
echo
grep '^o1|' "$m3/bench.log" | awk -F'|' '{ printf "O(1): libslab max malloc %s at 10 live, %s at 10,000; max free %s and %s: %s\n", $4, $5, $7, $8, $9 }'
echo
echo "Memory: the smallest arena (peers) or buffer_pages pool (libslab) that completes the workload, over its peak of live bytes requested."
echo
echo "| workload | peak live (B) | allocator | slab size | smallest arena / pool (B) | / peak live | libslab's page peak (B) |"
echo "|---|---:|---|---:|---:|---:|---:|"
for f in "$m3"/mem_random.log "$m3"-s*/mem_random.log "$m3"/mem_lua.log "$m3"-s*/mem_lua.log; do
    slab=$(awk -F'|' '$1 == "slab" { print $2 }' "$f")
    awk -F'|' -v slab="$slab" -v first=$([ "$slab" = 4096 ] && echo 1 || echo 0) '$1 == "mem" && ($3 == "libslab" || first) {
        printf "| %s | %d | %s | %s | %d | %.2f | %s |\n", $2, $5, $3, ($3 == "libslab" ? slab : ""), $4, $4 / $5, ($3 == "libslab" ? $6 : "") }' "$f"
done
