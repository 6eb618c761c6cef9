#include "ui/wizard/commitpage.h"

#include "core/capture/captureplan.h"
#include "core/kube/debugpod.h"
#include "ui/wizard/troubleshootwizard.h"

#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace lbs::ui {

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

QString hours(int seconds)
{
    return seconds % 3600 == 0 ? WizardCommitPage::tr("%n hour(s)", nullptr, seconds / 3600)
                               : WizardCommitPage::tr("%1 minutes").arg(seconds / 60);
}

QString row(const QString &what, const QString &value)
{
    return QStringLiteral("<tr><td style='padding:3px 14px 3px 0; white-space:nowrap'><b>%1</b></td>"
                          "<td style='padding:3px 0'>%2</td></tr>")
        .arg(what, value);
}

QString code(const QString &text)
{
    return QStringLiteral("<code>") + text.toHtmlEscaped() + QStringLiteral("</code>");
}

} // namespace

WizardCommitPage::WizardCommitPage(TroubleshootWizard *wizard) : m_wizard(wizard), m_details(new QLabel)
{
    setTitle(tr("Ready to capture: this is what will happen"));
    setSubTitle(tr("Nothing has been created on the cluster yet. Start capture creates exactly what is "
                   "listed here, and removes it again when the capture is downloaded or cancelled."));
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("Start capture"));
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::RichText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_details);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
}

void WizardCommitPage::initializePage()
{
    const WizardState &st = m_wizard->state();
    const capture::CaptureRequest &rq = st.request;
    const capture::CapturePlan &plan = rq.plan;
    QStringList argv;
    for (const std::string &a : capture::tcpdumpArgv(plan))
        argv << (a.find(' ') == std::string::npos ? qs(a) : QLatin1Char('\'') + qs(a) + QLatin1Char('\''));
    const QString command = argv.join(QLatin1Char(' '))
                                .replace(QStringLiteral("-w ") + qs(plan.remoteBase()),
                                    QStringLiteral("-w ") + qs(plan.remoteDir) + QStringLiteral("/lbscope-")
                                        + qs(rq.node) + QStringLiteral("-<time>.pcap"));
    const QString duration = plan.durationSec > 0
        ? tr("%1 s of capture, then tcpdump is stopped").arg(plan.durationSec)
        : tr("until you press Stop");
    QString rows;
    if (rq.target.ssh.empty()) {
        const QString ns
            = rq.target.debugNamespace.empty() ? QStringLiteral("lbscope") : qs(rq.target.debugNamespace);
        const QString image
            = rq.target.image.empty() ? QString::fromLatin1(kube::kDefaultDebugImage) : qs(rq.target.image);
        const int deadline = kube::podDeadlineFor(plan.durationSec);
        rows += row(tr("Creates"),
            tr("one <b>privileged debug pod</b> named %1 (host network, host PID, the node's %2 mounted), "
               "labelled %3")
                .arg(code(QStringLiteral("lbscope-%1-<random>").arg(qs(rq.node))), code(qs(plan.remoteDir)),
                    code(QStringLiteral("%1=%2").arg(
                        QLatin1String(kube::kManagedByLabel), QLatin1String(kube::kManagedByValue)))));
        rows += row(tr("Namespace"),
            tr("%1 (created with PodSecurity level <i>privileged</i> if it does not exist)").arg(code(ns)));
        rows += row(tr("Node"), code(qs(rq.node)));
        rows += row(tr("Image"), code(image));
        rows += row(tr("Runs"), code(command));
        rows += row(tr("For how long"), duration);
        rows += row(tr("Removed"),
            tr("the pod is deleted once the files are downloaded, or at once on Cancel; should lbscope die, "
               "Kubernetes ends it after %1 (activeDeadlineSeconds %2)")
                .arg(hours(deadline))
                .arg(deadline));
    } else {
        rows += row(tr("Connects"), tr("over SSH to %1 (no pod is created)").arg(code(qs(rq.target.ssh))));
        rows += row(tr("Runs"), code(QStringLiteral("sudo ") + command));
        rows += row(tr("For how long"), duration);
    }
    rows += row(tr("On the node"),
        tr("at most %1 MB in %2 (%3 files of %4 MB, the oldest overwritten)")
            .arg(plan.ringSizeMb * plan.ringCount)
            .arg(code(qs(plan.remoteDir)))
            .arg(plan.ringCount)
            .arg(plan.ringSizeMb));
    rows += row(tr("On this computer"),
        tr("the files in %1, each checked against its sha256 on the node").arg(code(qs(rq.outDir))));
    m_details->setText(QStringLiteral("<p>%1</p><table>%2</table><p>%3</p>")
                           .arg(tr("Capture <b>%1</b>.").arg(st.label.toHtmlEscaped()), rows,
                               tr("Press <b>Start capture</b> to go ahead, or Back to change the plan.")));
}

} // namespace lbs::ui
