#pragma once

#include "core/common/canceltoken.h"
#include "core/kube/kubeconfig.h"

#include <QDateTime>

namespace lbs::kube {

/// What an exec plugin or OIDC provider hands back.
struct Credential {
    QString token;
    QByteArray clientCertificatePem;
    QByteArray clientKeyPem;
    QDateTime expiry; ///< invalid = never expires
};

/// Runs an exec credential plugin (client.authentication.k8s.io/v1 or v1beta1) non-interactively and
/// caches its credential until expirationTimestamp (docs/protocol-notes.md, "Authentication"). Not
/// thread-safe: one per client.
class ExecCredentialPlugin {
public:
    ExecCredentialPlugin(ExecConfig config, QString userName, QString origin, ClusterInfo cluster);

    /// The cached credential, or a fresh one from the plugin when none is cached or it expired.
    Result<Credential> get(const CancelToken &cancel);
    /// Forgets the cached credential (after a 401) so that the next get() runs the plugin again.
    void invalidate();
    /// How many times the plugin ran (for tests and diagnostics).
    int runCount() const { return m_runs; }
    /// The KUBERNETES_EXEC_INFO JSON the plugin receives.
    QByteArray execInfo() const;
    /// Parses the plugin's stdout; public for tests.
    Result<Credential> parseOutput(const QByteArray &stdoutBytes) const;

    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

private:
    Result<Credential> run(const CancelToken &cancel);
    /// The plugin's stderr for an error message: bounded, with argument and env values masked.
    QString redactedStderr(const QByteArray &stderrBytes) const;
    Error error(const QString &message, const QString &hint = {}, ErrorKind kind = ErrorKind::Unknown) const;

    ExecConfig m_config;
    QString m_user;
    QString m_origin;
    ClusterInfo m_cluster;
    std::optional<Credential> m_cached;
    int m_runs = 0;
    int m_timeoutMs = 120000;
};

/// Directories searched for a bare plugin name before the process's own PATH, and the PATH the plugin
/// runs with (empty: the process's PATH alone). A desktop app sets the login shell's PATH here once at
/// start: started from a menu, its own PATH lacks ~/bin, /usr/local/bin, SDK directories where `aws`,
/// `gke-gcloud-auth-plugin` or `kubelogin` live. Thread-safe.
void setExecPluginSearchPath(const QString &path);
QString execPluginSearchPath();
/// The PATH an exec plugin is looked up in and runs with: `searchPath`'s entries first, then those of
/// `processPath` not already listed (':'-separated, empty entries dropped).
QString mergedExecPath(const QString &searchPath, const QString &processPath);

/// Parses an RFC 3339 timestamp ("2026-01-01T00:00:00Z", fractional seconds and offsets allowed).
QDateTime parseRfc3339(const QString &text);

} // namespace lbs::kube
