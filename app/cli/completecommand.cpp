// lbscope-cli's own documentation and completion, written from the commands' option tables:
// `completion bash|zsh|fish` prints a completion script, `__complete WORD...` answers it (live values:
// contexts from kubeconfig, namespaces, LoadBalancer services and nodes from the cluster with a short
// timeout), `--man` prints lbscope-cli(1).
#include "app/clikit/commandline.h"
#include "commands.h"

#include "app/clikit/completion.h"
#include "app/clikit/manpage.h"

#ifdef HAVE_LBSCOPE_CAPTURE
#include "core/kube/completionvalues.h"
#endif

#include <cstdio>
#include <cstdlib>

#ifndef LBSCOPE_VERSION
#define LBSCOPE_VERSION "0.1.0"
#endif

namespace lbs::cli {

namespace {

#ifdef HAVE_LBSCOPE_CAPTURE
std::vector<std::string> liveValues(
    const std::string &, const std::string &option, const std::vector<std::string> &words)
{
    return kube::completionValues(option,
        QString::fromStdString(clikit::typedOptionValue(words, "--kubeconfig")),
        QString::fromStdString(clikit::typedOptionValue(words, "--context")), 2000);
}
#endif

} // namespace

int runComplete(const std::vector<clikit::CommandDescription> &commands, std::vector<std::string> words)
{
#ifdef HAVE_LBSCOPE_CAPTURE
    const clikit::ValueSource values = liveValues;
#else
    const clikit::ValueSource values;
#endif
    // Whatever the cluster or a credential plugin does, the answer comes within 2.5 s.
    return clikit::answerCompletion(commands, std::move(words), values, 2500);
}

int runCompletion(const std::vector<std::string> &argv)
{
    std::string shell;
    CommandLine cl("completion", "usage: lbscope-cli completion bash|zsh|fish",
        "Prints the shell completion script, as kubectl completion does. Packages install it; by hand:\n"
        "  source <(lbscope-cli completion bash)\n"
        "  lbscope-cli completion zsh > \"${fpath[1]}/_lbscope-cli\"\n"
        "  lbscope-cli completion fish > ~/.config/fish/completions/lbscope-cli.fish\n"
        "Option values are completed live where cheap: --context from kubeconfig; --namespace, --service\n"
        "and --node from the cluster (2 s at most).");
    cl.table()
        .add_option("SHELL", shell, "bash, zsh or fish")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    if (const auto code = cl.parse(argv))
        return *code;
    const clikit::Shell s = shell == "bash" ? clikit::Shell::bash
        : shell == "zsh"                    ? clikit::Shell::zsh
                                            : clikit::Shell::fish;
    std::fputs(clikit::completionScript(s, "lbscope-cli").c_str(), stdout);
    return 0;
}

int printManPage(const std::vector<clikit::CommandDescription> &commands)
{
    clikit::ManPage page;
    page.name = "lbscope-cli";
    page.version = LBSCOPE_VERSION;
    page.summary = "capture and analyse Kubernetes load balancer traffic from the command line";
    page.synopsis = {"lbscope-cli COMMAND [OPTIONS] [ARGS...]", "kubectl lbscope COMMAND [OPTIONS] [ARGS...]",
        "lbscope-cli --help | --version"};
    page.description
        = "lbscope-cli is the headless front end of lbscope. It finds the node that holds a LoadBalancer "
          "service's VIP and the interface it arrives on, runs a rotated tcpdump capture there through a "
          "short-lived debug pod or over SSH, downloads the files resumably with sha256 checks, and "
          "analyses pcap and pcapng captures: flows, TCP and HTTP latency, a timeline and findings "
          "that name the fault.\n\n"
          "Installed as kubectl-lbscope it is also a kubectl plugin: kubectl lbscope locate --service "
          "web -n default. Every command reads kubeconfig as kubectl does (--kubeconfig, KUBECONFIG, "
          "~/.kube/config) and prints --help generated from the same table as this page.";
    page.commands = commands;
    page.sections = {
        {"EXIT STATUS",
            "0 on success; 1 when the work failed (a capture, a download, a write, a check); "
            "2 on a usage error or unusable input, before anything is contacted."},
        {"SEE ALSO", "lbscope(1), kubectl(1), tcpdump(8), wireshark(1)"},
    };
    page.lists = {
        {"ENVIRONMENT",
            {{"KUBECONFIG", "Colon-separated kubeconfig files, merged as kubectl merges them."},
                {"LBSCOPE_TRACE",
                    "http, exec, engine or all: every API request with its status and time, every "
                    "exec, and the analysis's steps with their times, on stderr (never headers, "
                    "tokens or bodies)."}}},
        {"FILES",
            {{"~/.kube/config", "The kubeconfig when KUBECONFIG is not set."},
                {"~/.ssh/known_hosts",
                    "SSH host keys; an unknown key is asked about, a changed key refused."}}},
    };
    std::fputs(clikit::renderManPage(page).c_str(), stdout);
    return 0;
}

} // namespace lbs::cli
