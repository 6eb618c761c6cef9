#include "sshnodedialog.h"

#include "core/ssh/sshchannel.h"
#include "ui/cluster/hostkeyprompt.h"
#include "ui/cluster/secretstore.h"
#include "ui/cluster/topologystyle.h"
#include "ui/jobs/jobrunner.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace lbs::ui {

namespace {

constexpr int kRunningRole = Qt::UserRole + 1;
constexpr int kFailedRole = Qt::UserRole + 2;

QWidget *withBrowse(QLineEdit *edit, QWidget *parent, const QString &title)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *browse = new QToolButton(row);
    browse->setText(QStringLiteral("…"));
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    QObject::connect(browse, &QToolButton::clicked, row, [edit, parent, title] {
        const QString path = QFileDialog::getOpenFileName(parent, title, edit->text());
        if (!path.isEmpty())
            edit->setText(path);
    });
    return row;
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s).trimmed();
}

} // namespace

SshNodeDialog::SshNodeDialog(QWidget *parent)
    : QDialog(parent), m_user(new QLineEdit), m_host(new QLineEdit), m_port(new QSpinBox),
      m_jump(new QLineEdit), m_identity(new QLineEdit), m_config(new QLineEdit), m_knownHosts(new QLineEdit),
      m_passphrase(new QLineEdit),
      m_remember(new QCheckBox(tr("Remember the passphrase in the system keychain"))),
      m_results(new QListWidget), m_verdict(new QLabel), m_test(new QPushButton(tr("Test connection"))),
      m_cancel(new QPushButton(tr("Cancel test"))), m_use(new QPushButton(tr("Use for captures"))),
      m_jobs(new JobRunner(this)), m_prompt(new HostKeyPrompt(this)), m_secrets(new SecretStore(this))
{
    setWindowTitle(tr("SSH to a node"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("from ssh config (22)"));
    m_user->setPlaceholderText(tr("from ssh config, else your login name"));
    m_host->setPlaceholderText(tr("host name, address or ssh config alias"));
    m_jump->setPlaceholderText(tr("optional: user@bastion:port"));
    m_identity->setPlaceholderText(tr("optional: agent and default keys otherwise"));
    m_config->setPlaceholderText(tr("~/.ssh/config"));
    m_knownHosts->setPlaceholderText(tr("~/.ssh/known_hosts"));
    m_passphrase->setEchoMode(QLineEdit::Password);
    m_passphrase->setPlaceholderText(tr("only if the identity file is encrypted"));
    auto *form = new QFormLayout;
    form->addRow(tr("User"), m_user);
    form->addRow(tr("Host"), m_host);
    form->addRow(tr("Port"), m_port);
    form->addRow(tr("Jump host"), m_jump);
    form->addRow(tr("Identity file"), withBrowse(m_identity, this, tr("Identity file")));
    form->addRow(tr("ssh config file"), withBrowse(m_config, this, tr("ssh config file")));
    form->addRow(tr("known_hosts file"), withBrowse(m_knownHosts, this, tr("known_hosts file")));
    form->addRow(tr("Key passphrase"), m_passphrase);
    form->addRow(QString(), m_remember);
    m_results->setMinimumHeight(140);
    m_results->setSelectionMode(QAbstractItemView::NoSelection);
    m_results->setWordWrap(true); // long uname and error lines stay whole
    m_results->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_verdict->setWordWrap(true);
    m_cancel->setEnabled(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(m_test, QDialogButtonBox::ActionRole);
    buttons->addButton(m_cancel, QDialogButtonBox::ActionRole);
    buttons->addButton(m_use, QDialogButtonBox::AcceptRole);
    m_use->setToolTip(tr("Capture pages opened from the workbench connect to the node with these settings"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_results, 1);
    layout->addWidget(m_verdict);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_use, &QPushButton::clicked, this, [this] {
        if (auto opts = options(); !opts) {
            m_results->clear();
            addLine(QString::fromStdString(opts.error().toString()), true);
            return;
        }
        clustersettings::setLastSshEndpoint(endpoint());
        rememberPassphrase();
        emit endpointChosen(endpoint(), m_passphrase->text());
        accept();
    });
    connect(m_test, &QPushButton::clicked, this, &SshNodeDialog::testConnection);
    connect(m_cancel, &QPushButton::clicked, this, &SshNodeDialog::cancelTest);
    connect(m_jobs, &JobRunner::runningChanged, this, [this](bool running) {
        m_test->setEnabled(!running);
        m_cancel->setEnabled(running);
    });
    connect(m_identity, &QLineEdit::editingFinished, this, &SshNodeDialog::loadPassphrase);
    setEndpoint(clustersettings::lastSshEndpoint());
    resize(760, 600);
}

SshNodeDialog::~SshNodeDialog()
{
    m_jobs->cancel();
}

void SshNodeDialog::setEndpoint(const SshEndpointChoice &c)
{
    m_user->setText(c.user);
    m_host->setText(c.host);
    m_port->setValue(c.port == 22 ? 0 : c.port);
    m_jump->setText(c.jump);
    m_identity->setText(c.identityFile);
    m_config->setText(c.configFile);
    m_knownHosts->setText(c.knownHostsFile);
    loadPassphrase();
}

SshEndpointChoice SshNodeDialog::endpoint() const
{
    SshEndpointChoice c;
    c.user = m_user->text().trimmed();
    c.host = m_host->text().trimmed();
    c.port = m_port->value() == 0 ? 22 : m_port->value();
    c.jump = m_jump->text().trimmed();
    c.identityFile = m_identity->text().trimmed();
    c.configFile = m_config->text().trimmed();
    c.knownHostsFile = m_knownHosts->text().trimmed();
    return c;
}

Result<ssh::SshConnectOptions> SshNodeDialog::options() const
{
    const SshEndpointChoice c = endpoint();
    if (c.host.isEmpty())
        return Error {"no host given", "Host", "type the node's address or an alias of the ssh config file"};
    QString target = c.host;
    if (!c.user.isEmpty())
        target = c.user + QLatin1Char('@') + target;
    if (m_port->value() != 0)
        target += QLatin1Char(':') + QString::number(m_port->value());
    auto endpoint = ssh::SshEndpoint::parse(target.toStdString());
    if (!endpoint)
        return Error {endpoint.error().message, "Host", endpoint.error().hint};
    ssh::SshConnectOptions o;
    o.target = *endpoint;
    if (!c.jump.isEmpty()) {
        auto jump = ssh::SshEndpoint::parse(c.jump.toStdString());
        if (!jump)
            return Error {jump.error().message, "Jump host", "write it as user@host:port"};
        o.jump = *jump;
    }
    o.identityFile = c.identityFile.toStdString();
    o.configFile = c.configFile.toStdString();
    o.knownHostsFile = c.knownHostsFile.toStdString();
    const std::string passphrase = m_passphrase->text().toStdString();
    if (!passphrase.empty())
        o.passphrase = [passphrase](const std::string &) { return passphrase; };
    return o;
}

bool SshNodeDialog::isTesting() const
{
    return m_jobs->isRunning();
}

QList<QPair<QString, bool>> SshNodeDialog::resultLines() const
{
    QList<QPair<QString, bool>> lines;
    for (int i = 0; i < m_results->count(); ++i)
        lines << qMakePair(m_results->item(i)->text(), m_results->item(i)->data(kFailedRole).toBool());
    return lines;
}

void SshNodeDialog::addLine(const QString &text, bool failed, bool running)
{
    auto *item = new QListWidgetItem(running ? text + QStringLiteral(" …") : text, m_results);
    item->setData(kRunningRole, running);
    item->setData(kFailedRole, failed);
    if (failed)
        item->setForeground(topology::widgetProblemColor());
    m_results->scrollToBottom();
}

void SshNodeDialog::finishRunningLine(bool failed, const QString &suffix)
{
    for (int i = m_results->count() - 1; i >= 0; --i) {
        QListWidgetItem *item = m_results->item(i);
        if (!item->data(kRunningRole).toBool())
            continue;
        QString text = item->text();
        text.chop(2);
        item->setText(
            text + QStringLiteral(": ") + (suffix.isEmpty() && !failed ? QStringLiteral("ok") : suffix));
        item->setData(kRunningRole, false);
        item->setData(kFailedRole, failed);
        if (failed)
            item->setForeground(topology::widgetProblemColor());
        return;
    }
}

void SshNodeDialog::loadPassphrase()
{
    const QString identity = m_identity->text().trimmed();
    if (identity.isEmpty())
        return;
    m_secrets->readPassphrase(
        identity, [this, identity](bool found, const QString &passphrase, const QString &) {
            if (found && m_identity->text().trimmed() == identity) {
                m_passphrase->setText(passphrase);
                m_remember->setChecked(true);
            }
        });
}

void SshNodeDialog::rememberPassphrase()
{
    const QString identity = m_identity->text().trimmed();
    if (identity.isEmpty())
        return;
    QPointer<SshNodeDialog> self(this);
    const auto report = [self](const QString &error) {
        if (self && !error.isEmpty())
            self->addLine(tr("Passphrase not remembered: %1").arg(error), true);
    };
    if (m_remember->isChecked() && !m_passphrase->text().isEmpty())
        m_secrets->writePassphrase(identity, m_passphrase->text(), report);
    else if (!m_remember->isChecked())
        m_secrets->forgetPassphrase(identity, report);
}

void SshNodeDialog::testConnection()
{
    m_results->clear();
    m_verdict->clear();
    auto opts = options();
    if (!opts) {
        addLine(QString::fromStdString(opts.error().toString()), true);
        m_verdict->setText(tr("Fix the form and test again."));
        emit testFinished(false);
        return;
    }
    clustersettings::setLastSshEndpoint(endpoint());
    rememberPassphrase();
    const QString target = QString::fromStdString(opts->target.toString())
        + (opts->jump ? tr(" via %1").arg(QString::fromStdString(opts->jump->toString())) : QString());
    addLine(tr("Connecting to %1").arg(target), false, true);
    QPointer<HostKeyPrompt> prompt = m_prompt;
    m_jobs->run([this, options = *opts, prompt](const JobContext &job) {
        ssh::SshConnectOptions o = options;
        o.confirmNewHostKey
            = [prompt, &job](const std::string &host, const std::string &fp, const std::string &file) {
                  return prompt && prompt->askFromWorker(qs(host), qs(fp), qs(file), job.token());
              };
        auto session = ssh::SshSession::connect(o, job.token());
        if (!session) {
            const QString why = qs(session.error().toString());
            job.post([this, why] {
                finishRunningLine(true, why);
                m_verdict->setText(tr("The node cannot be reached over SSH with these settings."));
                emit testFinished(false);
            });
            return;
        }
        const QString info = tr("logged in as %1, host key %2")
                                 .arg(qs((*session)->user()), qs((*session)->hostKeyFingerprint()));
        job.post([this, info] {
            finishRunningLine(false, info);
            addLine(tr("Running uname -a"), false, true);
        });
        bool passed = true;
        const auto run = [&](const std::string &command, QString *out) -> QString {
            auto channel = ssh::SshChannel::exec(**session, command);
            if (!channel)
                return qs(channel.error().toString());
            auto outcome = (*channel)->finish({}, ssh::ExecLimits {64 * 1024, 64 * 1024, 15000}, job.token());
            if (!outcome)
                return qs(outcome.error().toString());
            *out = qs(outcome->out);
            if (outcome->exitCode != 0)
                return tr("exit code %1%2")
                    .arg(outcome->exitCode)
                    .arg(outcome->err.empty() ? QString() : QStringLiteral(": ") + qs(outcome->err));
            return {};
        };
        QString uname;
        const QString unameError = run("uname -a", &uname);
        passed = passed && unameError.isEmpty();
        job.post([this, uname, unameError] {
            finishRunningLine(!unameError.isEmpty(), unameError.isEmpty() ? uname : unameError);
            addLine(tr("Looking for tcpdump (command -v tcpdump)"), false, true);
        });
        QString tcpdump;
        const QString tcpdumpError = run("command -v tcpdump", &tcpdump);
        passed = passed && tcpdumpError.isEmpty();
        job.post([this, tcpdump, tcpdumpError, passed] {
            if (tcpdumpError.isEmpty())
                finishRunningLine(false, tcpdump);
            else
                finishRunningLine(true,
                    tr("tcpdump is not installed on the node: install it (apt-get install "
                       "tcpdump) or capture through a debug pod"));
            m_verdict->setText(passed ? tr("The node is ready for SSH captures.")
                                      : tr("The node is reachable but not ready for SSH captures."));
            emit testFinished(passed);
        });
    });
}

void SshNodeDialog::cancelTest()
{
    if (!m_jobs->isRunning())
        return;
    m_jobs->cancel();
    finishRunningLine(true, tr("cancelled"));
    m_verdict->setText(tr("Test cancelled."));
    emit testFinished(false);
}

void SshNodeDialog::done(int result)
{
    m_jobs->cancel();
    QDialog::done(result);
}

} // namespace lbs::ui
