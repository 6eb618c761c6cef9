#include "ui/wizard/downloadpage.h"

#include "ui/capture/capturecontroller.h"
#include "ui/wizard/troubleshootwizard.h"

#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace lbs::ui {

using capture::CaptureState;

WizardDownloadPage::WizardDownloadPage(TroubleshootWizard *wizard)
    : m_wizard(wizard), m_files(new QTreeWidget), m_state(new QLabel)
{
    setTitle(tr("Downloading the capture"));
    setCommitPage(true); // the verdict is of this download: no way back into the capture
    setButtonText(QWizard::CommitButton, tr("&Next >"));
    setSubTitle(tr("Each file is copied from the node and its sha256 compared with the node's, so what you "
                   "analyse is exactly what tcpdump wrote."));
    m_files->setHeaderLabels({tr("File"), tr("Size"), tr("Download"), tr("sha256")});
    m_files->setRootIsDecorated(false);
    m_files->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_files->header()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_files, 1);
    layout->addWidget(m_state);

    CaptureController *c = wizard->controller();
    connect(c, &CaptureController::downloadProgress, this,
        [this](const QString &name, quint64 done, quint64 total) {
            QTreeWidgetItem *row = fileRow(name);
            auto *bar = qobject_cast<QProgressBar *>(m_files->itemWidget(row, 2));
            bar->setMaximum(total > 0 ? 1000 : 0);
            bar->setValue(total > 0 ? int(1000.0 * double(done) / double(total)) : 0);
            m_state->setText(tr("Downloading %1…").arg(name));
        });
    connect(c, &CaptureController::fileVerified, this,
        [this](const QString &name, quint64 size, const QString &sha) {
            QTreeWidgetItem *row = fileRow(name);
            row->setText(1, QStringLiteral("%1 kB").arg(double(size) / 1e3, 0, 'f', 1));
            auto *bar = qobject_cast<QProgressBar *>(m_files->itemWidget(row, 2));
            bar->setMaximum(1000);
            bar->setValue(1000);
            row->setText(3, QStringLiteral("✓ ") + sha.left(16) + QStringLiteral("…"));
            row->setToolTip(3, sha);
            row->setForeground(3, QColor(0x2e, 0x7d, 0x32));
        });
    connect(c, &CaptureController::finished, this, [this](CaptureState state, const QString &dir, bool) {
        m_final = state;
        if (state == CaptureState::verified) {
            m_wizard->state().outDir = dir;
            m_state->setText(tr(
                "All %n file(s) verified, in %1. Next analyses them.", nullptr, m_files->topLevelItemCount())
                                 .arg(dir));
            m_state->setStyleSheet(QStringLiteral("color: #2e7d32;"));
            emit verified();
        } else {
            m_state->setText(tr("The capture ended %1; see the files above.")
                                 .arg(QString::fromLatin1(capture::captureStateName(state))));
            m_state->setStyleSheet(QStringLiteral("color: #c62828;"));
        }
        emit completeChanged();
    });
}

QTreeWidgetItem *WizardDownloadPage::fileRow(const QString &name)
{
    for (int i = 0; i < m_files->topLevelItemCount(); ++i)
        if (m_files->topLevelItem(i)->text(0) == name)
            return m_files->topLevelItem(i);
    auto *row = new QTreeWidgetItem(m_files, {name});
    row->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    auto *bar = new QProgressBar(m_files);
    bar->setMaximumHeight(16);
    bar->setTextVisible(true);
    m_files->setItemWidget(row, 2, bar);
    return row;
}

bool WizardDownloadPage::isComplete() const
{
    return m_final == CaptureState::verified;
}

} // namespace lbs::ui
