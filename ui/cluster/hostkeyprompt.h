#pragma once
// Asking the user whether to trust an unknown SSH host key, from the worker thread that connects:
// the question hops to the GUI thread (a queued call) and the worker waits for the answer, or for
// its job to be cancelled (then the key is refused and nothing is recorded).

#include "core/common/canceltoken.h"

#include <QObject>

#include <optional>

class QWidget;

namespace lbs::ui {

class HostKeyPrompt : public QObject {
    Q_OBJECT
public:
    explicit HostKeyPrompt(QWidget *dialogParent);

    /// GUI thread: shows the fingerprint and returns true only when the user chooses "Trust".
    bool ask(const QString &host, const QString &fingerprint, const QString &knownHostsFile);
    /// Any worker thread: runs ask() on the GUI thread and waits for it (or for `cancel`).
    bool askFromWorker(const QString &host, const QString &fingerprint, const QString &knownHostsFile,
        const CancelToken &cancel);
    /// Tests: answer without showing a dialog (the question is still recorded in lastQuestion()).
    void setAutoAnswer(std::optional<bool> answer) { m_autoAnswer = answer; }
    QString lastQuestion() const { return m_lastQuestion; }

signals:
    /// The question is on screen (scripts and tests take their screenshot then).
    void asking(const QString &text);

private:
    QWidget *m_dialogParent;
    std::optional<bool> m_autoAnswer;
    QString m_lastQuestion;
};

} // namespace lbs::ui
