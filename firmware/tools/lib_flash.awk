# Reads a GNU ld map file (-Wl,-Map) and prints how many bytes of the linked
# image come from libslab.a and from the static_pages provider, per output
# section group: flash (.text, which holds .rodata here, and .data's load
# image) and static RAM (.data, .bss). Usage: awk -v cpu=NAME -f lib_flash.awk x.map
#
# Input-section lines look like either
#   " .text.slab_alloc  0x00000120  0x40 build/.../libslab.a(c_api.o)"
# or, for long names, the section name alone on one line and
#   "                   0x00000120  0x40 build/.../libslab.a(c_api.o)"
# on the next; both end in "address size file".
function hex(s,    v, i, c) {
    v = 0
    s = tolower(substr(s, 3))
    for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
    return v
}
/^[.][A-Za-z_]/ { out = $1 }
/^Linker script and memory map/ { inmap = 1 }
inmap && NF >= 3 && $(NF-1) ~ /^0x[0-9a-f]+$/ && $(NF-2) ~ /^0x[0-9a-f]+$/ {
    size = hex($(NF-1))
    file = $NF
    if (out != ".text" && out != ".data" && out != ".bss") next
    who = file ~ /libslab\.a\(/ ? "lib" : (file ~ /static_pages/ ? "hook" : "other")
    bytes[who, out] += size
}
END {
    lib_flash = bytes["lib", ".text"] + bytes["lib", ".data"]
    lib_ram = bytes["lib", ".data"] + bytes["lib", ".bss"]
    hook_flash = bytes["hook", ".text"] + bytes["hook", ".data"]
    total = 0
    for (k in bytes) { split(k, p, SUBSEP); if (p[2] != ".bss") total += bytes[k] }
    printf "%-11s minimal firmware, one cache: libslab %d B flash, %d B static RAM; static_pages %d B flash; whole image %d B flash\n", cpu, lib_flash, lib_ram, hook_flash, total
}
