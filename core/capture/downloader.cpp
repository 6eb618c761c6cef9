#include "core/capture/downloader.h"

#include "core/capture/partwriter.h"
#include "core/capture/sha256.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace lbs::capture {

namespace fs = std::filesystem;

Result<RemoteStat> statRemote(RemoteHost &host, const std::string &path, const CancelToken &cancel)
{
    auto r = host.run({"stat", "-L", "-c", "%s %Y", "--", path}, cancel);
    if (!r)
        return r.error();
    if (!r->ok())
        return Error {"cannot stat " + path + ": " + r->errorSummary(), host.describe(),
            "check the path exists on the node"};
    RemoteStat st;
    std::istringstream in(r->out);
    if (!(in >> st.size >> st.mtime))
        return Error {"unexpected stat output for " + path + ": '" + r->out + "'", host.describe(), {}};
    return st;
}

Result<std::map<std::string, RemoteStat>> statRemoteMany(
    RemoteHost &host, const std::vector<std::string> &paths, const CancelToken &cancel)
{
    std::vector<std::string> argv {"stat", "-L", "-c", "%s %Y %n", "--"};
    argv.insert(argv.end(), paths.begin(), paths.end());
    auto r = host.run(argv, cancel);
    if (!r)
        return r.error();
    std::map<std::string, RemoteStat> out; // stat exits 1 when one path is missing: the others count
    std::istringstream in(r->out);
    std::string line;
    while (std::getline(in, line)) {
        RemoteStat st;
        const auto s1 = line.find(' ');
        const auto s2 = s1 == std::string::npos ? s1 : line.find(' ', s1 + 1);
        if (s2 == std::string::npos)
            continue;
        const auto a = std::from_chars(line.data(), line.data() + s1, st.size);
        const auto b = std::from_chars(line.data() + s1 + 1, line.data() + s2, st.mtime);
        if (a.ec != std::errc {} || a.ptr != line.data() + s1 || b.ec != std::errc {}
            || b.ptr != line.data() + s2)
            continue;
        const std::string name = line.substr(s2 + 1);
        if (std::find(paths.begin(), paths.end(), name) != paths.end())
            out[name] = st;
    }
    return out;
}

Result<std::string> sha256Remote(RemoteHost &host, const std::string &path, const CancelToken &cancel)
{
    RunOptions o;
    o.timeoutMs = 30 * 60 * 1000;
    auto r = host.run({"sha256sum", "--", path}, cancel, o);
    if (!r)
        return r.error();
    if (!r->ok())
        return Error {"sha256sum failed for " + path + ": " + r->errorSummary(), host.describe(),
            "the node needs coreutils' sha256sum"};
    const std::string hex = r->out.substr(0, 64);
    if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
        return Error {"unexpected sha256sum output for " + path, host.describe(), {}};
    return hex;
}

namespace {

std::string metaText(const RemoteStat &st, const std::string &remotePath)
{
    return std::to_string(st.size) + " " + std::to_string(st.mtime) + " " + remotePath + "\n";
}

std::string readSmall(const std::string &path)
{
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Streams [offset, offset+length) of path with one command; when withHash, the node hashes the
/// whole file at the same time (in the background, its line on stderr), saving a second full read
/// after the transfer. The hash runs next to the transfer on the node's CPUs, so it prefers
/// `openssl dgst -sha256 -r` (SHA extensions: ~4x less CPU than coreutils) and falls back to
/// sha256sum. dd when it knows iflag=skip_bytes (GNU), else tail | head (busybox).
Result<uint64_t> readRangeHashing(RemoteHost &host, const std::string &path, uint64_t offset, uint64_t length,
    bool withHash, const ByteSink &onData, const CancelToken &cancel, std::string *shaOut)
{
    static const std::string script
        = "f=$1; off=$2; len=$3; "
          "if [ \"$4\" = 1 ]; then "
          "{ openssl dgst -sha256 -r -- \"$f\" 2>/dev/null || sha256sum -- \"$f\"; } >&2 & fi; "
          "if dd if=/dev/null iflag=skip_bytes,count_bytes count=0 status=none 2>/dev/null; then "
          "dd if=\"$f\" bs=1M skip=\"$off\" count=\"$len\" iflag=skip_bytes,count_bytes status=none; "
          "else tail -c +$((off + 1)) -- \"$f\" | head -c \"$len\"; fi; "
          "rc=$?; wait; exit $rc";
    uint64_t got = 0;
    const ByteSink counting = [&](const char *d, std::size_t n) {
        got += n;
        return onData(d, n);
    };
    RunOptions opts;
    opts.timeoutMs = 0; // as long as the link needs; cancel still works
    auto r = host.stream({"sh", "-c", script, "sh", path, std::to_string(offset), std::to_string(length),
                             withHash ? "1" : "0"},
        counting, cancel, opts);
    if (!r)
        return r.error();
    if (!r->ok())
        return Error {"reading " + path + " failed: " + r->errorSummary(), host.describe(), {}};
    if (withHash) {
        // "HEX  PATH" (sha256sum) or "HEX *PATH" (openssl -r); anything else leaves shaOut empty and
        // the caller runs sha256sum afterwards.
        for (const char *sep : {"  ", " *"}) {
            const auto p = r->err.find(sep + path);
            if (p == std::string::npos || p < 64 || (p > 64 && r->err[p - 65] != '\n'))
                continue;
            const std::string hex = r->err.substr(p - 64, 64);
            if (hex.find_first_not_of("0123456789abcdef") == std::string::npos) {
                *shaOut = hex;
                break;
            }
        }
    }
    return got;
}

std::string rateText(double bytes, double secs)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f MB/s", secs > 0 ? bytes / secs / 1e6 : 0.0);
    return buf;
}

} // namespace

Result<DownloadResult> downloadFile(RemoteHost &host, const std::string &remotePath,
    const std::string &localPath, ProgressSink *sink, const CancelToken &cancel,
    const DownloadOptions &options)
{
    const auto t0 = std::chrono::steady_clock::now();
    auto st
        = options.knownStat ? Result<RemoteStat>(*options.knownStat) : statRemote(host, remotePath, cancel);
    if (!st)
        return st.error();
    std::string remoteSha; // filled by the first range command (hashed on the node in parallel)
    const auto ensureRemoteSha = [&]() -> Status {
        if (!remoteSha.empty())
            return Ok {};
        auto sha = sha256Remote(host, remotePath, cancel);
        if (!sha)
            return sha.error();
        remoteSha = sha.value();
        return Ok {};
    };
    DownloadResult result;
    result.localPath = localPath;
    result.size = st->size;
    std::error_code ec;
    fs::create_directories(fs::path(localPath).parent_path(), ec);

    if (fs::exists(localPath) && fs::file_size(localPath, ec) == st->size) {
        if (auto s = ensureRemoteSha(); !s)
            return s.error();
        auto local = sha256OfFile(localPath);
        if (local && local.value() == remoteSha) {
            result.sha256 = local.value();
            result.alreadyComplete = true;
            return result;
        }
    }
    const std::string part = localPath + ".part";
    const std::string meta = part + ".meta";
    for (int round = 0; round < 2; ++round) {
        uint64_t have = 0;
        if (round == 0 && fs::exists(part) && readSmall(meta) == metaText(st.value(), remotePath)) {
            have = fs::file_size(part, ec);
            if (ec || have > st->size)
                have = 0;
        }
        {
            std::ofstream m(meta, std::ios::trunc);
            m << metaText(st.value(), remotePath);
            if (!m)
                return Error {"cannot write " + meta + ": " + std::strerror(errno), localPath,
                    "check that the output directory is writable and has free space", ErrorKind::Io};
        }
        const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT, 0644);
        if (fd < 0)
            return Error {"cannot open " + part + " for writing: " + std::strerror(errno), localPath,
                "check that the output directory is writable", ErrorKind::Io};
        // Truncate only when there is something to cut: ext4 (auto_da_alloc) flushes a file that was
        // truncated when it is closed, which cost ~0.15 s at the end of a 500 MB download.
        struct stat partStat { };
        const bool needCut = ::fstat(fd, &partStat) != 0 || static_cast<uint64_t>(partStat.st_size) != have;
        if ((needCut && ::ftruncate(fd, static_cast<off_t>(have)) != 0)
            || ::lseek(fd, static_cast<off_t>(have), SEEK_SET) < 0) {
            ::close(fd);
            return Error {"cannot prepare " + part, localPath, {}};
        }
        PartWriter writer(fd);
        if (have > 0) { // continue the hash over the bytes we already have
            std::FILE *f = std::fopen(part.c_str(), "rb");
            std::vector<char> buf(4 << 20);
            uint64_t left = have;
            while (f && left > 0) {
                const std::size_t n = std::fread(buf.data(), 1, std::min<uint64_t>(left, buf.size()), f);
                if (n == 0)
                    break;
                writer.account(buf.data(), n);
                left -= n;
            }
            if (f)
                std::fclose(f);
            if (left != 0) {
                ::close(fd);
                return Error {"cannot re-read " + part + " to resume", localPath, "delete it and retry"};
            }
        }
        if (round == 0)
            result.resumedFrom = have;
        ProgressThrottle progress(sink, "download " + fs::path(localPath).filename().string(), st->size);
        uint64_t offset = have;
        const auto tStart = std::chrono::steady_clock::now();
        const auto report = [&] {
            const double secs
                = std::chrono::duration<double>(std::chrono::steady_clock::now() - tStart).count();
            progress.update(offset, rateText(static_cast<double>(offset - have), secs));
        };
        const ByteSink sinkFn = [&](const char *d, std::size_t n) {
            if (!writer.add(d, n))
                return false;
            offset += n;
            report();
            return !cancel.isCancelled();
        };
        int failures = 0;
        while (offset < st->size) {
            const uint64_t want = std::min<uint64_t>(options.rangeBytes, st->size - offset);
            const uint64_t before = offset;
            auto got = readRangeHashing(
                host, remotePath, offset, want, remoteSha.empty(), sinkFn, cancel, &remoteSha);
            if (writer.failed()) {
                writer.flush();
                ::close(fd);
                return Error {"cannot write " + part + ": " + writer.failure(), localPath,
                    "free space (or make the directory writable) and run the same command again: it resumes",
                    ErrorKind::Io};
            }
            if (!got) {
                writer.flush();
                ::close(fd);
                return Error {"download of " + remotePath + " stopped at byte " + std::to_string(offset)
                        + " of " + std::to_string(st->size) + ": " + got.error().message,
                    host.describe(), "run the same command again: it resumes from " + part};
            }
            result.transferred += offset - before;
            if (offset - before < want && ++failures >= options.attempts) {
                writer.flush();
                ::close(fd);
                return Error {remotePath + " ended at byte " + std::to_string(offset) + " but stat said "
                        + std::to_string(st->size) + " bytes",
                    host.describe(), "the file shrank or the transfer is cut repeatedly; retry"};
            }
        }
        const bool flushed = writer.flush();
        ::close(fd);
        if (!flushed)
            return Error {"cannot write " + part + ": " + writer.failure(), localPath,
                "free space (or make the directory writable) and run the same command again: it resumes",
                ErrorKind::Io};
        if (auto s = ensureRemoteSha(); !s)
            return s.error();
        const std::string sha = writer.hexDigest();
        progress.finish(rateText(static_cast<double>(offset - have),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - tStart).count()));
        if (sha == remoteSha) {
            fs::rename(part, localPath, ec);
            if (ec)
                return Error {
                    "cannot rename " + part + " to " + localPath + ": " + ec.message(), localPath, {}};
            fs::remove(meta, ec);
            result.sha256 = sha;
            result.times = writer.times();
            result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            return result;
        }
        // mismatch: throw the partial data away and fetch everything once more, with a fresh stat
        fs::remove(part, ec);
        remoteSha.clear();
        if (options.knownStat) {
            st = statRemote(host, remotePath, cancel);
            if (!st)
                return st.error();
            result.size = st->size;
        }
    }
    return Error {
        "sha256 of the downloaded " + remotePath + " differs from the node's after two full downloads",
        host.describe(), "the file is changing on the node (is tcpdump still writing it?)"};
}

} // namespace lbs::capture
