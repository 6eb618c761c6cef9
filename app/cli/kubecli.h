#pragma once
// Shared wiring of the Kubernetes commands (contexts, services, locate, cleanup): their common options
// --kubeconfig/--context/--json, the Qt event loop core/kube needs, and printing.
#ifdef HAVE_LBSCOPE_CAPTURE

#include "core/kube/kubeclient.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace lbs::cli::kubecli {

/// The options every Kubernetes command has.
struct Args {
    std::string kubeconfig; ///< --kubeconfig (else KUBECONFIG, else ~/.kube/config)
    std::string context; ///< --context
    bool json = false; ///< --json
};

/// Adds --kubeconfig, --context (unless `withContext` is false) and --json to a command's option table.
void addOptions(CLI::App &table, Args &args, bool withContext = true);

/// Client for --kubeconfig/--context; prints kubeconfig warnings (insecure-skip-tls-verify...) to stderr.
Result<std::unique_ptr<kube::KubeClient>> connect(const Args &a);

/// "lbscope-cli CMD: message" on stderr; returns 1.
int fail(const char *command, const Error &e);
/// Prints the client's warnings (config and API server Warning headers) to stderr.
void printWarnings(const kube::KubeClient &client);
void printJson(const QJsonObject &o);
/// Left-aligned columns with two spaces between them, like kubectl.
void printTable(const std::vector<std::vector<std::string>> &rows);

} // namespace lbs::cli::kubecli

#endif
