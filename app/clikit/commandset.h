#pragma once
// A program made of commands, as git and kubectl are: `PROGRAM COMMAND [ARGS...]`. The set answers
// what belongs to no command (--help, --version, an unknown or missing command), describes every
// command as data for the man page and the shell completion, and takes the words of the kubectl
// plugin form (kubectl's global options before the command) into the program's own form.

#include "commanddescription.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lbs::clikit {

struct Command {
    std::string name; ///< "analyze"
    /// Parses the arguments after the command name with its CommandLine and runs; the exit status.
    std::function<int(const std::vector<std::string> &)> run;
    std::string summary; ///< one line for `PROGRAM --help`
};

class CommandSet {
public:
    CommandSet(std::string program, std::string version, std::vector<Command> commands);

    /// The words after the program name, in the program's own form (the kubectl plugin's rewritten
    /// when argv[0] is kubectl-lbscope). Nothing, after a usage error on stderr, when they cannot be.
    std::optional<std::vector<std::string>> arguments(int argc, char **argv) const;

    /// The exit status when the words ask for no command: none given (usage on stderr, 2),
    /// --help/-h/help (usage on stdout, 0), --version/-V (0). Nothing when a command should run.
    std::optional<int> answerWithoutCommand(const std::vector<std::string> &words) const;

    /// Runs the command named by the first word with the rest; an unknown name is a usage error (2).
    int run(const std::vector<std::string> &words) const;

    /// Every command's option table as data: each command describes itself instead of running.
    std::vector<CommandDescription> describe() const;

private:
    void usage(bool toStdout) const;
    std::string m_program;
    std::string m_version;
    std::vector<Command> m_commands;
};

} // namespace lbs::clikit
