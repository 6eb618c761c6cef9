#include "clioptions.h"

#include <cstdlib>

namespace lbs::cli {

void addClusterOptions(CLI::App &t, std::string &kubeconfig, std::string *context)
{
    t.add_option("--kubeconfig", kubeconfig, "kubeconfig (default: $KUBECONFIG, then ~/.kube/config)")
        ->type_name("PATH")
        ->group("Kubernetes");
    if (context)
        t.add_option("--context", *context, "kubeconfig context (default: its current context)")
            ->type_name("NAME")
            ->group("Kubernetes");
}

void addSshOptions(CLI::App &t, CommonOptions &o)
{
    const auto add = [&t](const char *name, std::string &target, const char *valueName, const char *help) {
        t.add_option(name, target, help)->type_name(valueName)->group("SSH");
    };
    add("--ssh", o.ssh, "USER@HOST[:PORT]", "reach the node over SSH (libssh; ~/.ssh/config is read)");
    add("--jump", o.jump, "USER@HOST[:PORT]", "through this jump host (in process, no ssh binary needed)");
    add("-i,--identity", o.identity, "FILE", "private key (default: ssh-agent, ~/.ssh/id_*, IdentityFile)");
    add("--known-hosts", o.knownHosts, "FILE",
        "known_hosts to check host keys against (default ~/.ssh/known_hosts)");
    t.add_flag("--accept-new-host-key", o.acceptNewHostKey,
         "trust and record an UNKNOWN host key (a changed key is always refused)")
        ->group("SSH");
    add("--ssh-config", o.sshConfig, "FILE", "ssh config to read instead of ~/.ssh/config ('none' for none)");
}

void addDebugPodOptions(CLI::App &t, CommonOptions &o)
{
    t.add_option("--image", o.image, "debug pod image (default nicolaka/netshoot)")
        ->type_name("IMG")
        ->group("Debug pod");
    t.add_option("--image-pull-secret", o.imagePullSecret,
         "docker-registry Secret in the debug namespace for a private registry's image")
        ->type_name("SECRET")
        ->group("Debug pod");
    t.add_option("--debug-namespace", o.debugNamespace, "namespace of the debug pod (default lbscope)")
        ->type_name("NS")
        ->group("Debug pod");
    t.add_flag("--host-tcpdump", o.hostTcpdump, "use the node's own tcpdump (chroot /host) in the debug pod")
        ->group("Debug pod");
}

void setTerminalPrompts(CommonOptions &o)
{
    o.passphrase = [](const std::string &prompt) {
        if (const char *env = std::getenv("LBSCOPE_SSH_PASSPHRASE"))
            return std::string(env);
        return clikit::askHidden(prompt);
    };
    o.confirmNewHostKey = clikit::askTrustHostKey;
}

void installInterruptHandlers(const CancelToken &stop, const CancelToken &abort)
{
    clikit::installInterruptHandlers(stop, abort,
        "\nlbscope-cli: killed; a debug pod or tcpdump may be left running: "
        "see `lbscope-cli cleanup` / `capture --attach DIR`\n");
}

} // namespace lbs::cli
