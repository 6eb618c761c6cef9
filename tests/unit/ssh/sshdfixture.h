#pragma once
// A real OpenSSH sshd on 127.0.0.1 for tests: generated host and user keys in a temp dir, a
// known_hosts file that trusts it, public-key login as the current user. No mocks.

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

class SshdFixture {
public:
    SshdFixture();
    ~SshdFixture();
    /// Starts sshd; on failure returns false and sets *why to what is missing.
    bool start(QString *why);
    void stop();

    int port() const { return m_port; }
    QString dir() const { return m_dir.path(); }
    QString userKey() const { return m_dir.path() + QStringLiteral("/id_user"); }
    /// known_hosts holding the server's real key.
    QString knownHosts() const { return m_dir.path() + QStringLiteral("/known_hosts"); }
    /// known_hosts holding another key for [127.0.0.1]:port (a "changed" host key).
    QString wrongKnownHosts() const { return m_dir.path() + QStringLiteral("/known_hosts_wrong"); }
    /// An empty known_hosts path (the file does not exist yet).
    QString emptyKnownHosts() const { return m_dir.path() + QStringLiteral("/known_hosts_empty"); }
    /// The local user name sshd lets in.
    QString user() const;
    /// A second key sshd does not accept.
    QString strangerKey() const { return m_dir.path() + QStringLiteral("/id_stranger"); }

private:
    bool run(const QString &program, const QStringList &args, QString *why);
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_sshd;
    int m_port = 0;
};
