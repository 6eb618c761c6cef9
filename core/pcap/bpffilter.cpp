#include "core/pcap/bpffilter.h"

#include <pcap/pcap.h>

#include <algorithm>

namespace lbs::pcap {

struct BpfFilter::Program {
    int linktype = -1;
    struct bpf_program prog { };
    ~Program() { pcap_freecode(&prog); }
};

BpfFilter::BpfFilter() = default;
BpfFilter::~BpfFilter() = default;
BpfFilter::BpfFilter(BpfFilter &&) noexcept = default;
BpfFilter &BpfFilter::operator=(BpfFilter &&) noexcept = default;

Result<BpfFilter> BpfFilter::compile(
    const std::string &expression, const std::vector<int> &linktypes, uint32_t snaplen)
{
    BpfFilter f;
    f.m_expression = expression;
    if (expression.find_first_not_of(" \t\r\n") == std::string::npos) {
        f.m_expression.clear();
        return f;
    }
    std::vector<int> types = linktypes;
    std::sort(types.begin(), types.end());
    types.erase(std::unique(types.begin(), types.end()), types.end());
    for (int lt : types) {
        pcap_t *dead = pcap_open_dead(lt, static_cast<int>(snaplen > 0 ? snaplen : 262144));
        if (!dead)
            return Error {"libpcap could not create a handle to compile the filter", {}, {}};
        auto prog = std::make_unique<Program>();
        prog->linktype = lt;
        const int rc = pcap_compile(dead, &prog->prog, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN);
        if (rc != 0) {
            std::string msg = pcap_geterr(dead);
            pcap_close(dead);
            prog->prog = {};
            return Error {"invalid filter '" + expression + "': " + msg, {},
                std::string("tcpdump filter syntax, e.g. 'tcp port 80' (link type ")
                    + pcap_datalink_val_to_name(lt) + ")"};
        }
        pcap_close(dead);
        f.m_programs.push_back(std::move(prog));
    }
    return f;
}

bool BpfFilter::matches(int linktype, const uint8_t *data, uint32_t capLen, uint32_t wireLen) const
{
    if (m_expression.empty())
        return true;
    for (const auto &p : m_programs) {
        if (p->linktype == linktype) {
            struct pcap_pkthdr hdr { };
            hdr.caplen = capLen;
            hdr.len = wireLen;
            return pcap_offline_filter(&p->prog, &hdr, data) != 0;
        }
    }
    return false;
}

} // namespace lbs::pcap
