#include "captureverify.h"

#include "core/capture/sha256.h"
#include "core/pcap/captureformat.h"
#include "core/pcap/capturerecord.h"

#include <QJsonArray>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>

namespace fs = std::filesystem;

namespace lbs::capture {

bool VerifiedFile::isProblem() const
{
    return status == Status::missing || status == Status::sizeDiffers || status == Status::sha256Differs
        || status == Status::unreadable || status == Status::listedTwice;
}

const char *VerifiedFile::statusName(Status s)
{
    switch (s) {
    case Status::ok:
        return "ok";
    case Status::missing:
        return "missing";
    case Status::sizeDiffers:
        return "size-differs";
    case Status::sha256Differs:
        return "sha256-differs";
    case Status::unchecked:
        return "unchecked";
    case Status::notListed:
        return "not-listed";
    case Status::unreadable:
        return "unreadable";
    case Status::listedTwice:
        return "listed-twice";
    }
    return "unknown";
}

std::string VerifiedFile::message() const
{
    const std::string again = "fetch it again (lbscope-cli fetch into this directory resumes and replaces "
                              "only what differs from the node's copy) or restore it from a backup";
    switch (status) {
    case Status::ok:
        return "size and sha256 as downloaded";
    case Status::missing:
        return "listed in manifest.json but not in the directory: " + again;
    case Status::sizeDiffers:
        return std::to_string(size) + " bytes but manifest.json says " + std::to_string(expectedSize)
            + ": the file changed after download or its download is incomplete; " + again;
    case Status::sha256Differs:
        return "sha256 " + sha256 + " but manifest.json says " + expectedSha256
            + ": same size, other bytes (the file was changed after download); " + again;
    case Status::unchecked:
        return expectedSize ? "manifest.json records no sha256 for it: only its size was checked"
                            : "manifest.json records neither size nor sha256 for it: not checked";
    case Status::notListed:
        return "a capture file that manifest.json does not list (added by hand?): not checked";
    case Status::unreadable:
        return readError + ": check its permissions and the disk, then verify again";
    case Status::listedTwice:
        return "manifest.json lists this name twice (the manifest was edited): only the first entry was "
               "checked";
    }
    return {};
}

namespace {

/// Hashes `path` in 1 MiB pieces; adds the bytes read to `done` and reports them.
Result<std::string> hashFile(const std::string &path, const CancelToken &cancel, uint64_t &done,
    uint64_t total, const std::function<void(uint64_t, uint64_t)> &progress)
{
    std::unique_ptr<std::FILE, int (*)(std::FILE *)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f)
        return Error {std::string("cannot read: ") + std::strerror(errno), path, {}, ErrorKind::Io};
    Sha256 hash;
    std::vector<char> buf(1 << 20);
    for (;;) {
        if (cancel.isCancelled())
            return Error {"verification cancelled", path, {}, ErrorKind::Cancelled};
        const std::size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
        if (n > 0) {
            hash.update(buf.data(), n);
            done += n;
            if (progress)
                progress(done, total);
        }
        if (n < buf.size()) {
            if (std::ferror(f.get()))
                return Error {std::string("cannot read: ") + std::strerror(errno), path, {}, ErrorKind::Io};
            break;
        }
    }
    return hash.hexDigest();
}

} // namespace

Result<std::vector<VerifiedFile>> verifyCaptureDirectory(const std::string &dir, const CancelToken &cancel,
    const std::function<void(uint64_t, uint64_t)> &progress)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return Error {"not a directory", dir, "give the capture directory (the one holding manifest.json)",
            ErrorKind::BadInput};
    const std::string manifestPath = (fs::path(dir) / "manifest.json").string();
    if (!fs::exists(manifestPath, ec))
        return Error {"no manifest.json: nothing records what was downloaded", dir,
            "only directories written by lbscope-cli capture or fetch can be verified", ErrorKind::NotFound};
    if (!fs::is_regular_file(manifestPath, ec))
        return Error {"manifest.json is not a regular file", manifestPath, {}, ErrorKind::BadInput};
    auto manifest = pcap::readCaptureRecord(manifestPath);
    if (!manifest) {
        Error e = manifest.error();
        e.kind = ErrorKind::BadInput;
        e.hint = "manifest.json is damaged (truncated or edited); the capture files themselves can still "
                 "be opened, but their sizes and checksums cannot be checked";
        return e;
    }

    std::vector<VerifiedFile> out;
    std::set<std::string> listed;
    uint64_t toHash = 0;
    std::vector<pcap::ManifestFile> files = manifest->files;
    if (manifest->conntrack && !manifest->conntrack->name.empty()) {
        pcap::ManifestFile ct; // the conntrack record is downloaded and checked like a capture file
        ct.name = manifest->conntrack->name;
        ct.size = manifest->conntrack->size;
        ct.sha256 = manifest->conntrack->sha256;
        files.push_back(std::move(ct));
    }
    for (const pcap::ManifestFile &mf : files) {
        VerifiedFile v;
        v.name = fs::path(mf.name).filename().string();
        if (!listed.insert(v.name).second) {
            v.status = VerifiedFile::Status::listedTwice;
            out.push_back(std::move(v));
            continue;
        }
        v.expectedSize = mf.size;
        v.expectedSha256 = mf.sha256;
        const fs::path path = fs::path(dir) / v.name;
        if (!fs::is_regular_file(path, ec)) {
            v.status = VerifiedFile::Status::missing;
        } else {
            v.size = fs::file_size(path, ec);
            if (mf.size && v.size != mf.size)
                v.status = VerifiedFile::Status::sizeDiffers;
            else if (mf.sha256.empty())
                v.status = VerifiedFile::Status::unchecked;
            else
                toHash += v.size;
        }
        out.push_back(std::move(v));
    }
    uint64_t hashed = 0;
    for (VerifiedFile &v : out) {
        if (v.status != VerifiedFile::Status::ok)
            continue;
        auto sum = hashFile((fs::path(dir) / v.name).string(), cancel, hashed, toHash, progress);
        if (!sum && sum.error().kind == ErrorKind::Cancelled)
            return sum.error();
        if (!sum) {
            v.status = VerifiedFile::Status::unreadable;
            v.readError = sum.error().message;
            continue;
        }
        v.sha256 = *sum;
        if (v.sha256 != v.expectedSha256)
            v.status = VerifiedFile::Status::sha256Differs;
    }
    std::vector<VerifiedFile> extra;
    for (const auto &entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file(ec) || listed.count(name))
            continue;
        if (!pcap::identifyCaptureFile(entry.path().string()).isCapture())
            continue;
        VerifiedFile v;
        v.name = name;
        v.status = VerifiedFile::Status::notListed;
        v.size = entry.file_size(ec);
        extra.push_back(std::move(v));
    }
    std::sort(extra.begin(), extra.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    out.insert(out.end(), std::make_move_iterator(extra.begin()), std::make_move_iterator(extra.end()));
    return out;
}

QJsonObject verificationJson(const std::string &dir, const Result<std::vector<VerifiedFile>> &files)
{
    QJsonObject out {{QStringLiteral("dir"), QString::fromStdString(dir)}};
    if (!files) {
        out[QStringLiteral("ok")] = false;
        out[QStringLiteral("error")] = QString::fromStdString(files.error().toString());
        return out;
    }
    bool ok = true;
    QJsonArray list;
    for (const VerifiedFile &f : files.value()) {
        ok = ok && !f.isProblem();
        list.append(QJsonObject {{QStringLiteral("name"), QString::fromStdString(f.name)},
            {QStringLiteral("status"), QString::fromLatin1(VerifiedFile::statusName(f.status))},
            {QStringLiteral("size"), double(f.size)},
            {QStringLiteral("expected_size"), double(f.expectedSize)},
            {QStringLiteral("sha256"), QString::fromStdString(f.sha256)},
            {QStringLiteral("expected_sha256"), QString::fromStdString(f.expectedSha256)},
            {QStringLiteral("message"), QString::fromStdString(f.message())}});
    }
    out[QStringLiteral("ok")] = ok;
    out[QStringLiteral("files")] = list;
    return out;
}

} // namespace lbs::capture
