#include "core/capture/remotehostfactory.h"

#include "core/capture/sshremotehost.h"
#ifdef HAVE_LBSCOPE_KUBE
#include "core/capture/kuberemotehost.h"
#include "core/kube/debugpod.h"
#include "core/kube/kubeclient.h"

#include <QCoreApplication>
#endif

namespace lbs::capture {

namespace {

std::string printable(const std::string &s)
{
    std::string shown;
    for (char c : s.substr(0, 80))
        shown += (c >= 0x20 && c < 0x7f) ? c : '?';
    return shown;
}

} // namespace

Result<ssh::SshConnectOptions> sshConnectOptions(const TargetOptions &o)
{
    auto target = ssh::SshEndpoint::parse(o.ssh);
    if (!target)
        return Error {"--ssh: " + target.error().message, {}, target.error().hint};
    ssh::SshConnectOptions so;
    so.target = target.value();
    if (!o.jump.empty()) {
        auto j = ssh::SshEndpoint::parse(o.jump);
        if (!j)
            return Error {"--jump: " + j.error().message, {}, j.error().hint};
        so.jump = j.value();
    }
    so.identityFile = o.identity;
    so.knownHostsFile = o.knownHosts;
    so.configFile = o.sshConfig;
    so.acceptNewHostKey = o.acceptNewHostKey;
    so.passphrase = o.passphrase;
    so.confirmNewHostKey = o.confirmNewHostKey;
    return so;
}

std::string nodeNameProblem(const std::string &node)
{
    // DNS-1123 subdomain: lower-case alphanumerics, '-' and '.', starting and ending alphanumeric.
    const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    bool ok = !node.empty() && node.size() <= 253 && alnum(node.front()) && alnum(node.back());
    for (char c : node)
        ok = ok && (alnum(c) || c == '-' || c == '.');
    if (ok)
        return {};
    return "--node '" + printable(node)
        + "' is not a Kubernetes node name (lower-case letters, digits, '-' and '.'; see kubectl get nodes)";
}

std::string podRefProblem(const std::string &ref, const std::string &container)
{
    const auto slash = ref.find('/');
    const auto valid = [](const std::string &n) { return !n.empty() && nodeNameProblem(n).empty(); };
    if (slash == std::string::npos || !valid(ref.substr(0, slash)) || !valid(ref.substr(slash + 1)))
        return "--pod '" + printable(ref)
            + "' is not NAMESPACE/POD (lower-case letters, digits, '-' and '.')";
    if (!container.empty() && !valid(container))
        return "--container is not a container name (lower-case letters, digits and '-')";
    return {};
}

std::string targetProblem(const TargetOptions &o, const std::string &node)
{
    if (!node.empty())
        if (std::string why = nodeNameProblem(node); !why.empty())
            return why;
    if (!o.ssh.empty())
        if (auto so = sshConnectOptions(o); !so)
            return so.error().toString();
    return {};
}

#ifdef HAVE_LBSCOPE_KUBE
kube::DebugPodOptions podOptions(const TargetOptions &o)
{
    kube::DebugPodOptions po;
    if (!o.image.empty())
        po.image = QString::fromStdString(o.image);
    po.imagePullSecret = QString::fromStdString(o.imagePullSecret);
    if (!o.debugNamespace.empty())
        po.nameSpace = QString::fromStdString(o.debugNamespace);
    po.hostTools = o.hostTcpdump;
    if (!o.captureDir.empty())
        po.hostPathDir = QString::fromStdString(o.captureDir);
    if (o.podDeadlineSec > 0)
        po.activeDeadlineSeconds = o.podDeadlineSec;
    return po;
}

Result<std::unique_ptr<kube::KubeClient>> kubeClient(const TargetOptions &o, const WarningSink &warn)
{
    if (!QCoreApplication::instance())
        return Error {"internal error: the Kubernetes client needs a QCoreApplication", {}, {}};
    auto client = kube::KubeClient::fromKubeconfig(
        QString::fromStdString(o.kubeconfig), QString::fromStdString(o.context));
    if (client && warn)
        for (const QString &w : (*client)->warnings())
            warn(w.toStdString());
    return client;
}
#endif

Result<std::unique_ptr<RemoteHost>> connectRemoteHost(const TargetOptions &options, const std::string &node,
    const CancelToken &cancel, std::string *endpointOut, const WarningSink &warn)
{
    if (!options.ssh.empty()) {
        auto so = sshConnectOptions(options);
        if (!so)
            return so.error();
        auto host = SshRemoteHost::connect(so.value(), cancel);
        if (!host)
            return host.error();
        if (endpointOut)
            *endpointOut = so->target.toString();
        return std::unique_ptr<RemoteHost>(std::move(host.value()));
    }
#ifdef HAVE_LBSCOPE_KUBE
    if (!node.empty()) {
        auto client = kubeClient(options, warn);
        if (!client)
            return client.error();
        auto po = podOptions(options);
        po.node = QString::fromStdString(node);
        auto host = KubeRemoteHost::open(std::move(client.value()), po, cancel);
        if (!host)
            return host.error();
        if (endpointOut)
            *endpointOut = node;
        return std::unique_ptr<RemoteHost>(std::move(host.value()));
    }
#else
    (void)warn;
    if (!node.empty())
        return Error {
            "--node needs the Kubernetes debug-pod transport, which this build of lbscope-cli lacks", node,
            "use --ssh USER@HOST"};
#endif
    return Error {"no node given", {}, "pass --ssh USER@HOST[:PORT] or --node NODE"};
}

Result<std::unique_ptr<RemoteHost>> connectPodHost(const TargetOptions &options, const std::string &podRef,
    const std::string &container, const CancelToken &cancel, const WarningSink &warn)
{
#ifdef HAVE_LBSCOPE_KUBE
    auto client = kubeClient(options, warn);
    if (!client)
        return client.error();
    const auto slash = podRef.find('/');
    auto host
        = KubeRemoteHost::attach(std::move(client.value()), QString::fromStdString(podRef.substr(0, slash)),
            QString::fromStdString(podRef.substr(slash + 1)), QString::fromStdString(container), cancel);
    if (!host)
        return host.error();
    return std::unique_ptr<RemoteHost>(std::move(host.value()));
#else
    (void)options;
    (void)container;
    (void)cancel;
    (void)warn;
    return Error {"--pod needs the Kubernetes transport, which this build of lbscope-cli lacks", podRef, {}};
#endif
}

} // namespace lbs::capture
