#include "kubectlplugin.h"

#include <algorithm>
#include <cstring>

namespace lbs::clikit {

bool isKubectlPlugin(const char *argv0)
{
    const char *base = std::strrchr(argv0, '/');
    return std::strcmp(base ? base + 1 : argv0, "kubectl-lbscope") == 0;
}

namespace {

bool hasOption(const CommandDescription &c, const std::string &name)
{
    return std::any_of(c.options.begin(), c.options.end(), [&](const OptionDescription &o) {
        return std::find(o.names.begin(), o.names.end(), name) != o.names.end();
    });
}

/// If words[i] is `name VALUE` or `name=VALUE` for one of `names`, takes it out of `words` and
/// returns true with the value.
bool takeOption(std::vector<std::string> &words, std::size_t i, const std::vector<std::string> &names,
    std::string &value, std::string &spelled, std::string &error)
{
    for (const std::string &n : names) {
        if (words[i] == n) {
            if (i + 1 >= words.size()) {
                error = n + " needs a value";
                return false;
            }
            spelled = n;
            value = words[i + 1];
            words.erase(words.begin() + std::ptrdiff_t(i), words.begin() + std::ptrdiff_t(i) + 2);
            return true;
        }
        if (words[i].rfind(n + "=", 0) == 0) { // --namespace=NS, and -n=NS as pflag takes it
            spelled = n;
            value = words[i].substr(n.size() + 1);
            words.erase(words.begin() + std::ptrdiff_t(i));
            return true;
        }
        if (n.size() == 2 && words[i].size() > 2 && words[i].rfind(n, 0) == 0) { // -nNS
            spelled = n;
            value = words[i].substr(2);
            words.erase(words.begin() + std::ptrdiff_t(i));
            return true;
        }
    }
    return false;
}

} // namespace

std::string rewriteKubectlPluginArgs(
    std::vector<std::string> &words, const std::vector<CommandDescription> &commands)
{
    // Global options before the command.
    std::vector<std::string> moved;
    std::string nameSpace, error;
    while (!words.empty() && words.front().rfind("-", 0) == 0 && words.front() != "--help"
        && words.front() != "-h" && words.front() != "--version") {
        std::string value, spelled;
        if (takeOption(words, 0, {"--context", "--kubeconfig"}, value, spelled, error)) {
            moved.insert(moved.end(), {spelled, value});
        } else if (takeOption(words, 0, {"-n", "--namespace"}, value, spelled, error)) {
            nameSpace = value;
        } else {
            return error.empty() ? "unknown option '" + words.front() + "' before the command" : error;
        }
    }
    if (words.empty())
        return moved.empty() && nameSpace.empty() ? std::string() : "no command given";
    const auto command = std::find_if(commands.begin(), commands.end(),
        [&](const CommandDescription &c) { return c.name == words.front(); });
    if (command == commands.end())
        return {}; // lbscope-cli says what is wrong with it
    words.insert(words.begin() + 1, moved.begin(), moved.end());
    const bool ownNamespace = hasOption(*command, "--namespace");
    if (ownNamespace) {
        if (!nameSpace.empty())
            words.insert(words.begin() + 1, {"--namespace", nameSpace});
        return {};
    }
    // -n after the command, for commands that take a service by name.
    for (std::size_t i = 1; i < words.size();) {
        if (words[i] == "--")
            break;
        std::string value, spelled;
        if (takeOption(words, i, {"-n", "--namespace"}, value, spelled, error))
            nameSpace = value;
        else if (!error.empty())
            return error;
        else
            ++i;
    }
    if (nameSpace.empty())
        return {};
    if (!hasOption(*command, "--service"))
        return "lbscope " + command->name + " takes no namespace (-n)";
    for (std::size_t i = 1; i < words.size(); ++i) {
        std::string *service = nullptr;
        std::string prefix;
        if (words[i] == "--service" && i + 1 < words.size())
            service = &words[i + 1];
        else if (words[i].rfind("--service=", 0) == 0)
            service = &words[i];
        if (!service)
            continue;
        std::string &s = *service;
        const std::size_t valueAt = s.rfind("--service=", 0) == 0 ? 10 : 0;
        if (s.find('/', valueAt) == std::string::npos)
            s.insert(valueAt, nameSpace + "/");
    }
    return {};
}

namespace {

bool isGlobalOption(const std::string &w)
{
    return w == "--context" || w == "--kubeconfig" || w == "-n" || w == "--namespace";
}

} // namespace

std::string moveKubectlGlobalOptions(
    std::vector<std::string> &words, const std::vector<clikit::CommandDescription> &commands)
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
            [&](const clikit::CommandDescription &c) { return c.name == words[i]; });
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

} // namespace lbs::clikit
