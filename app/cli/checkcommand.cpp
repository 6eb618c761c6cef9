// lbscope-cli check: the checks an expert runs before capturing, for one LoadBalancer service.
#ifdef HAVE_LBSCOPE_CAPTURE
#include "app/clikit/commandline.h"
#include "checktext.h"
#include "clioptions.h"
#include "commands.h"
#include "kubecli.h"

#include "core/capture/servicelocation.h"
#include "core/checks/checkengine.h"
#include "core/kube/kubeobjects.h"
#include "core/report/runreport.h"

#include <cstdio>

namespace lbs::cli {

int runCheck(const std::vector<std::string> &argv)
{
    kubecli::Args args;
    capture::TargetOptions target;
    std::string service;
    bool apiOnly = false;
    int timeoutSec = 20;
    std::string reportOut;
    CommandLine cl("check",
        "usage: lbscope-cli check --service NS/NAME [--context C] [--kubeconfig PATH] [--json]\n"
        "                         [--timeout SECONDS] [--api-only] [--image IMG] [--debug-namespace NS]\n"
        "                         [--report FILE.html]",
        "Runs the checks an expert runs before capturing, concurrently, each with a timeout:\n"
        "endpoints ready, externalTrafficPolicy Local with an endpoint on the VIP node, the load\n"
        "balancer's agents, the VIP on exactly one node, the provider's record against the nodes, ports\n"
        "against the pods' ports, recent Warning events, the debug namespace's PodSecurity level and\n"
        "your RBAC for a capture. Each prints its status (pass, warn, fail, skipped), its evidence and\n"
        "the fix. Exit status 1 when a check failed. `ip -j addr` runs on the load balancer's nodes in\n"
        "short-lived debug pods unless --api-only.");
    CLI::App &t = cl.table();
    t.add_option("--service", service, "the LoadBalancer service")->type_name("NS/NAME")->required();
    t.add_option("--timeout", timeoutSec, "time limit of each check (locating the VIP: 6 times as long)")
        ->type_name("SECONDS")
        ->check(CLI::Range(1, 3600));
    t.add_flag("--api-only", apiOnly, "decide from the API alone: no probe debug pods (VIP checks skipped)");
    t.add_option(
         "--report", reportOut, "also write the checks with their evidence and fixes as one HTML file")
        ->type_name("FILE.html");
    kubecli::addOptions(t, args);
    addDebugPodOptions(t, target);
    if (const auto code = cl.parse(argv))
        return *code;
    auto client = kubecli::connect(args);
    if (!client)
        return kubecli::fail("check", client.error());
    const auto [ns, name]
        = kube::splitNamespacedName(QString::fromStdString(service), (*client)->context().nameSpace);
    checks::CheckOptions options;
    options.nameSpace = ns;
    options.service = name;
    if (!target.debugNamespace.empty())
        options.debugNamespace = QString::fromStdString(target.debugNamespace);
    options.timeoutMs = timeoutSec * 1000;
    options.locateTimeoutMs = timeoutSec * 6000;
    checks::CheckEngine engine(**client, options);
    engine.setLocate([target, apiOnly](
                         kube::KubeClient &c, const QString &n, const QString &s, const CancelToken &cancel) {
        return capture::locateVip(c, target, (n + QLatin1Char('/') + s).toStdString(), !apiOnly, cancel,
            [](const std::string &w) { printWarningOnce(w); });
    });
    CancelToken cancel;
    installInterruptHandlers(cancel, cancel);
    auto results = engine.run(cancel);
    if (cancel.isCancelled()) {
        std::fprintf(stderr, "lbscope-cli check: interrupted%s\n",
            !apiOnly ? "; the probe debug pods were deleted" : "");
        return 130;
    }
    kubecli::printWarnings(**client);
    if (!results)
        return kubecli::fail("check", results.error());
    const QString ref = ns + QLatin1Char('/') + name;
    if (args.json)
        kubecli::printJson(checks::checksJson(ref, *results));
    else
        std::fputs(checksText(ref, *results).toUtf8().constData(), stdout);
    if (!reportOut.empty()) {
        report::RunReport r
            = report::newRunReport(ref + QStringLiteral(" on ") + (*client)->context().context.name,
                QStringLiteral("lbscope-cli check"));
        r.checks = *results;
        if (const QString error = report::writeRunReport(r, QString::fromStdString(reportOut));
            !error.isEmpty()) {
            std::fprintf(stderr, "lbscope-cli check: cannot write %s: %s\n", reportOut.c_str(),
                error.toLocal8Bit().constData());
            return 1;
        }
    }
    return countStatus(*results, checks::CheckStatus::Fail) > 0 ? 1 : 0;
}

} // namespace lbs::cli
#endif
