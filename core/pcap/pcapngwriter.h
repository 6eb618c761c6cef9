#pragma once
// Writes pcapng (the format Wireshark saves): a section header, one interface description block per
// interface with its name, and enhanced packet blocks that may carry a comment. lbscope's pcapng
// export uses it to keep interface names and to put its findings on the packets they concern.
// Qt-free; libpcap cannot write pcapng.

#include "core/common/error.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace lbs::pcap {

class PcapngWriter {
public:
    PcapngWriter() = default;
    ~PcapngWriter();
    PcapngWriter(const PcapngWriter &) = delete;
    PcapngWriter &operator=(const PcapngWriter &) = delete;

    /// Creates (truncates) `path` and writes the section header (shb_userappl "lbscope").
    Status open(const std::string &path);
    /// Declares an interface (DLT link type, snaplen, name, nanosecond timestamps); returns its id,
    /// the one write() takes.
    uint32_t addInterface(int linktype, uint32_t snaplen, std::string_view name);
    /// Appends one packet of interface `id`; `comment` (opt_comment, UTF-8) may be empty.
    void write(uint32_t id, int64_t tsNs, const uint8_t *data, uint32_t capLen, uint32_t wireLen,
        std::string_view comment = {});
    /// Flushes and closes; the first write error, naming the path.
    Status close();
    uint64_t packetsWritten() const { return m_count; }

private:
    void put(const void *data, std::size_t n);
    std::FILE *m_file = nullptr;
    std::string m_path;
    uint32_t m_interfaces = 0;
    uint64_t m_count = 0;
    bool m_failed = false;
};

} // namespace lbs::pcap
