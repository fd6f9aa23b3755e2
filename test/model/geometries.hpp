// Geometries and run lengths of the model-based test (model_test.cpp).
#ifndef SLAB_TEST_MODEL_GEOMETRIES_HPP
#define SLAB_TEST_MODEL_GEOMETRIES_HPP

#include <cstddef>

namespace slabtest {

struct Geo {
    const char *name;
    size_t size, align, slab;
};

// Small capacities on purpose, so that slabs fill, empty and churn often.
const Geo kGeos[] = {
    {"o8_a0_S256", 8, 0, 256},          {"o24_a8_S512", 24, 8, 512},
    {"o64_a64_Sdefault", 64, 64, 0},    {"o100_a4_S1024", 100, 4, 1024},
    {"o200_a32_S16384", 200, 32, 16384}, {"o1000_a0_S8192", 1000, 0, 8192},
    {"o33_a1_S2048", 33, 1, 2048},      {"o3000_a16_S4096", 3000, 16, 4096},
    {"o100_a128_S512", 100, 128, 512},  {"o4000_a0_S65536", 4000, 0, 65536},
};
constexpr unsigned kSeeds = 8;
constexpr int kSteps = 5000;

}  // namespace slabtest

#endif  // SLAB_TEST_MODEL_GEOMETRIES_HPP
