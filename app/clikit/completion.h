#pragma once
// Shell completion from the option tables. The shells ask the program itself
// (`lbscope-cli __complete WORD... CURRENT`), the way kubectl's cobra completion does, so that bash,
// zsh, fish and kubectl's plugin completion (kubectl_complete-lbscope) share one answer: the
// candidates one per line, then a directive line in cobra's format (":4" words only, ":0" complete
// file names, ":16" directory names).

#include "commanddescription.h"

#include <functional>
#include <string>
#include <vector>

namespace lbs::clikit {

enum class CompletionKind { words, files, directories };

struct Completion {
    std::vector<std::string> candidates;
    CompletionKind kind = CompletionKind::words;
    /// Candidates, then the directive line (":4", ":0" or ":16"), each followed by a newline.
    std::string toString() const;
};

/// Live values for an option's argument: `option` is the option's long name ("--context"),
/// `words` what was typed so far (for --context given earlier, say). Returns nothing when it has no
/// list for that option; it is expected to give up quickly (a short timeout) when a cluster is slow.
using ValueSource = std::function<std::vector<std::string>(
    const std::string &command, const std::string &option, const std::vector<std::string> &words)>;

/// The value of `option` typed earlier among `words` ("--context X" or "--context=X"; the last one
/// wins), or empty: what a ValueSource reads to ask the right cluster.
std::string typedOptionValue(const std::vector<std::string> &words, const std::string &option);

/// Completes the last of `words` (the words after the program name; the last may be empty).
Completion complete(const std::vector<CommandDescription> &commands, const std::vector<std::string> &words,
    const ValueSource &values);

/// Answers `PROGRAM __complete WORD...`: kubectl's global options moved out of the way (the plugin
/// case), the completion printed on stdout. A shell waits for this answer: when `values` has not
/// returned within `deadlineMs`, the words-only directive is printed and the process ends. Returns 0.
int answerCompletion(const std::vector<CommandDescription> &commands, std::vector<std::string> words,
    const ValueSource &values, int deadlineMs);

enum class Shell { bash, zsh, fish };

/// The completion script for `program` in `shell`; it runs `program __complete`.
std::string completionScript(Shell shell, const std::string &program);

} // namespace lbs::clikit
