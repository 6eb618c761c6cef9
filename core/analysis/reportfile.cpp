#include "reportfile.h"

#include "core/pcap/captureformat.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

namespace {

/// The process's umask without changing it (Linux: /proc/self/status), 022 when unknown.
mode_t currentUmask()
{
    std::FILE *status = std::fopen("/proc/self/status", "r");
    unsigned mask = 022;
    if (status) {
        char line[256];
        while (std::fgets(line, sizeof line, status))
            if (std::sscanf(line, "Umask: %o", &mask) == 1)
                break;
        std::fclose(status);
    }
    return static_cast<mode_t>(mask);
}

/// Where the report is written first: "DIR/.NAME.XXXXXX" (created) beside the file `path` names,
/// following symbolic links, so that the rename replaces the file and keeps the link. The staging
/// file gets the mode of the report it replaces (else 0666 & ~umask). Empty when `path` is not a
/// regular file to replace (a FIFO, /dev/null, a terminal), and when the directory does not let us
/// create a file but the existing report is writable: those are written in place.
struct Staging {
    std::string temp; ///< empty: write `path` directly
    std::string target; ///< what the rename replaces
};

Staging stagingFile(const std::string &path, int &fd, int &createErrno)
{
    fd = -1;
    createErrno = 0;
    struct stat st { };
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists && !S_ISREG(st.st_mode))
        return {};
    std::error_code ec;
    const std::filesystem::path target
        = exists ? std::filesystem::canonical(path, ec) : std::filesystem::path(path);
    if (ec)
        return {};
    const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
    std::string temp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    fd = ::mkstemp(temp.data());
    if (fd < 0) {
        if (exists && (errno == EACCES || errno == EPERM) && ::access(path.c_str(), W_OK) == 0)
            return {};
        createErrno = errno;
        return {};
    }
    if (exists) {
        ::fchmod(fd, st.st_mode & 07777);
        // Another user's report cannot be given back to them: it becomes the writer's, as a new one would.
        if (::fchown(fd, st.st_uid, st.st_gid) != 0)
            errno = 0;
    } else {
        ::fchmod(fd, 0666 & ~currentUmask());
    }
    return {temp, target.string()};
}

} // namespace

Status writeReportFile(const std::string &path, const ReportProducer &produce)
{
    const bool toStdout = path == "-";
    int fd = -1, createErrno = 0;
    const Staging staged = toStdout ? Staging {} : stagingFile(path, fd, createErrno);
    const std::string &staging = staged.temp;
    if (createErrno)
        return Error {
            std::string("cannot create output file: ") + std::strerror(createErrno), path, {}, ErrorKind::Io};
    std::FILE *f = toStdout ? stdout : fd >= 0 ? ::fdopen(fd, "wb") : std::fopen(path.c_str(), "wb");
    if (!f) {
        const int e = errno;
        if (fd >= 0) {
            ::close(fd);
            ::unlink(staging.c_str());
        }
        return Error {std::string("cannot create output file: ") + std::strerror(e), path, {}, ErrorKind::Io};
    }
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
    // The report replaces `path` only once it was written whole: a full disk never leaves half a
    // report under the final name, nor destroys the report that was there before.
    if (ok && !staging.empty() && ::rename(staging.c_str(), staged.target.c_str()) != 0) {
        ok = false;
        writeErrno = errno;
    }
    if (!ok && !staging.empty())
        ::unlink(staging.c_str());
    if (!ok)
        return Error {
            std::string("could not write the whole file: ") + std::strerror(writeErrno ? writeErrno : EIO),
            toStdout ? std::string("standard output") : path, {}, ErrorKind::Io};
    return Ok {};
}

} // namespace lbs::analysis
