#include "core/pcap/packetrereader.h"

#include "core/pcap/captureformat.h"
#include "core/pcap/directpcap.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <string>

namespace lbs::pcap {

PacketRereader::~PacketRereader()
{
    closeAll();
}

void PacketRereader::closeAll()
{
    for (pcap_t *p : m_handles)
        if (p)
            pcap_close(p);
    m_handles.clear();
}

void PacketRereader::reset(const std::vector<CaptureFileInfo> *files)
{
    closeAll();
    m_files = files;
    if (m_files)
        m_handles.assign(m_files->size(), nullptr);
}

Result<RawPacket> PacketRereader::readAt(uint16_t fileIndex, uint64_t offset, std::vector<uint8_t> &buffer)
{
    if (!m_files || fileIndex >= m_files->size())
        return Error {
            "packet refers to file #" + std::to_string(fileIndex) + ", which is not part of this capture", {},
            {}};
    return readRecord((*m_files)[fileIndex], m_handles[fileIndex], fileIndex, offset, buffer);
}

Result<RawPacket> PacketRereader::readOnce(
    const CaptureFileInfo &file, uint16_t fileIndex, uint64_t offset, std::vector<uint8_t> &buffer)
{
    pcap_t *p = nullptr;
    auto r = readRecord(file, p, fileIndex, offset, buffer);
    if (p)
        pcap_close(p);
    return r;
}

Result<RawPacket> PacketRereader::readDirect(
    const CaptureFileInfo &file, uint16_t fileIndex, uint64_t offset, std::vector<uint8_t> &buffer)
{
    FILE *f = std::fopen(file.path.c_str(), "rb");
    if (!f)
        return Error {"cannot reopen the capture file to show this packet", file.path, {}};
    const auto layout = classicPcapLayout(fileno(f));
    RawPacket out;
    uint64_t next = 0;
    const DirectRecord r
        = layout ? readRecordDirect(fileno(f), offset, *layout, buffer, out, next) : DirectRecord::End;
    std::fclose(f);
    if (r != DirectRecord::Read)
        return Error {"no packet at offset " + std::to_string(offset), file.path,
            "was the file changed since it was loaded? Reload it with F5"};
    out.fileIndex = fileIndex;
    out.linktype = layout->linktype;
    return out;
}

Result<RawPacket> PacketRereader::readRecord(const CaptureFileInfo &file, struct pcap *&p, uint16_t fileIndex,
    uint64_t offset, std::vector<uint8_t> &buffer)
{
    struct pcap_pkthdr *hdr = nullptr;
    const u_char *data = nullptr;
    if (file.readWithoutLibpcap)
        return readDirect(file, fileIndex, offset, buffer);
    if (!p) {
        char errbuf[PCAP_ERRBUF_SIZE] = {};
        p = pcap_open_offline_with_tstamp_precision(file.path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
        if (!p)
            return Error {
                std::string("cannot reopen the capture file to show this packet: ") + errbuf, file.path, {}};
        // pcapng: the interface blocks before the first packet must be read before seeking.
        if (file.pcapng && pcap_next_ex(p, &hdr, &data) != 1) {
            pcap_close(p);
            p = nullptr;
            return Error {"cannot read the first packet again", file.path,
                "was the file changed since it was loaded? Reload it with F5"};
        }
    }
    FILE *f = pcap_file(p);
    if (!f || std::fseek(f, static_cast<long>(offset), SEEK_SET) != 0)
        return Error {"cannot seek to offset " + std::to_string(offset), file.path, {}};
    // A record longer than the snapshot length is read whole, as PacketReader read it.
    if (const auto layout = file.pcapng ? std::nullopt : classicPcapLayout(fileno(f))) {
        RawPacket out;
        uint64_t next = 0;
        if (readLongRecord(fileno(f), offset, *layout, file.snaplen, buffer, out, next)) {
            out.fileIndex = fileIndex;
            out.linktype = pcap_datalink(p);
            return out;
        }
    }
    const int rc = pcap_next_ex(p, &hdr, &data);
    if (rc != 1)
        return Error {"no packet at offset " + std::to_string(offset)
                + (rc == PCAP_ERROR ? std::string(": ") + pcap_geterr(p) : std::string()),
            file.path, "was the file changed since it was loaded? Reload it with F5"};
    buffer.assign(data, data + hdr->caplen);
    RawPacket out;
    CaptureHeader header;
    header.format = file.pcapng ? CaptureFormat::PcapNg : CaptureFormat::Pcap;
    header.nanosecond = file.nanosecond;
    out.tsNs = libpcapRecordTimeNs(hdr->ts.tv_sec, hdr->ts.tv_usec, header);
    out.capLen = hdr->caplen;
    out.wireLen = hdr->len < hdr->caplen ? hdr->caplen : hdr->len;
    out.data = buffer.data();
    out.fileIndex = fileIndex;
    out.offset = offset;
    out.linktype = pcap_datalink(p);
    return out;
}

} // namespace lbs::pcap
