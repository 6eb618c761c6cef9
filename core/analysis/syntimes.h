#pragma once
// The times of a flow's client SYNs. Nearly every flow sends one SYN, and a capture of millions of
// flows keeps millions of these: the first time is held inline and a block for the rest is taken
// only at the second SYN. 16 bytes per flow, where a vector took 24 and a heap block of 32 for the
// one SYN.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

namespace lbs::analysis {

class SynTimes {
public:
    static constexpr uint32_t kMax = 16; ///< times kept; later SYNs are counted by the flow only

    SynTimes() = default;
    SynTimes(std::initializer_list<int64_t> times);
    SynTimes(const SynTimes &other);
    SynTimes(SynTimes &&other) noexcept;
    SynTimes &operator=(const SynTimes &other);
    SynTimes &operator=(SynTimes &&other) noexcept;
    ~SynTimes();

    /// Appends a time; one past kMax is not kept.
    void push_back(int64_t ns);

    bool empty() const { return m_size == 0; }
    std::size_t size() const { return m_size; }
    const int64_t *begin() const { return m_size > 1 ? m_many : &m_one; }
    const int64_t *end() const { return begin() + m_size; }
    int64_t front() const { return *begin(); }
    int64_t back() const { return begin()[m_size - 1]; }
    int64_t operator[](std::size_t i) const { return begin()[i]; }
    operator std::span<const int64_t>() const { return {begin(), m_size}; }

private:
    void release();

    union {
        int64_t m_one = 0; ///< the time while there is one (or none)
        int64_t *m_many; ///< a block of kMax times from the second on
    };
    uint32_t m_size = 0;
};

} // namespace lbs::analysis
