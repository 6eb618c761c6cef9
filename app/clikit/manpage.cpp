#include "manpage.h"

#include <sstream>

namespace lbs::clikit {

namespace {

/// Escapes text for roff: backslashes, and a line starting with '.' or '\'' (a request otherwise).
std::string escaped(const std::string &text)
{
    std::string out;
    bool lineStart = true;
    for (char c : text) {
        if (lineStart && (c == '.' || c == '\''))
            out += "\\&";
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-"; // every hyphen a hyphen-minus: option names, commands and paths copy and search as
                          // typed
        else
            out += c;
        lineStart = c == '\n';
    }
    return out;
}

/// Paragraphs: blank lines separate them and other line breaks are filled by man, except for lines
/// indented by two spaces (examples), which are kept as they are.
std::string paragraphs(const std::string &text)
{
    std::string out;
    std::istringstream in(text);
    std::string line;
    bool literal = false;
    while (std::getline(in, line)) {
        const bool indented = line.rfind("  ", 0) == 0;
        if (indented != literal) {
            out += indented ? ".PP\n.nf\n" : ".fi\n";
            literal = indented;
        }
        if (line.empty())
            out += ".PP\n";
        else if (const auto start = line.find_first_not_of(' '); start == std::string::npos)
            out += ".PP\n";
        else
            out += escaped(literal ? line : line.substr(start)) + '\n';
    }
    if (literal)
        out += ".fi\n";
    return out;
}

std::string optionLabel(const OptionDescription &o)
{
    std::string label;
    for (const std::string &n : o.names)
        label += (label.empty() ? "" : ", ") + ("\\fB" + escaped(n) + "\\fR");
    if (!o.valueName.empty() && !o.positional)
        label += " \\fI" + escaped(o.valueName) + "\\fR";
    if (o.repeats)
        label += "...";
    return label;
}

void renderOptions(std::string &out, const std::vector<OptionDescription> &options)
{
    for (const OptionDescription &o : options) {
        out += ".TP\n" + optionLabel(o) + '\n';
        out += escaped(o.help.empty() ? std::string("(no description)") : o.help);
        if (o.required && !o.positional)
            out += " (required)";
        out += '\n';
    }
}

} // namespace

std::string renderManPage(const ManPage &page)
{
    std::string out;
    out += ".\\\" Generated from lbscope's option tables; edit those, not this file.\n";
    out += ".TH \"" + page.name + "\" \"" + std::to_string(page.section) + "\" \"\" \"lbscope " + page.version
        + "\" \"User Commands\"\n";
    out += ".SH NAME\n" + escaped(page.name) + " \\- " + escaped(page.summary) + '\n';
    out += ".SH SYNOPSIS\n";
    for (const std::string &s : page.synopsis)
        out += ".nf\n" + escaped(s) + "\n.fi\n";
    out += ".SH DESCRIPTION\n" + paragraphs(page.description);
    if (page.commandsHeading.empty()) {
        for (const CommandDescription &c : page.commands) {
            out += ".SH OPTIONS\n";
            renderOptions(out, c.options);
        }
    } else if (!page.commands.empty()) {
        out += ".SH " + page.commandsHeading + '\n';
        for (const CommandDescription &c : page.commands) {
            out += ".SS " + escaped(c.name) + '\n';
            if (!c.summary.empty())
                out += escaped(c.summary) + "\n.PP\n";
            std::string usage = c.usage;
            if (usage.rfind("usage: ", 0) == 0)
                usage.erase(0, 7);
            out += ".nf\n" + escaped(usage) + "\n.fi\n.PP\n";
            out += paragraphs(c.description);
            renderOptions(out, c.options);
        }
    }
    for (const auto &[heading, text] : page.sections)
        if (heading != "SEE ALSO")
            out += ".SH " + heading + '\n' + paragraphs(text);
    for (const auto &[heading, items] : page.lists) {
        out += ".SH " + heading + '\n';
        for (const auto &[term, definition] : items)
            out += ".TP\n.B " + escaped(term) + '\n' + escaped(definition) + '\n';
    }
    for (const auto &[heading, text] : page.sections)
        if (heading == "SEE ALSO")
            out += ".SH " + heading + '\n' + paragraphs(text);
    return out;
}

} // namespace lbs::clikit
