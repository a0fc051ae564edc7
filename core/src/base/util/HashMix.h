#pragma once
/// Combining 64-bit hashes (splitmix64's finaliser over a combination), for hashes built from parts.
#include <cstdint>

namespace kabinet {

/// A well-mixed hash of `a` followed by `b`: the order matters, mix(a, b) != mix(b, a) in general.
inline std::uint64_t hashMix(std::uint64_t a, std::uint64_t b) {
    std::uint64_t z = a * 0x9e3779b97f4a7c15ull + b + 0x632be59bd9b4e019ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

} // namespace kabinet
