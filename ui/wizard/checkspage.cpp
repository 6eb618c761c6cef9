#include "ui/wizard/checkspage.h"

#include "core/capture/servicelocation.h"
#include "core/checks/checkengine.h"
#include "core/kube/kubeconfigloader.h"
#include "ui/cluster/clustersettings.h"
#include "ui/jobs/jobrunner.h"
#include "ui/wizard/troubleshootwizard.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace lbs::ui {

using checks::CheckResult;
using checks::CheckStatus;

namespace {

QColor statusColor(CheckStatus s)
{
    switch (s) {
    case CheckStatus::Pass:
        return QColor(0x2e, 0x7d, 0x32);
    case CheckStatus::Warn:
        return QColor(0xe6, 0x8a, 0x00);
    case CheckStatus::Fail:
        return QColor(0xc6, 0x28, 0x28);
    case CheckStatus::Running:
        return QColor(0x1e, 0x6f, 0xd9);
    case CheckStatus::Pending:
    case CheckStatus::Skipped:
        break;
    }
    return QColor(0x80, 0x80, 0x80);
}

// A round badge with a mark: ✓ pass, ! warn, ✗ fail, … running, – skipped, blank pending.
QIcon statusIcon(CheckStatus s)
{
    QPixmap pm(32, 32);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor c = statusColor(s);
    if (s == CheckStatus::Pending) {
        p.setPen(QPen(c, 2));
        p.drawEllipse(QRectF(3, 3, 26, 26));
        return QIcon(pm);
    }
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    p.drawEllipse(QRectF(2, 2, 28, 28));
    p.setPen(QPen(Qt::white, 3.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    switch (s) {
    case CheckStatus::Pass:
        p.drawPolyline(QPolygonF({QPointF(9, 16.5), QPointF(14, 21.5), QPointF(23, 11)}));
        break;
    case CheckStatus::Fail:
        p.drawLine(QPointF(11, 11), QPointF(21, 21));
        p.drawLine(QPointF(21, 11), QPointF(11, 21));
        break;
    case CheckStatus::Warn:
        p.drawLine(QPointF(16, 8.5), QPointF(16, 18));
        p.drawPoint(QPointF(16, 23.5));
        break;
    case CheckStatus::Running:
        for (int i = 0; i < 3; ++i)
            p.drawPoint(QPointF(10 + 6 * i, 16));
        break;
    default:
        p.drawLine(QPointF(10, 16), QPointF(22, 16));
        break;
    }
    return QIcon(pm);
}

QString statusWord(CheckStatus s)
{
    switch (s) {
    case CheckStatus::Pending:
        return WizardChecksPage::tr("waiting");
    case CheckStatus::Running:
        return WizardChecksPage::tr("running…");
    case CheckStatus::Pass:
        return WizardChecksPage::tr("passed");
    case CheckStatus::Warn:
        return WizardChecksPage::tr("warning");
    case CheckStatus::Fail:
        return WizardChecksPage::tr("FAILED");
    case CheckStatus::Skipped:
        return WizardChecksPage::tr("skipped");
    }
    return {};
}

} // namespace

WizardChecksPage::WizardChecksPage(TroubleshootWizard *wizard)
    : m_wizard(wizard), m_jobs(new JobRunner(this)), m_list(new QTreeWidget), m_summary(new QLabel),
      m_continue(new QCheckBox(tr("Continue anyway: capture even though a check failed"))),
      m_again(new QPushButton(tr("Run again")))
{
    setTitle(tr("What an expert checks first"));
    setSubTitle(tr("Before capturing anything, lbscope reads what the cluster says about the service. Many "
                   "load balancer faults are named here already. Each check shows what it read or ran and, "
                   "when something is wrong, what to do."));
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("Check"), tr("Result")});
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(false);
    m_list->setWordWrap(true);
    m_list->setIconSize(QSize(18, 18));
    m_list->setUniformRowHeights(false);
    m_summary->setWordWrap(true);
    m_continue->hide();
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_summary, 1);
    bottom->addWidget(m_continue);
    bottom->addWidget(m_again);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 1);
    layout->addLayout(bottom);
    connect(m_continue, &QCheckBox::toggled, this, &QWizardPage::completeChanged);
    connect(m_again, &QPushButton::clicked, this, &WizardChecksPage::runChecks);
}

void WizardChecksPage::initializePage()
{
    if (m_ranFor != m_wizard->state().serviceKey || m_results.isEmpty())
        runChecks();
}

void WizardChecksPage::cleanupPage()
{
    m_jobs->cancel();
    if (!m_finished)
        m_results.clear(); // run again when the page is shown next
}

bool WizardChecksPage::isRunning() const
{
    return m_jobs->isRunning();
}

void WizardChecksPage::runChecks()
{
    m_finished = false;
    m_ranFor = m_wizard->state().serviceKey;
    m_continue->setChecked(false);
    m_continue->hide();
    m_again->setEnabled(false);
    m_list->clear();
    m_results = checks::CheckEngine::pendingChecks();
    for (const CheckResult &r : m_results)
        show(r);
    m_summary->setText(tr("Running %1 checks concurrently, each with a time limit…").arg(m_results.size()));
    emit completeChanged();

    const WizardState &st = m_wizard->state();
    const kube::KubeConfigSource source = st.source;
    const QString context = st.context;
    const auto [ns, name] = kube::splitNamespacedName(st.serviceKey, QStringLiteral("default"));
    const bool probe = st.probeNodes;
    capture::TargetOptions target;
    target.kubeconfig = source.explicitPath.toStdString();
    target.context = context.toStdString();
    target.image = clustersettings::debugImage(st.server).toStdString();
    auto outcome = std::make_shared<Result<QList<CheckResult>>>(QList<CheckResult>());
    m_jobs->run(
        [this, source, context, ns, name, probe, target, outcome](const JobContext &job) {
            auto cfg = kube::KubeConfigLoader::load(source);
            if (!cfg) {
                *outcome = cfg.error();
                return;
            }
            auto resolved = cfg->resolve(context);
            if (!resolved) {
                *outcome = resolved.error();
                return;
            }
            auto client = kube::KubeClient::create(*resolved);
            if (!client) {
                *outcome = client.error();
                return;
            }
            checks::CheckOptions options;
            options.nameSpace = ns;
            options.service = name;
            checks::CheckEngine engine(**client, options);
            if (probe)
                engine.setLocate([target](kube::KubeClient &c, const QString &n, const QString &s,
                                     const CancelToken &cancel) {
                    return capture::locateVip(c, target, QString(n + QLatin1Char('/') + s).toStdString(),
                        true, cancel, [](const std::string &) {});
                });
            // Each check as it starts and ends, on the GUI thread (the page owns the runner).
            engine.setObserver([this, &job](const CheckResult &r) { job.post([this, r] { show(r); }); });
            *outcome = engine.run(job.token());
        },
        [this, outcome] {
            if (*outcome)
                m_results = **outcome;
            finish(*outcome ? QString() : QString::fromStdString(outcome->error().toString()));
        });
}

void WizardChecksPage::show(const CheckResult &r)
{
    QTreeWidgetItem *item = row(r.id);
    for (CheckResult &mine : m_results)
        if (mine.id == r.id)
            mine = r;
    item->setText(0, r.title);
    item->setIcon(0, statusIcon(r.status));
    item->setText(1, statusWord(r.status));
    item->setForeground(1, statusColor(r.status));
    item->setToolTip(0, r.why);
    qDeleteAll(item->takeChildren());
    const auto child = [item](const QString &text, const QColor &color = {}) {
        auto *c = new QTreeWidgetItem(item, {text});
        c->setFirstColumnSpanned(true);
        if (color.isValid())
            c->setForeground(0, color);
        c->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        return c;
    };
    QTreeWidgetItem *why
        = child(tr("Why: %1").arg(r.why), m_list->palette().color(QPalette::PlaceholderText));
    QFont italic = why->font(0);
    italic.setItalic(true);
    why->setFont(0, italic);
    if (checks::isFinished(r.status)) {
        for (const QString &line : r.evidence)
            child(QStringLiteral("    ") + line);
        if (!r.fix.isEmpty()) {
            QTreeWidgetItem *fix = child(tr("Fix: %1").arg(r.fix), statusColor(r.status));
            QFont bold = fix->font(0);
            bold.setBold(true);
            fix->setFont(0, bold);
        }
    }
    // Finished checks show what they read and, when something is wrong, the fix.
    item->setExpanded(checks::isFinished(r.status));
}

QTreeWidgetItem *WizardChecksPage::row(const QString &id)
{
    for (int i = 0; i < m_list->topLevelItemCount(); ++i)
        if (m_list->topLevelItem(i)->data(0, Qt::UserRole).toString() == id)
            return m_list->topLevelItem(i);
    auto *item = new QTreeWidgetItem(m_list);
    item->setData(0, Qt::UserRole, id);
    return item;
}

void WizardChecksPage::finish(const QString &error)
{
    m_finished = true;
    m_again->setEnabled(true);
    for (const CheckResult &r : std::as_const(m_results))
        show(r);
    const int failed = countStatus(m_results, CheckStatus::Fail);
    const int warned = countStatus(m_results, CheckStatus::Warn);
    const int passed = countStatus(m_results, CheckStatus::Pass);
    m_wizard->state().checks = m_results;
    if (!error.isEmpty()) {
        m_summary->setText(tr("The checks could not run: %1").arg(error));
        m_summary->setStyleSheet(QStringLiteral("color: #c62828;"));
        m_continue->show();
    } else if (failed > 0) {
        m_summary->setText(tr("%1 of %2 checks failed: read the fix under each. Fix it and Run again, or "
                              "capture anyway to see the fault on the wire.")
                               .arg(failed)
                               .arg(m_results.size()));
        m_summary->setStyleSheet(QStringLiteral("color: #c62828;"));
        m_continue->show();
    } else {
        m_summary->setText(
            tr("%1 passed, %2 with a warning, %3 skipped. Next proposes a capture from what was found.")
                .arg(passed)
                .arg(warned)
                .arg(m_results.size() - passed - warned));
        m_summary->setStyleSheet(QString());
    }
    emit completeChanged();
    emit checksFinished();
}

bool WizardChecksPage::isComplete() const
{
    if (!m_finished)
        return false;
    const bool failed = countStatus(m_results, CheckStatus::Fail) > 0;
    return (!failed && m_results.size() > 0) || m_continue->isChecked();
}

} // namespace lbs::ui
