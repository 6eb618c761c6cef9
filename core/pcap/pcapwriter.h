#pragma once

#include "core/common/error.h"

#include <cstdint>
#include <string>

struct pcap;
struct pcap_dumper;

namespace lbs::pcap {

/// Writes packets to a new classic pcap file (nanosecond resolution) with pcap_dump.
class PcapWriter {
public:
    PcapWriter() = default;
    ~PcapWriter();
    PcapWriter(const PcapWriter &) = delete;
    PcapWriter &operator=(const PcapWriter &) = delete;

    /// Creates (truncates) `path` for the given DLT link type and snaplen.
    Status open(const std::string &path, int linktype, uint32_t snaplen = 262144);
    /// Appends one packet; capLen is clipped to the snaplen.
    void write(int64_t tsNs, const uint8_t *data, uint32_t capLen, uint32_t wireLen);
    /// Flushes and closes; errors name the path.
    Status close();
    uint64_t packetsWritten() const { return m_count; }

private:
    ::pcap *m_dead = nullptr;
    ::pcap_dumper *m_dumper = nullptr;
    std::string m_path;
    uint32_t m_snaplen = 0;
    uint64_t m_count = 0;
};

} // namespace lbs::pcap
