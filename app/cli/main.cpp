// lbscope-cli: headless front end. Wiring only: every command lives in its own file and calls core.
#include "app/clikit/commandset.h"
#include "commands.h"

#ifdef HAVE_LBSCOPE_CAPTURE
#include <QCoreApplication>
#endif

#include <memory>
#include <string>
#include <vector>

#ifndef LBSCOPE_VERSION
#define LBSCOPE_VERSION "0.1.0"
#endif

int main(int argc, char **argv)
{
    using namespace lbs::cli;
    const lbs::clikit::CommandSet commands("lbscope-cli", LBSCOPE_VERSION,
        {
            {"analyze", runAnalyze, "analyse pcap/pcapng files or rotated sets (flows, latency, findings)"},
#ifdef HAVE_LBSCOPE_CAPTURE
            {"capture", runCapture,
                "capture on a node (tcpdump ring over SSH or a debug pod) and download it"},
            {"fetch", runFetch, "download files from a node (resumable, sha256-checked) with a manifest"},
            {"contexts", runContexts, "list kubeconfig contexts (like kubectl config get-contexts)"},
            {"services", runServices, "list LoadBalancer services with VIP, ports and externalTrafficPolicy"},
            {"locate", runLocate,
                "find the node holding a service's VIP, its interface, standbys, endpoints"},
            {"check", runCheck,
                "run the pre-capture checks of a service (endpoints, VIP, agents, ports, events, RBAC)"},
            {"cleanup", runCleanup, "delete lbscope debug pods left behind"},
            {"verify", runVerify, "check capture directories against manifest.json (sizes, sha256)"},
#endif
            {"completion", runCompletion, "print the bash, zsh or fish completion script"},
        });
    const auto words = commands.arguments(argc, argv);
    if (!words)
        return 2;
    if (const auto code = commands.answerWithoutCommand(*words))
        return *code;
    const std::string &command = words->front();
    if (command == "--man")
        return printManPage(commands.describe());
#ifdef HAVE_LBSCOPE_CAPTURE
    // The cluster and SSH commands run Qt event loops (TLS, WebSocket). The application object
    // lives in main's scope so that it, and Qt's TLS backend with it, is gone before exit()
    // runs OpenSSL's own cleanup: a function-local static QCoreApplication was destroyed after
    // that cleanup and made fetch --node abort with "double free or corruption" now and then.
    std::unique_ptr<QCoreApplication> app;
    if (command != "analyze") {
        static int qtArgc = 1;
        static char qtName[] = "lbscope-cli";
        static char *qtArgv[] = {qtName, nullptr};
        app = std::make_unique<QCoreApplication>(qtArgc, qtArgv);
    }
#endif
    if (command == "__complete")
        return runComplete(commands.describe(), {words->begin() + 1, words->end()});
    return commands.run(*words);
}
