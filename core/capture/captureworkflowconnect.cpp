// CaptureWorkflow, the steps before anything runs on the node: locating the service's VIP holder,
// checking the request, and connecting (over SSH, or through a debug pod once the cluster said it may
// be created).
#include "core/capture/captureworkflow.h"

#include "core/capture/capturesession.h"
#include "core/capture/remotehostfactory.h"
#include "core/capture/servicelocation.h"
#ifdef HAVE_LBSCOPE_KUBE
#include "core/capture/kuberemotehost.h"
#include "core/kube/debugpod.h"
#include "core/kube/debugpodaccess.h"
#include "core/kube/kubeclient.h"
#endif

#include <filesystem>

namespace lbs::capture {

namespace fs = std::filesystem;

Status CaptureWorkflow::locate()
{
    if (m_request.service.empty())
        return Ok {};
    setState(CaptureState::locating, m_request.service);
    auto where = locateService(m_request.target, m_request.service, m_stop, [this](const std::string &w) {
        if (m_kubeWarnings.insert(w).second)
            warn(w);
    });
    if (m_stop.isCancelled()) {
        m_outcome.interrupted = true;
        const Error e {"interrupted while locating " + m_request.service
                + "; its probe debug pods were deleted, nothing was captured",
            {}, {}};
        if (m_observer)
            m_observer->error(e.message);
        setState(CaptureState::aborted, "interrupted while locating");
        return e;
    }
    if (!where)
        return fail(where.error());
    if (m_observer)
        m_observer->located(where.value());
    say(where->service + ": VIP " + where->vip + " on node " + where->node + ", interface " + where->iface
        + " (" + where->method + ")");
    auto &plan = m_request.plan;
    m_request.node = where->node;
    plan.vip = where->vip;
    plan.service = where->service;
    plan.endpoints = where->endpoints;
    plan.interfaces = where->interfaces;
    // Both sides of the NAT by default: the client's packets to the VIP and their DNATed copies to the
    // pods, so that the analysis joins them and names the backend (docs/decisions.md, "Capture").
    const std::string both = serviceFilter(where->vip, where->ports, where->endpoints);
    if (plan.iface.empty() && plan.filter.empty() && !m_request.oneSide && !both.empty()) {
        plan.iface = "any";
        plan.filter = both;
        say("both sides of the NAT: every interface (-i any), the VIP's ports and the "
            + std::to_string(where->endpoints.size()) + " endpoints' target ports");
        return Ok {};
    }
    if (plan.iface.empty())
        plan.iface = where->iface;
    if (plan.filter.empty())
        plan.filter = "host " + where->vip;
    // One side sees no pod: the node's conntrack says which pod each connection went to.
    plan.conntrack = m_request.conntrack.value_or(true);
    return Ok {};
}

// Usage errors (a bad --ssh endpoint, a hostile interface or filter, a directory in use) are refused
// before anything connects.
Status CaptureWorkflow::prepare()
{
    auto &rq = m_request;
    rq.plan.context = rq.target.context;
    if (rq.conntrack)
        rq.plan.conntrack = *rq.conntrack;
    if (rq.outDir.empty())
        return fail(Error {"--out DIR is required", {}, {}}, true);
    const std::string out = rq.outDir;
    if (!rq.reattach && fs::exists(fs::path(out) / pcap::kSessionStateName))
        return fail(Error {out + " already holds a capture; use --attach " + out
                            + " to continue it or choose another --out",
                        {}, {}},
            true);
    if (rq.reattach) {
        auto rec = pcap::readCaptureRecord((fs::path(out) / pcap::kSessionStateName).string());
        if (!rec)
            return fail(rec.error(), true);
        m_previous = std::make_unique<pcap::CaptureRecord>(rec.value());
        if (rq.target.ssh.empty() && rq.node.empty()) {
            if (m_previous->transport == "ssh")
                rq.target.ssh = m_previous->endpoint;
            else
                rq.node = m_previous->node;
        }
    } else if (rq.target.ssh.empty() && rq.node.empty()) {
        return fail(
            Error {"say where: --ssh USER@HOST[:PORT], --node NODE or --service NS/NAME", {}, {}}, true);
    }
    if (const std::string why = targetProblem(rq.target, rq.node); !why.empty())
        return fail(Error {why, {}, {}}, true);
    // The debug pod mounts the node's capture directory at the same path (files written there are the
    // node's and survive the pod), and lives long enough for the capture: its deadline is only the
    // safety net for a lbscope that died.
    rq.target.captureDir = m_previous ? m_previous->remoteDir : rq.plan.remoteDir;
#ifdef HAVE_LBSCOPE_KUBE
    if (!m_previous)
        rq.target.podDeadlineSec = kube::podDeadlineFor(rq.plan.durationSec);
#endif
    if (!m_previous) {
        CapturePlan check = rq.plan;
        check.name = "lbscope-check.pcap";
        if (auto v = validate(check); !v)
            return fail(v.error(), true);
    }
    return Ok {};
}

Status CaptureWorkflow::connect()
{
    if (isFinal(m_outcome.state))
        return Error {"the capture has ended already", m_request.outDir, "start a new one"};
    if (auto p = prepare(); !p)
        return p;
    auto &rq = m_request;
    const auto kubeWarn = [this](const std::string &w) {
        if (m_kubeWarnings.insert(w).second)
            warn(w);
    };
    if (!rq.target.ssh.empty()) {
        setState(CaptureState::connecting, rq.target.ssh);
        auto host = connectRemoteHost(rq.target, rq.node, m_abort, &m_endpoint, kubeWarn);
        if (!host)
            return fail(host.error());
        m_host = std::move(host.value());
    } else {
#ifdef HAVE_LBSCOPE_KUBE
        setState(CaptureState::connecting,
            "Kubernetes API" + (rq.target.context.empty() ? "" : ", context " + rq.target.context));
        auto client = kubeClient(rq.target, kubeWarn);
        if (!client)
            return fail(client.error());
        auto po = podOptions(rq.target);
        // Nothing is created before the cluster said that the pod may be created and used there.
        auto access = kube::verifyDebugPodAccess(**client, po.nameSpace, po.createNamespace, m_abort);
        if (!access)
            return fail(access.error());
        if (m_observer) {
            std::vector<std::string> lines;
            for (const QString &l : *access)
                lines.push_back(l.toStdString());
            m_observer->accessChecked(lines);
        }
        say("may run the debug pod in namespace " + po.nameSpace.toStdString()
            + " (RBAC and PodSecurity asked)");
        setState(CaptureState::scheduling, "debug pod on node " + rq.node);
        po.node = QString::fromStdString(rq.node);
        auto host = KubeRemoteHost::open(std::move(client.value()), po, m_abort);
        if (!host)
            return fail(host.error());
        m_endpoint = rq.node;
        m_host = std::move(host.value());
#else
        auto host = connectRemoteHost(rq.target, rq.node, m_abort, &m_endpoint, kubeWarn);
        if (!host)
            return fail(host.error());
        m_host = std::move(host.value());
#endif
    }
#ifdef HAVE_LBSCOPE_KUBE
    if (!m_previous && rq.plan.durationSec <= 0 && m_host->transportName() == "kube")
        say("note: without --duration the debug pod ends by itself after "
            + std::to_string(kube::kOpenEndedPodDeadlineSec / 3600)
            + " h (its activeDeadlineSeconds), stopping tcpdump; pass --duration for a longer capture");
#endif
    if (!m_previous)
        return Ok {};
    auto s = CaptureSession::attach(*m_host, rq.outDir, m_progress.get());
    if (!s)
        return fail(s.error(), true);
    m_session = std::move(s.value());
    if (rq.clock)
        m_session->setClock(*rq.clock);
    if (rq.plan.durationSec > 0)
        m_session->setDurationSec(rq.plan.durationSec);
    rq.plan = m_session->plan();
    say("re-attached to " + m_previous->remoteBase + " on " + m_host->describe() + " (pid "
        + std::to_string(m_previous->pid) + ", state " + m_previous->state + ")");
    // e.g. the recorded pid now belongs to another process: said now, not only after the download
    const auto &w = m_session->record().warnings;
    for (std::size_t i = m_previous->warnings.size(); i < w.size(); ++i)
        warn(w[i]);
    const std::string &st = m_session->record().state;
    if (st == "running" || st == "starting") {
        setState(CaptureState::capturing, "re-attached to pid " + std::to_string(m_session->record().pid));
        if (m_observer)
            m_observer->started(m_session->record());
    }
    return Ok {};
}

} // namespace lbs::capture
