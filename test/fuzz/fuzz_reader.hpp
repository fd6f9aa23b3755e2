// The fuzzers' reader of their input bytes (fuzz_slab.cpp, heap/): little
// endian, and 0 once the input is spent, so that every input is a program.
#ifndef SLAB_TEST_FUZZ_READER_HPP
#define SLAB_TEST_FUZZ_READER_HPP

#include <cstddef>
#include <cstdint>

namespace fuzzio {

struct Reader {
    const uint8_t *d;
    size_t n, i;
    bool more() const { return i < n; }
    uint8_t u8() { return i < n ? d[i++] : 0; }
    uint16_t u16() { return (uint16_t)(u8() | u8() << 8); }
    uint32_t u32() { return (uint32_t)(u16() | (uint32_t)u16() << 16); }
    uint64_t u64() { return (uint64_t)u32() | (uint64_t)u32() << 32; }
};

}  // namespace fuzzio

#endif  // SLAB_TEST_FUZZ_READER_HPP
