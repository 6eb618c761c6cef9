// lbscope-cli locate: the node that holds a LoadBalancer service's VIP, and how that was decided.
#ifdef HAVE_LBSCOPE_CAPTURE
#include "clioptions.h"
#include "commands.h"
#include "kubecli.h"
#include "locatetext.h"

#include "core/capture/servicelocation.h"

#include <cstdio>

namespace lbs::cli {

int runLocate(const std::vector<std::string> &argv)
{
    auto args = kubecli::parse(
        argv, {"--service", "--image", "--debug-namespace"}, {"--host-tcpdump", "--api-only"});
    if (!args || (!args->help && kubecli::option(*args, "--service").empty())) {
        std::fprintf(stderr, "lbscope-cli locate: %s\n",
            args ? "--service NS/NAME is required (see --help)" : args.error().toString().c_str());
        return 2;
    }
    if (args->help) {
        std::printf(
            "usage: lbscope-cli locate --service NS/NAME [--context C] [--kubeconfig PATH] [--json]\n"
            "                          [--image IMG] [--debug-namespace NS] [--host-tcpdump] [--api-only]\n"
            "Finds the node holding the VIP (IBM keepalived pods, kube-vip, MetalLB, else probing nodes);\n"
            "`ip -j addr` runs in short-lived debug pods (deleted afterwards) unless --api-only.\n");
        return 0;
    }
    auto app = kubecli::ensureApp();
    auto client = kubecli::connect(*args);
    if (!client)
        return kubecli::fail("locate", client.error());
    capture::TargetOptions target;
    target.image = kubecli::option(*args, "--image");
    target.debugNamespace = kubecli::option(*args, "--debug-namespace");
    target.hostTcpdump = kubecli::flag(*args, "--host-tcpdump");
    const bool probe = !kubecli::flag(*args, "--api-only");
    // Ctrl+C (or SIGTERM) cancels the probing; the probe pods are deleted before exiting 130.
    CancelToken cancel;
    installInterruptHandlers(cancel, cancel);
    auto result = capture::locateVip(**client, target, kubecli::option(*args, "--service"), probe, cancel,
        [](const std::string &w) { std::fprintf(stderr, "warning: %s\n", w.c_str()); });
    if (cancel.isCancelled()) {
        std::fprintf(stderr, "lbscope-cli locate: interrupted%s\n",
            probe ? "; the probe debug pods were deleted" : "");
        return 130;
    }
    kubecli::printWarnings(**client);
    if (!result)
        return kubecli::fail("locate", result.error());
    if (args->json)
        kubecli::printJson(result->toJson());
    else
        std::fputs(locateText(*result).toUtf8().constData(), stdout);
    return 0;
}

} // namespace lbs::cli
#endif
