#ifdef HAVE_LBSCOPE_CAPTURE
#include "kubecli.h"

#include "clioptions.h"

#include <QJsonDocument>

#include <algorithm>
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
    std::vector<std::size_t> width;
    for (const auto &r : rows) {
        width.resize(std::max(width.size(), r.size()));
        for (std::size_t c = 0; c < r.size(); ++c)
            width[c] = std::max(width[c], r[c].size());
    }
    for (const auto &r : rows) {
        std::string line;
        for (std::size_t c = 0; c < r.size(); ++c) {
            line += r[c];
            if (c + 1 < r.size())
                line += std::string(width[c] - r[c].size() + 3, ' ');
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        std::printf("%s\n", line.c_str());
    }
}

} // namespace lbs::cli::kubecli
#endif
