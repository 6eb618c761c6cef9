#include "ui/wizard/planpage.h"

#include "core/capture/captureplan.h"
#include "core/capture/servicelocation.h"

#include "core/checks/checkresult.h"
#include "ui/capture/captureplanform.h"
#include "ui/cluster/clustersettings.h"
#include "ui/wizard/troubleshootwizard.h"

#include <QHostAddress>
#include <QLabel>
#include <QScrollArea>
#include <QUrl>
#include <QVBoxLayout>

namespace lbs::ui {

namespace {
constexpr int kRingMb = 20;
constexpr int kRingFiles = 5;
constexpr double kDurationSec = 60;
} // namespace

WizardPlanPage::WizardPlanPage(TroubleshootWizard *wizard)
    : m_wizard(wizard), m_form(new CapturePlanForm), m_reasons(new QLabel)
{
    setTitle(tr("The capture lbscope proposes"));
    setSubTitle(tr("Where to record the traffic, which packets, and for how long. Each choice is explained "
                   "below; change any field if you know better."));
    m_reasons->setWordWrap(true);
    m_reasons->setTextFormat(Qt::RichText);
    auto *inner = new QWidget;
    auto *v = new QVBoxLayout(inner);
    v->addWidget(m_reasons);
    v->addWidget(m_form);
    v->addStretch();
    auto *scroll = new QScrollArea;
    scroll->setWidget(inner);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    connect(m_form, &CapturePlanForm::changed, this, &QWizardPage::completeChanged);
}

QString WizardPlanPage::proposedFilter(const QString &vip, const QStringList &ports, const QString &server)
{
    QStringList parts;
    if (!vip.isEmpty())
        parts << QStringLiteral("host ") + vip;
    QStringList portTerms;
    for (const QString &p : ports) {
        // "80/TCP" or "80:30080/TCP" (port:nodePort): the port clients use.
        const QString number = p.section(QLatin1Char('/'), 0, 0).section(QLatin1Char(':'), 0, 0);
        bool ok = false;
        const int n = number.toInt(&ok);
        if (ok && n > 0 && !portTerms.contains(QStringLiteral("port %1").arg(n)))
            portTerms << QStringLiteral("port %1").arg(n);
    }
    if (portTerms.size() == 1)
        parts << QStringLiteral("tcp ") + portTerms.front();
    else if (!portTerms.isEmpty())
        parts << QStringLiteral("tcp and (") + portTerms.join(QStringLiteral(" or ")) + QLatin1Char(')');
    const QUrl url(server);
    if (!QHostAddress(url.host()).isNull())
        parts << QStringLiteral("not (host %1 and tcp port %2)").arg(url.host()).arg(url.port(443));
    return parts.join(QStringLiteral(" and "));
}

void WizardPlanPage::initializePage()
{
    WizardState &st = m_wizard->state();
    const kube::LocateResult &r = st.location;
    CaptureTarget t = st.target;
    if (!t.isValid()) {
        // No interface chosen (the VIP on no node or on two): the first holder's VIP interface, else
        // the first candidate node, to be filled in.
        t.kubeconfig = st.source.explicitPath;
        t.context = st.context;
        t.nameSpace = r.nameSpace;
        t.service = r.service;
        t.vip = r.vip;
        t.node = !r.holders.isEmpty() ? r.holders.front() : r.candidateNodes.value(0);
        t.iface = r.interface.isEmpty() ? QStringLiteral("any") : r.interface;
    }
    // Both sides of the node's NAT when the VIP has one holder and the chosen interface is its VIP
    // interface: every interface (-i any), the VIP's ports and each endpoint's address and port, so
    // the verdict can say which pod a failing connection went to and where inside the node it died.
    const capture::ServiceLocation where = capture::serviceLocationOf(r);
    const std::string both = capture::serviceFilter(where.vip, where.ports, where.endpoints);
    m_bothSides
        = !both.empty() && !r.holderNode.isEmpty() && t.node == r.holderNode && t.iface == r.interface;
    if (m_bothSides) {
        t.iface = QStringLiteral("any");
        t.role = tr("covers every interface of the node: %1 where clients reach the VIP, and the interfaces "
                    "towards the pods")
                     .arg(r.interface);
    }
    m_endpoints = where.endpoints;
    m_interfaces = where.interfaces;
    m_form->setTarget(t);
    m_form->setFilter(m_bothSides ? QString::fromStdString(both) : proposedFilter(r.vip, r.ports, st.server));
    m_form->setRing(kRingMb, kRingFiles);
    m_form->setDuration(kDurationSec);
    m_form->setOutDir(CapturePlanForm::defaultOutDir());

    QStringList why;
    // The evidence line that names the holder and the VIP ("ip -j addr on lab-node-1 …: VIP … on eth1").
    QString proof = tr("located by %1").arg(r.method);
    for (const QString &line : r.evidence)
        if (line.contains(r.holderNode) && line.contains(r.vip)
            && !line.contains(QStringLiteral("not present")))
            proof = line;
    if (t.node == r.holderNode && !r.holderNode.isEmpty())
        why << tr("<b>Node %1</b>: it holds the VIP %2 (%3). Every client connection enters the cluster "
                  "there.")
                   .arg(t.node.toHtmlEscaped(), r.vip.toHtmlEscaped(), proof.toHtmlEscaped());
    else
        why << tr("<b>Node %1</b>: the interface you chose on the picture (or the first candidate: no "
                  "single node holds the VIP).")
                   .arg(t.node.toHtmlEscaped());
    why << tr("<b>Interface %1</b>: %2.")
               .arg(t.iface.toHtmlEscaped(),
                   t.role.isEmpty() ? tr("every interface of the node") : t.role.toHtmlEscaped());
    if (m_bothSides)
        why << tr(
            "<b>Filter</b>: the service's packets on both sides of the node's NAT — to and from the VIP "
            "on its ports as the clients send them, and to and from each of the %1 endpoints on its "
            "target port after the node rewrote them, also inside VXLAN or IP-in-IP when an overlay "
            "carries them to another node. lbscope joins the copies of each connection, measures the "
            "time inside the node and names the pod that answered. Its own traffic matches none of "
            "these and stays out.")
                   .arg(m_endpoints.size());
    else
        why << tr(
            "<b>Filter</b>: only the service's packets (to and from the VIP on its ports). lbscope's own "
            "traffic — the API server's stream to the capture pod — is left out, so it does not "
            "disturb what you see.");
    why << tr("<b>Ring</b>: %1 files of %2 MB, so the node's disk never holds more than %3 MB; the oldest "
              "file is overwritten first.")
               .arg(kRingFiles)
               .arg(kRingMb)
               .arg(kRingFiles * kRingMb);
    why << tr("<b>Duration</b>: %1 s. A fault that hits a few percent of connections shows up many times "
              "in a minute of ordinary traffic; reproduce the problem meanwhile. You can stop earlier.")
               .arg(kDurationSec);
    // What the failed checks mean for this capture: what to look for in it.
    for (const checks::CheckResult &c : st.checks) {
        if (c.status != checks::CheckStatus::Fail)
            continue;
        QString expect = tr("its effect shows on the wire");
        if (c.id == QLatin1String("endpoints-ready"))
            expect = tr("expect connections refused with a reset or ICMP unreachable");
        else if (c.id == QLatin1String("etp-local-endpoint"))
            expect = tr("expect SYNs to the VIP that are never answered on this node");
        else if (c.id == QLatin1String("vip-one-node") && r.holders.size() > 1)
            expect = tr("the VIP is on %1: capture on each to see which one answers")
                         .arg(r.holders.join(QStringLiteral(", ")));
        else if (c.id == QLatin1String("ports-match"))
            expect = tr("expect SYNs answered with a reset: nothing listens on the targetPort");
        else if (c.id == QLatin1String("provider-agents"))
            expect = tr("a standby that is down cannot take the VIP over: the capture shows the holder only");
        why << tr("<span style='color:#c62828'><b>%1</b> failed: %2.</span>")
                   .arg(c.title.toHtmlEscaped(), expect.toHtmlEscaped());
    }
    m_reasons->setText(QStringLiteral("<ul style='margin-left:-20px'><li>")
        + why.join(QStringLiteral("</li><li>")) + QStringLiteral("</li></ul>"));
}

bool WizardPlanPage::isComplete() const
{
    return m_form->isValid();
}

bool WizardPlanPage::validatePage()
{
    if (!m_form->isValid())
        return false;
    WizardState &st = m_wizard->state();
    st.request = m_form->request();
    st.request.service.clear(); // located already: the plan's node and interface stand
    st.request.plan.endpoints = m_endpoints; // manifest.json: pod names and interface names for the analysis
    st.request.plan.interfaces = m_interfaces;
    const QString image = clustersettings::debugImage(st.server);
    if (!image.isEmpty())
        st.request.target.image = image.toStdString();
    st.label = m_form->label();
    return true;
}

} // namespace lbs::ui
