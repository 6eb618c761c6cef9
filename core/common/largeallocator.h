#pragma once
// An allocator for the few very large arrays (the packet index: 32 bytes per packet, hundreds of
// MB for big captures). Blocks of 4 MiB and more are mapped directly and marked for transparent
// huge pages, so filling them costs one page fault per 2 MiB instead of one per 4 KiB (on a
// virtual machine a fault costs microseconds: 5 million packets would pay ~40 000 of them).
// Smaller blocks use operator new. Mapped blocks are not charged against the system's memory
// until written (MAP_NORESERVE), so a generous reservation is address space only. Qt-free; huge
// pages are a Linux hint, other systems map plainly.

#include <cstddef>
#include <new>
#include <stdexcept>

namespace lbs {

namespace detail {
void *largeAllocate(std::size_t bytes);
void largeDeallocate(void *p, std::size_t bytes) noexcept;
} // namespace detail

/// std::allocator replacement for big, append-only vectors.
template <typename T> struct LargeAllocator {
    using value_type = T;
    LargeAllocator() noexcept = default;
    template <typename U> LargeAllocator(const LargeAllocator<U> &) noexcept { }
    T *allocate(std::size_t n)
    {
        if (n > std::size_t(-1) / sizeof(T))
            throw std::bad_array_new_length();
        return static_cast<T *>(detail::largeAllocate(n * sizeof(T)));
    }
    void deallocate(T *p, std::size_t n) noexcept { detail::largeDeallocate(p, n * sizeof(T)); }
    template <typename U> bool operator==(const LargeAllocator<U> &) const noexcept { return true; }
};

/// Reserves room for `wanted` elements in a LargeAllocator vector, or for as many as the system
/// lets us map (halving down to `atLeast`; below that the vector is left to grow on demand). For
/// reservations sized from an upper bound: large blocks are address space until their pages are
/// written, so an estimate that is too high costs nothing, while one that is too low moves every
/// element and briefly holds both copies.
template <typename Vector> void reserveUpTo(Vector &v, std::size_t wanted, std::size_t atLeast = 0)
{
    while (wanted > v.capacity() && wanted >= atLeast) {
        try {
            v.reserve(wanted);
            return;
        } catch (const std::bad_alloc &) {
            wanted /= 2;
        } catch (const std::length_error &) {
            wanted /= 2;
        }
    }
}

} // namespace lbs
