#include "core/pcap/pcapwriter.h"

#include <pcap/pcap.h>

namespace lbs::pcap {

PcapWriter::~PcapWriter()
{
    (void)close();
}

Status PcapWriter::open(const std::string &path, int linktype, uint32_t snaplen)
{
    (void)close();
    m_path = path;
    m_snaplen = snaplen > 0 ? snaplen : 262144;
    m_count = 0;
    m_dead = pcap_open_dead_with_tstamp_precision(
        linktype, static_cast<int>(m_snaplen), PCAP_TSTAMP_PRECISION_NANO);
    if (!m_dead)
        return Error {"libpcap could not create a handle for writing", path, {}};
    m_dumper = pcap_dump_open(m_dead, path.c_str());
    if (!m_dumper) {
        std::string msg = pcap_geterr(m_dead);
        pcap_close(m_dead);
        m_dead = nullptr;
        return Error {"cannot create pcap file: " + msg, path, "check the directory exists and is writable"};
    }
    return Ok {};
}

void PcapWriter::write(int64_t tsNs, const uint8_t *data, uint32_t capLen, uint32_t wireLen)
{
    if (!m_dumper)
        return;
    struct pcap_pkthdr hdr { };
    hdr.ts.tv_sec = static_cast<time_t>(tsNs / 1000000000);
    hdr.ts.tv_usec = static_cast<suseconds_t>(tsNs % 1000000000); // nanoseconds: opened with NANO precision
    hdr.caplen = capLen > m_snaplen ? m_snaplen : capLen;
    hdr.len = wireLen < hdr.caplen ? hdr.caplen : wireLen;
    pcap_dump(reinterpret_cast<u_char *>(m_dumper), &hdr, data);
    ++m_count;
}

Status PcapWriter::close()
{
    Status st = Ok {};
    if (m_dumper) {
        if (pcap_dump_flush(m_dumper) != 0)
            st = Error {"could not write all packets (disk full?)", m_path, {}};
        pcap_dump_close(m_dumper);
        m_dumper = nullptr;
    }
    if (m_dead) {
        pcap_close(m_dead);
        m_dead = nullptr;
    }
    return st;
}

} // namespace lbs::pcap
