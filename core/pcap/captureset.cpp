#include "core/pcap/captureset.h"

#include "core/pcap/captureformat.h"
#include "core/pcap/directpcap.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <system_error>

namespace fs = std::filesystem;

namespace lbs::pcap {

namespace {

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Files in a capture directory that are certainly not captures.
bool isSideFile(const std::string &name)
{
    static const char *const suffixes[]
        = {".json", ".part", ".txt", ".log", ".sha256", ".stderr", ".pid", ".md"};
    if (name.empty() || name[0] == '.')
        return true;
    for (const char *s : suffixes)
        if (endsWith(name, s))
            return true;
    return false;
}

// "x.pcap12" -> ("x.pcap", 12); no digits -> (name, -1).
std::pair<std::string, long long> splitDigits(const std::string &name)
{
    size_t i = name.size();
    while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
        --i;
    if (i == name.size() || name.size() - i > 9)
        return {name, -1};
    return {name.substr(0, i), std::stoll(name.substr(i))};
}

// Name order that puts x.pcap2 before x.pcap10.
bool naturalLess(const std::string &a, const std::string &b)
{
    auto [ab, an] = splitDigits(a);
    auto [bb, bn] = splitDigits(b);
    if (ab != bb)
        return a < b;
    return an < bn;
}

/// A classic pcap file of a later major version than 2, which libpcap refuses: its header and first
/// record read without libpcap (directpcap.h). False for anything else.
bool probeLaterVersion(const std::string &path, CaptureFileInfo &info)
{
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f)
        return false;
    const auto layout = classicPcapLayout(fileno(f));
    bool later = layout && layout->laterVersion();
    if (later) {
        info.readWithoutLibpcap = true;
        info.linktype = layout->linktype;
        info.snaplen = layout->snaplen;
        std::vector<uint8_t> buffer;
        RawPacket first;
        uint64_t next = 0;
        const DirectRecord r = readRecordDirect(fileno(f), 24, *layout, buffer, first, next);
        if (r == DirectRecord::Read) {
            info.hasPackets = true;
            info.firstTsNs = first.tsNs;
        } else if (r != DirectRecord::End) {
            info.truncated = true;
            info.readError = directRecordError(r);
        }
    }
    std::fclose(f);
    return later;
}

} // namespace

std::string DuplicateFile::message() const
{
    return "duplicate file " + path + " has the same size and first packet as " + sameAs
        + "; it was read once";
}

std::string formatTimestamp(int64_t tsNs)
{
    char buf[kTimestampTextBytes];
    return std::string(buf, formatTimestamp(tsNs, buf));
}

size_t formatTimestamp(int64_t tsNs, char *buf)
{
    const bool neg = tsNs < 0;
    const uint64_t v = neg ? static_cast<uint64_t>(-(tsNs + 1)) + 1 : static_cast<uint64_t>(tsNs);
    // to_chars + zero padding instead of snprintf: the JSON report writes two per flow.
    char *p = buf;
    if (neg)
        *p++ = '-';
    p = std::to_chars(p, buf + 28, v / 1000000000u).ptr;
    *p++ = '.';
    uint64_t frac = v % 1000000000u;
    for (int i = 8; i >= 0; --i) {
        p[i] = static_cast<char>('0' + frac % 10);
        frac /= 10;
    }
    return static_cast<size_t>(p + 9 - buf);
}

std::string formatUtcTime(int64_t tsNs, bool withDate)
{
    const time_t secs = static_cast<time_t>(tsNs / 1000000000);
    const int ms = static_cast<int>((tsNs % 1000000000) / 1000000);
    struct tm tmv { };
    gmtime_r(&secs, &tmv);
    char buf[64];
    if (withDate)
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tmv.tm_year + 1900,
            tmv.tm_mon + 1, tmv.tm_mday, tmv.tm_hour, tmv.tm_min, tmv.tm_sec, ms < 0 ? 0 : ms);
    else
        std::snprintf(
            buf, sizeof buf, "%02d:%02d:%02d.%03d", tmv.tm_hour, tmv.tm_min, tmv.tm_sec, ms < 0 ? 0 : ms);
    return buf;
}

Result<CaptureFileInfo> probeCaptureFile(const std::string &path)
{
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        return Error {"no such capture file", path, "check the path"};
    if (fs::is_directory(status))
        return Error {"is a directory, not a capture file", path, {}};
    CaptureFileInfo info;
    info.path = path;
    info.sizeBytes = fs::file_size(path, ec);
    if (ec)
        info.sizeBytes = 0;
    if (info.sizeBytes == 0)
        return Error {"capture file is empty (0 bytes)", path, "tcpdump may not have written anything yet"};

    unsigned char magic[kCaptureMagicBytes] = {};
    CaptureHeader header;
    if (FILE *f = std::fopen(path.c_str(), "rb")) {
        const size_t n = std::fread(magic, 1, sizeof magic, f);
        std::fclose(f);
        header = identifyCaptureHeader(magic, n);
        info.pcapng = header.format == CaptureFormat::PcapNg;
        info.nanosecond = header.nanosecond;
    } else {
        return Error {"cannot open capture file for reading", path, "check its permissions"};
    }

    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!p && !info.pcapng && probeLaterVersion(path, info))
        return info;
    if (!p)
        return Error {std::string("not a readable pcap or pcapng file: ") + errbuf, path, {}};
    info.linktype = pcap_datalink(p);
    const int snap = pcap_snapshot(p);
    info.snaplen = snap > 0 ? static_cast<uint32_t>(snap) : 0;
    struct pcap_pkthdr *hdr = nullptr;
    const u_char *data = nullptr;
    const int rc = pcap_next_ex(p, &hdr, &data);
    if (rc == 1) {
        info.hasPackets = true;
        info.firstTsNs = libpcapRecordTimeNs(hdr->ts.tv_sec, hdr->ts.tv_usec, header);
    } else if (rc == PCAP_ERROR) {
        info.truncated = true;
        info.readError = pcap_geterr(p);
    }
    pcap_close(p);
    return info;
}

std::vector<std::string> rotationSiblings(const std::string &path)
{
    const fs::path p(path);
    const std::string name = p.filename().string();
    const std::string base = splitDigits(name).first;
    fs::path dir = p.parent_path();
    if (dir.empty())
        dir = ".";
    std::vector<std::pair<long long, std::string>> found;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string n = it->path().filename().string();
        if (n.compare(0, base.size(), base) != 0)
            continue;
        const std::string rest = n.substr(base.size());
        if (!rest.empty() && (rest.size() > 9 || !std::all_of(rest.begin(), rest.end(), [](char c) {
                return c >= '0' && c <= '9';
            })))
            continue;
        if (!it->is_regular_file(ec))
            continue;
        found.emplace_back(rest.empty() ? -1 : std::stoll(rest), (p.parent_path() / n).string());
    }
    if (found.empty())
        return {path};
    std::sort(found.begin(), found.end());
    std::vector<std::string> out;
    for (auto &f : found)
        out.push_back(std::move(f.second));
    return out;
}

Result<CaptureSet> CaptureSet::open(const std::vector<std::string> &inputs)
{
    CaptureSet set;
    if (inputs.empty())
        return Error {
            "no capture file given", {}, "pass pcap/pcapng files, a rotated set or a capture directory"};
    std::vector<std::string> paths;
    std::vector<bool> optional; // files found by listing a directory may be skipped with a warning
    std::string manifestDir;
    for (const std::string &input : inputs) {
        std::error_code ec;
        const auto st = fs::status(input, ec);
        if (!ec && fs::is_directory(st)) {
            std::vector<std::string> names;
            for (fs::directory_iterator it(input, ec), end; !ec && it != end; it.increment(ec)) {
                std::error_code ec2;
                if (!it->is_regular_file(ec2))
                    continue;
                const std::string n = it->path().filename().string();
                if (!isSideFile(n))
                    names.push_back(n);
            }
            if (ec)
                return Error {"cannot list directory: " + ec.message(), input, {}};
            std::sort(names.begin(), names.end(), naturalLess);
            for (const auto &n : names) {
                paths.push_back((fs::path(input) / n).string());
                optional.push_back(true);
            }
            if (fs::exists(fs::path(input) / "manifest.json"))
                manifestDir = input;
            if (names.empty())
                return Error {
                    "directory holds no capture files", input, "expected pcap/pcapng files such as x.pcap0"};
        } else if (!ec && fs::exists(st)) {
            paths.push_back(input);
            optional.push_back(false);
        } else {
            // A base name of a rotated set (x.pcap for x.pcap0..x.pcap4)?
            auto sibs = rotationSiblings(input);
            if (sibs.size() == 1 && sibs[0] == input)
                return Error {"no such capture file", input, "check the path"};
            for (auto &s : sibs) {
                paths.push_back(std::move(s));
                optional.push_back(false);
            }
        }
    }
    if (manifestDir.empty()) {
        // Files given one by one from a capture directory still get its manifest.
        fs::path common = fs::path(paths.front()).parent_path();
        bool same = std::all_of(paths.begin(), paths.end(),
            [&](const std::string &p) { return fs::path(p).parent_path() == common; });
        std::error_code ec;
        if (same && fs::exists((common.empty() ? fs::path(".") : common) / "manifest.json", ec))
            manifestDir = common.empty() ? "." : common.string();
    }
    if (!manifestDir.empty()) {
        const std::string path = (fs::path(manifestDir) / kManifestName).string();
        auto m = readCaptureRecord(path);
        if (m) {
            set.manifest = std::move(*m);
            set.manifestPath = path;
        } else
            set.warnings.push_back("ignored manifest: " + m.error().toString());
    }

    std::map<std::string, bool> seenPaths;
    for (size_t i = 0; i < paths.size(); ++i) {
        std::error_code ec;
        const std::string canon = fs::weakly_canonical(paths[i], ec).string();
        if (seenPaths.count(canon))
            continue;
        seenPaths[canon] = true;
        auto info = probeCaptureFile(paths[i]);
        if (!info) {
            if (optional[i]) {
                set.warnings.push_back("skipped " + info.error().toString());
                continue;
            }
            return info.error();
        }
        // Same size and same first packet time as a file already in the set: a copy.
        auto dup = std::find_if(set.files.begin(), set.files.end(), [&](const CaptureFileInfo &f) {
            return f.sizeBytes == info->sizeBytes && f.hasPackets && info->hasPackets
                && f.firstTsNs == info->firstTsNs && f.linktype == info->linktype;
        });
        if (dup != set.files.end()) {
            set.duplicates.push_back(DuplicateFile {info->path, dup->path});
            set.warnings.push_back(set.duplicates.back().message());
            continue;
        }
        set.files.push_back(std::move(*info));
    }
    if (set.files.empty())
        return Error {"no readable capture file", inputs.front(), {}};
    std::stable_sort(
        set.files.begin(), set.files.end(), [](const CaptureFileInfo &a, const CaptureFileInfo &b) {
            if (a.hasPackets != b.hasPackets)
                return a.hasPackets;
            if (a.firstTsNs != b.firstTsNs)
                return a.firstTsNs < b.firstTsNs;
            return naturalLess(a.path, b.path);
        });
    if (set.files.size() > 0xffff)
        return Error {"more than 65535 capture files in one set", inputs.front(), "open fewer files at once"};
    if (set.manifest) {
        for (const auto &mf : set.manifest->files) {
            const auto it = std::find_if(set.files.begin(), set.files.end(), [&](const CaptureFileInfo &f) {
                return fs::path(f.path).filename() == fs::path(mf.name).filename();
            });
            if (it == set.files.end())
                set.warnings.push_back("manifest lists " + mf.name + " but it is not in the capture");
            // The size is checked on every open (cheap); the sha256 only by the downloader, which
            // wrote it (hashing gigabytes on each open would cost more than the analysis).
            else if (mf.size && it->sizeBytes != mf.size)
                set.warnings.push_back(it->path + " is " + std::to_string(it->sizeBytes)
                    + " bytes but manifest.json says " + std::to_string(mf.size)
                    + ": the file changed or its download is incomplete (fetch it again)");
        }
    }
    return set;
}

} // namespace lbs::pcap
