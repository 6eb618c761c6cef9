// Fuzz target "tcpdumpstats": tcpdump's stderr (the counters it prints on exit and on SIGUSR1)
// and its version output.

#include "core/capture/tcpdumpstats.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    const lbs::pcap::TcpdumpStats stats = lbs::capture::parseTcpdumpStats(text);
    (void)stats.complete();
    (void)lbs::capture::parseTcpdumpVersion(text);
    return 0;
}
