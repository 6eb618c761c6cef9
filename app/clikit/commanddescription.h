#pragma once
// What a command's --help is made of, as data: the man pages and the shell completion are written
// from the same option tables as --help, so the three never disagree. No Qt, no CLI11.

#include <string>
#include <vector>

namespace lbs::clikit {

struct OptionDescription {
    std::vector<std::string> names; ///< "-n", "--namespace"; a positional has its one name ("FILE")
    std::string valueName; ///< "NS"; empty for a flag
    std::string help;
    bool positional = false;
    bool required = false;
    bool repeats = false; ///< takes several values (FILE...)
};

struct CommandDescription {
    std::string name; ///< "analyze"
    std::string summary; ///< one line, as in `lbscope-cli --help`
    std::string usage; ///< "usage: lbscope-cli analyze FILE... [options]" (may span lines)
    std::string description; ///< what the command does, paragraphs separated by newlines
    std::vector<OptionDescription> options;
};

} // namespace lbs::clikit
