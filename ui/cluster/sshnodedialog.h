#pragma once
// Reaching a node over SSH: user, host, port, jump host, identity file, ssh config and known_hosts
// files, key passphrase (optionally remembered in the system keychain). "Test connection" connects
// in a JobRunner job, runs `uname -a` and `command -v tcpdump`, and lists each step as a line:
// running, passed, or failed in red with the reason.

#include "core/ssh/sshsession.h"
#include "ui/cluster/clustersettings.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace lbs::ui {

class HostKeyPrompt;
class JobRunner;
class SecretStore;

class SshNodeDialog : public QDialog {
    Q_OBJECT
public:
    explicit SshNodeDialog(QWidget *parent = nullptr);
    ~SshNodeDialog() override;

    void setEndpoint(const SshEndpointChoice &choice);
    SshEndpointChoice endpoint() const;
    /// The connect options the form describes (the passphrase callback reads the form's field), or
    /// an error naming the field to fix.
    Result<ssh::SshConnectOptions> options() const;
    HostKeyPrompt *hostKeyPrompt() const { return m_prompt; }
    bool isTesting() const;
    /// Result lines of the last test: text and whether it failed.
    QList<QPair<QString, bool>> resultLines() const;
    QLineEdit *passphraseEdit() const { return m_passphrase; }
    QCheckBox *rememberBox() const { return m_remember; }
    QPushButton *useButton() const { return m_use; }

public slots:
    void testConnection();
    void cancelTest();

signals:
    /// The test finished (passed: every check passed).
    void testFinished(bool passed);
    /// "Use for captures": capture pages opened from now on connect with these settings; the
    /// passphrase (may be empty) stays in memory only.
    void endpointChosen(const lbs::ui::SshEndpointChoice &choice, const QString &passphrase);

protected:
    void done(int result) override;

private:
    void addLine(const QString &text, bool failed = false, bool running = false);
    void finishRunningLine(bool failed, const QString &suffix = {});
    void loadPassphrase();
    void rememberPassphrase();

    QLineEdit *m_user;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_jump;
    QLineEdit *m_identity;
    QLineEdit *m_config;
    QLineEdit *m_knownHosts;
    QLineEdit *m_passphrase;
    QCheckBox *m_remember;
    QListWidget *m_results;
    QLabel *m_verdict;
    QPushButton *m_test;
    QPushButton *m_cancel;
    QPushButton *m_use;
    JobRunner *m_jobs;
    HostKeyPrompt *m_prompt;
    SecretStore *m_secrets;
};

} // namespace lbs::ui
