#include "reportfile.h"

#include "core/pcap/captureformat.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace lbs::analysis {

std::string reportOutputHazard(const std::string &out, const std::vector<pcap::CaptureFileInfo> &inputs)
{
    if (out.empty() || out == "-")
        return {};
    std::error_code ec;
    if (!std::filesystem::exists(out, ec))
        return {};
    for (const auto &f : inputs)
        if (std::filesystem::equivalent(out, f.path, ec))
            return "refusing to write the report over input capture '" + out + "'";
    if (pcap::identifyCaptureFile(out).isCapture())
        return "refusing to overwrite capture file '" + out + "' with a report";
    return {};
}

Status writeReportFile(const std::string &path, const ReportProducer &produce)
{
    const bool toStdout = path == "-";
    std::FILE *f = toStdout ? stdout : std::fopen(path.c_str(), "wb");
    if (!f)
        return Error {std::string("cannot create output file: ") + std::strerror(errno), path, {}};
    int writeErrno = 0;
    const bool produced = produce([&](std::string_view chunk) {
        if (std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size())
            return true;
        writeErrno = errno;
        return false;
    });
    bool ok = produced && std::fflush(f) == 0;
    if (!ok && !writeErrno)
        writeErrno = errno;
    if (!toStdout && std::fclose(f) != 0 && ok) {
        ok = false;
        writeErrno = errno;
    }
    if (!ok)
        return Error {
            std::string("could not write the whole file: ") + std::strerror(writeErrno ? writeErrno : EIO),
            toStdout ? std::string("standard output") : path, {}};
    return Ok {};
}

} // namespace lbs::analysis
