#include "core/capture/pcaptimes.h"

#include <pcap/pcap.h>

namespace lbs::capture {

Result<PcapTimes> readPcapTimes(const std::string &path)
{
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!p)
        return Error {std::string("cannot read the capture file: ") + errbuf, path, {}};
    PcapTimes t;
    pcap_pkthdr *h = nullptr;
    const u_char *data = nullptr;
    int rc = 0;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        const double ts = static_cast<double>(h->ts.tv_sec) + static_cast<double>(h->ts.tv_usec) * 1e-9;
        if (t.packets == 0)
            t.firstTs = ts;
        t.lastTs = ts;
        ++t.packets;
    }
    if (rc == PCAP_ERROR)
        t.truncated = true;
    pcap_close(p);
    return t;
}

} // namespace lbs::capture
