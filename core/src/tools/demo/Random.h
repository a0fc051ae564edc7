#pragma once
/// The demo generator's random source: deterministic and the same on every platform (std distributions
/// are not), so a seed always gives the same demo data.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace kabinet::demo {

/// splitmix64 with the draws the generator needs.
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    /// The next 64 random bits.
    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    /// Uniform in [a, b).
    double range(double a, double b) { return a + (b - a) * uniform(); }
    /// Uniform integer in [0, n); 0 when n ≤ 0.
    int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % static_cast<uint64_t>(n)); }
    /// Standard normal (Box–Muller).
    double gauss() {
        if (haveSpare_) {
            haveSpare_ = false;
            return spare_;
        }
        double u = 0;
        do u = uniform(); while (u <= 1e-300);
        const double v = uniform();
        const double r = std::sqrt(-2.0 * std::log(u));
        spare_ = r * std::sin(2 * kPi * v);
        haveSpare_ = true;
        return r * std::cos(2 * kPi * v);
    }
    /// `n` decimal digits, the first not zero.
    std::string digits(int n) {
        std::string s;
        for (int i = 0; i < n; ++i) s += static_cast<char>('0' + (i == 0 ? 1 + below(9) : below(10)));
        return s;
    }

private:
    static constexpr double kPi = 3.14159265358979323846;
    uint64_t state_;
    double spare_ = 0;
    bool haveSpare_ = false;
};

/// A seed derived from a base seed and a name (FNV-1a), so that each meter has its own stream.
inline uint64_t derive(uint64_t seed, std::string_view name) {
    uint64_t h = 0xcbf29ce484222325ull ^ (seed * 0x100000001b3ull);
    for (unsigned char c : name) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

} // namespace kabinet::demo
