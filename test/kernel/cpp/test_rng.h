// Deterministic random numbers for the kernel test drivers (splitmix64).
#ifndef EDGEMOE_TEST_RNG_H
#define EDGEMOE_TEST_RNG_H
#include <cstdint>

struct TestRng {
  uint64_t s;
  explicit TestRng(uint64_t seed) : s(seed) {}
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /** Uniform in [0, 1). */
  double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }
  /** Uniform in [lo, hi). */
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
};

#endif
