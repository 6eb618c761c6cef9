#include "core/capture/filefetch.h"

#include "core/capture/downloader.h"
#include "core/pcap/capturerecord.h"
#include "core/pcap/pcaptimes.h"

#include <filesystem>
#include <map>

namespace lbs::capture {

Result<int> fetchFiles(RemoteHost &host, const FetchRequest &request, ProgressSink *progress,
    CaptureObserver *observer, const CancelToken &cancel)
{
    namespace fs = std::filesystem;
    const auto &paths = request.paths;
    std::error_code ec;
    fs::create_directories(request.outDir, ec);
    pcap::CaptureRecord rec;
    rec.state = "downloaded";
    rec.transport = host.transportName();
    rec.node = host.nodeName();
    rec.endpoint = request.endpoint;
    rec.context = request.context;
    rec.startTime = pcap::isoNowUtc();
    int failures = 0;
    // One stat for all the files (one remote command each costs a round trip, ~0.1 s on a real
    // cluster); a file it misses is stat'ed on its own, which says why.
    // A debug pod sees the node's files under /host (the image's own files are not the node's).
    std::vector<std::string> onNode;
    for (const auto &p : paths)
        onNode.push_back(host.nodePath(p));
    std::map<std::string, RemoteStat> known;
    if (paths.size() > 1) {
        if (auto many = statRemoteMany(host, onNode, cancel))
            known = std::move(many.value());
    }
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string &p = paths[i];
        const std::string name = fs::path(p).filename().string();
        const std::string local = (fs::path(request.outDir) / name).string();
        DownloadOptions opts;
        if (const auto k = known.find(onNode[i]); k != known.end())
            opts.knownStat = k->second;
        auto d = downloadFile(host, onNode[i], local, progress, cancel, opts);
        if (!d) {
            if (observer)
                observer->error(d.error().toString());
            ++failures;
            if (cancel.isCancelled())
                break;
            continue;
        }
        if (observer)
            observer->fileVerified({name, local, d->size, d->sha256, d->alreadyComplete, d->resumedFrom,
                d->transferred, d->seconds});
        pcap::ManifestFile mf;
        mf.name = name;
        mf.remotePath = p;
        mf.size = d->size;
        mf.sha256 = d->sha256;
        // Scanned while downloading when the file is classic pcap; read again only otherwise.
        if (auto t = d->times ? Result<pcap::PcapTimes>(*d->times) : pcap::readPcapTimes(local)) {
            mf.firstTs = t->firstTs;
            mf.lastTs = t->lastTs;
            mf.packets = t->packets;
            mf.truncated = t->truncated;
        }
        rec.files.push_back(mf);
        if (request.removeRemote) {
            auto rm = host.run({"rm", "-f", "--", onNode[i]}, cancel);
            if ((!rm || !rm->ok()) && observer)
                observer->warning("could not remove " + p + " on the node");
        }
    }
    rec.stopTime = pcap::isoNowUtc();
    if (!rec.files.empty()) {
        if (auto w = pcap::writeCaptureRecord((fs::path(request.outDir) / pcap::kManifestName).string(), rec);
            !w)
            return w.error();
    }
    return failures;
}

} // namespace lbs::capture
