#pragma once
// Building the RemoteHost a capture or a download runs over, from TargetOptions: an SSH session or a
// debug pod on a Kubernetes node (or an existing pod). No terminal, no printing: questions go to the
// prompts in TargetOptions, warnings to the given function.

#include "core/capture/remotehost.h"
#include "core/capture/targetoptions.h"
#include "core/ssh/sshsession.h"

#include <functional>
#include <memory>
#include <string>

namespace lbs::kube {
class KubeClient;
struct DebugPodOptions;
}

namespace lbs::capture {

/// Receives one warning (a kubeconfig with insecure-skip-tls-verify, an API server Warning header).
using WarningSink = std::function<void(const std::string &warning)>;

/// SSH connection options from options.ssh/jump/identity/knownHosts/sshConfig/acceptNewHostKey and
/// its prompts. Error when an endpoint does not parse (named as --ssh / --jump).
Result<ssh::SshConnectOptions> sshConnectOptions(const TargetOptions &options);

/// Empty when `node` is a valid Kubernetes node name (a DNS-1123 subdomain), else why not.
std::string nodeNameProblem(const std::string &node);
/// Why `ref` (NAMESPACE/POD) and `container` cannot name a pod; empty when they can.
std::string podRefProblem(const std::string &ref, const std::string &container);
/// Usage errors in where to connect (the node name, the SSH endpoints), found before connecting;
/// empty when there is none.
std::string targetProblem(const TargetOptions &options, const std::string &node);

#ifdef HAVE_LBSCOPE_KUBE
/// The debug pod settings of options (image, namespace, host tools, capture directory, deadline).
kube::DebugPodOptions podOptions(const TargetOptions &options);
/// A Kubernetes client for options.kubeconfig/context; its configuration warnings go to warn. Needs a
/// QCoreApplication (core/kube runs local event loops on the calling thread).
Result<std::unique_ptr<kube::KubeClient>> kubeClient(const TargetOptions &options, const WarningSink &warn);
#endif

/// Connects to the node: over SSH when options.ssh is set, else through a debug pod on `node`.
/// endpointOut receives what a re-attach needs to reach it again.
Result<std::unique_ptr<RemoteHost>> connectRemoteHost(const TargetOptions &options, const std::string &node,
    const CancelToken &cancel, std::string *endpointOut, const WarningSink &warn = {});

/// An existing pod given as NAMESPACE/POD: commands run in `container` (empty: the default one);
/// nothing is created or deleted.
Result<std::unique_ptr<RemoteHost>> connectPodHost(const TargetOptions &options, const std::string &podRef,
    const std::string &container, const CancelToken &cancel, const WarningSink &warn = {});

} // namespace lbs::capture
