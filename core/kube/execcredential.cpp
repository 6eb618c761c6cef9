#include "core/kube/execcredential.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>
#include <mutex>

namespace lbs::kube {

QDateTime parseRfc3339(const QString &text)
{
    // Qt's ISODate parser does not accept nanosecond fractions: keep at most milliseconds.
    static const QRegularExpression frac(QStringLiteral("\\.(\\d{1,3})\\d*"));
    QString t = text.trimmed();
    t.replace(frac, QStringLiteral(".\\1"));
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(t, Qt::ISODate);
    return dt;
}

namespace {
std::mutex g_searchPathMutex;
QString g_searchPath;
} // namespace

void setExecPluginSearchPath(const QString &path)
{
    const std::lock_guard lock(g_searchPathMutex);
    g_searchPath = path;
}

QString execPluginSearchPath()
{
    const std::lock_guard lock(g_searchPathMutex);
    return g_searchPath;
}

QString mergedExecPath(const QString &searchPath, const QString &processPath)
{
    QStringList dirs;
    for (const QString &d : searchPath.split(QLatin1Char(':')) + processPath.split(QLatin1Char(':'))) {
        if (!d.isEmpty() && !dirs.contains(d))
            dirs << d;
    }
    return dirs.join(QLatin1Char(':'));
}

ExecCredentialPlugin::ExecCredentialPlugin(
    ExecConfig config, QString userName, QString origin, ClusterInfo cluster)
    : m_config(std::move(config)), m_user(std::move(userName)), m_origin(std::move(origin)),
      m_cluster(std::move(cluster))
{
}

Error ExecCredentialPlugin::error(const QString &message, const QString &hint, ErrorKind kind) const
{
    return Error {QStringLiteral("user '%1': %2").arg(m_user, message).toStdString(), m_origin.toStdString(),
        hint.toStdString(), kind};
}

Result<Credential> ExecCredentialPlugin::get(const CancelToken &cancel)
{
    // client-go: reuse until now is after the expiry, no skew; no expiry means cache forever.
    if (m_cached && (!m_cached->expiry.isValid() || QDateTime::currentDateTimeUtc() <= m_cached->expiry))
        return *m_cached;
    m_cached.reset();
    auto fresh = run(cancel);
    if (fresh)
        m_cached = fresh.value();
    return fresh;
}

void ExecCredentialPlugin::invalidate()
{
    m_cached.reset();
}

QByteArray ExecCredentialPlugin::execInfo() const
{
    QJsonObject spec {{QStringLiteral("interactive"), false}};
    if (m_config.provideClusterInfo) {
        QByteArray ca = m_cluster.certificateAuthorityData;
        if (ca.isEmpty() && !m_cluster.certificateAuthority.isEmpty()) {
            QFile f(m_cluster.certificateAuthority);
            if (f.open(QIODevice::ReadOnly))
                ca = f.readAll();
        }
        QJsonObject cluster {{QStringLiteral("server"), m_cluster.server}};
        if (!m_cluster.tlsServerName.isEmpty())
            cluster.insert(QStringLiteral("tls-server-name"), m_cluster.tlsServerName);
        if (m_cluster.insecureSkipTlsVerify)
            cluster.insert(QStringLiteral("insecure-skip-tls-verify"), true);
        if (!ca.isEmpty())
            cluster.insert(QStringLiteral("certificate-authority-data"), QString::fromLatin1(ca.toBase64()));
        if (!m_cluster.proxyUrl.isEmpty())
            cluster.insert(QStringLiteral("proxy-url"), m_cluster.proxyUrl);
        if (m_cluster.disableCompression)
            cluster.insert(QStringLiteral("disable-compression"), true);
        if (!m_cluster.execExtension.isUndefined() && !m_cluster.execExtension.isNull())
            cluster.insert(QStringLiteral("config"), m_cluster.execExtension);
        spec.insert(QStringLiteral("cluster"), cluster);
    }
    QJsonObject info {{QStringLiteral("kind"), QStringLiteral("ExecCredential")},
        {QStringLiteral("apiVersion"), m_config.apiVersion}, {QStringLiteral("spec"), spec}};
    return QJsonDocument(info).toJson(QJsonDocument::Compact);
}

Result<Credential> ExecCredentialPlugin::parseOutput(const QByteArray &out) const
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(out, &pe);
    if (!doc.isObject())
        return error(QStringLiteral("exec plugin '%1' printed something that is not an ExecCredential JSON "
                                    "object (%2)")
                         .arg(m_config.command, pe.errorString()),
            QStringLiteral("run the plugin by hand and check its output"));
    const QJsonObject o = doc.object();
    const QString version = o.value(QStringLiteral("apiVersion")).toString();
    if (version != m_config.apiVersion)
        return error(
            QStringLiteral("exec plugin is configured to use API version %1, plugin returned version %2")
                .arg(m_config.apiVersion, version.isEmpty() ? QStringLiteral("(none)") : version),
            QStringLiteral("set exec.apiVersion to what the plugin speaks"));
    if (o.value(QStringLiteral("kind")).toString() != QLatin1String("ExecCredential"))
        return error(QStringLiteral("exec plugin '%1' returned kind '%2' instead of ExecCredential")
                         .arg(m_config.command, o.value(QStringLiteral("kind")).toString()));
    const QJsonValue statusValue = o.value(QStringLiteral("status"));
    if (!statusValue.isObject())
        return error(QStringLiteral("exec plugin '%1' returned an ExecCredential without status")
                         .arg(m_config.command));
    const QJsonObject s = statusValue.toObject();
    Credential c;
    c.token = s.value(QStringLiteral("token")).toString();
    c.clientCertificatePem = s.value(QStringLiteral("clientCertificateData")).toString().toUtf8();
    c.clientKeyPem = s.value(QStringLiteral("clientKeyData")).toString().toUtf8();
    if (c.token.isEmpty() && c.clientCertificatePem.isEmpty())
        return error(QStringLiteral("exec plugin '%1' returned neither a token nor a client certificate")
                         .arg(m_config.command));
    if (c.clientCertificatePem.isEmpty() != c.clientKeyPem.isEmpty())
        return error(
            QStringLiteral("exec plugin '%1' returned a client certificate without its key (or a key "
                           "without its certificate)")
                .arg(m_config.command));
    const QString exp = s.value(QStringLiteral("expirationTimestamp")).toString();
    if (!exp.isEmpty()) {
        c.expiry = parseRfc3339(exp);
        if (!c.expiry.isValid())
            return error(QStringLiteral("exec plugin '%1' returned an unreadable expirationTimestamp '%2'")
                             .arg(m_config.command, exp));
    }
    return c;
}

QString ExecCredentialPlugin::redactedStderr(const QByteArray &stderrBytes) const
{
    QString err = QString::fromUtf8(stderrBytes.trimmed().right(4000));
    // Secrets arrive as arguments (a value, or --flag=value) and in exec env: mask every such value the
    // plugin prints back. Short values (flags such as -v) would mask ordinary words and are left alone.
    QStringList secrets;
    for (const QString &arg : m_config.args) {
        secrets << arg;
        if (const auto eq = arg.indexOf(QLatin1Char('=')); arg.startsWith(QLatin1Char('-')) && eq > 0)
            secrets << arg.mid(eq + 1);
    }
    for (const auto &kv : m_config.env)
        secrets << kv.second;
    // Longest first, so a value is masked whole before any part of it.
    std::sort(secrets.begin(), secrets.end(),
        [](const QString &a, const QString &b) { return a.size() > b.size(); });
    for (const QString &secret : secrets) {
        if (secret.size() >= 4)
            err.replace(secret, QStringLiteral("***"));
    }
    err.replace(QLatin1Char('\n'), QStringLiteral(" / ")); // one line, as every error message
    return err.right(600);
}

Result<Credential> ExecCredentialPlugin::run(const CancelToken &cancel)
{
    if (m_config.interactiveMode == QLatin1String("Always"))
        return error(
            QStringLiteral("exec plugin '%1' requires an interactive terminal (interactiveMode: Always), "
                           "which lbscope cannot provide")
                .arg(m_config.command),
            QStringLiteral("run `kubectl get ns` once in a terminal to log in, or set interactiveMode to "
                           "IfAvailable/Never if the plugin can work without a prompt"));
    QString program = m_config.command;
    const QString shown = QFileInfo(m_config.command).fileName();
    const QString install = m_config.installHint.trimmed().isEmpty()
        ? QStringLiteral("install it or fix users[].user.exec.command")
        : m_config.installHint.trimmed();
    const QString path = mergedExecPath(execPluginSearchPath(), qEnvironmentVariable("PATH"));
    if (!program.contains(QLatin1Char('/'))) {
        program = QStandardPaths::findExecutable(
            program, path.isEmpty() ? QStringList() : path.split(QLatin1Char(':')));
        if (program.isEmpty())
            return error(QStringLiteral("exec plugin '%1' not found on PATH").arg(shown), install,
                ErrorKind::NotFound);
    } else if (!QFileInfo(program).isExecutable()) {
        return error(QStringLiteral("exec plugin '%1' does not exist or is not executable").arg(program),
            install, ErrorKind::NotFound);
    }

    QProcess proc;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!path.isEmpty())
        env.insert(QStringLiteral("PATH"), path); // the plugin may itself run tools found there
    for (const auto &kv : m_config.env)
        env.insert(kv.first, kv.second);
    env.insert(QStringLiteral("KUBERNETES_EXEC_INFO"), QString::fromUtf8(execInfo()));
    proc.setProcessEnvironment(env);
    proc.setStandardInputFile(QProcess::nullDevice()); // non-interactive: no stdin
    ++m_runs;
    proc.start(program, m_config.args);
    if (!proc.waitForStarted(10000))
        return error(
            QStringLiteral("exec plugin '%1' could not be started: %2").arg(program, proc.errorString()),
            install);
    QElapsedTimer clock;
    clock.start();
    while (!proc.waitForFinished(50)) {
        if (cancel.isCancelled() || clock.elapsed() > m_timeoutMs) {
            proc.kill();
            proc.waitForFinished(2000);
            if (cancel.isCancelled())
                return error(
                    QStringLiteral("exec plugin '%1' cancelled").arg(shown), {}, ErrorKind::Cancelled);
            return error(QStringLiteral("exec plugin '%1' gave no credential within %2 s")
                             .arg(shown)
                             .arg(m_timeoutMs / 1000),
                QStringLiteral("the plugin may be waiting for a login prompt; run it once in a terminal"),
                ErrorKind::Timeout);
        }
        if (proc.state() == QProcess::NotRunning)
            break;
    }
    const QByteArray out = proc.readAllStandardOutput();
    if (proc.exitStatus() != QProcess::NormalExit || proc.exitCode() != 0) {
        // The plugin's own message is the useful part; its arguments are not shown (they often hold
        // secrets such as --client-secret), nor echoed back by a usage error: each one is masked.
        const QString err = redactedStderr(proc.readAllStandardError());
        const auto n = m_config.args.size();
        return error(QStringLiteral("exec plugin '%1' failed with exit code %2%3")
                         .arg(shown)
                         .arg(proc.exitStatus() == QProcess::NormalExit ? proc.exitCode() : -1)
                         .arg(err.isEmpty() ? QString() : QStringLiteral(": ") + err),
            QStringLiteral(
                "run the plugin by hand to see why: %1 with the %2 argument%3 of users[].user.exec.args")
                .arg(program)
                .arg(n)
                .arg(n == 1 ? QString() : QStringLiteral("s")));
    }
    return parseOutput(out);
}

} // namespace lbs::kube
