// Fuzz target "conntrack": the VIP node's conntrack record of a capture (`conntrack -E -o timestamp`
// lines or /proc/net/nf_conntrack snapshots), parsed and matched against no flows: every parsed
// event must hold both tuples of a TCP or UDP entry.

#include "core/analysis/conntrackevents.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    const lbs::analysis::ConntrackLog log = lbs::analysis::parseConntrackLog(text);
    if (log.events.size() + log.skipped != log.lines)
        __builtin_trap(); // every line is either an event or skipped
    for (const auto &e : log.events)
        if ((e.proto != 6 && e.proto != 17) || !e.origSrc.ip.isSet() || !e.replySrc.ip.isSet() || e.tsNs < 0)
            __builtin_trap();
    return 0;
}
