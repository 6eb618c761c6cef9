#pragma once
// Writes frames to pcap or pcapng files, rotating exactly like `tcpdump -C N -W M -w NAME`.

#include "genoptions.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace lbs::gen {

/// One file the writer opened, in the order opened (a wrapped ring reuses names).
struct WrittenFile {
    std::string path;
    uint64_t packets = 0;
    uint64_t bytes = 0;
    int64_t firstTs = 0, lastTs = 0;
    uint64_t firstIndex = 0; ///< global index of the first packet written to it
};

/// tcpdump's savefile naming and rotation (tcpdump.c MakeFilename / dump_packet_and_trunc):
/// the suffix has as many digits as (M - 1), is appended after the whole -w name, and a file is
/// rotated before writing a packet when it is already larger than the limit.
class CaptureWriter {
public:
    explicit CaptureWriter(const Options &options);
    ~CaptureWriter();
    CaptureWriter(const CaptureWriter &) = delete;
    CaptureWriter &operator=(const CaptureWriter &) = delete;

    /// Writes one frame with capture time @p tsNs (ns since the epoch). False on I/O error (see error()).
    bool write(int64_t tsNs, const uint8_t *frame, uint32_t length);
    /// Flushes and closes the current file. False on I/O error.
    bool close();

    const std::string &error() const { return m_error; }
    const std::vector<WrittenFile> &files() const { return m_files; }
    uint64_t bytesWritten() const { return m_total; }
    uint64_t packetsWritten() const { return m_packets; }
    /// Index into files() of the oldest file that still exists.
    size_t firstSurviving() const;

    /// Name of ring slot @p count for -w @p base with -W @p fileCount (0 = no -W).
    static std::string fileName(const std::string &base, int fileCount, int count);

private:
    bool open();
    bool put(const void *data, size_t len);

    const Options &m_o;
    FILE *m_file = nullptr;
    std::vector<char> m_buffer;
    uint64_t m_size = 0, m_total = 0, m_packets = 0;
    int m_count = 0;
    std::vector<WrittenFile> m_files;
    std::string m_error;
};

} // namespace lbs::gen
