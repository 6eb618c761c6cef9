#pragma once

#include "core/common/largeallocator.h"
#include "core/pcap/decodedpacket.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace lbs::analysis {

/// Compact, direction-independent 5-tuple: endpoint A is the smaller (address, port).
struct FlowKey {
    uint8_t a[16];
    uint8_t b[16];
    uint16_t portA;
    uint16_t portB;
    uint8_t proto;
    uint8_t family;
    uint16_t ifIndex; ///< SLL2 interface + 1 (0 unknown): with -i any each interface's copy is its own flow

    /// Builds the key from a packet; `reversed` is set when the packet goes B -> A.
    static FlowKey make(const pcap::IpAddress &src, uint16_t srcPort, const pcap::IpAddress &dst,
        uint16_t dstPort, uint8_t proto, bool &reversed, int32_t ifIndex = -1);
    bool operator==(const FlowKey &o) const
    {
        // Five words compared inline (memcmp is a library call per probe).
        uint64_t x[5], y[5];
        std::memcpy(x, this, sizeof x);
        std::memcpy(y, &o, sizeof y);
        return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4])) == 0;
    }
};
static_assert(sizeof(FlowKey) == 40);

/// Hash map FlowKey -> flow index. Open addressing (linear probing, power-of-two capacity, load
/// <= 1/2) over 8-byte slots holding a hash tag and an entry number; the keys and values are kept
/// apart in insertion order. A probe reads one slot of a small array and compares one key, and
/// the key of a recent flow sits near the other recent flows' (a busy capture's live flows are the
/// newest few thousand of hundreds of thousands): with 48-byte slots holding the keys, every
/// lookup missed the cache on a slot that could straddle two lines. No per-lookup allocation.
/// In front of the slots, a direct-mapped table of 8,192 recently found entries (64 KB, in the
/// CPU's cache) answers most lookups: a packet belongs to one of the few thousand live flows, while
/// the slots of millions of flows span tens of MB, one memory access away each. Entries never
/// change key or move, so a recent slot needs no invalidation: a stale one fails the key compare.
/// A new flow's key is looked up, missed, then set: set() remembers the last miss and skips the
/// second probe of the slots.
class FlowTable {
public:
    FlowTable();
    /// Index stored for key, or nullptr.
    uint32_t *find(const FlowKey &key);
    /// Inserts or overwrites (port reuse replaces the current flow of a 4-tuple).
    void set(const FlowKey &key, uint32_t value);
    /// Room for @p keys keys without moving them: the keys' array is reserved as address space
    /// (LargeAllocator), the slots, which are written when reserved, for at most @p slotKeys keys.
    void reserve(size_t keys, size_t slotKeys);
    size_t size() const { return m_entries.size(); }

private:
    struct Slot {
        uint32_t tag; ///< high half of the key's hash
        uint32_t entry; ///< index in m_entries + 1; 0: empty
    };
    struct Entry {
        FlowKey key;
        uint32_t value;
    };
    static constexpr size_t kRecent = 8192;
    static uint64_t hash(const FlowKey &k);
    uint32_t *find(const FlowKey &key, uint64_t h);
    void place(uint64_t h, uint32_t entry);
    void rehash(size_t slots);

    std::vector<Slot, LargeAllocator<Slot>> m_slots;
    std::vector<Slot> m_recent; ///< kRecent slots, indexed by the hash's low bits
    std::vector<Entry, LargeAllocator<Entry>> m_entries;
    size_t m_mask = 0;
    FlowKey m_missKey {}; ///< the last key find() did not find (valid while m_missHash != 0)
    uint64_t m_missHash = 0;
};

} // namespace lbs::analysis
