// lbscope-cli services: LoadBalancer services with VIP, ports and externalTrafficPolicy.
#ifdef HAVE_LBSCOPE_CAPTURE
#include "app/clikit/commandline.h"
#include "commands.h"
#include "kubecli.h"

#include "core/kube/kubeobjects.h"

#include <QJsonArray>

#include <cstdio>

namespace lbs::cli {

int runServices(const std::vector<std::string> &argv)
{
    kubecli::Args args;
    std::string ns;
    CommandLine cl("services",
        "usage: lbscope-cli services [--context C] [--kubeconfig PATH] [--namespace NS] [--json]",
        "Lists LoadBalancer services (all namespaces unless --namespace) with VIP, ports and ETP.");
    cl.table().add_option("-n,--namespace", ns, "only this namespace")->type_name("NS");
    kubecli::addOptions(cl.table(), args);
    if (const auto code = cl.parse(argv))
        return *code;
    auto client = kubecli::connect(args);
    if (!client)
        return kubecli::fail("services", client.error());
    CancelToken cancel;
    auto services = kube::listLoadBalancerServices(**client, QString::fromStdString(ns), cancel);
    kubecli::printWarnings(**client);
    if (!services)
        return kubecli::fail("services", services.error());
    if (args.json) {
        QJsonArray list;
        for (const auto &s : *services)
            list.append(s.toJson());
        kubecli::printJson(QJsonObject {{QStringLiteral("context"), (*client)->context().context.name},
            {QStringLiteral("services"), list}});
        return 0;
    }
    std::vector<std::vector<std::string>> rows {{"NAMESPACE", "NAME", "VIP", "PORTS", "ETP"}};
    for (const auto &s : *services)
        rows.push_back({s.nameSpace.toStdString(), s.name.toStdString(),
            s.vip().isEmpty() ? "<pending>" : s.vip().toStdString(), s.portsText().toStdString(),
            s.externalTrafficPolicy.toStdString()});
    kubecli::printTable(rows);
    if (services->isEmpty())
        std::fprintf(stderr, "no LoadBalancer services found\n");
    return 0;
}

} // namespace lbs::cli
#endif
