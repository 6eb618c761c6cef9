#pragma once
// Options shared by the lbscope-cli commands that reach clusters or nodes, and terminal progress.
// --kubeconfig PATH  --context C  --ssh USER@HOST[:PORT]  --identity FILE  --known-hosts FILE
// --jump USER@HOST[:PORT]  --accept-new-host-key  --ssh-config FILE

#include "core/common/error.h"
#include "core/common/progress.h"
#include "core/ssh/sshsession.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace lbs::cli {

struct CommonOptions {
    std::string kubeconfig; ///< --kubeconfig; empty = KUBECONFIG or ~/.kube/config (see kubeconfigPaths)
    std::string context; ///< --context
    std::string ssh; ///< --ssh USER@HOST[:PORT]
    std::string identity; ///< --identity FILE
    std::string knownHosts; ///< --known-hosts FILE
    std::string jump; ///< --jump USER@HOST[:PORT]
    std::string sshConfig; ///< --ssh-config FILE ("none" = read none)
    bool acceptNewHostKey = false;
    std::string image; ///< --image: debug pod image (kube transport)
    std::string debugNamespace; ///< --debug-namespace (default lbscope)
    bool hostTcpdump = false; ///< --host-tcpdump: the node's own tcpdump via chroot /host
    /// Set by capture, not options: the node directory the debug pod mounts at the same path (the
    /// capture's --remote-dir) and the pod's activeDeadlineSeconds (0 = the default, 4 h).
    std::string captureDir;
    int podDeadlineSec = 0;
};

/// If args[i] is one of the common options, stores it (and its value), advances i past it and
/// returns true; returns false for any other argument; Error when its value is missing.
Result<bool> takeCommonOption(const std::vector<std::string> &args, std::size_t &i, CommonOptions &options);

/// Value of the option at args[i] ("--out DIR" or "--out=DIR"); advances i. Error when missing.
Result<std::string> optionValue(const std::vector<std::string> &args, std::size_t &i);

/// Help text for the common SSH options (for command --help).
const char *sshOptionsHelp();

/// SSH connection options from --ssh/--jump/--identity/--known-hosts/--accept-new-host-key.
/// A key passphrase comes from LBSCOPE_SSH_PASSPHRASE, else is asked on the terminal (no echo).
Result<ssh::SshConnectOptions> sshConnectOptions(const CommonOptions &options);
/// Empty when `node` is a valid Kubernetes node name (a DNS-1123 subdomain), else why not.
std::string nodeNameProblem(const std::string &node);
/// Usage errors in where to connect (--node name, --ssh endpoint), found before connecting;
/// empty when there is none.
std::string targetProblem(const CommonOptions &options, const std::string &node);

/// The kubeconfig files as kubectl picks them: --kubeconfig alone, else KUBECONFIG's list,
/// else ~/.kube/config.
std::vector<std::string> kubeconfigPaths(const CommonOptions &options);

/// Progress on stderr: a redrawn bar on a terminal, plain lines (every ~10 %) otherwise.
class TerminalProgress final : public ProgressSink {
public:
    TerminalProgress();
    ~TerminalProgress() override;
    void report(const ProgressEvent &event) override;
    /// Ends a bar line if one is open.
    void endLine();

private:
    bool m_tty;
    bool m_open = false;
    std::string m_stage;
    int m_lastDecile = -1;
};

/// First Ctrl+C sets the "stop" token, the second the "abort" token (a third kills the process).
/// Installed for the capture command.
void installInterruptHandlers(const CancelToken &stop, const CancelToken &abort);

} // namespace lbs::cli

namespace lbs::capture {
class RemoteHost;
}

namespace lbs::cli {

/// Where --service NS/NAME is held: the node, the interface carrying the VIP, the VIP.
struct ServiceTarget {
    std::string node;
    std::string iface;
    std::string vip;
    std::string service; ///< NS/NAME
    std::string method; ///< how the locator decided
};

/// Locates a LoadBalancer service's VIP holder (Kubernetes locator, probing with debug pods).
Result<ServiceTarget> locateService(
    const CommonOptions &options, const std::string &service, const CancelToken &cancel);

/// Connects to the node named by --ssh (SshRemoteHost) or by node (--node: the Kubernetes debug-pod
/// transport). endpointOut receives what --attach needs to reach it again.
Result<std::unique_ptr<capture::RemoteHost>> connectRemoteHost(const CommonOptions &options,
    const std::string &node, const CancelToken &cancel, std::string *endpointOut);

/// An existing pod given as NAMESPACE/POD (`fetch --pod`, like kubectl cp's source): commands run in
/// `container` (empty: the default one); nothing is created or deleted.
Result<std::unique_ptr<capture::RemoteHost>> connectPodHost(const CommonOptions &options,
    const std::string &podRef, const std::string &container, const CancelToken &cancel);

/// Why `--pod NAMESPACE/POD` (and `--container`) cannot name a pod; empty when they can.
std::string podRefProblem(const std::string &ref, const std::string &container);

} // namespace lbs::cli
