#include "core/capture/debugpodrunner.h"

namespace lbs::capture {

DebugPodRunner::DebugPodRunner(kube::KubeClient &client, DebugPodOptions base)
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
        Entry e;
        e.host = std::make_unique<KubeRemoteHost>(*pod);
        e.pod = std::move(pod);
        const QString node = e.pod->node();
        m_nodes.emplace(node, std::move(e));
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
        Entry e;
        e.pod = std::move(pod.value());
        e.host = std::make_unique<KubeRemoteHost>(*e.pod);
        it = m_nodes.emplace(node, std::move(e)).first;
    }
    std::vector<std::string> args;
    for (const QString &a : argv)
        args.push_back(a.toStdString());
    RunOptions opts;
    opts.timeoutMs = 60000;
    auto r = it->second.host->run(args, cancel, opts);
    if (!r)
        return r.error();
    if (r->exitCode != 0)
        return Error {QStringLiteral("`%1` failed on node %2: %3")
                          .arg(argv.join(QLatin1Char(' ')), node, QString::fromStdString(r->errorSummary()))
                          .toStdString(),
            it->second.host->describe(), {}};
    return QByteArray::fromStdString(r->out);
}

Status DebugPodRunner::removeAll(const CancelToken &cancel)
{
    Status first = Ok {};
    for (auto &[node, e] : m_nodes) {
        e.host.reset();
        if (auto s = e.pod->remove(cancel); !s && first.ok())
            first = s;
    }
    m_nodes.clear();
    return first;
}

} // namespace lbs::capture
