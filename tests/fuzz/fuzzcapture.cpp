// libFuzzer entry point over the capture engine: the input is written to a memfd and opened by
// path like any capture (libpcap reader -> decoder -> flows/TCP/HTTP analysis -> JSON report ->
// per-packet re-read, decode and Info text). The same bytes are also fed straight to the
// decoder for every supported link type. Built as a fuzzer (clang, LBSCOPE_FUZZ) and as a
// plain replay program run over the seed and crash files by ctest.

#include "core/analysis/analyzer.h"
#include "core/analysis/jsonreport.h"
#include "core/analysis/packetinfo.h"
#include "core/pcap/decodedpacket.h"
#include "core/pcap/packetreader.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

/// Feeds @p data to decodePacket as a frame of each link type lbscope reads.
void decodeRaw(const uint8_t *data, size_t size)
{
    static const int linktypes[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276};
    const auto len = static_cast<uint32_t>(size > 65535 ? 65535 : size);
    for (int lt : linktypes) {
        lbs::pcap::DecodedPacket d;
        if (lbs::pcap::decodePacket(lt, data, len, len + 4, d))
            (void)lbs::analysis::packetInfoText(d);
    }
}

void analyseFile(const std::string &path)
{
    auto set = lbs::pcap::CaptureSet::open({path});
    if (!set.ok())
        return;
    lbs::analysis::Analyzer analyzer({.filter = {}, .bucketSeconds = 0.01, .keepPacketIndex = true});
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
    decodeRaw(data, size);
    const int fd = memfd_create("lbscope-fuzz.pcap", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t done = 0;
    while (done < size) {
        const ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
            break;
        done += static_cast<size_t>(n);
    }
    if (done == size)
        analyseFile("/proc/self/fd/" + std::to_string(fd));
    close(fd);
    return 0;
}
