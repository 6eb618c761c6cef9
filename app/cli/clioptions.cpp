#include "clioptions.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <termios.h>
#include <unistd.h>

namespace lbs::cli {

Result<std::string> optionValue(const std::vector<std::string> &args, std::size_t &i)
{
    const std::string &a = args[i];
    const auto eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
        ++i;
        return a.substr(eq + 1);
    }
    if (i + 1 >= args.size())
        return Error {a + " needs a value", {}, "see --help"};
    i += 2;
    return args[i - 1];
}

Result<bool> takeCommonOption(const std::vector<std::string> &args, std::size_t &i, CommonOptions &o)
{
    const std::string a = args[i];
    const std::string name = a.substr(0, a.find('='));
    std::string *target = nullptr;
    if (name == "--kubeconfig")
        target = &o.kubeconfig;
    else if (name == "--context")
        target = &o.context;
    else if (name == "--ssh")
        target = &o.ssh;
    else if (name == "--identity" || name == "-i")
        target = &o.identity;
    else if (name == "--known-hosts")
        target = &o.knownHosts;
    else if (name == "--jump")
        target = &o.jump;
    else if (name == "--ssh-config")
        target = &o.sshConfig;
    else if (name == "--image")
        target = &o.image;
    else if (name == "--debug-namespace")
        target = &o.debugNamespace;
    if (name == "--host-tcpdump") {
        o.hostTcpdump = true;
        ++i;
        return true;
    }
    if (name == "--accept-new-host-key") {
        o.acceptNewHostKey = true;
        ++i;
        return true;
    }
    if (!target)
        return false;
    auto v = optionValue(args, i);
    if (!v)
        return v.error();
    *target = v.value();
    return true;
}

const char *sshOptionsHelp()
{
    return "  --ssh USER@HOST[:PORT]    reach the node over SSH (libssh; ~/.ssh/config is read)\n"
           "  --jump USER@HOST[:PORT]   through this jump host (in process, no ssh binary needed)\n"
           "  --identity FILE           private key (default: ssh-agent, ~/.ssh/id_*, IdentityFile)\n"
           "  --known-hosts FILE        known_hosts to check host keys against (default ~/.ssh/known_hosts)\n"
           "  --accept-new-host-key     trust and record an UNKNOWN host key (a changed key is always "
           "refused)\n"
           "  --ssh-config FILE         ssh config to read instead of ~/.ssh/config ('none' for none)\n"
           "  --kubeconfig PATH         kubeconfig (default: $KUBECONFIG, then ~/.kube/config)\n"
           "  --context NAME            kubeconfig context\n"
           "  --image IMG               debug pod image for --node/--service (default nicolaka/netshoot)\n"
           "  --debug-namespace NS      namespace of the debug pod (default lbscope)\n"
           "  --host-tcpdump            use the node's own tcpdump (chroot /host) in the debug pod\n";
}

namespace {

std::string askPassphrase(const std::string &prompt)
{
    if (const char *env = std::getenv("LBSCOPE_SSH_PASSPHRASE"))
        return env;
    if (!isatty(STDIN_FILENO))
        return {};
    std::fprintf(stderr, "%s", prompt.c_str());
    std::fflush(stderr);
    termios old {};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string line;
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
    return line;
}

// OpenSSH's question for an unknown host key, on the terminal only (never with input from a pipe).
bool askTrustHostKey(const std::string &host, const std::string &fingerprint, const std::string &file)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
        return false;
    std::fprintf(stderr,
        "The authenticity of host %s can't be established.\nIts key fingerprint is %s.\n"
        "Trust it and add it to %s (yes/no)? ",
        host.c_str(), fingerprint.c_str(), file.c_str());
    std::fflush(stderr);
    for (int tries = 0; tries < 3; ++tries) {
        std::string line;
        if (!std::getline(std::cin, line))
            return false;
        if (line == "yes")
            return true;
        if (line == "no")
            return false;
        std::fprintf(stderr, "Please type 'yes' or 'no': ");
        std::fflush(stderr);
    }
    return false;
}

} // namespace

std::string nodeNameProblem(const std::string &node)
{
    // DNS-1123 subdomain: lower-case alphanumerics, '-' and '.', starting and ending alphanumeric.
    const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    bool ok = !node.empty() && node.size() <= 253 && alnum(node.front()) && alnum(node.back());
    for (char c : node)
        ok = ok && (alnum(c) || c == '-' || c == '.');
    if (ok)
        return {};
    std::string shown;
    for (char c : node.substr(0, 80))
        shown += (c >= 0x20 && c < 0x7f) ? c : '?';
    return "--node '" + shown
        + "' is not a Kubernetes node name (lower-case letters, digits, '-' and '.'; see kubectl get nodes)";
}

std::string podRefProblem(const std::string &ref, const std::string &container)
{
    const auto slash = ref.find('/');
    const auto valid = [](const std::string &n) { return !n.empty() && nodeNameProblem(n).empty(); };
    std::string shown;
    for (char c : ref.substr(0, 80))
        shown += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (slash == std::string::npos || !valid(ref.substr(0, slash)) || !valid(ref.substr(slash + 1)))
        return "--pod '" + shown + "' is not NAMESPACE/POD (lower-case letters, digits, '-' and '.')";
    if (!container.empty() && !valid(container))
        return "--container is not a container name (lower-case letters, digits and '-')";
    return {};
}

std::string targetProblem(const CommonOptions &o, const std::string &node)
{
    if (!node.empty())
        if (std::string why = nodeNameProblem(node); !why.empty())
            return why;
    if (!o.ssh.empty())
        if (auto so = sshConnectOptions(o); !so)
            return so.error().toString();
    return {};
}

Result<ssh::SshConnectOptions> sshConnectOptions(const CommonOptions &o)
{
    auto target = ssh::SshEndpoint::parse(o.ssh);
    if (!target)
        return Error {"--ssh: " + target.error().message, {}, target.error().hint};
    ssh::SshConnectOptions so;
    so.target = target.value();
    if (!o.jump.empty()) {
        auto j = ssh::SshEndpoint::parse(o.jump);
        if (!j)
            return Error {"--jump: " + j.error().message, {}, j.error().hint};
        so.jump = j.value();
    }
    so.identityFile = o.identity;
    so.knownHostsFile = o.knownHosts;
    so.configFile = o.sshConfig;
    so.acceptNewHostKey = o.acceptNewHostKey;
    so.passphrase = askPassphrase;
    so.confirmNewHostKey = askTrustHostKey;
    return so;
}

std::vector<std::string> kubeconfigPaths(const CommonOptions &o)
{
    if (!o.kubeconfig.empty())
        return {o.kubeconfig};
    std::vector<std::string> out;
    if (const char *env = std::getenv("KUBECONFIG"); env && *env) {
        std::string list = env;
        std::size_t start = 0;
        while (start <= list.size()) {
            const auto colon = list.find(':', start);
            const std::string item
                = list.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
            if (!item.empty())
                out.push_back(item);
            if (colon == std::string::npos)
                break;
            start = colon + 1;
        }
        if (!out.empty())
            return out;
    }
    const char *home = std::getenv("HOME");
    return {std::string(home ? home : "") + "/.kube/config"};
}

TerminalProgress::TerminalProgress() : m_tty(isatty(STDERR_FILENO) != 0)
{
}

TerminalProgress::~TerminalProgress()
{
    endLine();
}

void TerminalProgress::endLine()
{
    if (m_open)
        std::fprintf(stderr, "\n");
    m_open = false;
}

void TerminalProgress::report(const ProgressEvent &e)
{
    if (e.stage != m_stage) {
        endLine();
        m_stage = e.stage;
        m_lastDecile = -1;
    }
    const double frac = e.total > 0 ? static_cast<double>(e.done) / static_cast<double>(e.total) : 0.0;
    char eta[32] = "";
    if (e.etaSeconds >= 0)
        std::snprintf(eta, sizeof eta, " ETA %.0fs", e.etaSeconds);
    if (m_tty) {
        const int width = 30;
        const int fill = static_cast<int>(frac * width);
        std::string bar(static_cast<std::size_t>(fill), '#');
        bar.resize(width, ' ');
        std::fprintf(stderr, "\r%s [%s] %5.1f%% %.1f/%.1f MB %s%s\033[K", e.stage.c_str(), bar.c_str(),
            frac * 100, static_cast<double>(e.done) / 1e6, static_cast<double>(e.total) / 1e6,
            e.message.c_str(), eta);
        m_open = true;
        if (e.total > 0 && e.done >= e.total)
            endLine();
    } else {
        const int decile = static_cast<int>(frac * 10);
        if (decile == m_lastDecile)
            return;
        m_lastDecile = decile;
        std::fprintf(stderr, "%s: %.0f%% %.1f/%.1f MB %s%s\n", e.stage.c_str(), frac * 100,
            static_cast<double>(e.done) / 1e6, static_cast<double>(e.total) / 1e6, e.message.c_str(), eta);
    }
    std::fflush(stderr);
}

namespace {

std::atomic<int> g_interrupts {0};
CancelToken *g_stop = nullptr;
CancelToken *g_abort = nullptr;

void onInterrupt(int)
{
    const int n = ++g_interrupts;
    if (n == 1 && g_stop)
        g_stop->cancel();
    else if (n == 2 && g_abort)
        g_abort->cancel();
    else if (n >= 3) {
        // precomputed: only async-signal-safe write(2) and _exit here
        static constexpr char kKilled[]
            = "\nlbscope-cli: killed; a debug pod or tcpdump may be left running: "
              "see `lbscope-cli cleanup` / `capture --attach DIR`\n";
        const ssize_t written = ::write(STDERR_FILENO, kKilled, sizeof kKilled - 1);
        (void)written;
        ::_exit(130);
    }
}

} // namespace

void installInterruptHandlers(const CancelToken &stop, const CancelToken &abort)
{
    static CancelToken s_stop = stop; // copies share the flag
    static CancelToken s_abort = abort;
    g_stop = &s_stop;
    g_abort = &s_abort;
    struct sigaction sa { };
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

} // namespace lbs::cli

#include "core/capture/sshremotehost.h"
#ifdef HAVE_LBSCOPE_KUBE
#include "kubecli.h"

#include "core/capture/kuberemotehost.h"
#include "core/kube/debugpodrunner.h"
#include "core/kube/kubeobjects.h"
#include "core/kube/loadbalancerlocator.h"
#endif

namespace lbs::cli {

#ifdef HAVE_LBSCOPE_KUBE
namespace {

kube::DebugPodOptions podOptions(const CommonOptions &o)
{
    kube::DebugPodOptions po;
    if (!o.image.empty())
        po.image = QString::fromStdString(o.image);
    if (!o.debugNamespace.empty())
        po.nameSpace = QString::fromStdString(o.debugNamespace);
    po.hostTools = o.hostTcpdump;
    if (!o.captureDir.empty())
        po.hostPathDir = QString::fromStdString(o.captureDir);
    if (o.podDeadlineSec > 0)
        po.activeDeadlineSeconds = o.podDeadlineSec;
    return po;
}

Result<std::unique_ptr<kube::KubeClient>> kubeClient(const CommonOptions &o)
{
    // core/kube runs local event loops: main() keeps a QCoreApplication for this command.
    if (!QCoreApplication::instance())
        return Error {"internal error: the Kubernetes client needs a QCoreApplication", {}, {}};
    kubecli::Args ka;
    ka.kubeconfig = o.kubeconfig;
    ka.context = o.context;
    return kubecli::connect(ka);
}

} // namespace

Result<ServiceTarget> locateService(
    const CommonOptions &options, const std::string &service, const CancelToken &cancel)
{
    auto client = kubeClient(options);
    if (!client)
        return client.error();
    const auto [ns, name]
        = kube::splitNamespacedName(QString::fromStdString(service), (*client)->context().nameSpace);
    auto po = podOptions(options);
    po.hostPathDir.clear(); // locating writes nothing on the node
    po.activeDeadlineSeconds = 600;
    kube::DebugPodRunner runner(**client, po);
    kube::LoadBalancerLocator locator(**client, &runner);
    auto r = locator.locate(ns, name, cancel);
    const CancelToken fresh; // the probe pods are deleted after a Ctrl+C too
    if (auto s = runner.removeAll(fresh); !s)
        std::fprintf(stderr, "warning: %s (run `lbscope-cli cleanup`)\n", s.error().toString().c_str());
    if (!r)
        return r.error();
    if (r->holderNode.isEmpty() || r->interface.isEmpty())
        return Error {"no single node holds the VIP of " + service + ": "
                + r->problems.join(QStringLiteral("; ")).toStdString(),
            service,
            "see lbscope-cli locate --service " + service + ", then capture with --node NODE --iface IF"};
    ServiceTarget t;
    t.node = r->holderNode.toStdString();
    t.iface = r->interface.toStdString();
    t.vip = r->vip.toStdString();
    t.service = (ns + QLatin1Char('/') + name).toStdString();
    t.method = r->method.toStdString();
    return t;
}
#else
Result<ServiceTarget> locateService(const CommonOptions &, const std::string &service, const CancelToken &)
{
    return Error {"--service needs the Kubernetes client, which this build lacks", service, "use --ssh"};
}
#endif

Result<std::unique_ptr<capture::RemoteHost>> connectRemoteHost(const CommonOptions &options,
    const std::string &node, const CancelToken &cancel, std::string *endpointOut)
{
    if (!options.ssh.empty()) {
        auto so = sshConnectOptions(options);
        if (!so)
            return so.error();
        auto host = capture::SshRemoteHost::connect(so.value(), cancel);
        if (!host)
            return host.error();
        if (endpointOut)
            *endpointOut = so->target.toString();
        return std::unique_ptr<capture::RemoteHost>(std::move(host.value()));
    }
#ifdef HAVE_LBSCOPE_KUBE
    if (!node.empty()) {
        auto client = kubeClient(options);
        if (!client)
            return client.error();
        auto po = podOptions(options);
        po.node = QString::fromStdString(node);
        auto host = capture::KubeRemoteHost::open(std::move(client.value()), po, cancel);
        if (!host)
            return host.error();
        if (endpointOut)
            *endpointOut = node;
        return std::unique_ptr<capture::RemoteHost>(std::move(host.value()));
    }
#else
    if (!node.empty())
        return Error {
            "--node needs the Kubernetes debug-pod transport, which this build of lbscope-cli lacks", node,
            "use --ssh USER@HOST"};
#endif
    return Error {"no node given", {}, "pass --ssh USER@HOST[:PORT] or --node NODE"};
}

Result<std::unique_ptr<capture::RemoteHost>> connectPodHost(const CommonOptions &options,
    const std::string &podRef, const std::string &container, const CancelToken &cancel)
{
#ifdef HAVE_LBSCOPE_KUBE
    auto client = kubeClient(options);
    if (!client)
        return client.error();
    const auto slash = podRef.find('/');
    auto host = capture::KubeRemoteHost::attach(std::move(client.value()),
        QString::fromStdString(podRef.substr(0, slash)), QString::fromStdString(podRef.substr(slash + 1)),
        QString::fromStdString(container), cancel);
    if (!host)
        return host.error();
    return std::unique_ptr<capture::RemoteHost>(std::move(host.value()));
#else
    (void)options;
    (void)container;
    (void)cancel;
    return Error {"--pod needs the Kubernetes transport, which this build of lbscope-cli lacks", podRef, {}};
#endif
}

} // namespace lbs::cli
