#include "core/kube/debugpodrunner.h"

#include "core/kube/podexec.h"

#include <string>

namespace lbs::kube {
namespace {

// "node N (via pod NS/NAME)": where a command ran, for messages.
QString describePod(const DebugPod &pod)
{
    return QStringLiteral("node %1 (via pod %2/%3)").arg(pod.node(), pod.nameSpace(), pod.name());
}

// The first line of stderr without surrounding blanks, or "exit code N" when stderr is empty.
std::string errorSummary(const std::string &err, int exitCode)
{
    const auto b = err.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return "exit code " + std::to_string(exitCode);
    const std::string t = err.substr(b, err.find_last_not_of(" \t\r\n") - b + 1);
    const auto nl = t.find('\n');
    return nl == std::string::npos ? t : t.substr(0, nl);
}

} // namespace

DebugPodRunner::DebugPodRunner(KubeClient &client, DebugPodOptions base)
    : m_client(client), m_base(std::move(base))
{
}

DebugPodRunner::~DebugPodRunner()
{
    CancelToken fresh;
    (void)removeAll(fresh);
}

void DebugPodRunner::prepare(const QStringList &nodes, const CancelToken &cancel)
{
    QStringList missing;
    for (const QString &n : nodes) {
        if (!m_nodes.count(n) && !missing.contains(n))
            missing << n;
    }
    if (missing.size() < 2)
        return; // nothing to overlap: run() creates it
    auto pods = DebugPod::createMany(m_client, m_base, missing, cancel);
    if (!pods)
        return; // run() retries one by one and reports the precise error per node
    for (auto &pod : *pods) {
        const QString node = pod->node();
        m_nodes.emplace(node, std::move(pod));
    }
}

Result<QByteArray> DebugPodRunner::run(
    const QString &node, const QStringList &argv, const CancelToken &cancel)
{
    auto it = m_nodes.find(node);
    if (it == m_nodes.end()) {
        DebugPodOptions o = m_base;
        o.node = node;
        auto pod = DebugPod::create(m_client, o, cancel);
        if (!pod)
            return pod.error();
        it = m_nodes.emplace(node, std::move(pod.value())).first;
    }
    DebugPod &pod = *it->second;
    const std::string where = describePod(pod).toStdString();
    ExecRequest req;
    req.nameSpace = pod.nameSpace();
    req.pod = pod.name();
    req.container = pod.container();
    if (pod.hostTools())
        req.command << QStringLiteral("chroot") << QStringLiteral("/host");
    for (const QString &a : argv) {
        if (a.contains(QChar(u'\0')))
            return Error {"an argument contains a NUL byte, which no remote command can receive", where, {},
                ErrorKind::BadInput};
        req.command << a;
    }
    req.timeoutMs = 60000;
    auto out = execInPod(pod.client(), req, cancel);
    if (!out) {
        Error e = out.error();
        e.where = where;
        return e;
    }
    int exitCode = out->exitCode;
    std::string err = out->err.toStdString();
    if (!out->failure.isEmpty()) {
        // The command never ran (e.g. "executable file not found"): report it as a shell would.
        if (!out->commandNotFound)
            return Error {"`" + argv.front().toStdString() + "` could not run: " + out->failure.toStdString(),
                where, "check the debug image (--image) or use --host-tcpdump"};
        exitCode = 127;
        if (!err.empty() && err.back() != '\n')
            err += '\n';
        err += out->failure.toStdString();
    }
    if (exitCode != 0)
        return Error {
            QStringLiteral("`%1` failed on node %2: %3")
                .arg(argv.join(QLatin1Char(' ')), node, QString::fromStdString(errorSummary(err, exitCode)))
                .toStdString(),
            where, {}};
    return out->out;
}

Status DebugPodRunner::removeAll(const CancelToken &cancel)
{
    Status first = Ok {};
    for (auto &[node, pod] : m_nodes) {
        if (auto s = pod->remove(cancel); !s && first.ok())
            first = s;
    }
    m_nodes.clear();
    return first;
}

} // namespace lbs::kube
