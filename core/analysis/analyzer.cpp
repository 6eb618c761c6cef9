// core/analysis: the single-pass engine. Reads the merged packets of a capture set, applies the
// filter, feeds each packet to the FlowTracker (flows, TCP rules, HTTP/1.x, timeline buckets),
// publishes staged snapshots, then derives findings.
// Must never depend on Qt or on core/kube|ssh|capture.
#include "core/analysis/analyzer.h"

#include "core/analysis/backends.h"
#include "core/analysis/conntracklabels.h"
#include "core/analysis/endpointmap.h"
#include "core/analysis/findings.h"
#include "core/analysis/flowtracker.h"
#include "core/analysis/packetpipeline.h"
#include "core/common/largeallocator.h"
#include "core/common/trace.h"
#include "core/pcap/bpffilter.h"
#include "core/pcap/packetreader.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

namespace lbs::analysis {

namespace {

double threadCpuSeconds()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

void checkOverlaps(CaptureAnalysis &a)
{
    for (size_t i = 0; i + 1 < a.files.size(); ++i) {
        const auto &x = a.files[i];
        const auto &y = a.files[i + 1];
        if (x.packets && y.packets && x.lastTsNs > y.firstTsNs)
            a.warnings.push_back("files overlap in time: " + x.path + " ends at "
                + pcap::formatUtcTime(x.lastTsNs) + " after " + y.path + " starts at "
                + pcap::formatUtcTime(y.firstTsNs) + "; packets were merged by timestamp");
    }
}

} // namespace

Analyzer::Analyzer(AnalyzerOptions options) : m_options(std::move(options))
{
}

Result<CaptureAnalysis> Analyzer::run(const pcap::CaptureSet &set, const CancelToken &cancel,
    ProgressSink *progress, const StageCallback &onStage)
{
    if (!(m_options.bucketSeconds >= 0.001 && m_options.bucketSeconds <= 3600))
        return Error {
            "timeline bucket must be between 0.001 and 3600 seconds", {}, "e.g. --bucket 1 or --bucket 0.01"};
    std::vector<int> linktypes;
    uint32_t snaplen = 0;
    for (const auto &f : set.files) {
        linktypes.push_back(f.linktype);
        snaplen = std::max(snaplen, f.snaplen);
    }
    auto filter = pcap::BpfFilter::compile(m_options.filter, linktypes, snaplen);
    if (!filter)
        return filter.error();

    pcap::PacketReader reader(set);
    if (auto st = reader.open(); !st)
        return st.error();
    const bool tracing = traceEnabled("engine");
    if (tracing)
        trace("engine", "reading " + std::to_string(set.files.size()) + " files");

    CaptureAnalysis out;
    out.warnings = set.warnings;
    out.duplicateFiles = set.duplicates;
    out.manifest = set.manifest;
    out.manifestPath = set.manifestPath;
    out.filter = m_options.filter;
    out.files = set.files;
    out.endpoints = m_options.endpoints;
    if (!set.manifestPath.empty()) {
        ManifestTopology topology = readManifestTopology(set.manifestPath);
        if (out.endpoints.empty())
            out.endpoints = std::move(topology.endpoints);
        out.interfaceNames = std::move(topology.interfaces);
    }
    for (const auto &f : set.files)
        if (!pcap::isSupportedLinktype(f.linktype))
            out.warnings.push_back(f.path + ": link type " + std::to_string(f.linktype)
                + " is not decoded; its packets are counted only");
    uint64_t total = 0;
    for (const auto &f : set.files)
        total += f.sizeBytes;
    // Reserved from upper bounds (address space until written, LargeAllocator): a packet per 64
    // bytes of file (a 16-byte record header and the shortest TCP/IP headers), a flow per 256 bytes
    // (a load balancer at thousands of short connections per second has one per 1.4 KB; a SYN flood
    // grows from there). Growing past a reservation moves every element and holds both copies at
    // once: a 5 GB busy capture paid 1.3 GB of copies and its peak memory for it.
    constexpr uint64_t kMaxReserved = uint64_t(1) << 31;
    if (m_options.keepPacketIndex)
        reserveUpTo(out.packetIndex, static_cast<size_t>(std::min(total / 64, kMaxReserved)), 1 << 20);

    FlowTracker tracker(m_options, out);
    tracker.reserveFlows(static_cast<size_t>(std::min(total / 256, kMaxReserved)));
    ProgressThrottle throttle(progress, "reading packets", reader.totalBytes());
    // Staged snapshots of what is known so far: the first once a quarter of the capture is read or
    // 150 ms have passed (an early timeline in a load of a tenth of a second as in one of minutes),
    // then at most every 500 ms.
    auto nextPublish = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);
    bool published = false;
    const auto publishPartial = [&](const std::vector<pcap::CaptureFileInfo> &files) {
        CaptureAnalysis partial;
        partial.files = files;
        partial.packets = out.packets;
        partial.bytes = out.bytes;
        partial.firstTsNs = out.firstTsNs;
        partial.lastTsNs = out.lastTsNs;
        partial.counters = out.counters;
        partial.timeline = out.timeline;
        onStage(AnalysisStage::Partial, partial);
    };
    const auto publishDue = [&](uint64_t bytesRead) {
        const auto now = std::chrono::steady_clock::now();
        if (now < nextPublish && (published || bytesRead < total / 4))
            return false;
        published = true;
        nextPublish = now + std::chrono::milliseconds(500);
        return true;
    };
    if (m_options.readAhead && std::thread::hardware_concurrency() >= 2) {
        // Reading, filtering and decoding on a second thread, a few batches ahead; flows are
        // tracked here in the same order (decisions.md, "two threads").
        PacketPipeline pipeline(reader, *filter);
        bool filesRequested = false;
        while (const PacketBatch *b = pipeline.next()) {
            if (cancel.isCancelled())
                return Error {"analysis cancelled", {}, {}};
            for (size_t i = 0; i < b->count; ++i) {
                const PipelinedPacket &p = b->packets[i];
                tracker.onDecoded(p.raw, p.decoded, p.decodedOk);
            }
            out.counters.filteredOut = b->filteredOut;
            throttle.update(b->bytesRead);
            if (onStage && filesRequested && b->hasFiles) {
                filesRequested = false;
                publishPartial(b->files);
            } else if (onStage && !filesRequested && publishDue(b->bytesRead)) {
                pipeline.requestFiles();
                filesRequested = true;
            }
            pipeline.release();
        }
    } else {
        pcap::RawPacket raw;
        uint64_t n = 0;
        while (reader.next(raw)) {
            if ((++n & 4095) == 0) {
                if (cancel.isCancelled())
                    return Error {"analysis cancelled", {}, {}};
                throttle.update(reader.bytesRead());
                if (onStage && publishDue(reader.bytesRead()))
                    publishPartial(reader.files());
            }
            if (!filter->isEmpty() && !filter->matches(raw.linktype, raw.data, raw.capLen, raw.wireLen)) {
                ++out.counters.filteredOut;
                continue;
            }
            tracker.onPacket(raw);
        }
    }
    if (cancel.isCancelled())
        return Error {"analysis cancelled", {}, {}};
    // The packet index is not shrunk to its size: beyond the entries written, a mapped reservation
    // is address space (a copy would cost the whole index, and twice its memory for a moment).
    out.files = reader.files();
    for (const auto &f : out.files)
        if (f.truncated)
            out.warnings.push_back(f.path + ": " + (f.readError.empty() ? "truncated" : f.readError)
                + " (after " + std::to_string(f.packets) + " packets; earlier packets were kept)");
    checkOverlaps(out);

    if (tracing)
        trace("engine",
            "read " + std::to_string(out.packets) + " packets, " + std::to_string(out.flows.size())
                + " flows (CPU of this thread so far: " + std::to_string(threadCpuSeconds()) + " s)");
    FindingInputs inputs;
    tracker.finish(inputs);
    if (tracing)
        trace("engine", "flows settled");
    if (onStage) {
        CaptureAnalysis summary;
        summary.files = out.files;
        summary.warnings = out.warnings;
        summary.manifest = out.manifest;
        summary.manifestPath = out.manifestPath;
        summary.filter = out.filter;
        summary.packets = out.packets;
        summary.bytes = out.bytes;
        summary.firstTsNs = out.firstTsNs;
        summary.lastTsNs = out.lastTsNs;
        summary.counters = out.counters;
        summary.timeline = out.timeline;
        onStage(AnalysisStage::Timeline, summary);
    }
    labelFromManifestConntrack(out);
    out.backends = computeBackends(out);
    out.backendBy = computeBackendBy(out);
    out.findings = computeFindings(out, inputs);
    out.complete = true;
    if (tracing)
        trace("engine", "backends and findings computed");
    throttle.finish("analysis complete");
    if (onStage)
        onStage(AnalysisStage::Complete, out);
    return out;
}

Result<CaptureAnalysis> analyzeFiles(const std::vector<std::string> &inputs, const AnalyzerOptions &options)
{
    auto set = pcap::CaptureSet::open(inputs);
    if (!set)
        return set.error();
    return Analyzer(options).run(*set);
}

} // namespace lbs::analysis
