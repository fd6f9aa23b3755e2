#!/usr/bin/env python3
"""Writes the hand-made seeds of the fuzz corpus (test/fuzz/corpus/seed-*).

The byte format is read by test/fuzz/fuzz_slab.cpp (run()): one operation
byte (op % 16 selects it, bit 7 asks for slab_free() where the slab size
allows it, bit 6 selects the not-a-slot variant of op 13), then its argument
bytes. These seeds only give the fuzzer a start on each kind of operation;
the rest of the corpus is what libFuzzer kept (make fuzz-corpus-merge).
Usage: tools/fuzz_seeds.py <corpus dir>
"""
import os
import sys

CREATE, FOREIGN, ALLOC, FREE, SLABSIZE_FREE, WRONG, DESTROY, MISC = 0, 1, 2, 6, 9, 10, 11, 12
NOTSLOT, UAF, OVERRUN = 13, 14, 15
# slab size index into kSlabSizes: 0 default, 1 256, 2 512, 5 4096, 7 16384, 8 65536
def create(slot, slab_idx, align_byte, size_class, size_bytes, flags=0):
    return bytes([CREATE, slot, slab_idx, align_byte, size_class, *size_bytes, flags])

def ops(*seq):
    return b"".join(bytes(s) if isinstance(s, (list, tuple)) else s for s in seq)

seeds = {
    # one small cache, grow over several slabs, free all, destroy
    "basic": ops(create(0, 1, 0, 0, [7]), *[[ALLOC, 0]] * 20, *[[FREE, 0, 0, 0]] * 20, [DESTROY, 0]),
    # default-size cache freed through slab_free(), and an aligned one
    "cacheless": ops(create(0, 0, 0, 1, [100, 0]), create(1, 2, 100, 1, [30, 0], 1),
                     *[[ALLOC, 0], [ALLOC, 1]] * 10, *[[FREE | 0x80, 0, 3, 0]] * 10, [DESTROY, 0]),
    # two caches of one slab size: wrong-cache frees; a foreign pointer
    "wrong": ops(create(0, 5, 0, 1, [64, 0]), create(1, 5, 0, 1, [64, 0]), [ALLOC, 0], [ALLOC, 1],
                 [WRONG, 0, 0, 0, 1], [FOREIGN, 5, 1, 0, 1], [FOREIGN, 9, 0, 0, 0]),
    # large slabs: slab_free() refuses them
    "bigslab": ops(create(2, 7, 0, 2, [0, 4]), *[[ALLOC, 2]] * 8, *[[SLABSIZE_FREE, 2, 5, 0]] * 4),
    # out of memory on create and on growth; peak reset; handler off and on
    "oom": ops([MISC, 0, 2], create(0, 1, 0, 0, [7]), [MISC, 0, 2], create(0, 1, 0, 0, [7]),
               *[[ALLOC, 0]] * 5, [MISC, 0, 2], *[[ALLOC, 0]] * 5, [MISC, 0, 0], [MISC, 0, 1], [MISC, 0, 3]),
    # checked mode: interior, header, double free, write after free, overrun
    "misuse": ops(create(0, 2, 0, 1, [40, 0]), *[[ALLOC, 0]] * 6, [NOTSLOT | 0x40, 0, 1, 0, 0, 5, 0],
                  [NOTSLOT | 0x40, 0, 0, 0, 3, 0], [FREE, 0, 0, 0], [NOTSLOT, 0, 0, 1, 0],
                  [UAF, 0, 0, 1, 0, 1], [UAF, 0, 0, 2, 0, 0, 4, 0], [OVERRUN, 0, 0, 0, 2, 0],
                  *[[ALLOC, 0]] * 4, *[[FREE, 0, 0, 0]] * 10),
    # every create refusal: bad flags, size 0, bad align, bad slab size, too big
    "refusals": ops(create(0, 0, 0, 0, [0], 250), create(0, 0, 250, 0, [3]), create(0, 9, 0, 0, [3]),
                    create(0, 1, 0, 3, [0xff, 0x01]), create(0, 1, 0, 2, [0, 0]), create(0, 0, 0, 0, [3], 255)),
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, "seed-" + name), "wb") as f:
        f.write(data)
print("fuzz_seeds: wrote", len(seeds), "seeds to", out)
