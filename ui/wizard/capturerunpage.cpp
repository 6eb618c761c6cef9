#include "ui/wizard/capturerunpage.h"

#include "ui/capture/capturecontroller.h"
#include "ui/capture/sparkline.h"
#include "ui/cluster/hostkeyprompt.h"
#include "ui/cluster/passphraseprompt.h"
#include "ui/wizard/troubleshootwizard.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace lbs::ui {

using capture::CaptureState;

namespace {
QString bytesText(double b)
{
    if (b >= 1e9)
        return QStringLiteral("%1 GB").arg(b / 1e9, 0, 'f', 2);
    if (b >= 1e6)
        return QStringLiteral("%1 MB").arg(b / 1e6, 0, 'f', 1);
    if (b >= 1e3)
        return QStringLiteral("%1 kB").arg(b / 1e3, 0, 'f', 1);
    return QStringLiteral("%1 B").arg(qint64(b));
}

// What each state means, for someone who has never run tcpdump on a node.
QString explain(CaptureState s)
{
    switch (s) {
    case CaptureState::connecting:
        return WizardCapturePage::tr("Creating the debug pod on the node and waiting for it to run…");
    case CaptureState::checking:
        return WizardCapturePage::tr("Checking the node: tcpdump, the interface, free disk, the filter…");
    case CaptureState::starting:
        return WizardCapturePage::tr("Starting tcpdump…");
    case CaptureState::capturing:
        return WizardCapturePage::tr("Recording. Reproduce the problem now if you can.");
    case CaptureState::stopping:
        return WizardCapturePage::tr("Stopping tcpdump; the files are closed…");
    case CaptureState::downloading:
        return WizardCapturePage::tr("Downloading the files…");
    case CaptureState::verified:
        return WizardCapturePage::tr("Downloaded and verified.");
    case CaptureState::aborted:
        return WizardCapturePage::tr("Cancelled: tcpdump stopped, its files and the debug pod removed.");
    case CaptureState::failed:
        return WizardCapturePage::tr("The capture failed.");
    default:
        break;
    }
    return {};
}
} // namespace

WizardCapturePage::WizardCapturePage(TroubleshootWizard *wizard)
    : m_wizard(wizard), m_stateLabel(new QLabel), m_packets(new QLabel(tr("0"))),
      m_bytes(new QLabel(tr("0 B"))), m_drops(new QLabel(tr("0"))), m_rate(new QLabel), m_error(new QLabel),
      m_progress(new QProgressBar), m_spark(new Sparkline), m_ring(new QListWidget),
      m_stop(new QPushButton(tr("Stop now and download"))), m_cancel(new QPushButton(tr("Cancel capture"))),
      m_timer(new QTimer(this)), m_hostKeys(new HostKeyPrompt(this)),
      m_passphrases(new PassphrasePrompt(this))
{
    setTitle(tr("Capturing"));
    // No Back from here on: the capture runs (or ran) with the plan that was committed.
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("&Next >"));
    setSubTitle(tr("tcpdump records on the node. The capture ends by itself after the planned time; Stop "
                   "ends it earlier and keeps what was recorded, Cancel throws it away."));
    QFont big = m_stateLabel->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_stateLabel->setFont(big);
    m_stateLabel->setWordWrap(true);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    m_progress->setFormat(QStringLiteral("%v s"));
    m_drops->setToolTip(tr("Packets the kernel dropped because tcpdump could not keep up"));
    auto *stats = new QFormLayout;
    stats->addRow(tr("Time:"), m_progress);
    stats->addRow(tr("Packets:"), m_packets);
    stats->addRow(tr("Written:"), m_bytes);
    stats->addRow(tr("Dropped by the kernel:"), m_drops);
    auto *rate = new QHBoxLayout;
    rate->addWidget(m_spark);
    rate->addWidget(m_rate);
    rate->addStretch();
    stats->addRow(tr("Rate:"), rate);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_stop);
    buttons->addWidget(m_cancel);
    // A capture that failed or was cancelled: the wizard starts over from the cluster page, which keeps
    // the connection, the service and the checks' results, so the plan is two clicks away.
    m_again = new QPushButton(tr("Start over"));
    m_again->hide();
    buttons->insertWidget(0, m_again);
    connect(m_again, &QPushButton::clicked, this, [this] { m_wizard->restart(); });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_stateLabel);
    layout->addWidget(m_error);
    layout->addLayout(stats);
    layout->addWidget(new QLabel(tr("Files on the node (the ring):")));
    layout->addWidget(m_ring, 1);
    layout->addLayout(buttons);
    m_timer->setInterval(250);
    connect(m_timer, &QTimer::timeout, this, &WizardCapturePage::tick);

    CaptureController *c = wizard->controller();
    connect(m_stop, &QPushButton::clicked, c, &CaptureController::stop);
    connect(m_cancel, &QPushButton::clicked, this, [this, c] {
        m_cancel->setEnabled(false);
        m_stop->setEnabled(false);
        m_stateLabel->setText(tr("Cancelling…"));
        c->abort();
    });
    connect(c, &CaptureController::stateChanged, this, &WizardCapturePage::onState);
    connect(c, &CaptureController::checksDone, this, [this, c](bool ok, const QString &why) {
        if (ok) {
            c->start(); // the commit page was the go-ahead
            return;
        }
        m_error->setText(tr("Before capturing, the node check failed: %1").arg(why));
        m_error->show();
    });
    connect(c, &CaptureController::logLine, this, [this](const QString &level, const QString &text) {
        if (level == QLatin1String("error")) {
            m_error->setText(text);
            m_error->show();
        }
    });
    connect(c, &CaptureController::sampled, this, [this](const capture::MonitorSample &s) {
        if (s.counters.captured)
            m_packets->setText(QString::number(*s.counters.captured));
        m_bytes->setText(bytesText(double(s.totalBytes)));
        const quint64 drops = s.counters.droppedByKernel.value_or(0);
        m_drops->setText(QString::number(drops));
        m_drops->setStyleSheet(drops > 0 ? QStringLiteral("color: #c62828; font-weight: bold;") : QString());
        m_spark->addValue(s.bytesPerSec);
        m_rate->setText(bytesText(s.bytesPerSec) + QStringLiteral("/s"));
        for (const auto &f : s.files) {
            const auto slash = f.path.rfind('/');
            showRingFile(
                QString::fromStdString(slash == std::string::npos ? f.path : f.path.substr(slash + 1)),
                f.size, false);
        }
    });
    connect(c, &CaptureController::ringFile, this, &WizardCapturePage::showRingFile);
    connect(c, &CaptureController::finished, this, [this](CaptureState state, const QString &, bool) {
        m_timer->stop();
        if (state != m_state)
            onState(state, QString());
    });
}

void WizardCapturePage::showRingFile(const QString &name, quint64 size, bool complete)
{
    QListWidgetItem *item = nullptr;
    for (int i = 0; i < m_ring->count() && !item; ++i)
        if (m_ring->item(i)->data(Qt::UserRole).toString() == name)
            item = m_ring->item(i);
    if (!item) {
        item = new QListWidgetItem(m_ring);
        item->setData(Qt::UserRole, name);
    }
    complete |= item->data(Qt::UserRole + 1).toBool(); // a later sample does not undo "complete"
    item->setData(Qt::UserRole + 1, complete);
    item->setText(QStringLiteral("%1  %2%3")
                      .arg(name, bytesText(double(size)), complete ? tr("  (complete)") : QString()));
}

void WizardCapturePage::initializePage()
{
    const WizardState &st = m_wizard->state();
    m_duration = st.request.plan.durationSec;
    m_progress->setRange(0, m_duration > 0 ? int(m_duration) : 0);
    m_progress->setValue(0);
    m_ring->clear();
    m_spark->clear();
    m_error->hide();
    m_stop->setEnabled(false);
    m_cancel->setEnabled(true);
    m_again->hide();
    m_wizard->state().outDir = QString::fromStdString(st.request.outDir);
    // Over SSH: an unknown host key and a key's passphrase are asked here, on the GUI thread, while
    // the worker waits (or gives up on Cancel), as on the capture page.
    capture::CaptureRequest rq = st.request;
    CaptureController *c = m_wizard->controller();
    const QString identity = QString::fromStdString(rq.target.identity);
    rq.target.passphrase = [this, c, identity](const std::string &prompt) {
        const CancelToken *abort = c->abortToken();
        return abort ? m_passphrases->askFromWorker(identity, QString::fromStdString(prompt), *abort)
                     : std::string();
    };
    rq.target.confirmNewHostKey
        = [this, c](const std::string &host, const std::string &fp, const std::string &file) {
              const CancelToken *abort = c->abortToken();
              return abort
                  && m_hostKeys->askFromWorker(QString::fromStdString(host), QString::fromStdString(fp),
                      QString::fromStdString(file), *abort);
          };
    c->begin(rq);
    onState(CaptureState::connecting, QString());
}

void WizardCapturePage::onState(CaptureState state, const QString &detail)
{
    m_state = state;
    if (state == CaptureState::capturing && !m_timer->isActive()) {
        m_elapsed.start();
        m_timer->start();
    }
    m_stop->setEnabled(state == CaptureState::capturing);
    m_cancel->setEnabled(!capture::isFinal(state));
    m_again->setVisible(state == CaptureState::failed || state == CaptureState::aborted);
    m_stateLabel->setText(
        explain(state) + (detail.isEmpty() ? QString() : QStringLiteral(" (") + detail + QLatin1Char(')')));
    const bool bad = state == CaptureState::failed || state == CaptureState::aborted;
    m_stateLabel->setStyleSheet(bad ? QStringLiteral("color: #c62828;") : QString());
    emit completeChanged();
    // The download has its own page: go on as soon as it starts.
    if ((state == CaptureState::downloading || state == CaptureState::verified)
        && m_wizard->currentPage() == this)
        m_wizard->next();
}

void WizardCapturePage::tick()
{
    const qint64 s = m_elapsed.elapsed() / 1000;
    if (m_duration > 0)
        m_progress->setValue(int(std::min<double>(double(s), m_duration)));
    else
        m_progress->setFormat(tr("%1 s").arg(s));
}

bool WizardCapturePage::isComplete() const
{
    return m_state == CaptureState::downloading || m_state == CaptureState::verified;
}

} // namespace lbs::ui
