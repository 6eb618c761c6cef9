#pragma once
// Joins the copies of one TCP connection seen on both sides of a node's NAT (tcpdump -i any on
// the node holding the VIP): the front leg on the VIP interface (client -> VIP:port) and the back
// legs after DNAT (client or node -> pod:targetPort). NAT does not change TCP sequence numbers, so
// legs are joined by the client SYN's ISN (never by timing alone) and each packet is matched with
// its copy on the other leg by (seq, ack, flags, length) to measure the time it spent inside the
// node and to find the packets that never came out (docs/decisions.md, "NAT legs").

#include "core/analysis/captureanalysis.h"
#include "core/common/largeallocator.h"
#include "core/pcap/ipaddress.h"

#include <cstdint>
#include <vector>

namespace lbs::analysis {

/// Largest gap between a SYN on one leg and its copy on another; also how long a packet may wait
/// for its copy before it counts as dropped inside the node. Far below Linux's 1 s SYN RTO, so a
/// retransmitted SYN (same ISN) is never taken for the copy of the first one.
inline constexpr int64_t kLegWindowNs = 200'000'000;
/// How long a SYN is remembered for its retransmissions (Linux retries span 1+2+4+8+16 = 31 s);
/// older entries are dropped so the table holds only the last seconds' connections.
inline constexpr int64_t kLegSynMemoryNs = 32'000'000'000;

/// What the caller knows about a flow's server address from the manifest and the endpoint map.
enum class LegHint : uint8_t {
    Unknown,
    Front, ///< the server is the VIP
    Back, ///< the server is a known endpoint (pod ip:port)
};

/// A client SYN (SYN without ACK) of one flow.
struct LegSyn {
    uint32_t flow = 0;
    uint32_t isn = 0;
    pcap::Endpoint client;
    int64_t tsNs = 0;
    LegHint hint = LegHint::Unknown;
};

/// One TCP segment of a joined flow, as the matcher compares it with the other leg's copies.
struct LegSegment {
    uint8_t dir = 0; ///< 0 client->server, 1 server->client
    int64_t tsNs = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint8_t flags = 0; ///< TCP flags as on the wire
    uint32_t payloadLen = 0;
};

/// Result of LegMatcher::onClientSyn.
struct LegJoin {
    int32_t connection = -1; ///< the connection the flow belongs to, -1 when none (yet)
    bool joinedNow = false; ///< this SYN joined the flow (the caller updates its flows' roles)
};

/// The matcher. Allocation happens per connection (amortised vector growth), never per packet:
/// the SYN table is open addressing, pending copies sit in fixed rings taken from a pool.
class LegMatcher {
public:
    explicit LegMatcher(int64_t windowNs = kLegWindowNs);

    /// Room for @p syns remembered SYNs as address space (the flows' upper bound): the SYN
    /// table then never moves, where growing it copied every entry into fresh pages.
    void reserve(size_t syns);

    /// A client SYN of flow `syn.flow`. Joins the flow to the connection of another flow whose SYN
    /// carried the same ISN within the window (the same client port too when the client address
    /// is the same: only SNAT rewrites it). The flow whose SYN came first is the front leg unless
    /// the hints say otherwise. A SYN of a flow already joined returns its connection.
    LegJoin onClientSyn(const LegSyn &syn);
    /// Every later segment of a joined flow; `leg` is its index in the connection's legs (only the
    /// front leg and the first back leg are matched).
    void onSegment(uint32_t connection, uint32_t leg, const LegSegment &s);
    /// After the last packet at `endNs`: copies still waiting longer than the window are drops,
    /// delays are reduced to median and maximum.
    void finish(int64_t endNs);

    const std::vector<NatConnection> &connections() const { return m_connections; }
    std::vector<NatConnection> &connections() { return m_connections; }
    const std::vector<InNodeDrop> &drops() const { return m_drops; }
    std::vector<InNodeDrop> &drops() { return m_drops; }
    /// SYNs remembered (for tests: bounded by the last kLegSynMemoryNs of connections).
    size_t rememberedSyns() const { return m_pending.size(); }
    /// Index of `flow` among the legs of `connection`, or -1.
    int legIndex(uint32_t connection, uint32_t flow) const;

private:
    struct Pending {
        uint32_t flow;
        int32_t connection;
        int64_t lastSynNs;
        uint32_t synCount;
        uint32_t isn;
        pcap::Endpoint client;
        LegHint hint;
        int64_t synNs[6]; ///< times of the first SYNs (Linux retries 6 times by default)
    };
    struct Copy {
        int64_t tsNs;
        uint32_t seq;
        uint32_t sig; ///< ack, flags and length folded; bit 0: the leg (0 front, 1 back)
    };
    static constexpr size_t kRing = 8;
    struct Rings {
        Copy copy[2][kRing];
        uint8_t count[2] = {0, 0};
    };
    struct Sample {
        uint32_t key; ///< connection * 2 + direction
        int32_t ns; ///< within +-window, so it fits
    };

    int32_t *slotFor(uint32_t isn, bool insert);
    void growTable();
    /// Forgets SYNs older than kLegSynMemoryNs and rebuilds the table (amortised O(1) per SYN).
    void compact(int64_t nowNs);
    void addDelay(uint32_t connection, uint8_t dir, int64_t ns);
    void drop(uint32_t connection, uint8_t dir, uint32_t sig, int64_t ts);
    static uint32_t signature(const LegSegment &s, uint32_t leg);

    int64_t m_window;
    std::vector<int32_t, LargeAllocator<int32_t>> m_table; ///< ISN hash -> index in m_pending + 1 (0 empty)
    size_t m_used = 0;
    std::vector<Pending, LargeAllocator<Pending>> m_pending;
    size_t m_compactAt = 4096; ///< m_pending size that triggers compact()
    std::vector<NatConnection> m_connections;
    /// Rings in use or free: a connection holds one only while a copy waits (copies are matched
    /// within microseconds), so the pool stays as small as the connections with copies in flight.
    std::vector<Rings> m_rings;
    std::vector<uint32_t> m_freeRings;
    std::vector<int32_t> m_ringOf; ///< per connection: its ring, -1 when nothing waits
    std::vector<Sample> m_samples;
    std::vector<InNodeDrop> m_drops;
};

} // namespace lbs::analysis
