#pragma once
// A file mapping whose file another process truncates (a tcpdump ring rewriting the file being
// read) raises SIGBUS at the first touch of a page past the new end, which ends the process. The
// guard turns that into zero bytes and a flag: a SIGBUS handler, installed once, replaces the
// rest of a registered mapping from the faulting page on with anonymous zero pages and marks the
// mapping; the reader sees the mark and stops. Faults outside registered mappings go to the
// handler that was there before (or end the process as they would have).

#include <cstddef>

namespace lbs::pcap {

class MappingGuard {
public:
    MappingGuard() = default;
    MappingGuard(const MappingGuard &) = delete;
    MappingGuard &operator=(const MappingGuard &) = delete;
    /// Registers the read-only mapping [base, base + size) (installing the handler on first
    /// use). False when no slot is free or the handler cannot be installed: do not map then.
    bool add(const void *base, size_t size);
    /// Unregisters the mapping; call before unmapping it.
    void remove();
    ~MappingGuard() { remove(); }

    /// A page of the mapping faulted (its file became shorter): from that page on it reads
    /// zeros. Reads made before this call in the same thread are ordered before it.
    bool faulted() const;

private:
    int m_slot = -1;
};

} // namespace lbs::pcap
