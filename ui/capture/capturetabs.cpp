#include "ui/capture/capturetabs.h"
#include "core/capture/captureworkflow.h"
#include "ui/app/mainwindow.h"
#include "ui/capture/capturecontroller.h"
#include "ui/capture/capturepage.h"
#include "ui/capture/captureplanform.h"
#include <QDir>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>

namespace lbs::ui {

CaptureTabs::CaptureTabs(MainWindow *window, QTabWidget *tabs)
    : QObject(window), m_window(window), m_tabs(tabs)
{
}

QString CaptureTabs::capturesFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)
        + QStringLiteral("/captures");
}

QStringList CaptureTabs::unfinishedCaptures(const QString &folder)
{
    QStringList found;
    const QDir dir(folder);
    for (const QString &sub : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString path = dir.filePath(sub);
        if (capture::findUnfinishedCapture(path.toStdString()))
            found << path;
    }
    return found;
}

CapturePage *CaptureTabs::openPage(const CaptureTarget &target)
{
    auto *page = new CapturePage(m_tabs);
    page->setAttribute(Qt::WA_DeleteOnClose);
    page->plan()->setTarget(target);
    if (target.ssh)
        page->plan()->setSshEndpoint(*target.ssh);
    m_pages << page;
    const QString title
        = target.isValid() ? tr("Capture %1 on %2").arg(target.iface, target.node) : tr("Capture");
    m_tabs->setCurrentIndex(m_tabs->addTab(page, title));
    connect(page, &CapturePage::openRequested, this, [this](const QString &dir, const QString &label) {
        m_window->openPaths({dir});
        if (m_tabs->currentIndex() >= 0 && !label.isEmpty())
            m_tabs->setTabText(m_tabs->currentIndex(), label);
    });
    return page;
}

QList<CapturePage *> CaptureTabs::busyPages() const
{
    QList<CapturePage *> busy;
    for (const auto &p : m_pages)
        if (p && p->isBusy())
            busy << p.data();
    return busy;
}

bool CaptureTabs::confirmClose()
{
    const QList<CapturePage *> busy = busyPages();
    if (busy.isEmpty())
        return true;
    if (m_closingAfterDownload)
        return false;
    QMessageBox box(QMessageBox::Question, tr("Capture running"),
        tr("%n capture(s) still running. What should happen to them?", nullptr, int(busy.size())),
        QMessageBox::NoButton, m_window);
    QPushButton *stop = box.addButton(tr("Stop and download"), QMessageBox::AcceptRole);
    QPushButton *leave = box.addButton(tr("Leave running for later"), QMessageBox::DestructiveRole);
    QPushButton *abort = box.addButton(tr("Abort and clean up"), QMessageBox::DestructiveRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(stop);
    box.exec();
    if (box.clickedButton() == stop) {
        m_closingAfterDownload = true;
        for (CapturePage *p : busy) {
            p->stopCapture();
            connect(p->controller(), &CaptureController::finished, this, [this] {
                if (busyPages().isEmpty()) {
                    m_closingAfterDownload = false;
                    m_window->close();
                }
            });
        }
        return false;
    }
    if (box.clickedButton() != leave && box.clickedButton() != abort)
        return false;
    for (CapturePage *p : busy) {
        box.clickedButton() == leave ? p->detachCapture() : p->abortCapture();
        p->controller()->wait(30000);
    }
    return true;
}

void CaptureTabs::offerReattach()
{
    const QStringList found = unfinishedCaptures(capturesFolder());
    if (found.isEmpty())
        return;
    const auto answer = QMessageBox::question(m_window, tr("Unfinished capture"),
        tr("tcpdump may still be running for %n capture(s) that were not downloaded:\n%1\n\nRe-attach to "
           "them now?",
            nullptr, int(found.size()))
            .arg(found.join(QLatin1Char('\n'))));
    if (answer != QMessageBox::Yes)
        return;
    for (const QString &dir : found)
        openPage(CaptureTarget())->reattach(dir);
}

} // namespace lbs::ui
