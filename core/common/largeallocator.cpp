#include "core/common/largeallocator.h"

#include <sys/mman.h>

#include <cstdint>

namespace lbs::detail {

namespace {

constexpr std::size_t MapThreshold = std::size_t(4) << 20;
constexpr std::size_t HugePage = std::size_t(2) << 20;

std::size_t mappedSize(std::size_t bytes)
{
    return (bytes + HugePage - 1) / HugePage * HugePage;
}

} // namespace

void *largeAllocate(std::size_t bytes)
{
    if (bytes < MapThreshold)
        return ::operator new(bytes);
    // Over-map by one huge page and trim, so the block starts on a 2 MiB boundary (transparent
    // huge pages only back aligned 2 MiB ranges).
    const std::size_t size = mappedSize(bytes);
    void *raw = mmap(
        nullptr, size + HugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED)
        throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + HugePage - 1) / HugePage * HugePage;
    if (aligned > start)
        munmap(raw, aligned - start);
    if (const std::size_t tail = (start + size + HugePage) - (aligned + size))
        munmap(reinterpret_cast<void *>(aligned + size), tail);
    void *p = reinterpret_cast<void *>(aligned);
#ifdef MADV_HUGEPAGE
    madvise(p, mappedSize(bytes), MADV_HUGEPAGE); // a hint: without THP the mapping works as is
#endif
    return p;
}

void largeDeallocate(void *p, std::size_t bytes) noexcept
{
    if (!p)
        return;
    if (bytes < MapThreshold) {
        ::operator delete(p);
        return;
    }
    munmap(p, mappedSize(bytes));
}

} // namespace lbs::detail
