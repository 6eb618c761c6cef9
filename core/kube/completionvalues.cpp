#include "completionvalues.h"

#include "kubeclient.h"
#include "kubeconfigloader.h"
#include "kubeobjects.h"

#include <QJsonArray>
#include <QJsonObject>

namespace lbs::kube {

namespace {

std::unique_ptr<KubeClient> clientFor(const QString &kubeconfig, const QString &context, int timeoutMs)
{
    auto client = KubeClient::fromKubeconfig(kubeconfig, context);
    if (!client)
        return nullptr;
    (*client)->setTimeoutMs(timeoutMs);
    return std::move(*client);
}

/// The metadata.name of every object `path` lists.
std::vector<std::string> names(KubeClient &client, const QString &path)
{
    CancelToken cancel;
    std::vector<std::string> out;
    if (auto items = client.list(path, cancel))
        for (const auto &item : *items)
            if (const QString n
                = item.toObject()[QStringLiteral("metadata")].toObject()[QStringLiteral("name")].toString();
                !n.isEmpty())
                out.push_back(n.toStdString());
    return out;
}

} // namespace

std::vector<std::string> completionValues(
    const std::string &option, const QString &kubeconfig, const QString &context, int timeoutMs)
{
    std::vector<std::string> out;
    if (option == "--context") {
        if (const auto cfg = KubeConfigLoader::load(KubeConfigSource::fromEnvironment(kubeconfig)))
            for (const ContextInfo &c : cfg->contexts)
                out.push_back(c.name.toStdString());
        return out;
    }
    if (option != "--namespace" && option != "--node" && option != "--service")
        return out;
    const auto client = clientFor(kubeconfig, context, timeoutMs);
    if (!client)
        return out;
    if (option == "--namespace")
        return names(*client, QStringLiteral("/api/v1/namespaces"));
    if (option == "--node")
        return names(*client, QStringLiteral("/api/v1/nodes"));
    CancelToken cancel;
    if (auto services = listLoadBalancerServices(*client, QString(), cancel))
        for (const LoadBalancerService &s : *services)
            out.push_back(QString(s.nameSpace + QLatin1Char('/') + s.name).toStdString());
    return out;
}

} // namespace lbs::kube
