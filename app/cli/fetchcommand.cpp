// lbscope-cli fetch: download files already on a node (resumable, sha256-checked) and write a manifest.
#include "app/clikit/commandline.h"
#include "captureprinter.h"
#include "clioptions.h"
#include "commands.h"

#include "core/capture/filefetch.h"
#include "core/capture/remotehostfactory.h"

#include <cstdio>

namespace lbs::cli {

int runFetch(const std::vector<std::string> &args)
{
    CommonOptions common;
    std::string out, node, pod, container;
    std::vector<std::string> paths;
    bool removeRemote = false;
    CommandLine cl("fetch",
        "usage: lbscope-cli fetch (--node NODE | --ssh USER@HOST[:PORT] | --pod NAMESPACE/POD\n"
        "                         [--container C]) REMOTE_PATH... --out DIR [--remove-remote]",
        "Downloads files already on a node into DIR: one streaming read per file (4 GiB ranges),\n"
        "resumed from NAME.part after an interruption, complete only when size and sha256 match the\n"
        "node's sha256sum. Writes DIR/manifest.json (capture files get their first/last packet times).\n"
        "Running it again skips files already complete.\n"
        "--node runs a short-lived debug pod on the node (deleted afterwards) and reads the node's files;\n"
        "--pod reads the files of an existing, running pod as kubectl cp does (it needs sh, stat and dd\n"
        "or tail in the container; it is neither created nor deleted).");
    CLI::App &t = cl.table();
    t.add_option("REMOTE_PATH", paths, "absolute path of a file on the node (or in the pod)")->type_name("");
    t.add_option("--node", node, "read the files of this Kubernetes node, through a debug pod")
        ->type_name("NODE");
    t.add_option("--pod", pod, "read the files of this running pod")->type_name("NAMESPACE/POD");
    t.add_option("--container", container, "the pod's container (default: its first)")->type_name("C");
    t.add_option("--out", out, "local directory for the files and manifest.json")->type_name("DIR");
    t.add_flag("--remove-remote", removeRemote, "delete the files on the node after a verified download");
    addSshOptions(t, common);
    addClusterOptions(t, common.kubeconfig, &common.context);
    addDebugPodOptions(t, common);
    if (const auto code = cl.parse(args))
        return *code;
    const int targets = int(!common.ssh.empty()) + int(!node.empty()) + int(!pod.empty());
    if (out.empty() || paths.empty() || targets != 1) {
        return cl.refuse(
            "need one of --ssh, --node or --pod, at least one REMOTE_PATH, and --out DIR (see --help)");
    }
    if (!container.empty() && pod.empty())
        return cl.refuse("--container goes with --pod");
    for (const auto &p : paths)
        if (p.empty() || p.front() != '/' || p.find('\0') != std::string::npos)
            return cl.refuse("'" + p + "' is not an absolute path on the node");
    setTerminalPrompts(common);
    CancelToken abort;
    installInterruptHandlers(abort, abort); // fetch: the first Ctrl+C already stops (the .part stays)
    std::string endpoint;
    if (const std::string why
        = pod.empty() ? capture::targetProblem(common, node) : capture::podRefProblem(pod, container);
        !why.empty())
        return cl.refuse(why);
    auto host = pod.empty() ? capture::connectRemoteHost(common, node, abort, &endpoint, printWarningOnce)
                            : capture::connectPodHost(common, pod, container, abort, printWarningOnce);
    if (!pod.empty())
        endpoint = "pod " + pod;
    if (!host) {
        std::fprintf(stderr, "lbscope-cli fetch: %s\n", host.error().toString().c_str());
        return 1;
    }
    CapturePrinter printer(false, "fetch");
    capture::ObserverProgressSink progress(&printer);
    capture::FetchRequest request {paths, out, removeRemote, endpoint, common.context};
    auto failures = capture::fetchFiles(*host.value(), request, &progress, &printer, abort);
    if (!failures) {
        std::fprintf(stderr, "lbscope-cli fetch: %s\n", failures.error().toString().c_str());
        return 1;
    }
    if (abort.isCancelled())
        return 130;
    return failures.value() == 0 ? 0 : 1;
}

} // namespace lbs::cli
