// lbscope-cli's own documentation and completion, written from the commands' option tables:
// `completion bash|zsh|fish` prints a completion script, `__complete WORD...` answers it (live values:
// contexts from kubeconfig, namespaces, LoadBalancer services and nodes from the cluster with a short
// timeout), `--man` prints lbscope-cli(1).
#include "commandline.h"
#include "commands.h"

#include "app/clidoc/completion.h"
#include "app/clidoc/manpage.h"

#ifdef HAVE_LBSCOPE_CAPTURE
#include "kubecli.h"

#include "core/kube/kubeconfigloader.h"
#include "core/kube/kubeobjects.h"

#include <QJsonArray>
#include <QJsonObject>
#endif

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#ifndef LBSCOPE_VERSION
#define LBSCOPE_VERSION "0.1.0"
#endif

namespace lbs::cli {

namespace {

#ifdef HAVE_LBSCOPE_CAPTURE
/// The value of `option` typed earlier on the line ("--context X" or "--context=X").
std::string typedValue(const std::vector<std::string> &words, const std::string &option)
{
    std::string value;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i] == option && i + 1 < words.size())
            value = words[i + 1];
        else if (words[i].rfind(option + "=", 0) == 0)
            value = words[i].substr(option.size() + 1);
    }
    return value;
}

/// A client for the --kubeconfig and --context typed so far, with a 2 s limit per request.
std::unique_ptr<kube::KubeClient> clientFor(const std::vector<std::string> &words)
{
    auto client = kube::KubeClient::fromKubeconfig(QString::fromStdString(typedValue(words, "--kubeconfig")),
        QString::fromStdString(typedValue(words, "--context")));
    if (!client)
        return nullptr;
    (*client)->setTimeoutMs(2000);
    return std::move(*client);
}

/// The names of the objects `path` lists.
std::vector<std::string> listNames(const std::vector<std::string> &words, const QString &path)
{
    const auto client = clientFor(words);
    CancelToken cancel;
    auto items = client ? client->list(path, cancel) : Result<QJsonArray>(Error {"no client", {}, {}});
    std::vector<std::string> out;
    if (items)
        for (const auto &item : *items)
            if (const QString n
                = item.toObject()[QStringLiteral("metadata")].toObject()[QStringLiteral("name")].toString();
                !n.isEmpty())
                out.push_back(n.toStdString());
    return out;
}

std::vector<std::string> liveValues(
    const std::string &command, const std::string &option, const std::vector<std::string> &words)
{
    if (option == "--context") {
        auto cfg = kube::KubeConfigLoader::load(kube::KubeConfigSource::fromEnvironment(
            QString::fromStdString(typedValue(words, "--kubeconfig"))));
        std::vector<std::string> out;
        if (cfg)
            for (const kube::ContextInfo &c : cfg->contexts)
                out.push_back(c.name.toStdString());
        return out;
    }
    if (option == "--namespace")
        return listNames(words, QStringLiteral("/api/v1/namespaces"));
    if (option == "--node")
        return listNames(words, QStringLiteral("/api/v1/nodes"));
    if (option == "--service") {
        const auto client = clientFor(words);
        CancelToken cancel;
        std::vector<std::string> out;
        if (client)
            if (auto services = kube::listLoadBalancerServices(*client, QString(), cancel))
                for (const auto &s : *services)
                    out.push_back((s.nameSpace + QLatin1Char('/') + s.name).toStdString());
        return out;
    }
    (void)command;
    return {};
}
#endif

} // namespace

namespace {

bool isGlobalOption(const std::string &w)
{
    return w == "--context" || w == "--kubeconfig" || w == "-n" || w == "--namespace";
}

/// kubectl's plugin completion hands over the words as typed after `kubectl lbscope`, where kubectl's
/// global options may come before the command: they are moved behind it (-n only to commands that
/// have --namespace). Returns the option whose value is being typed when the words end inside
/// those global options ("--context <TAB>"), else an empty string.
std::string moveGlobalOptions(
    std::vector<std::string> &words, const std::vector<clidoc::CommandDescription> &commands)
{
    std::vector<std::string> globals;
    std::size_t i = 0;
    const std::size_t last = words.size() - 1; // the word being completed stays where it is
    while (i < last && words[i].rfind("-", 0) == 0) {
        if (isGlobalOption(words[i])) {
            if (i + 1 >= last)
                return words[i];
            globals.insert(globals.end(), {words[i], words[i + 1]});
            i += 2;
        } else if (words[i].rfind("--context=", 0) == 0 || words[i].rfind("--kubeconfig=", 0) == 0) {
            globals.push_back(words[i++]);
        } else {
            break;
        }
    }
    if (i == 0)
        return {};
    std::vector<std::string> out;
    if (i < last) {
        out.push_back(words[i]);
        const auto command = std::find_if(commands.begin(), commands.end(),
            [&](const clidoc::CommandDescription &c) { return c.name == words[i]; });
        const bool hasNamespace = command != commands.end()
            && std::any_of(command->options.begin(), command->options.end(), [](const auto &o) {
                   return std::find(o.names.begin(), o.names.end(), "--namespace") != o.names.end();
               });
        for (std::size_t g = 0; g < globals.size(); ++g) {
            const bool ns = globals[g] == "-n" || globals[g] == "--namespace";
            if (ns && !hasNamespace) {
                ++g; // its value goes too
                continue;
            }
            out.push_back(globals[g]);
        }
        ++i;
    }
    out.insert(out.end(), words.begin() + std::ptrdiff_t(i), words.end());
    words = std::move(out);
    return {};
}

} // namespace

int runComplete(const std::vector<clidoc::CommandDescription> &commands, std::vector<std::string> words)
{
#ifdef HAVE_LBSCOPE_CAPTURE
    const clidoc::ValueSource values = liveValues;
#else
    const clidoc::ValueSource values;
#endif
    if (words.empty())
        words.push_back({});
    // A shell waits for this answer: whatever the cluster or a credential plugin does, it comes
    // within 2.5 s (then without live values).
    std::mutex lock;
    bool answered = false;
    std::condition_variable done;
    std::thread watchdog([&] {
        std::unique_lock<std::mutex> l(lock);
        if (!done.wait_for(l, std::chrono::milliseconds(2500), [&] { return answered; })) {
            std::fputs(":4\n", stdout);
            std::fflush(stdout);
            std::_Exit(0);
        }
    });
    clidoc::Completion result;
    if (const std::string option = moveGlobalOptions(words, commands); !option.empty()) {
        const std::string longName = option == "-n" ? "--namespace" : option;
        for (const std::string &v : values ? values({}, longName, words) : std::vector<std::string>())
            if (v.rfind(words.back(), 0) == 0)
                result.candidates.push_back(v);
        if (option == "--kubeconfig")
            result.kind = clidoc::CompletionKind::files;
    } else {
        result = clidoc::complete(commands, words, values);
    }
    {
        std::lock_guard<std::mutex> l(lock);
        answered = true;
        std::fputs(result.toString().c_str(), stdout);
        std::fflush(stdout);
    }
    done.notify_one();
    watchdog.join();
    return 0;
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
    const clidoc::Shell s = shell == "bash" ? clidoc::Shell::bash
        : shell == "zsh"                    ? clidoc::Shell::zsh
                                            : clidoc::Shell::fish;
    std::fputs(clidoc::completionScript(s, "lbscope-cli").c_str(), stdout);
    return 0;
}

int printManPage(const std::vector<clidoc::CommandDescription> &commands)
{
    clidoc::ManPage page;
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
                    "http, exec or all: every API request with its status and time, and every "
                    "exec, on stderr (never headers, tokens or bodies)."}}},
        {"FILES",
            {{"~/.kube/config", "The kubeconfig when KUBECONFIG is not set."},
                {"~/.ssh/known_hosts",
                    "SSH host keys; an unknown key is asked about, a changed key refused."}}},
    };
    std::fputs(clidoc::renderManPage(page).c_str(), stdout);
    return 0;
}

} // namespace lbs::cli
