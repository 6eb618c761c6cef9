#include "core/analysis/packetpipeline.h"

#include <algorithm>
#include <cstring>

namespace lbs::analysis {

namespace {
constexpr size_t kArenaChunkBytes = size_t(1) << 20;
} // namespace

const uint8_t *ByteArena::copy(const uint8_t *data, size_t n)
{
    for (;;) {
        if (m_chunk == m_chunks.size())
            m_chunks.emplace_back(std::max(kArenaChunkBytes, n));
        std::vector<uint8_t> &c = m_chunks[m_chunk];
        if (c.size() - m_used >= n) {
            uint8_t *out = c.data() + m_used;
            std::memcpy(out, data, n);
            m_used += n;
            return out;
        }
        ++m_chunk;
        m_used = 0;
    }
}

PacketPipeline::PacketPipeline(pcap::PacketReader &reader, const pcap::BpfFilter &filter)
    : m_reader(reader), m_filter(filter)
{
    for (PacketBatch &b : m_batches)
        b.packets.resize(kBatchPackets);
    m_thread = std::thread([this] { run(); });
}

PacketPipeline::~PacketPipeline()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

bool PacketPipeline::fill(PacketBatch &b)
{
    b.count = 0;
    b.arena.clear();
    b.hasFiles = false;
    pcap::RawPacket raw;
    bool more = true;
    while (b.count < kBatchPackets) {
        if (!m_reader.next(raw)) {
            more = false;
            break;
        }
        if (!m_filter.isEmpty() && !m_filter.matches(raw.linktype, raw.data, raw.capLen, raw.wireLen)) {
            ++m_filteredOut;
            continue;
        }
        PipelinedPacket &p = b.packets[b.count++];
        p.raw = raw;
        // The reader reuses its buffer at the next read: packets travel as a copy.
        if (raw.capLen > 0)
            p.raw.data = b.arena.copy(raw.data, raw.capLen);
        p.decodedOk = pcap::decodePacket(p.raw.linktype, p.raw.data, p.raw.capLen, p.raw.wireLen, p.decoded);
    }
    b.filteredOut = m_filteredOut;
    b.bytesRead = m_reader.bytesRead();
    if (!more || m_wantFiles.exchange(false, std::memory_order_relaxed)) {
        b.files = m_reader.files();
        b.hasFiles = true;
    }
    return more;
}

void PacketPipeline::run()
{
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [&] { return m_stop || m_produced < m_consumed + kBatches; });
            if (m_stop)
                return;
        }
        const bool more = fill(m_batches[m_produced % kBatches]);
        {
            std::lock_guard lock(m_mutex);
            ++m_produced;
            m_done = !more;
        }
        m_cv.notify_all();
        if (!more)
            return;
    }
}

const PacketBatch *PacketPipeline::next()
{
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_produced > m_consumed || m_done; });
    if (m_produced == m_consumed)
        return nullptr;
    return &m_batches[m_consumed % kBatches];
}

void PacketPipeline::release()
{
    {
        std::lock_guard lock(m_mutex);
        ++m_consumed;
    }
    m_cv.notify_all();
}

} // namespace lbs::analysis
