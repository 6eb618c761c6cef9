// lbscope-bench-bareread: the baseline of the engine benchmark. Opens each file with libpcap
// and calls pcap_next_ex until the end, nothing else; prints packets, bytes and seconds.

#include <pcap/pcap.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: lbscope-bench-bareread FILE...\n");
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    uint64_t packets = 0, bytes = 0;
    for (int i = 1; i < argc; ++i) {
        char err[PCAP_ERRBUF_SIZE] = {};
        pcap_t *p = pcap_open_offline_with_tstamp_precision(argv[i], PCAP_TSTAMP_PRECISION_NANO, err);
        if (!p) {
            std::fprintf(stderr, "lbscope-bench-bareread: cannot open %s: %s\n", argv[i], err);
            return 2;
        }
        pcap_pkthdr *h = nullptr;
        const u_char *data = nullptr;
        while (pcap_next_ex(p, &h, &data) == 1) {
            ++packets;
            bytes += h->caplen;
        }
        pcap_close(p);
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("packets=%llu bytes=%llu seconds=%.6f\n", static_cast<unsigned long long>(packets),
        static_cast<unsigned long long>(bytes), s);
    return 0;
}
