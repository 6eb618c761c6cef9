#pragma once
// How to reach a node or a cluster: the SSH and Kubernetes settings every capture front end collects
// (the CLI from its options, the GUI from its forms), and the questions only the user can answer.

#include <functional>
#include <string>

namespace lbs::capture {

/// Asks the user for a private key's passphrase (argument: the prompt). Returns it, or empty for none.
using PassphrasePrompt = std::function<std::string(const std::string &prompt)>;
/// Asks whether to trust an unknown host key (host, fingerprint, known_hosts file it would go to).
/// Never asked for a changed key: that is always refused.
using HostKeyPrompt
    = std::function<bool(const std::string &host, const std::string &fingerprint, const std::string &file)>;

/// Where and how to reach the node: over SSH (ssh set) or through a Kubernetes debug pod.
struct TargetOptions {
    std::string kubeconfig; ///< empty = KUBECONFIG or ~/.kube/config
    std::string context; ///< kubeconfig context; empty = the current one
    std::string ssh; ///< USER@HOST[:PORT]; set = the SSH transport
    std::string identity; ///< private key file; empty = agent, ~/.ssh/id_*, IdentityFile
    std::string knownHosts; ///< known_hosts file; empty = ~/.ssh/known_hosts
    std::string jump; ///< jump host USER@HOST[:PORT]
    std::string sshConfig; ///< ssh config file; empty = ~/.ssh/config, "none" = read none
    bool acceptNewHostKey = false; ///< trust and record an unknown host key without asking
    std::string image; ///< debug pod image; empty = the default
    std::string imagePullSecret; ///< docker-registry Secret in the debug namespace; empty = none
    std::string debugNamespace; ///< namespace of the debug pod; empty = lbscope
    bool hostTcpdump = false; ///< the node's own tcpdump via chroot /host in the debug pod
    /// The node directory the debug pod mounts at the same path (a capture's remote directory) and
    /// the pod's activeDeadlineSeconds (0 = the default, 4 h). Set by the capture workflow.
    std::string captureDir;
    int podDeadlineSec = 0;
    /// Interactive needs; empty = no passphrase / refuse an unknown host key.
    PassphrasePrompt passphrase;
    HostKeyPrompt confirmNewHostKey;
};

} // namespace lbs::capture
