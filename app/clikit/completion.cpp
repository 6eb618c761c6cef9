#include "completion.h"

#include "kubectlplugin.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace lbs::clikit {

std::string Completion::toString() const
{
    std::string out;
    for (const std::string &c : candidates)
        out += c + '\n';
    out += kind == CompletionKind::files ? ":0\n" : kind == CompletionKind::directories ? ":16\n" : ":4\n";
    return out;
}

namespace {

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

const OptionDescription *findOption(const CommandDescription &c, const std::string &name)
{
    for (const OptionDescription &o : c.options)
        if (!o.positional && std::find(o.names.begin(), o.names.end(), name) != o.names.end())
            return &o;
    return nullptr;
}

/// File or directory completion for a value or operand named like a path.
CompletionKind kindForValue(const std::string &valueName)
{
    if (valueName == "DIR")
        return CompletionKind::directories;
    static const char *const paths[] = {"FILE", "OUT", "PATH", "REMOTE_PATH", "CA", "CERT", "KEY"};
    for (const char *p : paths)
        if (valueName.find(p) != std::string::npos)
            return CompletionKind::files;
    return CompletionKind::words;
}

void addMatching(
    std::vector<std::string> &out, const std::vector<std::string> &from, const std::string &prefix)
{
    for (const std::string &s : from)
        if (startsWith(s, prefix) && std::find(out.begin(), out.end(), s) == out.end())
            out.push_back(s);
}

} // namespace

std::string typedOptionValue(const std::vector<std::string> &words, const std::string &option)
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

Completion complete(const std::vector<CommandDescription> &commands, const std::vector<std::string> &words,
    const ValueSource &values)
{
    Completion out;
    const std::string current = words.empty() ? std::string() : words.back();
    if (words.size() <= 1) {
        std::vector<std::string> names;
        for (const CommandDescription &c : commands)
            names.push_back(c.name);
        names.insert(names.end(), {"--help", "--version"});
        addMatching(out.candidates, names, current);
        return out;
    }
    const auto command = std::find_if(commands.begin(), commands.end(),
        [&](const CommandDescription &c) { return c.name == words.front(); });
    if (command == commands.end())
        return out;
    const std::vector<std::string> typed(words.begin(), words.end() - 1);

    // --opt=VALUE in one word
    std::string option;
    std::string prefix = current;
    if (const auto eq = current.find('='); startsWith(current, "--") && eq != std::string::npos) {
        option = current.substr(0, eq);
        prefix = current.substr(eq + 1);
    } else if (typed.size() >= 2 && !startsWith(current, "-")) {
        option = typed.back();
    }
    if (const OptionDescription *o = option.empty() ? nullptr : findOption(*command, option);
        o && !o->valueName.empty()) {
        const std::string longName = o->names.empty() ? option : o->names.back();
        std::vector<std::string> live
            = values ? values(command->name, longName, typed) : std::vector<std::string>();
        if (live.empty()) {
            out.kind = kindForValue(o->valueName);
            return out;
        }
        const std::string lead = current.size() > prefix.size() ? option + "=" : std::string();
        for (const std::string &v : live)
            if (startsWith(v, prefix))
                out.candidates.push_back(lead + v);
        return out;
    }
    if (!startsWith(current, "-")) {
        // An operand: files or directories where the command takes them.
        for (const OptionDescription &o : command->options)
            if (o.positional) {
                out.kind
                    = kindForValue(o.valueName.empty() && !o.names.empty() ? o.names.front() : o.valueName);
                if (out.kind != CompletionKind::words)
                    return out;
            }
        if (!current.empty())
            return out;
    }
    std::vector<std::string> names;
    for (const OptionDescription &o : command->options)
        if (!o.positional)
            for (const std::string &n : o.names)
                if (startsWith(n, "--")
                    && (n == "--help" || std::find(typed.begin(), typed.end(), n) == typed.end()
                        || o.repeats))
                    names.push_back(n);
    addMatching(out.candidates, names, current);
    return out;
}

int answerCompletion(const std::vector<CommandDescription> &commands, std::vector<std::string> words,
    const ValueSource &values, int deadlineMs)
{
    if (words.empty())
        words.push_back({});
    std::mutex lock;
    bool answered = false;
    std::condition_variable done;
    std::thread watchdog([&] {
        std::unique_lock<std::mutex> l(lock);
        if (!done.wait_for(l, std::chrono::milliseconds(deadlineMs), [&] { return answered; })) {
            std::fputs(":4\n", stdout);
            std::fflush(stdout);
            std::_Exit(0);
        }
    });
    Completion result;
    if (const std::string option = moveKubectlGlobalOptions(words, commands); !option.empty()) {
        const std::string longName = option == "-n" ? "--namespace" : option;
        for (const std::string &v : values ? values({}, longName, words) : std::vector<std::string>())
            if (v.rfind(words.back(), 0) == 0)
                result.candidates.push_back(v);
        if (option == "--kubeconfig")
            result.kind = CompletionKind::files;
    } else {
        result = complete(commands, words, values);
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

std::string completionScript(Shell shell, const std::string &program)
{
    std::string fn = "_";
    for (char c : program)
        fn += (c == '-' ? '_' : c);
    std::string s;
    switch (shell) {
    case Shell::bash:
        // readline splits words at COMP_WORDBREAKS (= and : among them): the words are taken from
        // the line as typed instead, and the part of each candidate readline keeps is cut off.
        s = "# bash completion for PROG (generated by PROG completion bash)\n"
            "FN() {\n"
            "    local line=${COMP_LINE:0:COMP_POINT} cur keep lines directive i\n"
            "    local -a words\n"
            "    read -r -a words <<< \"$line\"\n"
            "    [[ $line == *[[:space:]] || ${#words[@]} -eq 0 ]] && words+=(\"\")\n"
            "    cur=${words[${#words[@]}-1]}\n"
            "    mapfile -t lines < <(PROG __complete \"${words[@]:1}\" 2>/dev/null)\n"
            "    [ ${#lines[@]} -gt 0 ] || return 0\n"
            "    directive=${lines[${#lines[@]}-1]}\n"
            "    unset 'lines[${#lines[@]}-1]'\n"
            "    keep=${COMP_WORDS[COMP_CWORD]}\n"
            "    [[ $keep == [=:] ]] && keep=\n"
            "    keep=${cur%\"$keep\"}\n"
            "    case $directive in\n"
            "    :0) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "
            "\"${cur#\"$keep\"}\") ;;\n"
            "    :16) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "
            "\"${cur#\"$keep\"}\") ;;\n"
            "    *) COMPREPLY=()\n"
            "       for i in \"${lines[@]}\"; do COMPREPLY+=(\"$(printf '%q' \"${i#\"$keep\"}\")\"); done "
            ";;\n"
            "    esac\n"
            "}\n"
            "complete -F FN PROG\n";
        break;
    case Shell::zsh:
        s = "#compdef PROG\n"
            "# zsh completion for PROG (generated by PROG completion zsh)\n"
            "local -a lines\n"
            "local directive\n"
            "lines=(\"${(@f)$(PROG __complete \"${(@)words[2,CURRENT]}\" 2>/dev/null)}\")\n"
            "(( ${#lines} )) || return 1\n"
            "directive=${lines[-1]}\n"
            "lines=(\"${(@)lines[1,-2]}\")\n"
            "case $directive in\n"
            "  :0) _files ;;\n"
            "  :16) _files -/ ;;\n"
            "  *) (( ${#lines} )) && compadd -- \"${lines[@]}\" ;;\n"
            "esac\n";
        break;
    case Shell::fish:
        s = "# fish completion for PROG (generated by PROG completion fish)\n"
            "function FN\n"
            "    set -l tokens (commandline -opc) (commandline -ct)\n"
            "    set -l out (PROG __complete $tokens[2..-1] 2>/dev/null)\n"
            "    test (count $out) -gt 0; or return\n"
            "    switch $out[-1]\n"
            "        case :0\n"
            "            __fish_complete_path (commandline -ct)\n"
            "        case :16\n"
            "            __fish_complete_directories (commandline -ct)\n"
            "        case '*'\n"
            "            if test (count $out) -gt 1\n"
            "                printf '%s\\n' $out[1..-2]\n"
            "            end\n"
            "    end\n"
            "end\n"
            "complete -c PROG -f -a '(FN)'\n";
        break;
    }
    for (const auto &[from, to] : {std::pair<std::string, std::string> {"PROG", program}, {"FN", fn}})
        for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
            s.replace(at, from.size(), to);
    return s;
}

} // namespace lbs::clikit
