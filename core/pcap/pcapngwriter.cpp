#include "core/pcap/pcapngwriter.h"

#include <cerrno>
#include <cstring>
#include <vector>

namespace lbs::pcap {

namespace {

// Block types and options (pcapng, draft-ietf-opsawg-pcapng).
constexpr uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr uint32_t kInterfaceDescription = 0x00000001;
constexpr uint32_t kEnhancedPacket = 0x00000006;
constexpr uint16_t kOptEnd = 0, kOptComment = 1, kShbUserAppl = 4, kIfName = 2, kIfTsresol = 9;

/// Block assembly in the machine's byte order (the section's byte-order magic tells a reader which).
class Block {
public:
    explicit Block(uint32_t type) { u32(type), u32(0); }
    void u16(uint16_t v) { raw(&v, 2); }
    void u32(uint32_t v) { raw(&v, 4); }
    void raw(const void *p, std::size_t n)
    {
        const auto *b = static_cast<const uint8_t *>(p);
        m_bytes.insert(m_bytes.end(), b, b + n);
    }
    void pad() { m_bytes.resize((m_bytes.size() + 3) & ~std::size_t(3), 0); }
    void option(uint16_t code, const void *p, std::size_t n)
    {
        u16(code);
        u16(static_cast<uint16_t>(n));
        raw(p, n);
        pad();
    }
    void option(uint16_t code, std::string_view s) { option(code, s.data(), s.size()); }
    /// Closes the block: total length at both ends.
    const std::vector<uint8_t> &finish()
    {
        const uint32_t total = static_cast<uint32_t>(m_bytes.size() + 4);
        std::memcpy(m_bytes.data() + 4, &total, 4);
        u32(total);
        return m_bytes;
    }

private:
    std::vector<uint8_t> m_bytes;
};

} // namespace

PcapngWriter::~PcapngWriter()
{
    (void)close();
}

void PcapngWriter::put(const void *data, std::size_t n)
{
    if (m_file && !m_failed && std::fwrite(data, 1, n, m_file) != n)
        m_failed = true;
}

Status PcapngWriter::open(const std::string &path)
{
    (void)close();
    m_path = path;
    m_interfaces = 0;
    m_count = 0;
    m_failed = false;
    m_file = std::fopen(path.c_str(), "wb");
    if (!m_file)
        return Error {std::string("cannot create pcapng file: ") + std::strerror(errno), path,
            "check the directory exists and is writable", ErrorKind::Io};
    Block shb(kSectionHeader);
    shb.u32(0x1A2B3C4D); // byte-order magic
    shb.u16(1);
    shb.u16(0); // version 1.0
    const int64_t unknownLength = -1;
    shb.raw(&unknownLength, 8);
    shb.option(kShbUserAppl, "lbscope");
    shb.option(kOptEnd, nullptr, 0);
    const auto &b = shb.finish();
    put(b.data(), b.size());
    return Ok {};
}

uint32_t PcapngWriter::addInterface(int linktype, uint32_t snaplen, std::string_view name)
{
    Block idb(kInterfaceDescription);
    idb.u16(static_cast<uint16_t>(linktype));
    idb.u16(0);
    idb.u32(snaplen);
    if (!name.empty())
        idb.option(kIfName, name.substr(0, 0xFFF0));
    const uint8_t nanoseconds = 9;
    idb.option(kIfTsresol, &nanoseconds, 1);
    idb.option(kOptEnd, nullptr, 0);
    const auto &b = idb.finish();
    put(b.data(), b.size());
    return m_interfaces++;
}

void PcapngWriter::write(uint32_t id, int64_t tsNs, const uint8_t *data, uint32_t capLen, uint32_t wireLen,
    std::string_view comment)
{
    Block epb(kEnhancedPacket);
    const uint64_t ts = static_cast<uint64_t>(tsNs);
    epb.u32(id);
    epb.u32(static_cast<uint32_t>(ts >> 32));
    epb.u32(static_cast<uint32_t>(ts & 0xFFFFFFFFu));
    epb.u32(capLen);
    epb.u32(wireLen);
    epb.raw(data, capLen);
    epb.pad();
    if (!comment.empty()) {
        epb.option(kOptComment, comment.substr(0, 0xFFF0));
        epb.option(kOptEnd, nullptr, 0);
    }
    const auto &b = epb.finish();
    put(b.data(), b.size());
    ++m_count;
}

Status PcapngWriter::close()
{
    if (!m_file)
        return Ok {};
    const bool flushFailed = std::fflush(m_file) != 0;
    const bool closeFailed = std::fclose(m_file) != 0;
    m_file = nullptr;
    if (m_failed || flushFailed || closeFailed)
        return Error {std::string("cannot write pcapng file: ") + std::strerror(errno), m_path,
            "check free space on its disk", ErrorKind::Io};
    return Ok {};
}

} // namespace lbs::pcap
