#include "ui/capture/captureplanform.h"
#include "core/kube/debugpod.h"
#include "core/pcap/bpffilter.h"
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStandardPaths>

namespace lbs::ui {

namespace {
QString quoted(const std::string &arg)
{
    const QString a = QString::fromStdString(arg);
    if (!a.isEmpty() && !a.contains(QLatin1Char(' ')) && !a.contains(QLatin1Char('\'')))
        return a;
    QString q = a;
    q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}
} // namespace

CapturePlanForm::CapturePlanForm(QWidget *parent) : QWidget(parent)
{
    auto *form = new QFormLayout(this);
    m_form = form;
    form->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_transport = new QComboBox(this);
    m_transport->addItem(tr("Debug pod on the node"));
    m_transport->addItem(tr("SSH to the node"));
    m_ssh = new QLineEdit(this);
    m_ssh->setPlaceholderText(tr("user@host[:port]"));
    m_jump = new QLineEdit(this);
    m_jump->setPlaceholderText(tr("optional: user@bastion[:port] (or ProxyJump in the ssh config)"));
    m_identity = new QLineEdit(this);
    m_identity->setPlaceholderText(tr("agent or ~/.ssh/id_*"));
    m_knownHosts = new QLineEdit(this);
    m_knownHosts->setPlaceholderText(tr("~/.ssh/known_hosts"));
    m_node = new QLineEdit(this);
    m_iface = new QLineEdit(this);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("BPF, e.g. host 10.0.0.10 and tcp port 80 (empty: everything)"));
    m_filterStatus = new QLabel(this);
    m_filterStatus->setWordWrap(true);
    m_ringSize = new QSpinBox(this);
    m_ringSize->setRange(1, 100000);
    m_ringSize->setSuffix(tr(" MB"));
    m_ringSize->setValue(100);
    m_ringCount = new QSpinBox(this);
    m_ringCount->setRange(1, 1000);
    m_ringCount->setPrefix(QStringLiteral("× "));
    m_ringCount->setSuffix(tr(" files"));
    m_ringCount->setValue(5);
    m_snaplen = new QSpinBox(this);
    m_snaplen->setRange(64, 262144);
    m_snaplen->setValue(262144);
    m_snaplen->setSuffix(tr(" bytes"));
    m_duration = new QDoubleSpinBox(this);
    m_duration->setRange(0, 7 * 24 * 3600);
    m_duration->setDecimals(0);
    m_duration->setSuffix(tr(" s"));
    m_duration->setSpecialValueText(tr("until stopped"));
    m_conntrack = new QCheckBox(tr("Record the node's conntrack for the VIP"), this);
    m_conntrack->setToolTip(tr("conntrack -E (or /proc/net/nf_conntrack every second where the tool is "
                               "missing) beside tcpdump: a capture of the VIP's side alone still names "
                               "each connection's backend pod"));
    m_conntrack->setEnabled(false);
    m_outDir = new QLineEdit(defaultOutDir(), this);
    m_command = new QLabel(this);
    m_command->setWordWrap(true);
    m_command->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_command->setStyleSheet(QStringLiteral("font-family: monospace;"));

    auto *ring = new QHBoxLayout;
    ring->addWidget(m_ringSize);
    ring->addWidget(m_ringCount);
    ring->addStretch();
    form->addRow(m_summary);
    form->addRow(tr("Transport:"), m_transport);
    form->addRow(tr("SSH:"), m_ssh);
    form->addRow(tr("Jump host:"), m_jump);
    form->addRow(tr("Key:"), m_identity);
    form->addRow(tr("Known hosts:"), m_knownHosts);
    form->addRow(tr("Node:"), m_node);
    form->addRow(tr("Interface:"), m_iface);
    form->addRow(tr("Filter:"), m_filter);
    form->addRow(QString(), m_filterStatus);
    form->addRow(tr("Ring:"), ring);
    form->addRow(tr("Snaplen:"), m_snaplen);
    form->addRow(tr("Duration:"), m_duration);
    form->addRow(tr("Backends:"), m_conntrack);
    form->addRow(tr("Save to:"), m_outDir);
    form->addRow(tr("Command:"), m_command);

    const auto onChange = [this] { validate(); };
    for (QLineEdit *e : {m_ssh, m_jump, m_identity, m_knownHosts, m_node, m_iface, m_filter, m_outDir})
        connect(e, &QLineEdit::textChanged, this, onChange);
    for (QSpinBox *s : {m_ringSize, m_ringCount, m_snaplen})
        connect(s, &QSpinBox::valueChanged, this, onChange);
    connect(m_duration, &QDoubleSpinBox::valueChanged, this, onChange);
    connect(m_conntrack, &QCheckBox::toggled, this, onChange);
    connect(m_transport, &QComboBox::currentIndexChanged, this, [this](int i) {
        // The SSH fields only when SSH is the transport: a debug pod needs none of them.
        for (QWidget *w : {static_cast<QWidget *>(m_ssh), static_cast<QWidget *>(m_jump),
                 static_cast<QWidget *>(m_identity), static_cast<QWidget *>(m_knownHosts)}) {
            w->setEnabled(i == 1);
            m_form->setRowVisible(w, i == 1);
        }
        validate();
    });
    m_transport->setCurrentIndex(1);
    m_transport->setCurrentIndex(0);
}

QString CapturePlanForm::defaultOutDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)
        + QStringLiteral("/captures/")
        + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
}

void CapturePlanForm::setTarget(const CaptureTarget &target)
{
    m_target = target;
    validate();
    m_node->setText(target.node);
    m_iface->setText(target.iface);
    if (!target.vip.isEmpty() && m_filter->text().isEmpty())
        m_filter->setText(QStringLiteral("host ") + target.vip);
    // One side of the NAT sees no pod: conntrack names it (both sides: the pod-side copy does).
    m_conntrack->setEnabled(!target.vip.isEmpty());
    m_conntrack->setChecked(!target.vip.isEmpty() && target.iface != QLatin1String("any"));
}

void CapturePlanForm::setSsh(
    const QString &ssh, const QString &identity, const QString &knownHosts, const QString &sshConfig)
{
    m_ssh->setText(ssh);
    m_identity->setText(identity);
    m_knownHosts->setText(knownHosts);
    m_sshConfig = sshConfig;
    m_ssh->setToolTip(
        sshConfig.isEmpty() ? tr("ssh config: ~/.ssh/config") : tr("ssh config: %1").arg(sshConfig));
    m_transport->setCurrentIndex(ssh.isEmpty() ? 0 : 1);
    validate();
}

void CapturePlanForm::setSshEndpoint(const SshEndpointChoice &c)
{
    QString target = c.host;
    if (!c.user.isEmpty())
        target = c.user + QLatin1Char('@') + target;
    if (c.port != 22 && c.port > 0)
        target += QLatin1Char(':') + QString::number(c.port);
    m_jump->setText(c.jump);
    setSsh(c.host.isEmpty() ? QString() : target, c.identityFile, c.knownHostsFile, c.configFile);
}

bool CapturePlanForm::usesSsh() const
{
    return m_transport->currentIndex() == 1;
}
QString CapturePlanForm::sshText() const
{
    return m_ssh->text().trimmed();
}
QString CapturePlanForm::jumpText() const
{
    return m_jump->text().trimmed();
}
QString CapturePlanForm::identityText() const
{
    return m_identity->text().trimmed();
}
QString CapturePlanForm::knownHostsText() const
{
    return m_knownHosts->text().trimmed();
}

void CapturePlanForm::setIface(const QString &iface)
{
    m_iface->setText(iface);
}
void CapturePlanForm::setFilter(const QString &filter)
{
    m_filter->setText(filter);
}
void CapturePlanForm::setDuration(double seconds)
{
    m_duration->setValue(seconds);
}
void CapturePlanForm::setRing(int sizeMb, int count)
{
    m_ringSize->setValue(sizeMb);
    m_ringCount->setValue(count);
}
void CapturePlanForm::setRemoteDir(const QString &dir)
{
    m_remoteDir = dir;
    validate();
}
void CapturePlanForm::setOutDir(const QString &dir)
{
    m_outDir->setText(dir);
}
QString CapturePlanForm::outDir() const
{
    return m_outDir->text();
}

bool CapturePlanForm::isValid() const
{
    return m_filterError.isEmpty() && capture::isValidInterfaceName(m_iface->text().toStdString())
        && !m_outDir->text().isEmpty();
}

capture::CapturePlan CapturePlanForm::plan() const
{
    capture::CapturePlan p;
    p.iface = m_iface->text().trimmed().toStdString();
    p.filter = m_filter->text().trimmed().toStdString();
    p.snaplen = m_snaplen->value();
    p.ringSizeMb = m_ringSize->value();
    p.ringCount = m_ringCount->value();
    p.durationSec = m_duration->value();
    p.remoteDir = m_remoteDir.toStdString();
    p.name = "lbscope-" + (m_node->text().isEmpty() ? std::string("node") : m_node->text().toStdString())
        + "-TIME.pcap";
    p.context = m_target.context.toStdString();
    if (!m_target.service.isEmpty())
        p.service = QString(m_target.nameSpace + QLatin1Char('/') + m_target.service).toStdString();
    p.vip = m_target.vip.toStdString();
    p.conntrack = !p.vip.empty() && m_conntrack->isChecked();
    return p;
}

QString CapturePlanForm::commandLine() const
{
    QStringList parts;
    for (const std::string &a : capture::tcpdumpArgv(plan()))
        parts << quoted(a);
    return parts.join(QLatin1Char(' '));
}

capture::CaptureRequest CapturePlanForm::request() const
{
    capture::CaptureRequest rq;
    rq.plan = plan();
    rq.plan.name.clear(); // chosen by the workflow from the node and the time
    rq.target.kubeconfig = m_target.kubeconfig.toStdString();
    rq.target.context = m_target.context.toStdString();
    if (m_transport->currentIndex() == 1) {
        rq.target.ssh = m_ssh->text().trimmed().toStdString();
        rq.target.jump = m_jump->text().trimmed().toStdString();
        rq.target.identity = m_identity->text().trimmed().toStdString();
        rq.target.knownHosts = m_knownHosts->text().trimmed().toStdString();
        rq.target.sshConfig = m_sshConfig.toStdString();
    } else {
        rq.node = m_node->text().trimmed().toStdString();
        rq.target.image = m_target.debugImage.toStdString();
        rq.target.imagePullSecret = m_target.pullSecret.toStdString();
    }
    rq.outDir = m_outDir->text().toStdString();
    return rq;
}

QString CapturePlanForm::label() const
{
    QString s = m_iface->text() + QStringLiteral(" on ")
        + (m_node->text().isEmpty() ? m_ssh->text() : m_node->text());
    if (!m_target.vip.isEmpty())
        s += QStringLiteral(" (") + m_target.vip + QLatin1Char(')');
    if (!m_filter->text().trimmed().isEmpty())
        s += QStringLiteral(" · ") + m_filter->text().trimmed();
    return s;
}

QString CapturePlanForm::summary() const
{
    const QString node = m_node->text().trimmed();
    QString what = node.isEmpty()
        ? tr("Capture <b>%1</b>").arg(m_iface->text().toHtmlEscaped())
        : tr("Capture <b>%1</b> on <b>%2</b>").arg(m_iface->text().toHtmlEscaped(), node.toHtmlEscaped());
    if (!m_target.service.isEmpty())
        what += tr(" for %1/%2").arg(m_target.nameSpace, m_target.service).toHtmlEscaped();
    if (!m_target.vip.isEmpty())
        what += tr(" (VIP %1)").arg(m_target.vip);
    // What the interface serves, as the workbench found it: "eth1 holds the VIP ...", "eth1 leads to pod
    // ...".
    if (!m_target.role.isEmpty() && m_target.node == node && m_target.iface == m_iface->text().trimmed())
        what += QStringLiteral(": ") + m_iface->text().toHtmlEscaped()
            + (m_target.role.startsWith(QStringLiteral("pod ")) ? tr(" leads to ") : QStringLiteral(" "))
            + m_target.role.toHtmlEscaped();
    if (!m_target.vip.isEmpty() && m_conntrack->isChecked())
        what += tr(", with the node's conntrack for the VIP (each connection's pod)");
    QString how;
    if (usesSsh()) {
        how = tr("Over SSH to %1").arg(m_ssh->text().trimmed().toHtmlEscaped());
        if (!m_jump->text().trimmed().isEmpty())
            how += tr(" via %1").arg(m_jump->text().trimmed().toHtmlEscaped());
        if (!m_sshConfig.isEmpty() && m_sshConfig != QStringLiteral("none"))
            how += tr(" (ssh config %1)").arg(m_sshConfig.toHtmlEscaped());
    } else {
        how = tr("Through a privileged debug pod on the node (image %1%2), deleted afterwards")
                  .arg((m_target.debugImage.isEmpty() ? QString::fromLatin1(kube::kDefaultDebugImage)
                                                      : m_target.debugImage)
                           .toHtmlEscaped(),
                      m_target.pullSecret.isEmpty()
                          ? QString()
                          : tr(", pulled with secret %1").arg(m_target.pullSecret.toHtmlEscaped()));
    }
    const QString howLong
        = m_duration->value() > 0 ? tr("for %1 s").arg(m_duration->value()) : tr("until you stop it");
    return tr("%1.<br>%2, %3; at most %4 MB on the node (%5 × %6 MB ring).")
        .arg(what, how, howLong)
        .arg(m_ringSize->value() * m_ringCount->value())
        .arg(m_ringCount->value())
        .arg(m_ringSize->value());
}

void CapturePlanForm::validate()
{
    m_filterError.clear();
    const std::string filter = m_filter->text().trimmed().toStdString();
    if (!filter.empty()) {
        // lo and ethernet devices capture as DLT_EN10MB (1); "any" as Linux cooked (113).
        const int linktype = m_iface->text() == QStringLiteral("any") ? 113 : 1;
        auto compiled = pcap::BpfFilter::compile(filter, {linktype}, uint32_t(m_snaplen->value()));
        if (!compiled)
            m_filterError = QString::fromStdString(compiled.error().toString());
    }
    if (m_filterError.isEmpty()) {
        m_filter->setStyleSheet(QString());
        m_filterStatus->setStyleSheet(QStringLiteral("color: #2e7d32;"));
        m_filterStatus->setText(
            filter.empty() ? tr("No filter: every packet on the interface.") : tr("Filter compiles."));
    } else {
        m_filter->setStyleSheet(
            QStringLiteral("QLineEdit { border: 1px solid #c62828; background: #fdecea; }"));
        m_filterStatus->setStyleSheet(QStringLiteral("color: #c62828;"));
        m_filterStatus->setText(m_filterError);
    }
    m_command->setText(commandLine());
    m_summary->setText(summary());
    emit changed();
}

} // namespace lbs::ui
