// Fuzz target "apijson": what a Kubernetes API server answers, read by the client and the load
// balancer locator (the IBM keepalived, kube-vip, MetalLB and probe strategies). The input is split
// at NUL bytes into the answers of an in-process HTTP server, by path:
//   0 the service, 1 endpoint slices, 2 pods, 3 leases, 4 MetalLB ServiceL2Status list,
//   5 events, 6 nodes, 7 `ip -j addr` of every node, 8 anything else (v1 Endpoints, ...).
// An answer that starts with three digits and a space ("403 {...}") is sent with that HTTP status,
// so error Status bodies are read too. The service list is also read as `lbscope-cli services`
// does.

#include "core/kube/kubeclient.h"
#include "core/kube/kubeobjects.h"
#include "core/kube/loadbalancerlocator.h"
#include "core/kube/nodecommandrunner.h"
#include "fakeapiserver.h"
#include "fuzzinput.h"

#include <cctype>
#include <cstddef>
#include <cstdint>

using namespace lbs::kube;

namespace {

enum Part { Service, Slices, Pods, Leases, L2Status, Events, Nodes, IpAddr, Other, PartCount };

Part partFor(const QString &path)
{
    if (path.contains(QLatin1String("/services/")))
        return Service;
    if (path.endsWith(QLatin1String("/services")))
        return Service;
    if (path.contains(QLatin1String("endpointslices")))
        return Slices;
    if (path.contains(QLatin1String("/pods")))
        return Pods;
    if (path.contains(QLatin1String("/leases")))
        return Leases;
    if (path.contains(QLatin1String("servicel2statuses")))
        return L2Status;
    if (path.endsWith(QLatin1String("/events")))
        return Events;
    if (path.endsWith(QLatin1String("/nodes")))
        return Nodes;
    return Other;
}

FakeResponse answer(const QByteArray &part)
{
    if (part.size() >= 4 && part[3] == ' ' && std::isdigit(static_cast<unsigned char>(part[0]))
        && std::isdigit(static_cast<unsigned char>(part[1]))
        && std::isdigit(static_cast<unsigned char>(part[2])))
        return FakeResponse::json(part.left(3).toInt(), part.mid(4));
    return FakeResponse::json(200, part);
}

class ScriptedNodes : public NodeCommandRunner {
public:
    explicit ScriptedNodes(QByteArray addr) : m_addr(std::move(addr)) { }
    lbs::Result<QByteArray> run(const QString &, const QStringList &, const lbs::CancelToken &) override
    {
        return m_addr;
    }
    QString transport() const override { return QStringLiteral("fuzz"); }

private:
    QByteArray m_addr;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lbs::fuzz::ensureQtApplication();
    QList<QByteArray> parts = lbs::fuzz::splitParts(data, size, PartCount);
    while (parts.size() < PartCount)
        parts << QByteArray("{}");
    FakeApiServer server([&parts](const FakeRequest &r) { return answer(parts[partFor(r.path)]); });
    ResolvedContext ctx;
    ctx.context.name = QStringLiteral("fuzz");
    ctx.cluster.server = server.url();
    ctx.user.token = QStringLiteral("fuzz-token");
    auto client = KubeClient::create(ctx);
    if (!client.ok())
        return 0;
    const lbs::CancelToken cancel;
    (void)listLoadBalancerServices(**client, QString(), cancel);
    ScriptedNodes nodes(parts[IpAddr]);
    LoadBalancerLocator locator(**client, &nodes);
    if (auto r = locator.locate(QStringLiteral("default"), QStringLiteral("web"), cancel); r.ok())
        (void)r->toJson();
    return 0;
}
