// lbscope-cli locate: the node that holds a LoadBalancer service's VIP, and how that was decided.
#ifdef HAVE_LBSCOPE_CAPTURE
#include "app/clikit/commandline.h"
#include "clioptions.h"
#include "commands.h"
#include "kubecli.h"
#include "locatetext.h"

#include "core/capture/servicelocation.h"

#include <cstdio>

namespace lbs::cli {

int runLocate(const std::vector<std::string> &argv)
{
    kubecli::Args args;
    capture::TargetOptions target;
    std::string service;
    bool apiOnly = false; // else probe pods run `ip -j addr` on the nodes
    CommandLine cl("locate",
        "usage: lbscope-cli locate --service NS/NAME [--context C] [--kubeconfig PATH] [--json]\n"
        "                          [--image IMG] [--debug-namespace NS] [--host-tcpdump] [--api-only]",
        "Finds the node holding the VIP (IBM keepalived pods, kube-vip, MetalLB, else probing nodes);\n"
        "`ip -j addr` runs in short-lived debug pods (deleted afterwards) unless --api-only.");
    CLI::App &t = cl.table();
    t.add_option("--service", service, "the LoadBalancer service")->type_name("NS/NAME")->required();
    t.add_flag("--api-only", apiOnly, "decide from the API alone: no probe debug pods");
    kubecli::addOptions(t, args);
    addDebugPodOptions(t, target);
    if (const auto code = cl.parse(argv))
        return *code;
    auto client = kubecli::connect(args);
    if (!client)
        return kubecli::fail("locate", client.error());
    // Ctrl+C (or SIGTERM) cancels the probing; the probe pods are deleted before exiting 130.
    CancelToken cancel;
    installInterruptHandlers(cancel, cancel);
    auto result = capture::locateVip(**client, target, service, !apiOnly, cancel,
        [](const std::string &w) { std::fprintf(stderr, "warning: %s\n", w.c_str()); });
    if (cancel.isCancelled()) {
        std::fprintf(stderr, "lbscope-cli locate: interrupted%s\n",
            !apiOnly ? "; the probe debug pods were deleted" : "");
        return 130;
    }
    kubecli::printWarnings(**client);
    if (!result)
        return kubecli::fail("locate", result.error());
    if (args.json)
        kubecli::printJson(result->toJson());
    else
        std::fputs(locateText(*result).toUtf8().constData(), stdout);
    return 0;
}

} // namespace lbs::cli
#endif
