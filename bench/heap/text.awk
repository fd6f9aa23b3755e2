# .text bytes of each allocator in the bench-heap firmware, from its GNU ld
# map (-Wl,-Map; --gc-sections: only what the firmware reaches). Input
# sections are summed by the object they come from:
#   libslab     every member of libslab.a (the heap and the core under it)
#   o1heap, TLSF, umm_malloc, heap_4   their one object each, less the
#               checking functions only the bench calls after a run
#               (o1heapDoInvariantsHold, o1heapGetDiagnostics, tlsf_check,
#               its walker, vPortGetHeapStats; libslab's slab_heap_stats)
#   newlib      libc.a's malloc.o, mallocr.o, freer.o, sbrkr.o, mlock.o
#               (what malloc and free pull in, less the _sbrk of the glue)
# Prints "text|<allocator>|<bytes>". Usage: awk -f text.awk bench_heap.map
function hex(s,    v, i) {
    v = 0
    s = tolower(substr(s, 3))
    for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
    return v
}
/^Linker script and memory map/ { inmap = 1 }
inmap && /^ *[.]/ { sec = $1 }
inmap && NF >= 3 && $(NF-1) ~ /^0x[0-9a-f]+$/ && $(NF-2) ~ /^0x[0-9a-f]+$/ {
    if (NF == 4) sec = $1
    if (sec !~ /^[.]text/) next
    if (sec ~ /slab_heap_stats|o1heapDoInvariantsHold|o1heapGetDiagnostics|tlsf_check|integrity_walker|vPortGetHeapStats/) next
    f = $NF
    who = ""
    if (f ~ /libslab\.a\(/) who = "libslab"
    else if (f ~ /\/o1heap\.c\.o$/) who = "o1heap"
    else if (f ~ /\/tlsf\.c\.o$/) who = "TLSF"
    else if (f ~ /\/umm_malloc\.c\.o$/) who = "umm_malloc"
    else if (f ~ /\/heap_4\.c\.o$/) who = "heap_4"
    else if (f ~ /libc\.a\(lib_a-(malloc|mallocr|freer|sbrkr|mlock)\.o\)/) who = "newlib"
    if (who != "") bytes[who] += hex($(NF-1))
}
END {
    n = split("libslab o1heap TLSF umm_malloc heap_4 newlib", order, " ")
    for (i = 1; i <= n; i++) printf "text|%s|%d\n", order[i], bytes[order[i]]
}
