#pragma once
// Deterministic pseudo-random numbers for the capture generator.
// Own implementation (splitmix64 seeding xoshiro256**) so that the same seed gives the same
// bytes on every platform and standard library: std:: distributions are not portable.

#include <cstdint>

namespace lbs::gen {

/// splitmix64 step: advances @p state and returns the next value.
inline uint64_t splitmix64(uint64_t &state)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// xoshiro256** generator. Integer-only helpers, no floating point, so results never vary.
class Rng {
public:
    explicit Rng(uint64_t seed)
    {
        uint64_t x = seed;
        for (auto &s : m_s)
            s = splitmix64(x);
    }

    /// A generator for sub-stream @p stream of @p seed (independent of how much others consumed).
    static Rng derive(uint64_t seed, uint64_t stream)
    {
        uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL + 0x632be59bd9b4e019ULL);
        return Rng(splitmix64(x));
    }

    uint64_t next()
    {
        const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    /// Uniform integer in [lo, hi] (inclusive). The modulo bias is negligible for our spans.
    int64_t range(int64_t lo, int64_t hi)
    {
        if (hi <= lo)
            return lo;
        const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
        return lo + static_cast<int64_t>(next() % span);
    }

    /// True with probability @p permille / 1000.
    bool chance(int permille) { return range(0, 999) < permille; }

    uint32_t u32() { return static_cast<uint32_t>(next() >> 32); }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t m_s[4] = {};
};

} // namespace lbs::gen
