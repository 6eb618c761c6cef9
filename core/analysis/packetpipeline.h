#pragma once
// Reading and decoding on a second thread (decisions.md, "two threads"): the producer reads the
// merged packets, applies the filter and decodes each packet into batches; the analysis thread
// tracks flows from the batches in the same order, so the result is the one a single thread gets.

#include "core/pcap/bpffilter.h"
#include "core/pcap/captureset.h"
#include "core/pcap/decodedpacket.h"
#include "core/pcap/packetreader.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace lbs::analysis {

/// One packet as the producer hands it over: read, passed the filter, decoded.
struct PipelinedPacket {
    pcap::RawPacket raw;
    pcap::DecodedPacket decoded;
    bool decodedOk = false;
};

/// Copies of packet bytes in chunks that never move, so pointers into them stay valid until
/// clear(); the chunks are kept for reuse.
class ByteArena {
public:
    const uint8_t *copy(const uint8_t *data, size_t n);
    void clear()
    {
        m_chunk = 0;
        m_used = 0;
    }

private:
    std::vector<std::vector<uint8_t>> m_chunks;
    size_t m_chunk = 0;
    size_t m_used = 0;
};

/// Packets in merged order. Their bytes are copied into the batch's arena (the reader's buffers
/// are reused at the next read).
struct PacketBatch {
    std::vector<PipelinedPacket> packets; ///< the first `count` are valid
    size_t count = 0;
    ByteArena arena;
    uint64_t filteredOut = 0; ///< packets the filter rejected before and among these
    uint64_t bytesRead = 0; ///< PacketReader::bytesRead() after the batch
    bool hasFiles = false; ///< `files` holds a snapshot of the reader's counters (on request)
    std::vector<pcap::CaptureFileInfo> files;
};

/// Runs PacketReader + BpfFilter + decodePacket on its own thread, some batches ahead of the
/// consumer. The reader must stay alive (and untouched by others) until the pipeline is gone.
class PacketPipeline {
public:
    static constexpr size_t kBatchPackets = 1024;
    static constexpr size_t kBatches = 4;

    PacketPipeline(pcap::PacketReader &reader, const pcap::BpfFilter &filter);
    ~PacketPipeline();
    PacketPipeline(const PacketPipeline &) = delete;
    PacketPipeline &operator=(const PacketPipeline &) = delete;

    /// The next batch, waiting for it; nullptr after the last. Valid until release().
    const PacketBatch *next();
    /// Gives the batch next() returned back to the producer.
    void release();
    /// Asks for a snapshot of the reader's file counters in a coming batch.
    void requestFiles() { m_wantFiles.store(true, std::memory_order_relaxed); }

private:
    void run();
    bool fill(PacketBatch &b);

    pcap::PacketReader &m_reader;
    const pcap::BpfFilter &m_filter;
    PacketBatch m_batches[kBatches];
    std::mutex m_mutex;
    std::condition_variable m_cv;
    size_t m_produced = 0; ///< batches filled
    size_t m_consumed = 0; ///< batches released
    bool m_done = false; ///< the producer read the last packet
    bool m_stop = false; ///< the consumer is gone
    std::atomic<bool> m_wantFiles {false};
    uint64_t m_filteredOut = 0;
    std::thread m_thread;
};

} // namespace lbs::analysis
