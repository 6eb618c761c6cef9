// Fuzz target "capture": the input is written to a memfd and opened by path like any capture
// (libpcap reader -> decoder -> flows/TCP/HTTP analysis -> JSON report -> per-packet re-read,
// decode and Info text).

#include "core/analysis/analyzer.h"
#include "core/analysis/jsonreport.h"
#include "core/analysis/packetinfo.h"
#include "core/pcap/decodedpacket.h"
#include "core/pcap/packetreader.h"

#include "memfile.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

void analyseFile(const std::string &path, bool readAhead)
{
    auto set = lbs::pcap::CaptureSet::open({path});
    if (!set.ok())
        return;
    // A short timeline: random timestamps span decades, and a full-length timeline in every report
    // would make each run take a second under ASan for nothing the doubling code does not already do.
    lbs::analysis::Analyzer analyzer({.filter = {},
        .bucketSeconds = 0.01,
        .maxTimelineBuckets = 512,
        .keepPacketIndex = true,
        .readAhead = readAhead});
    auto result = analyzer.run(set.value());
    if (!result.ok())
        return;
    const lbs::analysis::CaptureAnalysis &a = result.value();
    (void)lbs::analysis::toJsonReport(a, false);
    (void)lbs::analysis::toFlowsCsv(a);
    (void)lbs::analysis::toTextSummary(a);
    std::vector<uint8_t> buffer;
    for (size_t i = 0; i < a.packetIndex.size() && i < 16; ++i) {
        const auto &e = a.packetIndex[i];
        if (e.fileIndex >= a.files.size())
            __builtin_trap(); // an index entry naming a file that does not exist is an engine bug
        auto raw = lbs::pcap::PacketReader::readAt(
            a.files[e.fileIndex], static_cast<uint16_t>(e.fileIndex), e.offset, buffer);
        if (!raw.ok())
            continue;
        lbs::pcap::DecodedPacket d;
        lbs::pcap::decodePacket(raw->linktype, raw->data, raw->capLen, raw->wireLen, d);
        lbs::analysis::RelativeSeq rel;
        if (e.flowId < a.flows.size())
            rel = lbs::analysis::relativeSeqFor(a.flows[e.flowId]);
        (void)lbs::analysis::packetInfoText(d, e.flags, rel);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const lbs::fuzz::MemFile file(data, size);
    // One input in four goes through the read-ahead pipeline: its 4,096 packet slots cost more than
    // the analysis of a small input, and its results equal the single thread's (tst_report checks).
    if (file.ok())
        analyseFile(file.path(), size % 4 == 0);
    return 0;
}
