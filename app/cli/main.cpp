// lbscope-cli: headless front end. Wiring only: every command lives in its own file and calls core.
#include "app/clikit/commandline.h"
#include "app/clikit/kubectlplugin.h"
#include "commands.h"

#ifdef HAVE_LBSCOPE_CAPTURE
#include <QCoreApplication>
#endif

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#ifndef LBSCOPE_VERSION
#define LBSCOPE_VERSION "0.1.0"
#endif

namespace {

struct Command {
    const char *name;
    int (*run)(const std::vector<std::string> &);
    const char *summary;
};

const Command kCommands[] = {
    {"analyze", lbs::cli::runAnalyze, "analyse pcap/pcapng files or rotated sets (flows, latency, findings)"},
#ifdef HAVE_LBSCOPE_CAPTURE
    {"capture", lbs::cli::runCapture,
        "capture on a node (tcpdump ring over SSH or a debug pod) and download it"},
    {"fetch", lbs::cli::runFetch, "download files from a node (resumable, sha256-checked) with a manifest"},
    {"contexts", lbs::cli::runContexts, "list kubeconfig contexts (like kubectl config get-contexts)"},
    {"services", lbs::cli::runServices,
        "list LoadBalancer services with VIP, ports and externalTrafficPolicy"},
    {"locate", lbs::cli::runLocate,
        "find the node holding a service's VIP, its interface, standbys, endpoints"},
    {"check", lbs::cli::runCheck,
        "run the pre-capture checks of a service (endpoints, VIP, agents, ports, events, RBAC)"},
    {"cleanup", lbs::cli::runCleanup, "delete lbscope debug pods left behind"},
    {"verify", lbs::cli::runVerify, "check capture directories against manifest.json (sizes, sha256)"},
#endif
    {"completion", lbs::cli::runCompletion, "print the bash, zsh or fish completion script"},
};

/// Every command's option table as data (each command describes itself instead of running).
std::vector<lbs::clikit::CommandDescription> describeCommands()
{
    std::vector<lbs::clikit::CommandDescription> out;
    lbs::cli::CommandLine::setDescriber(
        [&out](lbs::clikit::CommandDescription d) { out.push_back(std::move(d)); });
    for (const Command &c : kCommands) {
        c.run({});
        if (!out.empty() && out.back().name == c.name)
            out.back().summary = c.summary;
    }
    lbs::cli::CommandLine::setDescriber({});
    return out;
}

void usage(FILE *out)
{
    std::fprintf(out, "usage: lbscope-cli COMMAND [ARGS...]\n\ncommands:\n");
    for (const Command &c : kCommands)
        std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
    std::fprintf(out, "\n'lbscope-cli COMMAND --help' describes a command. Options: --help, --version.\n");
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    std::vector<std::string> all(argv + 1, argv + argc);
    // As kubectl-lbscope (kubectl's plugin discovery): kubectl's global options may come first.
    const bool plugin = lbs::clikit::isKubectlPlugin(argv[0]);
    if (plugin) {
        const auto commands = describeCommands();
        if (auto why = lbs::clikit::rewriteKubectlPluginArgs(all, commands); !why.empty()) {
            std::fprintf(stderr, "kubectl lbscope: %s\n", why.c_str());
            return 2;
        }
        if (all.empty()) {
            usage(stderr);
            return 2;
        }
    }
    const std::string cmd = all.front();
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        usage(stdout);
        return 0;
    }
    if (cmd == "--version" || cmd == "-V") {
        std::printf("lbscope-cli %s\n", LBSCOPE_VERSION);
        return 0;
    }
    if (cmd == "--man")
        return lbs::cli::printManPage(describeCommands());
    std::vector<std::string> args(all.begin() + 1, all.end());
#ifdef HAVE_LBSCOPE_CAPTURE
    // The cluster and SSH commands run Qt event loops (TLS, WebSocket). The application object
    // lives in main's scope so that it, and Qt's TLS backend with it, is gone before exit()
    // runs OpenSSL's own cleanup: a function-local static QCoreApplication was destroyed after
    // that cleanup and made fetch --node abort with "double free or corruption" now and then.
    std::unique_ptr<QCoreApplication> app;
    if (cmd != "analyze") {
        static int qtArgc = 1;
        static char qtName[] = "lbscope-cli";
        static char *qtArgv[] = {qtName, nullptr};
        app = std::make_unique<QCoreApplication>(qtArgc, qtArgv);
    }
#endif
    if (cmd == "__complete")
        return lbs::cli::runComplete(describeCommands(), args);
    for (const Command &c : kCommands)
        if (cmd == c.name)
            return c.run(args);
    std::fprintf(stderr, "lbscope-cli: unknown command '%s' (try lbscope-cli --help)\n", cmd.c_str());
    return 2;
}
