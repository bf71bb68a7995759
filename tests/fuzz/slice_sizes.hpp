// The sizes of the slices a fuzz target cuts its input into, from a seed the input gives (xorshift32): so that a
// parser must reach the same outcome however the reads split the bytes.
#pragma once

#include <cstddef>
#include <cstdint>

struct SliceSizes {
  std::uint32_t state;    // the seed, never 0
  std::uint32_t largest;  // slices are 1 to `largest` bytes
  std::size_t operator()() {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return std::size_t{1} + state % largest;
  }
};
