#pragma once
// The workbench's non-secret choices in QSettings: last context and service, the probe pods' debug
// image and pull secret per cluster (air-gapped clusters cannot pull the default image), and the
// last SSH endpoint. Passphrases never go here (see SecretStore).

#include <QString>

namespace lbs::ui {

struct SshEndpointChoice {
    QString user;
    QString host;
    int port = 22;
    QString jump;
    QString identityFile;
    QString configFile;
    QString knownHostsFile;
    bool operator==(const SshEndpointChoice &) const = default;
};

namespace clustersettings {

QString lastContext();
void setLastContext(const QString &context);
QString lastService();
void setLastService(const QString &key);
/// Per cluster server URL; empty = lbscope's default image.
QString debugImage(const QString &server);
void setDebugImage(const QString &server, const QString &image);
QString pullSecret(const QString &server);
void setPullSecret(const QString &server, const QString &secret);
SshEndpointChoice lastSshEndpoint();
void setLastSshEndpoint(const SshEndpointChoice &choice);

} // namespace clustersettings
} // namespace lbs::ui
