#include "sshdfixture.h"

#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <unistd.h>

SshdFixture::SshdFixture() = default;

SshdFixture::~SshdFixture()
{
    stop();
}

QString SshdFixture::user() const
{
    return geteuid() == 0 ? QStringLiteral("root") : qEnvironmentVariable("USER");
}

bool SshdFixture::run(const QString &program, const QStringList &args, QString *why)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(20000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *why = program + QStringLiteral(" failed: ") + QString::fromLocal8Bit(p.readAllStandardError());
        return false;
    }
    return true;
}

bool SshdFixture::start(QString *why)
{
    const QString sshd = QStringLiteral("/usr/sbin/sshd");
    if (!QFile::exists(sshd)) {
        *why = QStringLiteral("/usr/sbin/sshd is missing: install openssh-server (scripts/deps test)");
        return false;
    }
    if (!m_dir.isValid()) {
        *why = QStringLiteral("no temporary directory");
        return false;
    }
    const QString d = m_dir.path();
    for (const char *k : {"host_ed25519", "id_user", "id_stranger", "other_host"}) {
        if (!run(QStringLiteral("ssh-keygen"),
                {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                    QString(), QStringLiteral("-f"), d + QLatin1Char('/') + QLatin1String(k)},
                why))
            return false;
    }
    QFile::copy(d + QStringLiteral("/id_user.pub"), d + QStringLiteral("/authorized_keys"));
    // privilege separation directory sshd insists on when started as root
    if (geteuid() == 0)
        QDir().mkpath(QStringLiteral("/run/sshd"));
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        m_port = probe.serverPort();
    }
    QFile cfg(d + QStringLiteral("/sshd_config"));
    cfg.open(QIODevice::WriteOnly);
    cfg.write(QStringLiteral(
        "Port %1\nListenAddress 127.0.0.1\nHostKey %2/host_ed25519\nPidFile %2/sshd.pid\n"
        "AuthorizedKeysFile %2/authorized_keys\nStrictModes no\nUsePAM no\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\nAllowTcpForwarding yes\n"
        "MaxSessions 50\nSetEnv SHLVL=1\nSubsystem sftp /usr/lib/openssh/sftp-server\nLogLevel ERROR\n")
                  .arg(m_port)
                  .arg(d)
                  .toUtf8());
    cfg.close();
    auto keyLine = [&](const QString &pub) {
        QFile f(pub);
        f.open(QIODevice::ReadOnly);
        const QList<QByteArray> parts = f.readAll().trimmed().split(' ');
        QByteArray line = QStringLiteral("[127.0.0.1]:%1 ").arg(m_port).toUtf8();
        line.append(parts.value(0)).append(' ').append(parts.value(1)).append('\n');
        return line;
    };
    QFile kh(knownHosts());
    kh.open(QIODevice::WriteOnly);
    kh.write(keyLine(d + QStringLiteral("/host_ed25519.pub")));
    kh.close();
    QFile wrong(wrongKnownHosts());
    wrong.open(QIODevice::WriteOnly);
    wrong.write(keyLine(d + QStringLiteral("/other_host.pub")));
    wrong.close();

    m_sshd = std::make_unique<QProcess>();
    m_sshd->setProcessChannelMode(QProcess::MergedChannels);
    QStringList args {QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"), cfg.fileName()};
    // LBSCOPE_SSHD_LOG=FILE: sshd debug log for diagnosing a failing test
    if (const QString log = qEnvironmentVariable("LBSCOPE_SSHD_LOG"); !log.isEmpty())
        args << QStringLiteral("-o") << QStringLiteral("LogLevel=DEBUG3") << QStringLiteral("-E") << log;
    m_sshd->start(sshd, args);
    if (!m_sshd->waitForStarted(5000)) {
        *why = QStringLiteral("sshd did not start: ") + m_sshd->errorString();
        return false;
    }
    for (int i = 0; i < 100; ++i) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, static_cast<quint16>(m_port));
        if (s.waitForConnected(200))
            return true;
        if (m_sshd->state() != QProcess::Running) {
            *why = QStringLiteral("sshd exited: ") + QString::fromLocal8Bit(m_sshd->readAll());
            return false;
        }
        QThread::msleep(50);
    }
    *why = QStringLiteral("sshd did not listen on port %1 within 5 s").arg(m_port);
    return false;
}

void SshdFixture::stop()
{
    if (m_sshd && m_sshd->state() == QProcess::Running) {
        m_sshd->terminate();
        if (!m_sshd->waitForFinished(3000))
            m_sshd->kill();
        m_sshd->waitForFinished(1000);
    }
    m_sshd.reset();
}
