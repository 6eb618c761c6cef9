#include "core/capture/servicelocation.h"

#ifdef HAVE_LBSCOPE_KUBE
#include "core/kube/debugpodrunner.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubeobjects.h"
#include "core/kube/loadbalancerlocator.h"
#endif

namespace lbs::capture {

#ifdef HAVE_LBSCOPE_KUBE
Result<kube::LocateResult> locateVip(kube::KubeClient &client, const TargetOptions &options,
    const std::string &service, bool probe, const CancelToken &cancel, const WarningSink &warn)
{
    const auto [ns, name]
        = kube::splitNamespacedName(QString::fromStdString(service), client.context().nameSpace);
    auto po = podOptions(options);
    po.hostPathDir.clear(); // locating writes nothing on the node
    po.activeDeadlineSeconds = 600;
    std::unique_ptr<kube::DebugPodRunner> runner;
    if (probe)
        runner = std::make_unique<kube::DebugPodRunner>(client, po);
    kube::LoadBalancerLocator locator(client, runner.get());
    auto r = locator.locate(ns, name, cancel);
    if (runner) {
        const CancelToken fresh; // the probe pods are deleted after a cancel too
        if (auto s = runner->removeAll(fresh); !s && warn)
            warn(s.error().toString() + " (run `lbscope-cli cleanup`)");
    }
    return r;
}

ServiceLocation serviceLocationOf(const kube::LocateResult &r)
{
    ServiceLocation t;
    t.node = r.holderNode.toStdString();
    t.iface = r.interface.toStdString();
    t.vip = r.vip.toStdString();
    t.service = QString(r.nameSpace + QLatin1Char('/') + r.service).toStdString();
    t.method = r.method.toStdString();
    for (const QString &p : r.ports) // "80/TCP", or "80:30080/TCP" with the node port
        if (const int n = p.section(QLatin1Char('/'), 0, 0).section(QLatin1Char(':'), 0, 0).toInt(); n > 0)
            t.ports.push_back(n);
    for (const kube::EndpointInfo &e : r.endpoints) {
        if (!e.ready && !e.serving)
            continue;
        for (int port : e.ports.isEmpty() ? QList<int> {0} : e.ports)
            t.endpoints.push_back({e.podName.toStdString(), e.podNamespace.toStdString(),
                e.nodeName.toStdString(), e.ip.toStdString(), port});
    }
    for (const kube::InterfaceRole &i : r.interfaces) {
        pcap::CaptureInterface ci;
        ci.index = i.index;
        ci.name = i.name.toStdString();
        for (const QString &a : i.addresses)
            ci.addresses.push_back(a.toStdString());
        ci.role = i.role.toStdString();
        t.interfaces.push_back(std::move(ci));
    }
    return t;
}

Result<ServiceLocation> locateService(const TargetOptions &options, const std::string &service,
    const CancelToken &cancel, const WarningSink &warn)
{
    auto client = kubeClient(options, warn);
    if (!client)
        return client.error();
    auto r = locateVip(**client, options, service, true, cancel, warn);
    if (warn)
        for (const QString &w : (*client)->warnings())
            warn(w.toStdString());
    if (!r)
        return r.error();
    if (r->holderNode.isEmpty() || r->interface.isEmpty())
        return Error {"no single node holds the VIP of " + service + ": "
                + r->problems.join(QStringLiteral("; ")).toStdString(),
            service,
            "see lbscope-cli locate --service " + service + ", then capture with --node NODE --iface IF"};
    return serviceLocationOf(*r);
}
#else
Result<ServiceLocation> locateService(
    const TargetOptions &, const std::string &service, const CancelToken &, const WarningSink &)
{
    return Error {"--service needs the Kubernetes client, which this build lacks", service, "use --ssh"};
}
#endif

} // namespace lbs::capture
