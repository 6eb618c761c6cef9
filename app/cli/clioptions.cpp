#include "clioptions.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>
#include <termios.h>
#include <unistd.h>

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

void setTerminalPrompts(CommonOptions &o)
{
    o.passphrase = askPassphrase;
    o.confirmNewHostKey = askTrustHostKey;
}

void printWarningOnce(const std::string &text)
{
    static std::set<std::string> printed;
    if (printed.insert(text).second)
        std::fprintf(stderr, "warning: %s\n", text.c_str());
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
