#include "mountnamespace.h"

#include <QProcess>
#include <QStringList>

QByteArray inMountNamespace(const QString &script, int *code, int timeoutMs)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("unshare"),
        {QStringLiteral("--mount"), QStringLiteral("--propagation"), QStringLiteral("private"),
            QStringLiteral("sh"), QStringLiteral("-c"), script});
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        *code = -1;
        return p.readAll() + "\n(timed out)";
    }
    *code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    return p.readAll();
}

QByteArray scriptField(const QByteArray &out, const QByteArray &name)
{
    for (const QByteArray &line : out.split('\n'))
        if (line.startsWith(QByteArray(name + '=')))
            return line.mid(name.size() + 1).trimmed();
    return {};
}

QString shellQuoted(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}
