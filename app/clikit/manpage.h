#pragma once
// A man page in roff (man(7) macros) from command descriptions: NAME, SYNOPSIS, DESCRIPTION, one
// subsection per command with its options, then free sections (ENVIRONMENT, FILES, EXIT STATUS...).

#include "commanddescription.h"

#include <string>
#include <utility>
#include <vector>

namespace lbs::clikit {

struct ManPage {
    std::string name; ///< "lbscope-cli"
    int section = 1;
    std::string version; ///< "0.4.0"
    std::string summary; ///< for NAME: "name \- summary"
    std::vector<std::string> synopsis; ///< one line each
    std::string description;
    std::string commandsHeading = "COMMANDS"; ///< empty: options of the single command go under OPTIONS
    std::vector<CommandDescription> commands;
    std::vector<std::pair<std::string, std::string>> sections; ///< heading, text (after the commands)
    /// Sections of terms and their definitions (ENVIRONMENT, FILES), after `sections` whose heading
    /// is not among them and before SEE ALSO.
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> lists;
};

/// The page as roff. Text is escaped (backslashes, leading dots and quotes, hyphens in option names).
std::string renderManPage(const ManPage &page);

} // namespace lbs::clikit
