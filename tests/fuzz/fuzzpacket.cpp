// Fuzz target "packet": one frame through the packet decoder for every link type lbscope reads,
// then the packet list's Info text for what was decoded.

#include "core/analysis/packetinfo.h"
#include "core/pcap/decodedpacket.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int linktypes[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276};
    const auto len = static_cast<uint32_t>(size > 65535 ? 65535 : size);
    for (int lt : linktypes) {
        lbs::pcap::DecodedPacket d;
        if (lbs::pcap::decodePacket(lt, data, len, len + 4, d))
            (void)lbs::analysis::packetInfoText(d);
    }
    return 0;
}
