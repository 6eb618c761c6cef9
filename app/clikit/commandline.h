#pragma once
// One lbscope-cli command's option table (CLI11) and the spelling rules every command shares:
// `--opt value` and `--opt=value` alike, `--` ends the options, unknown options and stray arguments
// refused, a repeated option keeps its last value, `-h/--help` prints the help generated from the
// table. A usage error is one line on stderr, "lbscope-cli COMMAND: ...", and exit status 2; it comes
// before the command connects to anything, because parse() runs before the command does any work.

#include "commanddescription.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lbs::clikit {

/// The message with its line breaks made spaces: a message on stderr stays one line.
std::string oneLine(std::string s);

class CommandLine {
public:
    /// `command` is the name after lbscope-cli ("analyze"); `usage` is the synopsis that opens its
    /// --help ("usage: lbscope-cli analyze FILE... [options]"), `description` what the command does.
    CommandLine(std::string command, std::string usage, std::string description);

    /// The table: add the command's options and positionals here, each with its help text.
    CLI::App &table() { return m_app; }

    /// Adds an option whose value `check` stores, or refuses by returning a message that names the
    /// option, its value and what would be accepted (printed as the usage error).
    CLI::Option *addChecked(const std::string &name, std::function<std::string(const std::string &)> check,
        const std::string &help, const std::string &valueName);

    /// Adds an option whose text `reader` turns into a value (anything with operator bool, value() and
    /// error().toString(), like lbs::Result): the value goes to `target`, the error is the usage error.
    template <class Reader, class T>
    CLI::Option *addParsed(const std::string &name, Reader reader, T &target, const std::string &help,
        const std::string &valueName)
    {
        return addChecked(
            name,
            [reader, &target](const std::string &text) -> std::string {
                auto parsed = reader(text);
                if (!parsed)
                    return parsed.error().toString();
                target = std::move(parsed.value());
                return {};
            },
            help, valueName);
    }

    /// Set by `lbscope-cli --man` and `__complete`: while set, parse() hands the table to it as data
    /// and returns 0 without parsing, so each command describes itself without running.
    static void setDescriber(std::function<void(CommandDescription)> describer);

    /// The table as data (what --help shows; hidden options left out).
    CommandDescription describe() const;

    /// Parses the arguments after the command name. Returns the exit status when the command ends
    /// here (0 after --help, 2 after a usage error), nothing when it should run.
    std::optional<int> parse(std::vector<std::string> args);

    /// Prints "lbscope-cli COMMAND: message" (on one line) to stderr and returns 2, the exit status of
    /// a usage error or unusable input.
    int refuse(const std::string &message) const;

private:
    std::string see() const; ///< " (see lbscope-cli COMMAND --help)"
    std::string m_command;
    std::string m_usage;
    CLI::App m_app;
};

} // namespace lbs::clikit
