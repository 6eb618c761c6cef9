#include "ui/capture/capturepage.h"
#include "ui/capture/capturecontroller.h"
#include "ui/capture/captureplanform.h"
#include "ui/capture/sparkline.h"
#include "ui/cluster/hostkeyprompt.h"
#include "ui/cluster/passphraseprompt.h"
#include <QDateTime>
#include <QDir>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace lbs::ui {

using capture::CaptureState;

namespace {
enum Check { running = 0, pass = 1, fail = 2 };
const QColor kGreen(0x2e, 0x7d, 0x32);
const QColor kRed(0xc6, 0x28, 0x28);
constexpr int kVerifiedRole = Qt::UserRole + 1;

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
QString clock(qint64 ms)
{
    const qint64 s = ms / 1000;
    return s >= 3600
        ? QStringLiteral("%1:%2:%3")
              .arg(s / 3600)
              .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
              .arg(s % 60, 2, 10, QLatin1Char('0'))
        : QStringLiteral("%1:%2").arg(s / 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

CapturePage::CapturePage(QWidget *parent)
    : QWidget(parent), m_controller(new CaptureController(this)), m_plan(new CapturePlanForm(this))
{
    auto *top = new QHBoxLayout;
    auto *planBox = new QGroupBox(tr("Plan"), this);
    (new QVBoxLayout(planBox))->addWidget(m_plan);
    auto *checkBox = new QGroupBox(tr("Checks"), this);
    m_checks = new QListWidget(checkBox);
    m_checks->setWordWrap(true);
    (new QVBoxLayout(checkBox))->addWidget(m_checks);
    top->addWidget(planBox, 3);
    top->addWidget(checkBox, 2);

    auto *capBox = new QGroupBox(tr("Capture"), this);
    auto *cap = new QVBoxLayout(capBox);
    auto *stats = new QHBoxLayout;
    m_stateLabel = new QLabel(tr("Idle"), capBox);
    QFont bold = m_stateLabel->font();
    bold.setBold(true);
    m_stateLabel->setFont(bold);
    m_packets = new QLabel(tr("0 packets"), capBox);
    m_bytes = new QLabel(tr("0 B"), capBox);
    m_drops = new QLabel(tr("0 dropped"), capBox);
    m_spark = new Sparkline(capBox);
    m_rate = new QLabel(capBox);
    stats->addWidget(m_stateLabel);
    stats->addSpacing(16);
    stats->addWidget(m_packets);
    stats->addWidget(m_bytes);
    stats->addWidget(m_drops);
    stats->addStretch();
    stats->addWidget(new QLabel(tr("Rate:"), capBox));
    stats->addWidget(m_spark);
    stats->addWidget(m_rate);
    cap->addLayout(stats);
    m_files = new QTreeWidget(capBox);
    m_files->setHeaderLabels({tr("File"), tr("Size"), tr("Download"), tr("sha256")});
    m_files->setRootIsDecorated(false);
    m_files->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_files->setMinimumHeight(90);
    cap->addWidget(m_files);

    auto *buttons = new QHBoxLayout;
    m_check = new QPushButton(tr("Connect && check"), this);
    m_start = new QPushButton(tr("Start"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    m_abort = new QPushButton(tr("Abort"), this);
    m_open = new QPushButton(tr("Open in viewer"), this);
    m_again = new QPushButton(tr("Capture again"), this);
    m_start->setDefault(true);
    for (QPushButton *b : {m_check, m_start, m_stop, m_abort})
        buttons->addWidget(b);
    buttons->addStretch();
    buttons->addWidget(m_again);
    buttons->addWidget(m_open);

    m_logToggle = new QToolButton(this);
    m_logToggle->setText(tr("Log"));
    m_logToggle->setCheckable(true);
    m_logToggle->setChecked(true);
    m_logToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_logToggle->setArrowType(Qt::DownArrow);
    m_logToggle->setAutoRaise(true);
    m_log = new QPlainTextEdit(this);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setMinimumHeight(80);
    connect(m_logToggle, &QToolButton::toggled, this, [this](bool on) {
        m_log->setVisible(on);
        m_logToggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
    });

    auto *v = new QVBoxLayout(this);
    v->addLayout(top, 3);
    v->addLayout(buttons);
    v->addWidget(capBox, 2);
    v->addWidget(m_logToggle);
    v->addWidget(m_log, 1);

    m_hostKeys = new HostKeyPrompt(this);
    m_passphrases = new PassphrasePrompt(this);
    connect(m_passphrases, &PassphrasePrompt::rememberFailed, this, [this](const QString &error) {
        appendLog(QStringLiteral("warning"), tr("the passphrase was not remembered: %1").arg(error));
    });
    m_timer = new QTimer(this);
    m_timer->setInterval(250);
    connect(m_timer, &QTimer::timeout, this, &CapturePage::tick);

    connect(m_check, &QPushButton::clicked, this, &CapturePage::runChecks);
    connect(m_start, &QPushButton::clicked, this, &CapturePage::startCapture);
    connect(m_stop, &QPushButton::clicked, this, &CapturePage::stopCapture);
    connect(m_abort, &QPushButton::clicked, this, &CapturePage::abortCapture);
    connect(m_open, &QPushButton::clicked, this, [this] { emit openRequested(m_outDir, m_label); });
    connect(m_again, &QPushButton::clicked, this, [this] {
        if (QDir(m_plan->outDir()).exists(QStringLiteral("manifest.json")))
            m_plan->setOutDir(CapturePlanForm::defaultOutDir());
        runChecks();
    });
    connect(m_plan, &CapturePlanForm::changed, this, &CapturePage::updateButtons);

    connect(m_controller, &CaptureController::stateChanged, this, &CapturePage::setState);
    connect(m_controller, &CaptureController::logLine, this, &CapturePage::appendLog);
    connect(m_controller, &CaptureController::preflightPassed, this, [this](const QStringList &lines) {
        finishRunningCheck(pass);
        for (const QString &l : lines)
            addCheck(l, pass);
    });
    // Through a debug pod, the cluster was asked first whether the pod may be created and used: its
    // answers go above the connection, which goes on.
    connect(m_controller, &CaptureController::accessChecked, this, [this](const QStringList &lines) {
        const int row = m_checks->count() - 1;
        addCheck(tr("Allowed to run the debug pod (RBAC, PodSecurity)") + QStringLiteral("\n    ")
                + lines.join(QStringLiteral("\n    ")),
            pass);
        if (row >= 0)
            m_checks->insertItem(row, m_checks->takeItem(m_checks->count() - 1));
    });
    connect(m_controller, &CaptureController::checksDone, this, [this](bool ok, const QString &why) {
        finishRunningCheck(ok ? pass : fail, why);
        if (!ok && why.contains(QStringLiteral("cannot read the private key")))
            m_passphrases->keyRejected();
        m_checksOk = ok;
        if (ok && m_state == CaptureState::checking)
            m_stateLabel->setText(tr("Ready — the checks passed; Start runs tcpdump"));
        updateButtons();
        emit checksFinished(ok);
    });
    connect(m_controller, &CaptureController::sampled, this, [this](const capture::MonitorSample &s) {
        if (s.counters.captured)
            m_packets->setText(tr("%1 packets").arg(*s.counters.captured));
        m_bytes->setText(bytesText(double(s.totalBytes)));
        const quint64 drops = s.counters.droppedByKernel.value_or(0);
        m_drops->setText(tr("%1 dropped by kernel").arg(drops));
        m_drops->setStyleSheet(drops > 0 ? QStringLiteral("color: #c62828; font-weight: bold;") : QString());
        m_spark->addValue(s.bytesPerSec);
        m_spark->setToolTip(bytesText(s.bytesPerSec) + QStringLiteral("/s"));
        m_rate->setText(bytesText(s.bytesPerSec) + QStringLiteral("/s"));
        for (const auto &f : s.files) {
            const auto slash = f.path.rfind('/');
            fileRow(QString::fromStdString(slash == std::string::npos ? f.path : f.path.substr(slash + 1)))
                ->setText(1, bytesText(double(f.size)));
        }
    });
    connect(m_controller, &CaptureController::ringFile, this,
        [this](const QString &name, quint64 size, bool complete) {
            QTreeWidgetItem *row = fileRow(name);
            row->setText(1, bytesText(double(size)));
            if (complete)
                row->setText(3, tr("on the node, complete"));
        });
    connect(m_controller, &CaptureController::downloadProgress, this,
        [this](const QString &name, quint64 done, quint64 total) {
            QTreeWidgetItem *row = fileRow(name);
            auto *bar = qobject_cast<QProgressBar *>(m_files->itemWidget(row, 2));
            if (!bar) {
                bar = new QProgressBar(m_files);
                bar->setMaximumHeight(16);
                m_files->setItemWidget(row, 2, bar);
            }
            bar->setMaximum(total > 0 ? 1000 : 0);
            bar->setValue(total > 0 ? int(1000.0 * double(done) / double(total)) : 0);
        });
    connect(m_controller, &CaptureController::fileVerified, this,
        [this](const QString &name, quint64 size, const QString &sha) {
            QTreeWidgetItem *row = fileRow(name);
            row->setText(1, bytesText(double(size)));
            if (auto *bar = qobject_cast<QProgressBar *>(m_files->itemWidget(row, 2))) {
                bar->setMaximum(1000);
                bar->setValue(1000);
            }
            row->setText(3, QStringLiteral("✓ ") + sha.left(16) + QStringLiteral("…"));
            m_verifiedBytes += size;
            m_bytes->setText(bytesText(double(m_verifiedBytes))); // the files as downloaded
            row->setToolTip(3, sha);
            row->setForeground(3, kGreen);
            row->setData(3, kVerifiedRole, true);
        });
    connect(m_controller, &CaptureController::finished, this,
        [this](CaptureState state, const QString &dir, bool canReattach) {
            m_timer->stop();
            m_outDir = dir;
            if (!capture::isFinal(m_state) || m_state != state)
                setState(state, QString());
            if (canReattach)
                appendLog(QStringLiteral("info"),
                    tr("tcpdump still runs on the node; re-attach to %1 to continue").arg(dir));
            updateButtons();
        });
    updateButtons();
}

CapturePage::~CapturePage() = default;

bool CapturePage::isBusy() const
{
    return m_controller->isRunning();
}

void CapturePage::runChecks()
{
    if (isBusy() || !m_plan->isValid())
        return;
    m_checks->clear();
    m_files->clear();
    m_spark->clear();
    m_rate->clear();
    m_verifiedBytes = 0;
    m_checksOk = false;
    m_stop->setText(tr("Stop"));
    m_label = m_plan->label();
    capture::CaptureRequest rq = m_plan->request();
    wirePrompts(rq);
    m_outDir = QString::fromStdString(rq.outDir);
    appendLog(QStringLiteral("info"), tr("plan: %1 into %2").arg(m_plan->commandLine(), m_outDir));
    addCheck(tr("Connect to %1").arg(QString::fromStdString(rq.target.ssh.empty() ? rq.node : rq.target.ssh)),
        running);
    m_controller->begin(rq);
    updateButtons();
}

void CapturePage::reattach(const QString &dir)
{
    if (isBusy())
        return;
    capture::CaptureRequest rq = m_plan->request();
    rq.reattach = true;
    wirePrompts(rq);
    rq.outDir = dir.toStdString();
    m_outDir = dir;
    m_label = tr("re-attached: %1").arg(QDir(dir).dirName());
    m_checks->clear();
    addCheck(tr("Re-attach to the capture in %1").arg(dir), running);
    m_controller->begin(rq);
    updateButtons();
}

void CapturePage::startCapture()
{
    if (!m_checksOk || !isBusy())
        return;
    m_checksOk = false;
    m_controller->start();
    updateButtons();
}

void CapturePage::setSshPassphrase(const QString &identityFile, const QString &passphrase)
{
    m_passphrases->setKnown(identityFile, passphrase);
}

void CapturePage::wirePrompts(capture::CaptureRequest &request)
{
    // A key passphrase: the one typed in the workbench, the keychain's, or asked on the GUI thread.
    const QString identity = QString::fromStdString(request.target.identity);
    request.target.passphrase = [this, identity](const std::string &prompt) {
        const CancelToken *abort = m_controller->abortToken();
        return abort ? m_passphrases->askFromWorker(identity, QString::fromStdString(prompt), *abort)
                     : std::string();
    };
    // An unknown host key is asked about on the GUI thread; the worker waits, or gives up on Abort.
    request.target.confirmNewHostKey
        = [this](const std::string &host, const std::string &fp, const std::string &file) {
              const CancelToken *abort = m_controller->abortToken();
              return abort
                  && m_hostKeys->askFromWorker(QString::fromStdString(host), QString::fromStdString(fp),
                      QString::fromStdString(file), *abort);
          };
}

void CapturePage::stopCapture()
{
    m_controller->stop();
}
void CapturePage::abortCapture()
{
    m_controller->abort();
}
void CapturePage::detachCapture()
{
    m_controller->detach();
}

void CapturePage::setState(CaptureState state, const QString &detail)
{
    if (state == CaptureState::checking) {
        m_passphrases->keyAccepted(); // connected: the key opened
        finishRunningCheck(pass);
        addCheck(tr("Preflight: tcpdump, interface, free disk, root, filter"), running);
    }
    if (state == CaptureState::capturing && !m_timer->isActive()) {
        m_elapsed.start();
        m_timer->start();
    }
    if (state == CaptureState::stopping || capture::isFinal(state))
        m_timer->stop();
    m_state = state;
    QString text = QString::fromLatin1(capture::captureStateName(state));
    text[0] = text[0].toUpper();
    if (!detail.isEmpty())
        text += QStringLiteral(" — ") + detail;
    m_stateLabel->setText(text);
    const bool bad = state == CaptureState::failed || state == CaptureState::aborted;
    m_stateLabel->setStyleSheet(bad           ? QStringLiteral("color: #c62828;")
            : state == CaptureState::verified ? QStringLiteral("color: #2e7d32;")
                                              : QString());
    updateButtons();
    emit stateChanged(state);
}

void CapturePage::tick()
{
    m_stop->setText(tr("Stop (%1)").arg(clock(m_elapsed.elapsed())));
}

void CapturePage::addCheck(const QString &text, int status)
{
    auto *item = new QListWidgetItem(text, m_checks);
    item->setData(Qt::UserRole, status);
    const QString mark = status == pass ? QStringLiteral("✓ ")
        : status == fail                ? QStringLiteral("✗ ")
                                        : QStringLiteral("… ");
    item->setText(mark + text);
    if (status != running)
        item->setForeground(status == pass ? kGreen : kRed);
}

void CapturePage::finishRunningCheck(int status, const QString &suffix)
{
    for (int i = m_checks->count() - 1; i >= 0; --i) {
        QListWidgetItem *item = m_checks->item(i);
        if (item->data(Qt::UserRole).toInt() != running)
            continue;
        const QString text
            = item->text().mid(2) + (suffix.isEmpty() ? QString() : QStringLiteral("\n    ") + suffix);
        delete item;
        addCheck(text, status);
        return;
    }
    if (!suffix.isEmpty())
        addCheck(suffix, status);
}

void CapturePage::appendLog(const QString &level, const QString &text)
{
    const QString time = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
    m_log->appendPlainText(time + QLatin1Char(' ')
        + (level == QStringLiteral("info") ? QString() : level + QStringLiteral(": ")) + text);
}

QTreeWidgetItem *CapturePage::fileRow(const QString &name)
{
    for (int i = 0; i < m_files->topLevelItemCount(); ++i)
        if (m_files->topLevelItem(i)->text(0) == name)
            return m_files->topLevelItem(i);
    auto *row = new QTreeWidgetItem(m_files, {name});
    row->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    return row;
}

void CapturePage::updateButtons()
{
    const bool busy = isBusy();
    const bool capturing = m_state == CaptureState::capturing;
    m_plan->setEnabled(!busy);
    m_check->setEnabled(!busy && m_plan->isValid());
    m_start->setEnabled(busy && m_checksOk);
    m_stop->setEnabled(busy && capturing);
    m_abort->setEnabled(busy);
    m_open->setEnabled(!busy && m_state == CaptureState::verified);
    m_again->setEnabled(!busy && capture::isFinal(m_state));
}

} // namespace lbs::ui
