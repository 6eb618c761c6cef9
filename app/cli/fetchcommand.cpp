// lbscope-cli fetch: download files already on a node (resumable, sha256-checked) and write a manifest.
#include "clioptions.h"
#include "commands.h"

#include "core/capture/filefetch.h"
#include "core/capture/remotehostfactory.h"

#include <cstdio>

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
    // The download's bar line ends before the file's line or its error.
    struct Printer final : capture::CaptureObserver {
        TerminalProgress progress;
        void fileVerified(const capture::VerifiedFile &f) override
        {
            progress.endLine();
            std::fprintf(stderr, "%s  %.1f MB in %.2f s (%.1f MB/s)%s  sha256 %s\n", f.localPath.c_str(),
                static_cast<double>(f.size) / 1e6, f.seconds,
                f.seconds > 0 ? static_cast<double>(f.transferred) / 1e6 / f.seconds : 0.0,
                f.alreadyComplete ? " already complete" : (f.resumedFrom ? " resumed" : ""),
                f.sha256.c_str());
        }
        void error(const std::string &text) override
        {
            progress.endLine();
            std::fprintf(stderr, "lbscope-cli fetch: %s\n", text.c_str());
        }
        void warning(const std::string &text) override
        {
            std::fprintf(stderr, "warning: %s\n", text.c_str());
        }
    } printer;
    capture::FetchRequest request {paths, out, removeRemote, endpoint, common.context};
    auto failures = capture::fetchFiles(*host.value(), request, &printer.progress, &printer, abort);
    if (!failures) {
        std::fprintf(stderr, "lbscope-cli fetch: %s\n", failures.error().toString().c_str());
        return 1;
    }
    if (abort.isCancelled())
        return 130;
    return failures.value() == 0 ? 0 : 1;
}

} // namespace lbs::cli
