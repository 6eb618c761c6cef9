// lbscope-cli contexts: the kubeconfig contexts, like `kubectl config get-contexts`.
#ifdef HAVE_LBSCOPE_CAPTURE
#include "app/clikit/commandline.h"
#include "commands.h"
#include "kubecli.h"

#include "core/kube/kubeconfigloader.h"

#include <cstdio>

namespace lbs::cli {

int runContexts(const std::vector<std::string> &argv)
{
    kubecli::Args args;
    CommandLine cl("contexts", "usage: lbscope-cli contexts [--kubeconfig PATH] [--json]",
        "Lists the contexts of the kubeconfig (KUBECONFIG's files merged like kubectl, or --kubeconfig "
        "alone).");
    kubecli::addOptions(cl.table(), args, false);
    if (const auto code = cl.parse(argv))
        return *code;
    auto cfg = kube::KubeConfigLoader::load(
        kube::KubeConfigSource::fromEnvironment(QString::fromStdString(args.kubeconfig)));
    if (!cfg)
        return kubecli::fail("contexts", cfg.error());
    if (cfg->files.isEmpty())
        std::fprintf(
            stderr, "warning: no kubeconfig file found %s\n", cfg->describeFiles().toUtf8().constData());
    if (args.json) {
        kubecli::printJson(cfg->contextsJson());
        return 0;
    }
    std::vector<std::vector<std::string>> rows {{"CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"}};
    for (const kube::ContextInfo &c : cfg->contexts)
        rows.push_back({c.name == cfg->currentContext ? "*" : "", c.name.toStdString(),
            c.cluster.toStdString(), c.user.toStdString(), c.nameSpace.toStdString()});
    kubecli::printTable(rows);
    return 0;
}

} // namespace lbs::cli
#endif
