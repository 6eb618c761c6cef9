#pragma once
// Runs the real analyzer over frames written to a temporary pcap (nanosecond resolution).

#include "core/analysis/analyzer.h"
#include "testframes.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <stdexcept>

namespace lbs::testing {

inline analysis::CaptureAnalysis analyzeFrames(const std::vector<Frame> &frames,
    analysis::AnalyzerOptions opt = {}, int linktype = 1, const std::string &manifestJson = {})
{
    // Files outlive the call: tests re-read packets (readAt, filters, export) afterwards.
    static QTemporaryDir root;
    static int counter = 0;
    const std::string d = root.path().toStdString() + "/" + std::to_string(++counter);
    std::filesystem::create_directories(d);
    writePcap(d + "/t.pcap", linktype, frames);
    if (!manifestJson.empty())
        writeFile(d + "/manifest.json", manifestJson);
    auto r = analysis::analyzeFiles({manifestJson.empty() ? d + "/t.pcap" : d}, opt);
    if (!r)
        throw std::runtime_error(r.error().toString());
    return std::move(*r);
}

inline const analysis::Finding *findFinding(const analysis::CaptureAnalysis &a, const std::string &kind)
{
    for (const auto &f : a.findings)
        if (analysis::findingKindName(f.kind) == kind)
            return &f;
    return nullptr;
}

} // namespace lbs::testing
