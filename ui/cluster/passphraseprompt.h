#pragma once
// Asking for an SSH key's passphrase from the worker thread that connects, as HostKeyPrompt asks
// about host keys: the question hops to the GUI thread and the worker waits for the answer or for its
// abort token. A passphrase given in the workbench's SSH dialog is used first, then one remembered in
// the system keychain (SecretStore); otherwise a dialog asks, with "remember in the system keychain".
// What the user asks to remember is written to the keychain only once the key opened with it, and
// never to QSettings or the log. A passphrase that did not open the key is not offered again.

#include "core/common/canceltoken.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>
#include <string>

class QWidget;

namespace lbs::ui {

class SecretStore;

class PassphrasePrompt : public QObject {
    Q_OBJECT
public:
    explicit PassphrasePrompt(QWidget *dialogParent);

    /// A passphrase the user already typed for this key (the workbench's SSH dialog): used first.
    void setKnown(const QString &identityFile, const QString &passphrase);
    /// Where remembered passphrases live (default: the system keychain).
    void setSecretStore(SecretStore *store);

    /// GUI thread: known passphrase, keychain, else the dialog; `done` gets the passphrase, or
    /// nothing when the user cancelled.
    void ask(
        const QString &identityFile, const QString &prompt, std::function<void(std::optional<QString>)> done);
    /// Any worker thread: runs ask() on the GUI thread and waits for it (or for `cancel`). Empty when
    /// cancelled.
    std::string askFromWorker(const QString &identityFile, const QString &prompt, const CancelToken &cancel);

    /// The connection opened the key: a passphrase the user asked to remember goes to the keychain.
    void keyAccepted();
    /// The key could not be opened with the last answer: it is not offered again.
    void keyRejected();

    /// Tests: answer without showing a dialog (nothing = cancel); the question is still recorded.
    void setAutoAnswer(std::optional<QString> passphrase, bool remember);
    QString lastQuestion() const { return m_lastQuestion; }
    /// How often the dialog was shown (or auto-answered).
    int dialogsShown() const { return m_dialogs; }
    /// Where the last answer came from: "known", "keychain", "dialog" or empty.
    QString lastSource() const { return m_lastSource; }

signals:
    /// The dialog is on screen (scripts and tests take their screenshot then).
    void asking(const QString &text);
    /// A remembered passphrase could not be written to the keychain (the reason).
    void rememberFailed(const QString &error);

private:
    void answer(const QString &identityFile, const QString &source, const QString &passphrase, bool remember,
        const std::function<void(std::optional<QString>)> &done);
    void showDialog(const QString &identityFile, const QString &prompt,
        const std::function<void(std::optional<QString>)> &done);

    QWidget *m_dialogParent;
    QPointer<SecretStore> m_store;
    QHash<QString, QString> m_known;
    QHash<QString, bool> m_rejected; ///< identity -> its keychain/known entry did not open the key
    std::optional<QString> m_autoAnswer;
    bool m_autoRemember = false;
    bool m_autoSet = false;
    QString m_lastQuestion, m_lastSource;
    int m_dialogs = 0;
    struct Pending {
        QString identity, passphrase, source;
        bool remember = false;
    };
    std::optional<Pending> m_pending; ///< the last answer, until the key opened or not
};

} // namespace lbs::ui
