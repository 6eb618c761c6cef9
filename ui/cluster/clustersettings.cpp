#include "clustersettings.h"

#include <QSettings>
#include <QUrl>

namespace lbs::ui::clustersettings {

namespace {
// QSettings keys may not hold '/' freely: the server URL is percent-encoded into one key.
QString clusterKey(const QString &server, const char *name)
{
    return QStringLiteral("cluster/servers/%1/%2")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(server)), QString::fromLatin1(name));
}
} // namespace

QString lastContext()
{
    return QSettings().value(QStringLiteral("cluster/lastContext")).toString();
}

void setLastContext(const QString &context)
{
    QSettings().setValue(QStringLiteral("cluster/lastContext"), context);
}

QString lastService()
{
    return QSettings().value(QStringLiteral("cluster/lastService")).toString();
}

void setLastService(const QString &key)
{
    QSettings().setValue(QStringLiteral("cluster/lastService"), key);
}

QString debugImage(const QString &server)
{
    return QSettings().value(clusterKey(server, "debugImage")).toString();
}

void setDebugImage(const QString &server, const QString &image)
{
    QSettings().setValue(clusterKey(server, "debugImage"), image);
}

QString pullSecret(const QString &server)
{
    return QSettings().value(clusterKey(server, "pullSecret")).toString();
}

void setPullSecret(const QString &server, const QString &secret)
{
    QSettings().setValue(clusterKey(server, "pullSecret"), secret);
}

SshEndpointChoice lastSshEndpoint()
{
    QSettings s;
    s.beginGroup(QStringLiteral("ssh/last"));
    SshEndpointChoice c;
    c.user = s.value(QStringLiteral("user")).toString();
    c.host = s.value(QStringLiteral("host")).toString();
    c.port = s.value(QStringLiteral("port"), 22).toInt();
    c.jump = s.value(QStringLiteral("jump")).toString();
    c.identityFile = s.value(QStringLiteral("identityFile")).toString();
    c.configFile = s.value(QStringLiteral("configFile")).toString();
    c.knownHostsFile = s.value(QStringLiteral("knownHostsFile")).toString();
    return c;
}

void setLastSshEndpoint(const SshEndpointChoice &c)
{
    QSettings s;
    s.beginGroup(QStringLiteral("ssh/last"));
    s.setValue(QStringLiteral("user"), c.user);
    s.setValue(QStringLiteral("host"), c.host);
    s.setValue(QStringLiteral("port"), c.port);
    s.setValue(QStringLiteral("jump"), c.jump);
    s.setValue(QStringLiteral("identityFile"), c.identityFile);
    s.setValue(QStringLiteral("configFile"), c.configFile);
    s.setValue(QStringLiteral("knownHostsFile"), c.knownHostsFile);
}

} // namespace lbs::ui::clustersettings
