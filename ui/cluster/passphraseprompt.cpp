#include "passphraseprompt.h"

#include "ui/cluster/secretstore.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>
#include <QWidget>

#include <chrono>
#include <future>

namespace lbs::ui {

PassphrasePrompt::PassphrasePrompt(QWidget *dialogParent)
    : QObject(dialogParent), m_dialogParent(dialogParent), m_store(new SecretStore(this))
{
}

void PassphrasePrompt::setKnown(const QString &identityFile, const QString &passphrase)
{
    if (passphrase.isEmpty())
        m_known.remove(identityFile);
    else
        m_known.insert(identityFile, passphrase);
    m_rejected.remove(identityFile);
}

void PassphrasePrompt::setSecretStore(SecretStore *store)
{
    m_store = store;
}

void PassphrasePrompt::setAutoAnswer(std::optional<QString> passphrase, bool remember)
{
    m_autoAnswer = std::move(passphrase);
    m_autoRemember = remember;
    m_autoSet = true;
}

void PassphrasePrompt::ask(
    const QString &identityFile, const QString &prompt, std::function<void(std::optional<QString>)> done)
{
    if (!m_rejected.value(identityFile) && m_known.contains(identityFile)) {
        answer(identityFile, QStringLiteral("known"), m_known.value(identityFile), false, done);
        return;
    }
    if (m_rejected.value(identityFile) || !m_store || identityFile.isEmpty()) {
        showDialog(identityFile, prompt, done);
        return;
    }
    QPointer<PassphrasePrompt> self(this);
    m_store->readPassphrase(identityFile,
        [self, identityFile, prompt, done](bool found, const QString &passphrase, const QString &) {
            if (!self)
                return done(std::nullopt);
            // No keychain on this desktop counts as "not remembered": the dialog asks.
            if (found && !passphrase.isEmpty())
                self->answer(identityFile, QStringLiteral("keychain"), passphrase, false, done);
            else
                self->showDialog(identityFile, prompt, done);
        });
}

void PassphrasePrompt::answer(const QString &identityFile, const QString &source, const QString &passphrase,
    bool remember, const std::function<void(std::optional<QString>)> &done)
{
    m_lastSource = source;
    m_pending = Pending {identityFile, passphrase, source, remember};
    done(passphrase);
}

void PassphrasePrompt::showDialog(const QString &identityFile, const QString &prompt,
    const std::function<void(std::optional<QString>)> &done)
{
    ++m_dialogs;
    const QString key = identityFile.isEmpty() ? tr("the default SSH key") : identityFile;
    m_lastQuestion = m_rejected.value(identityFile)
        ? tr("The passphrase given before did not open %1. Type it again.").arg(key)
        : tr("%1 is encrypted. Type its passphrase to connect.").arg(key);
    if (!prompt.trimmed().isEmpty())
        m_lastQuestion += QStringLiteral("\n") + prompt.trimmed();
    if (m_autoSet) {
        emit asking(m_lastQuestion);
        if (!m_autoAnswer)
            return done(std::nullopt);
        answer(identityFile, QStringLiteral("dialog"), *m_autoAnswer,
            m_autoRemember && !identityFile.isEmpty(), done);
        return;
    }
    QDialog dialog(m_dialogParent);
    dialog.setWindowTitle(tr("Key passphrase"));
    auto *text = new QLabel(m_lastQuestion, &dialog);
    text->setWordWrap(true);
    auto *field = new QLineEdit(&dialog);
    field->setEchoMode(QLineEdit::Password);
    auto *remember = new QCheckBox(tr("Remember it in the system keychain"), &dialog);
    remember->setEnabled(!identityFile.isEmpty());
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(text);
    layout->addWidget(field);
    layout->addWidget(remember);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    QMetaObject::invokeMethod(
        this, [this] { emit asking(m_lastQuestion); }, Qt::QueuedConnection);
    if (dialog.exec() != QDialog::Accepted)
        return done(std::nullopt);
    answer(identityFile, QStringLiteral("dialog"), field->text(), remember->isChecked(), done);
}

std::string PassphrasePrompt::askFromWorker(
    const QString &identityFile, const QString &prompt, const CancelToken &cancel)
{
    auto result = std::make_shared<std::promise<std::optional<QString>>>();
    std::future<std::optional<QString>> future = result->get_future();
    QPointer<PassphrasePrompt> self(this);
    QMetaObject::invokeMethod(
        this,
        [self, result, identityFile, prompt] {
            if (!self)
                return result->set_value(std::nullopt);
            self->ask(identityFile, prompt, [result](std::optional<QString> p) { result->set_value(p); });
        },
        Qt::QueuedConnection);
    // Never a blocking queued call: aborting must not wait for a worker that waits for the GUI thread.
    while (future.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
        if (cancel.isCancelled())
            return {};
    }
    const std::optional<QString> p = future.get();
    return p ? p->toStdString() : std::string();
}

void PassphrasePrompt::keyAccepted()
{
    if (!m_pending)
        return;
    const Pending p = *m_pending;
    m_pending.reset();
    m_rejected.remove(p.identity);
    if (!p.remember || !m_store)
        return;
    QPointer<PassphrasePrompt> self(this);
    m_store->writePassphrase(p.identity, p.passphrase, [self](const QString &error) {
        if (self && !error.isEmpty())
            emit self->rememberFailed(error);
    });
}

void PassphrasePrompt::keyRejected()
{
    if (!m_pending)
        return;
    m_rejected.insert(m_pending->identity, true);
    if (m_pending->source == QStringLiteral("known"))
        m_known.remove(m_pending->identity);
    m_pending.reset();
}

} // namespace lbs::ui
