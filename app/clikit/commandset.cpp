#include "commandset.h"

#include "commandline.h"
#include "kubectlplugin.h"

#include <cstdio>
#include <utility>

namespace lbs::clikit {

CommandSet::CommandSet(std::string program, std::string version, std::vector<Command> commands)
    : m_program(std::move(program)), m_version(std::move(version)), m_commands(std::move(commands))
{
}

std::optional<std::vector<std::string>> CommandSet::arguments(int argc, char **argv) const
{
    std::vector<std::string> words(argv + 1, argv + argc);
    if (argc > 0 && isKubectlPlugin(argv[0])) {
        if (const std::string why = rewriteKubectlPluginArgs(words, describe()); !why.empty()) {
            std::fprintf(stderr, "kubectl lbscope: %s\n", why.c_str());
            return std::nullopt;
        }
    }
    return words;
}

void CommandSet::usage(bool toStdout) const
{
    FILE *out = toStdout ? stdout : stderr;
    std::fprintf(out, "usage: %s COMMAND [ARGS...]\n\ncommands:\n", m_program.c_str());
    for (const Command &c : m_commands)
        std::fprintf(out, "  %-10s %s\n", c.name.c_str(), c.summary.c_str());
    std::fprintf(
        out, "\n'%s COMMAND --help' describes a command. Options: --help, --version.\n", m_program.c_str());
}

std::optional<int> CommandSet::answerWithoutCommand(const std::vector<std::string> &words) const
{
    if (words.empty()) {
        usage(false);
        return 2;
    }
    const std::string &first = words.front();
    if (first == "--help" || first == "-h" || first == "help") {
        usage(true);
        return 0;
    }
    if (first == "--version" || first == "-V") {
        std::printf("%s %s\n", m_program.c_str(), m_version.c_str());
        return 0;
    }
    return std::nullopt;
}

int CommandSet::run(const std::vector<std::string> &words) const
{
    for (const Command &c : m_commands)
        if (!words.empty() && words.front() == c.name)
            return c.run({words.begin() + 1, words.end()});
    std::fprintf(stderr, "%s: unknown command '%s' (try %s --help)\n", m_program.c_str(),
        words.empty() ? "" : words.front().c_str(), m_program.c_str());
    return 2;
}

std::vector<CommandDescription> CommandSet::describe() const
{
    std::vector<CommandDescription> out;
    CommandLine::setDescriber([&out](CommandDescription d) { out.push_back(std::move(d)); });
    for (const Command &c : m_commands) {
        c.run({});
        if (!out.empty() && out.back().name == c.name)
            out.back().summary = c.summary;
    }
    CommandLine::setDescriber({});
    return out;
}

} // namespace lbs::clikit
