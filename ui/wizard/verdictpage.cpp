#include "ui/wizard/verdictpage.h"

#include "core/analysis/analyzer.h"
#include "core/analysis/findingexplanation.h"
#include "core/report/runreport.h"
#include "ui/jobs/jobrunner.h"
#include "ui/wizard/reportpdf.h"
#include "ui/wizard/troubleshootwizard.h"

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTextBrowser>
#include <QTimeZone>
#include <QVBoxLayout>

namespace lbs::ui {

namespace {

struct Outcome {
    QString error;
    analysis::Verdict verdict;
    QString findingsHtml;
    std::shared_ptr<analysis::CaptureAnalysis> analysis;
};

QString severityColor(analysis::Severity s)
{
    switch (s) {
    case analysis::Severity::Error:
        return QStringLiteral("#c62828");
    case analysis::Severity::Warning:
        return QStringLiteral("#b26a00");
    case analysis::Severity::Info:
        break;
    }
    return QStringLiteral("#555555");
}

QString findingsHtml(const analysis::CaptureAnalysis &a, const analysis::Verdict &v)
{
    QString html = QStringLiteral("<p><b>%1</b> %2</p>")
                       .arg(WizardVerdictPage::tr("What next:"),
                           QString::fromUtf8(analysis::verdictAdvice(v.kind)).toHtmlEscaped());
    if (a.findings.empty())
        return html
            + WizardVerdictPage::tr(
                "<p>The analysis raised no finding beyond the sentence above (%n TCP connection(s), each "
                "counted once even when the capture saw it on both sides of the node).</p>",
                nullptr, int(a.tcpConnections()));
    for (const analysis::Finding &f : a.findings) {
        const analysis::FindingExplanation &ex = analysis::explainFinding(f.kind);
        html += QStringLiteral(
            "<h4 style='color:%1; margin-bottom:2px'>%2: %3</h4><p style='margin-top:0'><i>%4"
            "</i></p>%5")
                    .arg(severityColor(f.severity), QString::fromLatin1(analysis::severityName(f.severity)),
                        QString::fromStdString(f.summary).toHtmlEscaped(),
                        QString::fromStdString(ex.headline).toHtmlEscaped(),
                        QString::fromStdString(ex.details));
    }
    return html;
}

} // namespace

WizardVerdictPage::WizardVerdictPage(TroubleshootWizard *wizard)
    : m_wizard(wizard), m_jobs(new JobRunner(this)), m_verdict(new QLabel), m_findings(new QTextBrowser),
      m_open(new QPushButton(tr("Open in viewer"))), m_export(new QPushButton(tr("Export report…")))
{
    setTitle(tr("Verdict"));
    setSubTitle(tr("What the capture shows, in one sentence; then each finding with what it usually means "
                   "and what to check next."));
    setFinalPage(true);
    QFont big = m_verdict->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_verdict->setFont(big);
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verdict->setMargin(8);
    m_findings->setOpenExternalLinks(false);
    m_open->setEnabled(false);
    m_open->setToolTip(tr("Open the capture in the main window: timeline, flows, latency, findings"));
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_export);
    buttons->addWidget(m_open);
    m_export->setEnabled(false);
    m_export->setToolTip(tr("The whole run as one HTML file to attach to a ticket: checks, plan, capture, "
                            "plots, findings"));
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export report"),
            QDir(m_wizard->state().outDir).filePath(QStringLiteral("report.html")),
            tr("HTML (*.html);;PDF (*.pdf)"));
        if (path.isEmpty())
            return;
        const QString error = exportReport(path);
        if (!error.isEmpty())
            QMessageBox::warning(this, tr("Export report"), tr("Cannot write %1: %2").arg(path, error));
    });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_verdict);
    layout->addWidget(m_findings, 1);
    layout->addLayout(buttons);
    connect(m_open, &QPushButton::clicked, this,
        [this] { emit m_wizard->openCaptureRequested(m_wizard->state().outDir, m_wizard->state().label); });
}

QString WizardVerdictPage::exportReport(const QString &path) const
{
    const WizardState &st = m_wizard->state();
    QString title = st.context.isEmpty() ? st.serviceKey : tr("%1 on %2").arg(st.serviceKey, st.context);
    if (title.isEmpty())
        title = QDir(st.outDir).dirName();
    report::RunReport r = report::newRunReport(title, QStringLiteral("lbscope"));
    report::setVerdict(r, m_shown);
    r.checks = st.checks;
    const capture::CapturePlan &p = st.request.plan;
    const QString qnode = QString::fromStdString(st.request.node);
    r.plan = {{tr("What"), st.label},
        {tr("Node"), st.request.target.ssh.empty() ? qnode : QString::fromStdString(st.request.target.ssh)},
        {tr("Interface"), QString::fromStdString(p.iface)}, {tr("Filter"), QString::fromStdString(p.filter)},
        {tr("Ring"), tr("%1 files of %2 MB").arg(p.ringCount).arg(p.ringSizeMb)},
        {tr("Duration"), p.durationSec > 0 ? tr("%1 s").arg(p.durationSec) : tr("until stopped")},
        {tr("Saved to"), st.outDir}};
    r.analysis = m_analysis.get();
    if (path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive))
        return writeReportPdf(report::runReportHtml(r), path);
    return report::writeRunReport(r, path);
}

void WizardVerdictPage::initializePage()
{
    m_done = false;
    m_export->setEnabled(false);
    m_open->setEnabled(false);
    m_verdict->setText(tr("Analysing the capture…"));
    m_verdict->setStyleSheet(QString());
    m_findings->clear();
    const WizardState &st = m_wizard->state();
    const QString dir = st.outDir;
    analysis::VerdictContext context;
    context.node = st.request.node.empty() ? st.target.node.toStdString() : st.request.node;
    context.iface = st.request.plan.iface;
    context.utcOffsetSeconds = QDateTime::currentDateTime().offsetFromUtc();
    for (const kube::EndpointInfo &e : st.location.endpoints)
        if (!e.podName.isEmpty())
            context.backends.emplace_back(
                e.ip.toStdString(), QString(e.podNamespace + QLatin1Char('/') + e.podName).toStdString());
    auto outcome = std::make_shared<Outcome>();
    m_jobs->run(
        [dir, context, outcome](const JobContext &job) {
            auto set = pcap::CaptureSet::open({dir.toStdString()});
            if (!set) {
                outcome->error = QString::fromStdString(set.error().toString());
                return;
            }
            analysis::Analyzer analyzer;
            auto a = analyzer.run(*set, job.token());
            if (!a) {
                outcome->error = QString::fromStdString(a.error().toString());
                return;
            }
            outcome->verdict = analysis::computeVerdict(*a, context);
            outcome->findingsHtml = findingsHtml(*a, outcome->verdict);
            outcome->analysis = std::make_shared<analysis::CaptureAnalysis>(std::move(*a));
        },
        [this, outcome] {
            m_done = true;
            if (!outcome->error.isEmpty()) {
                m_verdict->setText(tr("The capture could not be analysed: %1").arg(outcome->error));
                m_verdict->setStyleSheet(QStringLiteral("color: #c62828;"));
            } else {
                const bool problem = outcome->verdict.kind != analysis::VerdictKind::Healthy;
                m_verdict->setText(QString::fromStdString(outcome->verdict.sentence));
                m_verdict->setStyleSheet(
                    problem ? QStringLiteral("color: #c62828;") : QStringLiteral("color: #2e7d32;"));
                m_findings->setHtml(outcome->findingsHtml);
                m_analysis = outcome->analysis;
                m_shown = outcome->verdict;
                m_export->setEnabled(true);
                m_open->setEnabled(true);
            }
            emit completeChanged();
            emit verdictShown(m_verdict->text());
        });
}

bool WizardVerdictPage::isComplete() const
{
    return m_done;
}

} // namespace lbs::ui
