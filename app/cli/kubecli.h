#pragma once
// Shared wiring of the Kubernetes commands (contexts, services, locate, cleanup): argument parsing
// for --kubeconfig/--context/--json, the Qt event loop core/kube needs, and printing.
#ifdef HAVE_LBSCOPE_CAPTURE

#include "core/kube/kubeclient.h"

#include <QCoreApplication>

#include <memory>
#include <string>
#include <vector>

namespace lbs::cli::kubecli {

struct Args {
    std::string kubeconfig; ///< --kubeconfig (else KUBECONFIG, else ~/.kube/config)
    std::string context; ///< --context
    bool json = false; ///< --json
    bool help = false;
    std::vector<std::pair<std::string, std::string>> options; ///< other --name value pairs
    std::vector<std::string> flags; ///< other --name flags
    std::vector<std::string> positional;
};

/// Parses args; `valueOptions` names the command's options that take a value, `flagOptions` the bare ones.
Result<Args> parse(const std::vector<std::string> &args, const std::vector<std::string> &valueOptions,
    const std::vector<std::string> &flagOptions);
std::string option(const Args &a, const std::string &name, const std::string &fallback = {});
bool flag(const Args &a, const std::string &name);

/// A QCoreApplication for the command's lifetime (core/kube runs local event loops).
std::unique_ptr<QCoreApplication> ensureApp();

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
