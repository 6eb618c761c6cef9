#pragma once
// Key passphrases the user asked to remember, in the system keychain (qtkeychain: Secret Service,
// KWallet, macOS Keychain, Windows Credential Store). Never in QSettings, never logged.

#include <QObject>

#include <functional>

namespace lbs::ui {

class SecretStore : public QObject {
    Q_OBJECT
public:
    explicit SecretStore(QObject *parent = nullptr);

    /// Reads the passphrase of `identityFile`; `done(found, passphrase, error)` runs on this thread.
    virtual void readPassphrase(const QString &identityFile,
        std::function<void(bool found, const QString &passphrase, const QString &error)> done);
    /// Stores it; `done(error)` gets an empty string on success.
    virtual void writePassphrase(const QString &identityFile, const QString &passphrase,
        std::function<void(const QString &error)> done);
    /// Forgets it (when "remember" is unticked).
    virtual void forgetPassphrase(
        const QString &identityFile, std::function<void(const QString &error)> done);

    /// The keychain service name entries are stored under.
    static QString serviceName();
};

} // namespace lbs::ui
