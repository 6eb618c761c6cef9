#pragma once
// An allocator for the few very large arrays (the packet index: 32 bytes per packet, hundreds of
// MB for big captures). Blocks of 4 MiB and more are mapped directly and marked for transparent
// huge pages, so filling them costs one page fault per 2 MiB instead of one per 4 KiB (on a
// virtual machine a fault costs microseconds: 5 million packets would pay ~40 000 of them).
// Smaller blocks use operator new. Qt-free; huge pages are a Linux hint, other systems map plainly.

#include <cstddef>
#include <new>

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

} // namespace lbs
