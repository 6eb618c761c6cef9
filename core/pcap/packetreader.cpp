#include "core/pcap/packetreader.h"

#include "core/pcap/bufferedpcap.h"
#include "core/pcap/captureformat.h"
#include "core/pcap/directpcap.h"
#include "core/pcap/packetrereader.h"

#include <pcap/pcap.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lbs::pcap {

namespace {
constexpr size_t kReadBufferBytes = size_t(1) << 20;
/// stdio buffer size for a file read in blocks: libpcap reads only the header and whatever the
/// blocks hand over to it.
constexpr size_t kSmallReadBufferBytes = size_t(64) << 10;
} // namespace

struct PacketReader::Source {
    pcap_t *handle = nullptr;
    FILE *file = nullptr;
    uint16_t index = 0;
    int linktype = -1;
    bool pending = false; ///< `packet` holds an undelivered packet
    RawPacket packet;
    uint64_t nextOffset = 0; ///< file position before the next record
    CaptureHeader header; ///< what the file's first bytes say (libpcap's times are read by it)
    bool pcapng = false;
    uint32_t snaplen = 0;
    /// Plain classic pcap is read in blocks (decisions.md, "Reading classic pcap in blocks");
    /// libpcap takes over at the first record they do not take.
    BufferedPcapFile blocks;
    bool viaBlocks = false; ///< records come from `blocks`
    /// Classic pcap read by libpcap after the blocks: each record is first looked at, and one
    /// longer than the snapshot length (which libpcap would cut) is read whole into longBuffer.
    std::optional<ClassicPcapLayout> layout;
    bool checkLongRecords = false;
    bool fileBehind = false; ///< `file` is not at nextOffset (a long record was read with pread)
    std::vector<uint8_t> longBuffer;
    /// stdio buffer of `file` (left uninitialised: zeroing it would fault in every page up front)
    std::unique_ptr<char[]> readBuffer = std::make_unique_for_overwrite<char[]>(kReadBufferBytes);
    /// A classic pcap version libpcap refuses (CaptureFileInfo::readWithoutLibpcap): no handle,
    /// every record read by readRecordDirect from `file`'s descriptor.
    bool direct = false;
    ~Source()
    {
        if (handle)
            pcap_close(handle);
        else if (file)
            std::fclose(file);
    }
};

PacketReader::PacketReader(const CaptureSet &set) : m_files(set.files)
{
}

PacketReader::~PacketReader() = default;

// Opens `path` for libpcap with a large stdio buffer: libpcap reads through stdio, whose default
// 4 KiB buffer costs a read() system call every few packets (a small one for classic pcap, which
// is read in blocks of its own). Also tells whether the file is classic pcap (the four standard magics
// have 16-byte record headers, Kuznetzov's variant not). glibc ignores setvbuf's size unless it is
// given the buffer, which must outlive the handle.
static pcap_t *openNano(const std::string &path, char *readBuffer, CaptureHeader &header, std::string &error)
{
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) {
        error = "not a readable pcap or pcapng file: " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    unsigned char m[kCaptureMagicBytes] = {};
    const ssize_t n = ::pread(fileno(f), m, sizeof m, 0);
    header = identifyCaptureHeader(m, n > 0 ? size_t(n) : 0);
    const bool pcapng = header.format != CaptureFormat::Pcap;
    std::setvbuf(f, readBuffer, _IOFBF, pcapng ? kReadBufferBytes : kSmallReadBufferBytes);
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!p) {
        std::fclose(f); // libpcap closes the FILE only once it owns a handle
        error = std::string("not a readable pcap or pcapng file: ") + errbuf;
    }
    return p;
}

Status PacketReader::open()
{
    m_sources.clear();
    m_heap.clear();
    m_current = -1;
    for (size_t i = 0; i < m_files.size(); ++i) {
        CaptureFileInfo &f = m_files[i];
        f.packets = 0;
        f.bytes = 0;
        f.lastTsNs = 0;
        f.truncated = false;
        f.readError.clear();
        f.shrank = false;
        f.longRecords = 0;
        std::string error;
        auto s = std::make_unique<Source>();
        s->index = static_cast<uint16_t>(i);
        if (f.readWithoutLibpcap) {
            s->file = std::fopen(f.path.c_str(), "rb");
            s->layout = s->file ? classicPcapLayout(fileno(s->file)) : std::nullopt;
            if (!s->layout)
                return Error {std::string("not a readable pcap file: ") + std::strerror(errno), f.path, {}};
            s->direct = true;
            s->linktype = s->layout->linktype;
            s->snaplen = s->layout->snaplen;
            s->nextOffset = 24;
            m_sources.push_back(std::move(s));
            continue;
        }
        s->handle = openNano(f.path, s->readBuffer.get(), s->header, error);
        s->pcapng = s->header.format != CaptureFormat::Pcap;
        if (!s->handle)
            return Error {error, f.path, {}};
        s->file = pcap_file(s->handle);
        s->linktype = pcap_datalink(s->handle);
        s->nextOffset = s->file ? static_cast<uint64_t>(std::ftell(s->file)) : 0;
        const int snap = pcap_snapshot(s->handle);
        s->snaplen = snap > 0 ? static_cast<uint32_t>(snap) : 0;
        if (!s->pcapng && s->file) {
            s->viaBlocks = s->blocks.open(fileno(s->file), s->linktype, s->snaplen);
            if (s->viaBlocks)
                s->layout = classicPcapLayout(fileno(s->file));
        }
        m_sources.push_back(std::move(s));
    }
    auto later = [this](uint16_t a, uint16_t b) {
        const auto &pa = m_sources[a]->packet;
        const auto &pb = m_sources[b]->packet;
        return pa.tsNs != pb.tsNs ? pa.tsNs > pb.tsNs : a > b;
    };
    for (auto &s : m_sources) {
        if (advance(*s)) {
            m_heap.push_back(s->index);
            std::push_heap(m_heap.begin(), m_heap.end(), later);
        }
    }
    return Ok {};
}

bool PacketReader::advance(Source &s)
{
    struct pcap_pkthdr *hdr = nullptr;
    const u_char *data = nullptr;
    const uint64_t offset = s.nextOffset;
    RawPacket &p = s.packet;
    if (s.direct) {
        uint64_t next = 0;
        const DirectRecord r = readRecordDirect(fileno(s.file), offset, *s.layout, s.longBuffer, p, next);
        if (r != DirectRecord::Read) {
            if (r != DirectRecord::End) {
                m_files[s.index].truncated = true;
                m_files[s.index].readError = directRecordError(r);
            }
            s.pending = false;
            return false;
        }
        s.nextOffset = next;
        p.fileIndex = s.index;
        p.linktype = s.linktype;
        s.pending = true;
        return true;
    }
    if (s.viaBlocks) {
        BufferedPcapFile::Record r;
        if (s.blocks.next(r)) {
            s.nextOffset = s.blocks.offset();
            p.tsNs = r.tsNs;
            p.capLen = r.capLen;
            p.wireLen = r.wireLen < r.capLen ? r.capLen : r.wireLen;
            p.data = r.data;
            p.fileIndex = s.index;
            p.offset = r.offset;
            p.linktype = s.linktype;
            s.pending = true;
            return true;
        }
        s.viaBlocks = false;
        if (s.blocks.shrank()) {
            // Truncated or rewritten by another process: what follows is not this file's rest.
            m_files[s.index].truncated = true;
            m_files[s.index].shrank = true;
            m_files[s.index].readError = s.blocks.shrinkMessage();
            s.blocks.close();
            s.pending = false;
            return false;
        }
        // Not a record the blocks take (or the end of the file as opened): libpcap reads on from
        // here, as it would have read the whole file.
        s.nextOffset = s.blocks.offset();
        s.blocks.close();
        s.checkLongRecords = s.layout.has_value();
        std::fseek(s.file, static_cast<long>(s.nextOffset), SEEK_SET);
        return advance(s);
    }
    if (s.checkLongRecords) {
        uint64_t next = 0;
        if (readLongRecord(fileno(s.file), offset, *s.layout, s.snaplen, s.longBuffer, p, next)) {
            s.nextOffset = next;
            s.fileBehind = true;
            p.fileIndex = s.index;
            p.linktype = s.linktype;
            ++m_files[s.index].longRecords;
            s.pending = true;
            return true;
        }
        if (s.fileBehind) {
            std::fseek(s.file, static_cast<long>(offset), SEEK_SET);
            s.fileBehind = false;
        }
    }
    const int rc = pcap_next_ex(s.handle, &hdr, &data);
    if (rc != 1) {
        CaptureFileInfo &f = m_files[s.index];
        const std::string shrunk = s.file
            ? fileShrinkMessage(fileno(s.file), f.sizeBytes, s.nextOffset, s.nextOffset)
            : std::string();
        if (rc == PCAP_ERROR || !shrunk.empty()) {
            f.truncated = true;
            f.shrank = !shrunk.empty();
            f.readError = shrunk.empty() ? pcap_geterr(s.handle) : shrunk;
        }
        s.pending = false;
        return false;
    }
    // Classic pcap records are contiguous (16-byte header + caplen), so the next offset is known
    // without ftell (a syscall per packet). libpcap clips records longer than the snaplen, and
    // pcapng has variable blocks: ask the FILE there.
    if (!s.pcapng && hdr->caplen < s.snaplen) {
        s.nextOffset = offset + 16 + hdr->caplen;
    } else if (s.file) {
        const long pos = std::ftell(s.file);
        s.nextOffset = pos >= 0 ? static_cast<uint64_t>(pos) : s.nextOffset;
    }
    p.tsNs = libpcapRecordTimeNs(hdr->ts.tv_sec, hdr->ts.tv_usec, s.header);
    p.capLen = hdr->caplen;
    p.wireLen = hdr->len < hdr->caplen ? hdr->caplen : hdr->len;
    p.data = data;
    p.fileIndex = s.index;
    p.offset = offset;
    p.linktype = s.linktype;
    s.pending = true;
    return true;
}

bool PacketReader::next(RawPacket &out)
{
    auto later = [this](uint16_t a, uint16_t b) {
        const auto &pa = m_sources[a]->packet;
        const auto &pb = m_sources[b]->packet;
        return pa.tsNs != pb.tsNs ? pa.tsNs > pb.tsNs : a > b;
    };
    if (m_current >= 0) {
        Source &cur = *m_sources[static_cast<size_t>(m_current)];
        m_current = -1;
        if (advance(cur)) {
            // Fast path: the same file is still the earliest (no overlap between files).
            if (m_heap.empty() || later(m_heap.front(), cur.index)) {
                m_current = cur.index;
            } else {
                m_heap.push_back(cur.index);
                std::push_heap(m_heap.begin(), m_heap.end(), later);
            }
        }
    }
    if (m_current < 0) {
        if (m_heap.empty())
            return false;
        std::pop_heap(m_heap.begin(), m_heap.end(), later);
        m_current = m_heap.back();
        m_heap.pop_back();
    }
    Source &s = *m_sources[static_cast<size_t>(m_current)];
    out = s.packet;
    CaptureFileInfo &f = m_files[s.index];
    ++f.packets;
    f.bytes += out.wireLen;
    f.lastTsNs = out.tsNs;
    return true;
}

uint64_t PacketReader::bytesRead() const
{
    uint64_t sum = 0;
    for (const auto &s : m_sources)
        sum += s->nextOffset;
    return sum;
}

uint64_t PacketReader::totalBytes() const
{
    uint64_t sum = 0;
    for (const auto &f : m_files)
        sum += f.sizeBytes;
    return sum;
}

Result<RawPacket> PacketReader::readAt(
    const CaptureFileInfo &file, uint16_t fileIndex, uint64_t offset, std::vector<uint8_t> &buffer)
{
    return PacketRereader::readOnce(file, fileIndex, offset, buffer);
}

} // namespace lbs::pcap
