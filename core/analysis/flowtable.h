#pragma once

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

/// Open-addressing hash map FlowKey -> flow index (linear probing, power-of-two capacity,
/// load <= 1/2). No per-lookup allocation; grows by doubling.
class FlowTable {
public:
    FlowTable();
    /// Index stored for key, or nullptr.
    uint32_t *find(const FlowKey &key);
    /// Inserts or overwrites (port reuse replaces the current flow of a 4-tuple).
    void set(const FlowKey &key, uint32_t value);
    size_t size() const { return m_size; }

private:
    struct Slot {
        FlowKey key;
        uint32_t value;
        uint32_t used;
    };
    static uint64_t hash(const FlowKey &k);
    void grow();

    std::vector<Slot> m_slots;
    size_t m_size = 0;
    size_t m_mask = 0;
};

} // namespace lbs::analysis
