#!/bin/sh
# Tabulates the benchmark firmware's records (see main.c) into Markdown.
#   report.sh <shift> <cpu>:<machine>:<log> ...   > results.md
# Means are over both live counts (10 and 1000); the two maxima are shown
# side by side, which is the O(1) evidence.
set -eu
shift_n=$1
shift
awk -v shift_n="$shift_n" '
function lockname(l) {
    if (l == "irq") return "SLAB_LOCK_IRQ";
    if (l == "basepri") return "SLAB_LOCK_BASEPRI(0x40)";
    if (l == "lock_ops") return "slab_lock_ops (PRIMASK)";
    return "none";
}
function label(op, c) {
    if (c == "fast") return op == "alloc" ? "fast path: slab keeps a free slot" : "fast path: slab neither was full nor empties";
    if (c == "fill") return "no growth: takes the last slot (slab leaves the partial list)";
    if (c == "peak") return "no growth: a new high-water mark of live objects (out of line)";
    if (c == "unfull") return "no growth: slab was full (back on the partial list)";
    if (c == "hot") return "the parked object, handed out again (no lock)";
    if (c == "park") return "slab was full: the object is parked (no lock)";
    if (c == "spare") return op == "alloc" ? "growth from the spare (hook excluded)" : "slave empties, kept as spare (hook excluded)";
    if (c == "hook") return op == "alloc" ? "growth, new slab from the hook (hook included)" : "slave empties, given back to the hook (hook included)";
    if (c == "hook alone") return op == "alloc" ? "slab_page_alloc() alone (static_pages)" : "slab_page_free() alone (static_pages)";
    return c;
}
FNR == 1 { n_cpu++ }
{ sub(/\r$/, "") }
$0 ~ /^cal\|/ { split($0, f, "|"); cal[n_cpu, f[2]] = f[3]; next }
$0 ~ /^row\|/ {
    split($0, f, "|");
    n = ++rows[n_cpu];
    r_front[n_cpu, n] = f[2]; r_lock[n_cpu, n] = f[3]; r_op[n_cpu, n] = f[4]; r_case[n_cpu, n] = f[5];
    cnt = f[6] + f[9];
    r_n[n_cpu, n] = cnt;
    r_mean[n_cpu, n] = cnt ? (f[7] + f[10]) / cnt : 0;
    r_max10[n_cpu, n] = f[8]; r_max1000[n_cpu, n] = f[11];
    r_max[n_cpu, n] = f[8] > f[11] ? f[8] : f[11];
    next
}
END {
    split(cpus, list, " ");
    for (i = 1; i <= n_cpu; i++) { split(list[i], p, ":"); cpu[i] = p[1]; machine[i] = p[2]; }
    print "# libslab on emulated Cortex-M: instructions per operation";
    print "";
    print "QEMU `qemu-system-arm -icount shift=" shift_n "`, SysTick as the instruction counter (bench/target/,";
    print "docs/bench-target.md). 64-byte objects, 4 KiB slabs, library built with arm-none-eabi-gcc -Os.";
    print "**Emulated instructions are not cycles**: QEMU counts guest instructions; cycles on a real core";
    print "depend on its pipeline, branch and load costs, flash wait states and memory.";
    print "";
    print "## Calibration";
    print "";
    print "| CPU | QEMU machine | ticks per instruction | window overhead (ticks) | window overhead (instructions, subtracted) | probe check (max error) |";
    print "|-----|--------------|-----------------------|-------------------------|--------------------------------------------|-------------------------|";
    for (i = 1; i <= n_cpu; i++)
        printf "| %s | %s | %.3f | %.3f | %d | %d instructions over 12 probes of 1..100001 |\n", cpu[i], machine[i],
            cal[i, "milli_ticks_per_insn"] / 1000, cal[i, "overhead_milli_ticks"] / 1000,
            cal[i, "overhead_insns"], cal[i, "max_error_insns"];
    print "";
    print "## Instructions per operation";
    print "";
    print "Mean over every operation of the row (10 and 1000 live objects together); max per live count.";
    print "C++ Box rows go through an out-of-line wrapper (its call and return are counted).";
    print "";
    print "| CPU | front | lock | operation | case | ops | mean | max | max @10 live | max @1000 live |";
    print "|-----|-------|------|-----------|------|-----|------|-----|--------------|----------------|";
    for (i = 1; i <= n_cpu; i++)
        for (n = 1; n <= rows[i]; n++)
            if (r_n[i, n] > 0 || (r_case[i, n] != "hot" && r_case[i, n] != "park")) # (a cache with a lock never parks)
            printf "| %s | %s | %s | %s | %s | %d | %.2f | %d | %d | %d |\n", cpu[i], (r_case[i, n] == "hook alone" ? "hook" : r_front[i, n]),
                (r_case[i, n] == "hook alone" ? "-" : lockname(r_lock[i, n])),
                r_op[i, n], label(r_op[i, n], r_case[i, n]), r_n[i, n], r_mean[i, n], r_max[i, n],
                r_max10[i, n], r_max1000[i, n];
    print "";
    print "## Fast path against the target (issue 19: alloc <= 16, free <= 22 with no lock; at most 6 more each with a lock)";
    print "";
    print "| CPU | front | lock | alloc max | free max | alloc target | free target | alloc met | free met | max @10 == max @1000 |";
    print "|-----|-------|------|-----------|----------|--------------|-------------|-----------|----------|----------------------|";
    for (i = 1; i <= n_cpu; i++)
        for (n = 1; n <= rows[i]; n++) {
            if (r_case[i, n] != "fast" || r_op[i, n] != "alloc") continue;
            for (m = 1; m <= rows[i]; m++)
                if (r_case[i, m] == "fast" && r_op[i, m] == "free" && r_front[i, m] == r_front[i, n] && r_lock[i, m] == r_lock[i, n]) break;
            same = r_max10[i, n] == r_max1000[i, n] && r_max10[i, m] == r_max1000[i, m];
            ta = r_lock[i, n] == "none" ? 16 : 22;
            tf = r_lock[i, n] == "none" ? 22 : 28;
            printf "| %s | %s | %s | %d | %d | %d | %d | %s | %s | %s |\n", cpu[i], r_front[i, n],
                lockname(r_lock[i, n]), r_max[i, n], r_max[i, m], ta, tf,
                r_max[i, n] <= ta ? "yes" : "**no**", r_max[i, m] <= tf ? "yes" : "**no**", same ? "yes" : "**no**";
        }
}
' cpus="$*" $(for a in "$@"; do echo "$a" | cut -d: -f3; done)
