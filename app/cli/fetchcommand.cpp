// lbscope-cli fetch: download files already on a node (resumable, sha256-checked) and write a manifest.
#include "clioptions.h"
#include "commands.h"

#include "core/capture/capturerecord.h"
#include "core/capture/downloader.h"
#include "core/capture/pcaptimes.h"
#include "core/capture/remotehost.h"
#include "core/capture/remotehostfactory.h"

#include <cstdio>
#include <filesystem>

namespace lbs::cli {

namespace {

const char *kFetchHelp
    = "usage: lbscope-cli fetch (--node NODE | --ssh USER@HOST[:PORT] | --pod NAMESPACE/POD [--container "
      "C])\n"
      "                         REMOTE_PATH... --out DIR [--remove-remote]\n"
      "\n"
      "Downloads files already on a node into DIR: one streaming read per file (4 GiB ranges), resumed from\n"
      "NAME.part after an interruption, complete only when size and sha256 match the node's sha256sum.\n"
      "Writes DIR/manifest.json (capture files get their first/last packet times). Running it again\n"
      "skips files already complete.\n"
      "--node runs a short-lived debug pod on the node (deleted afterwards) and reads the node's files;\n"
      "--pod reads the files of an existing, running pod as kubectl cp does (it needs sh, stat and dd or\n"
      "tail in the container; it is neither created nor deleted).\n\n";

} // namespace

int runFetch(const std::vector<std::string> &args)
{
    CommonOptions common;
    std::string out, node, pod, container;
    std::vector<std::string> paths;
    bool removeRemote = false;
    for (std::size_t i = 0; i < args.size();) {
        const std::string a = args[i];
        const std::string name = a.substr(0, a.find('='));
        if (a == "--help" || a == "-h") {
            std::printf("%s%s", kFetchHelp, sshOptionsHelp());
            return 0;
        }
        auto c = takeCommonOption(args, i, common);
        if (!c) {
            std::fprintf(stderr, "lbscope-cli fetch: %s\n", c.error().toString().c_str());
            return 2;
        }
        if (c.value())
            continue;
        if (name == "--remove-remote") {
            removeRemote = true;
            ++i;
        } else if (name == "--out" || name == "--node" || name == "--pod" || name == "--container") {
            auto v = optionValue(args, i);
            if (!v) {
                std::fprintf(stderr, "lbscope-cli fetch: %s\n", v.error().toString().c_str());
                return 2;
            }
            (name == "--out" ? out : name == "--node" ? node : name == "--pod" ? pod : container) = v.value();
        } else if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "lbscope-cli fetch: unknown option '%s' (see --help)\n", a.c_str());
            return 2;
        } else {
            paths.push_back(a);
            ++i;
        }
    }
    const int targets = int(!common.ssh.empty()) + int(!node.empty()) + int(!pod.empty());
    if (out.empty() || paths.empty() || targets != 1) {
        std::fprintf(stderr,
            "lbscope-cli fetch: need one of --ssh, --node or --pod, at least one REMOTE_PATH, and --out DIR "
            "(see --help)\n");
        return 2;
    }
    if (!container.empty() && pod.empty()) {
        std::fprintf(stderr, "lbscope-cli fetch: --container goes with --pod\n");
        return 2;
    }
    for (const auto &p : paths) {
        if (p.empty() || p.front() != '/' || p.find('\0') != std::string::npos) {
            std::fprintf(stderr, "lbscope-cli fetch: '%s' is not an absolute path on the node\n", p.c_str());
            return 2;
        }
    }
    setTerminalPrompts(common);
    CancelToken abort;
    installInterruptHandlers(abort, abort); // fetch: the first Ctrl+C already stops (the .part stays)
    std::string endpoint;
    if (const std::string why
        = pod.empty() ? capture::targetProblem(common, node) : capture::podRefProblem(pod, container);
        !why.empty()) {
        std::fprintf(stderr, "lbscope-cli fetch: %s\n", why.c_str());
        return 2;
    }
    auto host = pod.empty() ? capture::connectRemoteHost(common, node, abort, &endpoint, printWarningOnce)
                            : capture::connectPodHost(common, pod, container, abort, printWarningOnce);
    if (!pod.empty())
        endpoint = "pod " + pod;
    if (!host) {
        std::fprintf(stderr, "lbscope-cli fetch: %s\n", host.error().toString().c_str());
        return 1;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(out, ec);
    capture::CaptureRecord rec;
    rec.state = "downloaded";
    rec.transport = host.value()->transportName();
    rec.node = host.value()->nodeName();
    rec.endpoint = endpoint;
    rec.context = common.context;
    rec.startTime = capture::isoNowUtc();
    TerminalProgress progress;
    int failures = 0;
    // One stat for all the files (one remote command each costs a round trip, ~0.1 s on a real
    // cluster); a file it misses is stat'ed on its own, which says why.
    // --node: the debug pod sees the node's files under /host (the image's own files are not the node's).
    std::vector<std::string> onNode;
    for (const auto &p : paths)
        onNode.push_back(host.value()->nodePath(p));
    std::map<std::string, capture::RemoteStat> known;
    if (paths.size() > 1) {
        if (auto many = capture::statRemoteMany(*host.value(), onNode, abort))
            known = std::move(many.value());
    }
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string &p = paths[i];
        const std::string name = fs::path(p).filename().string();
        const std::string local = (fs::path(out) / name).string();
        capture::DownloadOptions opts;
        if (const auto k = known.find(onNode[i]); k != known.end())
            opts.knownStat = k->second;
        auto d = capture::downloadFile(*host.value(), onNode[i], local, &progress, abort, opts);
        progress.endLine();
        if (!d) {
            std::fprintf(stderr, "lbscope-cli fetch: %s\n", d.error().toString().c_str());
            ++failures;
            if (abort.isCancelled())
                break;
            continue;
        }
        std::fprintf(stderr, "%s  %.1f MB in %.2f s (%.1f MB/s)%s  sha256 %s\n", local.c_str(),
            static_cast<double>(d->size) / 1e6, d->seconds,
            d->seconds > 0 ? static_cast<double>(d->transferred) / 1e6 / d->seconds : 0.0,
            d->alreadyComplete ? " already complete" : (d->resumedFrom ? " resumed" : ""), d->sha256.c_str());
        capture::ManifestFile mf;
        mf.name = name;
        mf.remotePath = p;
        mf.size = d->size;
        mf.sha256 = d->sha256;
        // Scanned while downloading when the file is classic pcap; read again only otherwise.
        if (auto t = d->times ? Result<capture::PcapTimes>(*d->times) : capture::readPcapTimes(local)) {
            mf.firstTs = t->firstTs;
            mf.lastTs = t->lastTs;
            mf.packets = t->packets;
            mf.truncated = t->truncated;
        }
        rec.files.push_back(mf);
        if (removeRemote) {
            auto rm = host.value()->run({"rm", "-f", "--", onNode[i]}, abort);
            if (!rm || !rm->ok())
                std::fprintf(stderr, "warning: could not remove %s on the node\n", p.c_str());
        }
    }
    rec.stopTime = capture::isoNowUtc();
    if (!rec.files.empty()) {
        if (auto w = capture::writeRecord((fs::path(out) / capture::kManifestName).string(), rec); !w) {
            std::fprintf(stderr, "lbscope-cli fetch: %s\n", w.error().toString().c_str());
            return 1;
        }
    }
    if (abort.isCancelled())
        return 130;
    return failures == 0 ? 0 : 1;
}

} // namespace lbs::cli
