#include "syntimes.h"

#include <algorithm>
#include <utility>

namespace lbs::analysis {

SynTimes::SynTimes(std::initializer_list<int64_t> times)
{
    for (int64_t t : times)
        push_back(t);
}

SynTimes::SynTimes(const SynTimes &other) : m_size(other.m_size)
{
    if (m_size > 1) {
        m_many = new int64_t[kMax];
        std::copy(other.begin(), other.end(), m_many);
    } else {
        m_one = other.m_one;
    }
}

SynTimes::SynTimes(SynTimes &&other) noexcept : m_size(std::exchange(other.m_size, 0))
{
    if (m_size > 1)
        m_many = std::exchange(other.m_many, nullptr);
    else
        m_one = other.m_one;
    other.m_one = 0;
}

SynTimes &SynTimes::operator=(const SynTimes &other)
{
    if (this != &other)
        *this = SynTimes(other);
    return *this;
}

SynTimes &SynTimes::operator=(SynTimes &&other) noexcept
{
    if (this == &other)
        return *this;
    release();
    m_size = std::exchange(other.m_size, 0);
    if (m_size > 1)
        m_many = std::exchange(other.m_many, nullptr);
    else
        m_one = other.m_one;
    other.m_one = 0;
    return *this;
}

SynTimes::~SynTimes()
{
    release();
}

void SynTimes::release()
{
    if (m_size > 1)
        delete[] m_many;
    m_size = 0;
    m_one = 0;
}

void SynTimes::push_back(int64_t ns)
{
    if (m_size == kMax)
        return;
    if (m_size == 0) {
        m_one = ns;
    } else if (m_size == 1) {
        auto *many = new int64_t[kMax];
        many[0] = m_one;
        many[1] = ns;
        m_many = many;
    } else {
        m_many[m_size] = ns;
    }
    ++m_size;
}

} // namespace lbs::analysis
