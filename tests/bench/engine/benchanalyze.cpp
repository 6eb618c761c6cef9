// lbscope-bench-analyze: the engine benchmark's in-process view of `lbscope-cli analyze --json`:
// the same library calls (CaptureSet::open, Analyzer::run, writeJsonReport) without the CLI's other
// subcommands, plus what the engine keeps per packet (PacketIndexEntry) for the packet list.
// --read-only: the analysis's front end alone (the files read, merged and decoded on the second
// thread and handed over in batches, as Analyzer::run gets them), without tracking a flow: how
// far reading is from the bare libpcap loop, apart from the analysis.

#include "core/analysis/analyzer.h"
#include "core/analysis/jsonreport.h"
#include "core/analysis/packetpipeline.h"
#include "core/pcap/bpffilter.h"
#include "core/pcap/captureset.h"
#include "core/pcap/packetreader.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

/// Bytes of [p, p + bytes) that are in memory (mincore): a block reserved from an upper bound is
/// address space until written, so its capacity says nothing about what it costs.
size_t residentBytes(const void *p, size_t bytes)
{
    if (!p || bytes == 0)
        return 0;
    const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const uintptr_t start = reinterpret_cast<uintptr_t>(p) & ~(page - 1);
    const uintptr_t end = reinterpret_cast<uintptr_t>(p) + bytes;
    std::vector<unsigned char> in((end - start + page - 1) / page);
    if (::mincore(reinterpret_cast<void *>(start), end - start, in.data()) != 0)
        return bytes;
    size_t pages = 0;
    for (const unsigned char c : in)
        pages += c & 1;
    return pages * page;
}

/// Reads and decodes every packet through PacketPipeline; 0, or 2 after printing why not.
int readOnly(const std::vector<std::string> &inputs)
{
    const auto start = std::chrono::steady_clock::now();
    auto set = lbs::pcap::CaptureSet::open(inputs);
    if (!set.ok()) {
        std::fprintf(stderr, "lbscope-bench-analyze: %s\n", set.error().toString().c_str());
        return 2;
    }
    std::vector<int> linktypes;
    uint32_t snaplen = 0;
    for (const auto &f : set->files) {
        linktypes.push_back(f.linktype);
        snaplen = std::max(snaplen, f.snaplen);
    }
    auto filter = lbs::pcap::BpfFilter::compile({}, linktypes, snaplen);
    lbs::pcap::PacketReader reader(*set);
    if (!filter.ok() || !reader.open().ok()) {
        std::fprintf(stderr, "lbscope-bench-analyze: cannot read the files\n");
        return 2;
    }
    uint64_t packets = 0, ports = 0;
    {
        lbs::analysis::PacketPipeline pipeline(reader, *filter);
        while (const lbs::analysis::PacketBatch *b = pipeline.next()) {
            for (size_t i = 0; i < b->count; ++i) // read here as the analysis reads them
                ports += b->packets[i].decoded.srcPort + b->packets[i].raw.capLen;
            packets += b->count;
            pipeline.release();
        }
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("packets=%llu seconds=%.6f checksum=%llu\n", static_cast<unsigned long long>(packets), s,
        static_cast<unsigned long long>(ports));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<std::string> inputs;
    std::string json;
    lbs::analysis::AnalyzerOptions options;
    bool onlyRead = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json" && i + 1 < argc)
            json = argv[++i];
        else if (a == "--read-only")
            onlyRead = true;
        else if (a == "--one-thread")
            options.readAhead = false; // reading and decoding on the analysis thread too
        else
            inputs.push_back(a);
    }
    if (inputs.empty()) {
        std::fprintf(
            stderr, "usage: lbscope-bench-analyze FILE... [--json OUT] [--one-thread] [--read-only]\n");
        return 2;
    }
    if (onlyRead)
        return readOnly(inputs);
    const auto start = std::chrono::steady_clock::now();
    auto result = lbs::analysis::analyzeFiles(inputs, options);
    if (!result.ok()) {
        std::fprintf(stderr, "lbscope-bench-analyze: %s\n", result.error().toString().c_str());
        return 2;
    }
    const lbs::analysis::CaptureAnalysis &a = result.value();
    const auto analysed = std::chrono::steady_clock::now();
    if (!json.empty()) {
        if (FILE *f = std::fopen(json.c_str(), "wb")) {
            lbs::analysis::writeJsonReport(a, false,
                [f](std::string_view c) { return std::fwrite(c.data(), 1, c.size(), f) == c.size(); });
            std::fclose(f);
        }
    }
    const auto end = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(end - start).count();
    const double analyseS = std::chrono::duration<double>(analysed - start).count();
    const size_t resident
        = residentBytes(a.packetIndex.data(), a.packetIndex.capacity() * sizeof(a.packetIndex[0]));
    const double kept = a.packets ? double(resident) / double(a.packets) : 0;
    std::printf("packets=%llu flows=%zu seconds=%.6f analysis_seconds=%.6f json_seconds=%.6f "
                "index_entry_bytes=%zu index_entries=%zu index_capacity=%zu "
                "index_bytes_per_packet=%.1f\n",
        static_cast<unsigned long long>(a.packets), a.flows.size(), s, analyseS, s - analyseS,
        sizeof(a.packetIndex[0]), a.packetIndex.size(), a.packetIndex.capacity(), kept);
    return 0;
}
