#include "hostkeyprompt.h"

#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QWidget>

#include <chrono>
#include <future>

namespace lbs::ui {

HostKeyPrompt::HostKeyPrompt(QWidget *dialogParent) : QObject(dialogParent), m_dialogParent(dialogParent)
{
}

bool HostKeyPrompt::ask(const QString &host, const QString &fingerprint, const QString &knownHostsFile)
{
    m_lastQuestion = tr("The host key of %1 is not known.\n\nFingerprint: %2\n\n"
                        "Compare it with the key the host's administrator gives you. If you trust it, "
                        "it is recorded in %3 and checked on every later connection.")
                         .arg(host, fingerprint, knownHostsFile);
    if (m_autoAnswer) {
        emit asking(m_lastQuestion);
        return *m_autoAnswer;
    }
    QMessageBox box(
        QMessageBox::Question, tr("Unknown host key"), m_lastQuestion, QMessageBox::NoButton, m_dialogParent);
    QPushButton *trust = box.addButton(tr("Trust and connect"), QMessageBox::AcceptRole);
    box.addButton(tr("Refuse"), QMessageBox::RejectRole);
    box.setDefaultButton(static_cast<QPushButton *>(box.buttons().last()));
    box.setTextInteractionFlags(Qt::TextSelectableByMouse);
    QMetaObject::invokeMethod(
        this, [this] { emit asking(m_lastQuestion); }, Qt::QueuedConnection);
    box.exec();
    return box.clickedButton() == trust;
}

bool HostKeyPrompt::askFromWorker(
    const QString &host, const QString &fingerprint, const QString &knownHostsFile, const CancelToken &cancel)
{
    auto answer = std::make_shared<std::promise<bool>>();
    std::future<bool> future = answer->get_future();
    QPointer<HostKeyPrompt> self(this);
    QMetaObject::invokeMethod(
        this,
        [self, answer, host, fingerprint, knownHostsFile] {
            answer->set_value(self && self->ask(host, fingerprint, knownHostsFile));
        },
        Qt::QueuedConnection);
    // Not a BlockingQueuedConnection: closing the dialog cancels the job and must not wait for a
    // worker that waits for the GUI thread.
    while (future.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
        if (cancel.isCancelled())
            return false;
    }
    return future.get();
}

} // namespace lbs::ui
