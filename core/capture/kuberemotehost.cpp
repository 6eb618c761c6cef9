#include "core/capture/kuberemotehost.h"

#include "core/kube/podexec.h"

namespace lbs::capture {

KubeRemoteHost::KubeRemoteHost(kube::DebugPod &pod) : m_pod(pod)
{
}

KubeRemoteHost::~KubeRemoteHost() = default;

Result<std::unique_ptr<KubeRemoteHost>> KubeRemoteHost::open(
    std::unique_ptr<kube::KubeClient> client, const kube::DebugPodOptions &options, const CancelToken &cancel)
{
    auto pod = kube::DebugPod::create(*client, options, cancel);
    if (!pod)
        return pod.error();
    std::unique_ptr<KubeRemoteHost> host(new KubeRemoteHost(*pod.value()));
    host->m_ownedClient = std::move(client);
    host->m_ownedPod = std::move(pod.value());
    return host;
}

Result<std::unique_ptr<KubeRemoteHost>> KubeRemoteHost::attach(std::unique_ptr<kube::KubeClient> client,
    const QString &nameSpace, const QString &pod, const QString &container, const CancelToken &cancel)
{
    auto p = kube::DebugPod::attach(*client, nameSpace, pod, container, cancel);
    if (!p)
        return p.error();
    std::unique_ptr<KubeRemoteHost> host(new KubeRemoteHost(*p.value()));
    host->m_ownedClient = std::move(client);
    host->m_ownedPod = std::move(p.value());
    return host;
}

Status KubeRemoteHost::close(const CancelToken &cancel)
{
    return m_pod.remove(cancel);
}

std::string KubeRemoteHost::describe() const
{
    if (m_pod.attached())
        return QStringLiteral("pod %1/%2 (container %3, node %4)")
            .arg(m_pod.nameSpace(), m_pod.name(), m_pod.container(), m_pod.node())
            .toStdString();
    return QStringLiteral("node %1 (via pod %2/%3)")
        .arg(m_pod.node(), m_pod.nameSpace(), m_pod.name())
        .toStdString();
}

std::string KubeRemoteHost::podRef() const
{
    return QString(m_pod.nameSpace() + QLatin1Char('/') + m_pod.name()).toStdString();
}

Status KubeRemoteHost::removeOtherPod(const std::string &ref, const CancelToken &cancel)
{
    const auto slash = ref.find('/');
    if (slash == std::string::npos || ref.find('/', slash + 1) != std::string::npos)
        return Error {"'" + ref + "' is not a namespace/name of a pod", describe(), {}};
    if (ref == podRef())
        return Ok {};
    return kube::DebugPod::removeExisting(m_pod.client(), QString::fromStdString(ref.substr(0, slash)),
        QString::fromStdString(ref.substr(slash + 1)), cancel);
}

std::string KubeRemoteHost::missingToolHint(const std::string &tool) const
{
    if (m_pod.hostTools())
        return "install " + tool
            + " on the node (--host-tcpdump runs the node's own through chroot /host), "
              "or leave out --host-tcpdump to use the debug image's";
    return "choose a debug image that ships " + tool
        + " (--image), or install it on the node and use "
          "--host-tcpdump";
}

std::string KubeRemoteHost::nodePath(const std::string &path) const
{
    if (m_pod.hostTools() || m_pod.attached())
        return path;
    return "/host" + path;
}

std::string KubeRemoteHost::nodeName() const
{
    return m_pod.node().toStdString();
}

Result<CommandResult> KubeRemoteHost::run(
    const std::vector<std::string> &argv, const CancelToken &cancel, const RunOptions &options)
{
    return exec(argv, nullptr, cancel, options);
}

Result<CommandResult> KubeRemoteHost::stream(const std::vector<std::string> &argv, const ByteSink &onStdout,
    const CancelToken &cancel, const RunOptions &options)
{
    return exec(argv, &onStdout, cancel, options);
}

Result<CommandResult> KubeRemoteHost::exec(const std::vector<std::string> &argv, const ByteSink *onStdout,
    const CancelToken &cancel, const RunOptions &options)
{
    if (argv.empty())
        return Error {"nothing to run: the command is empty", describe(), {}};
    kube::ExecRequest req;
    req.nameSpace = m_pod.nameSpace();
    req.pod = m_pod.name();
    req.container = m_pod.container();
    if (m_pod.hostTools())
        req.command << QStringLiteral("chroot") << QStringLiteral("/host");
    for (const std::string &a : argv) {
        if (a.find('\0') != std::string::npos)
            return Error {
                "an argument contains a NUL byte, which no remote command can receive", describe(), {}};
        req.command << QString::fromStdString(a);
    }
    req.maxOut = options.maxOut;
    req.maxErr = options.maxErr;
    req.timeoutMs = options.timeoutMs;
    bool consumerStopped = false;
    if (onStdout) {
        req.onStdout = [&](const char *data, std::size_t size) {
            if ((*onStdout)(data, size))
                return true;
            consumerStopped = true;
            return false;
        };
    }
    auto out = kube::execInPod(m_pod.client(), req, cancel);
    if (!out) {
        Error e = out.error();
        e.where = describe();
        if (consumerStopped) {
            e.message = "the receiver stopped the output of `" + argv.front() + "`";
            e.kind = ErrorKind::Cancelled;
        }
        return e;
    }
    CommandResult r;
    r.exitCode = out->exitCode;
    r.out = out->out.toStdString();
    r.err = out->err.toStdString();
    r.outTruncated = out->outTruncated;
    r.errTruncated = out->errTruncated;
    if (!out->failure.isEmpty()) {
        // The command never ran (e.g. "executable file not found"): report it as a shell would.
        if (!out->commandNotFound)
            return Error {"`" + argv.front() + "` could not run: " + out->failure.toStdString(), describe(),
                "check the debug image (--image) or use --host-tcpdump"};
        r.exitCode = 127;
        if (!r.err.empty() && r.err.back() != '\n')
            r.err += '\n';
        r.err += out->failure.toStdString();
    }
    return r;
}

} // namespace lbs::capture
