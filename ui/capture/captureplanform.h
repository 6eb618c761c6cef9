#pragma once
// The capture plan as an editable form: transport, node, interface, BPF filter (compiled live), ring,
// snaplen, duration, local directory; and the exact tcpdump command the node will run.
#include "core/capture/captureworkflow.h"
#include "ui/cluster/capturetarget.h"
#include "ui/cluster/clustersettings.h"
#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QDoubleSpinBox;

namespace lbs::ui {

class CapturePlanForm : public QWidget {
    Q_OBJECT
public:
    explicit CapturePlanForm(QWidget *parent = nullptr);

    void setTarget(const CaptureTarget &target);
    /// SSH settings (USER@HOST[:PORT], key, known_hosts, ssh config): selects the SSH transport.
    void setSsh(
        const QString &ssh, const QString &identity, const QString &knownHosts, const QString &sshConfig);
    /// The endpoint chosen in the workbench's SSH dialog (user, host, port, jump host, key, ssh config,
    /// known_hosts): selects the SSH transport.
    void setSshEndpoint(const SshEndpointChoice &choice);
    void setIface(const QString &iface);
    void setFilter(const QString &filter);
    void setDuration(double seconds);
    void setRing(int sizeMb, int count);
    void setRemoteDir(const QString &dir);
    void setOutDir(const QString &dir);
    QString outDir() const;
    /// A fresh default directory under the captures folder, named by the time.
    static QString defaultOutDir();

    /// True when the filter compiles (or is empty) and the interface is valid.
    bool isValid() const;
    QString filterError() const { return m_filterError; }
    QLineEdit *filterEdit() const { return m_filter; }
    bool usesSsh() const;
    QString sshText() const;
    QString jumpText() const;
    QString identityText() const;
    QString knownHostsText() const;
    QString sshConfig() const { return m_sshConfig; }
    QString commandLine() const;
    capture::CaptureRequest request() const;
    /// What the capture is of, for a viewer tab: "lo on node (VIP) filter".
    QString label() const;
    /// The plan in one sentence: what, where, how, how long, how much disk.
    QString summary() const;

signals:
    void changed();

private:
    void validate();
    capture::CapturePlan plan() const;

    CaptureTarget m_target;
    QFormLayout *m_form;
    QComboBox *m_transport;
    QCheckBox *m_conntrack;
    QLineEdit *m_ssh, *m_jump, *m_identity, *m_knownHosts, *m_node, *m_iface, *m_filter, *m_outDir;
    QSpinBox *m_ringSize, *m_ringCount, *m_snaplen;
    QDoubleSpinBox *m_duration;
    QLabel *m_summary, *m_filterStatus, *m_command;
    QString m_filterError, m_sshConfig, m_remoteDir = QStringLiteral("/var/tmp/lbscope");
};

} // namespace lbs::ui
