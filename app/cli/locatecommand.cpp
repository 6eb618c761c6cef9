// lbscope-cli locate: the node that holds a LoadBalancer service's VIP, and how that was decided.
#ifdef HAVE_LBSCOPE_CAPTURE
#include "clioptions.h"
#include "commands.h"
#include "kubecli.h"
#include "locatetext.h"

#include "core/kube/debugpodrunner.h"
#include "core/kube/kubeobjects.h"
#include "core/kube/loadbalancerlocator.h"

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
    const auto [ns, name] = kube::splitNamespacedName(
        QString::fromStdString(kubecli::option(*args, "--service")), (*client)->context().nameSpace);
    kube::DebugPodOptions podOptions;
    podOptions.image = QString::fromStdString(kubecli::option(*args, "--image", kube::kDefaultDebugImage));
    podOptions.nameSpace = QString::fromStdString(kubecli::option(*args, "--debug-namespace", "lbscope"));
    podOptions.hostTools = kubecli::flag(*args, "--host-tcpdump");
    podOptions.hostPathDir.clear(); // locating writes nothing on the node
    podOptions.activeDeadlineSeconds = 600;
    std::unique_ptr<kube::DebugPodRunner> runner;
    if (!kubecli::flag(*args, "--api-only"))
        runner = std::make_unique<kube::DebugPodRunner>(**client, podOptions);
    // Ctrl+C (or SIGTERM) cancels the probing; the probe pods are deleted before exiting 130.
    CancelToken cancel;
    installInterruptHandlers(cancel, cancel);
    kube::LoadBalancerLocator locator(**client, runner.get());
    auto result = locator.locate(ns, name, cancel);
    if (runner) {
        const CancelToken fresh; // deleting must work after the Ctrl+C too
        if (auto s = runner->removeAll(fresh); !s)
            std::fprintf(stderr, "warning: %s (run `lbscope-cli cleanup`)\n", s.error().toString().c_str());
    }
    if (cancel.isCancelled()) {
        std::fprintf(stderr, "lbscope-cli locate: interrupted%s\n",
            runner ? "; the probe debug pods were deleted" : "");
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
