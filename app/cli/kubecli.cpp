#ifdef HAVE_LBSCOPE_CAPTURE
#include "kubecli.h"

#include "clioptions.h"

#include <QJsonDocument>

#include <cstdio>

namespace lbs::cli::kubecli {

void addOptions(CLI::App &t, Args &a, bool withContext)
{
    addClusterOptions(t, a.kubeconfig, withContext ? &a.context : nullptr);
    t.add_flag("--json", a.json, "print JSON instead of a table");
}

Result<std::unique_ptr<kube::KubeClient>> connect(const Args &a)
{
    auto client = kube::KubeClient::fromKubeconfig(
        QString::fromStdString(a.kubeconfig), QString::fromStdString(a.context));
    if (client)
        printWarnings(**client);
    return client;
}

int fail(const char *command, const Error &e)
{
    std::fprintf(stderr, "lbscope-cli %s: %s\n", command, e.toString().c_str());
    return 1;
}

void printWarnings(const kube::KubeClient &client)
{
    for (const QString &w : client.warnings())
        printWarningOnce(w.toStdString());
}

void printJson(const QJsonObject &o)
{
    std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
}

void printTable(const std::vector<std::vector<std::string>> &rows)
{
    std::fputs(clikit::formatColumns(rows).c_str(), stdout);
}

} // namespace lbs::cli::kubecli
#endif
