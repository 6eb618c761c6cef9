#pragma once

#include "core/kube/kubeconfig.h"

#include <optional>

namespace lbs::kube {

/// Where kubeconfig comes from, as kubectl decides it (docs/protocol-notes.md, "kubeconfig").
struct KubeConfigSource {
    QString explicitPath; ///< --kubeconfig: must exist, loaded alone
    std::optional<QString> kubeconfigEnv; ///< value of KUBECONFIG (nullopt = unset)
    QString homeDir; ///< for ~/.kube/config

    /// Explicit path (may be empty) plus the process environment and home directory.
    static KubeConfigSource fromEnvironment(const QString &explicitPath = {});
};

/// Reads kubeconfig files with yaml-cpp and merges them with kubectl's rules (docs/protocol-notes.md,
/// "kubeconfig").
class KubeConfigLoader {
public:
    /// Loads according to `source`. Missing files in a KUBECONFIG list are skipped; a file that cannot
    /// be read or parsed is an error naming it.
    static Result<KubeConfig> load(const KubeConfigSource &source);

    /// Parses one file (no merging). A missing file is an error.
    static Result<KubeConfig> loadFile(const QString &path);

    /// Parses kubeconfig text; `origin` names the file for messages and relative paths.
    static Result<KubeConfig> parse(const QByteArray &yaml, const QString &origin);

    /// Merges `files` (already parsed, in priority order): the first file to set a key wins.
    static KubeConfig merge(const QList<KubeConfig> &files);

    /// Splits a KUBECONFIG value on ':' and drops empty and duplicate entries (first one kept).
    static QStringList splitList(const QString &value);
};

} // namespace lbs::kube
