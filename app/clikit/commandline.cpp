#include "commandline.h"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace lbs::clikit {

namespace {

// --help: the synopsis first, then what the command does, then the options of the table.
class HelpFormatter final : public CLI::Formatter {
public:
    explicit HelpFormatter(std::string usage) : m_usage(std::move(usage)) { column_width(28); }
    std::string make_help(const CLI::App *app, std::string, CLI::AppFormatMode mode) const override
    {
        std::string text = m_usage + "\n\n" + make_description(app) + make_positionals(app)
            + make_groups(app, mode) + '\n' + make_footer(app);
        for (std::size_t at; (at = text.find("\n\n\n")) != std::string::npos;)
            text.erase(at, 1); // CLI11 puts two blank lines before a group
        return text;
    }

private:
    std::string m_usage;
};

std::function<void(CommandDescription)> &describer()
{
    static std::function<void(CommandDescription)> d;
    return d;
}

} // namespace

std::string oneLine(std::string s)
{
    for (char &c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    return s;
}

CommandLine::CommandLine(std::string command, std::string usage, std::string description)
    : m_command(std::move(command)), m_usage(usage), m_app(std::move(description), "lbscope-cli " + m_command)
{
    m_app.formatter(std::make_shared<HelpFormatter>(std::move(usage)));
    m_app.allow_extras(); // collected, then refused by parse() with a message of its own
    m_app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)->disable_flag_override();
}

CLI::Option *CommandLine::addChecked(const std::string &name,
    std::function<std::string(const std::string &)> check, const std::string &help,
    const std::string &valueName)
{
    return m_app
        .add_option_function<std::string>(
            name,
            [check = std::move(check)](const std::string &value) {
                if (std::string why = check(value); !why.empty())
                    throw CLI::ValidationError(why);
            },
            help)
        ->type_name(valueName);
}

void CommandLine::setDescriber(std::function<void(CommandDescription)> d)
{
    describer() = std::move(d);
}

CommandDescription CommandLine::describe() const
{
    CommandDescription c;
    c.name = m_command;
    c.usage = m_usage;
    c.description = m_app.get_description();
    for (const CLI::Option *o : m_app.get_options()) {
        if (o->get_group().empty())
            continue; // hidden
        clikit::OptionDescription d;
        d.positional = o->get_positional() && o->get_lnames().empty() && o->get_snames().empty();
        if (d.positional) {
            d.names.push_back(o->get_name(true));
            d.valueName = o->get_name(true);
        } else {
            for (const std::string &n : o->get_snames())
                d.names.push_back("-" + n);
            for (const std::string &n : o->get_lnames())
                d.names.push_back("--" + n);
            if (o->get_expected_min() > 0)
                d.valueName = o->get_type_name();
        }
        d.help = o->get_description();
        d.required = o->get_required();
        d.repeats = d.positional && o->get_items_expected_max() > 1;
        c.options.push_back(std::move(d));
    }
    return c;
}

std::optional<int> CommandLine::parse(std::vector<std::string> args)
{
    if (describer()) {
        describer()(describe());
        return 0;
    }
    // "--opt=" gives the option an empty value, as "--opt ''" does (CLI11 alone would take the next
    // argument).
    for (auto it = args.begin(); it != args.end() && *it != "--"; ++it) {
        if (it->size() > 3 && it->rfind("--", 0) == 0 && it->find('=') == it->size() - 1) {
            it->pop_back();
            it = args.insert(it + 1, std::string());
        }
    }
    std::reverse(args.begin(), args.end()); // CLI11 takes the arguments last first
    try {
        m_app.parse(std::move(args));
    } catch (const CLI::CallForHelp &) {
        std::fputs(m_app.help().c_str(), stdout);
        return 0;
    } catch (const CLI::ValidationError &e) {
        return refuse(e.what()); // addChecked's message, complete with the accepted values
    } catch (const CLI::ArgumentMismatch &e) {
        // CLI11 says "--out: 1 required DIR missing", or "all was given a disallowed flag override"
        const std::string what = e.what();
        const std::string name = what.substr(0, what.find_first_of(": "));
        if (const CLI::Option *o = m_app.get_option_no_throw(name); o && what.ends_with(" missing"))
            return refuse(name + " needs a value: " + o->get_type_name() + see());
        if (what.ends_with("disallowed flag override"))
            return refuse("--" + name + " takes no value" + see());
        return refuse(what + see());
    } catch (const CLI::ParseError &e) {
        return refuse(e.what() + see());
    }
    for (const std::string &extra : m_app.remaining()) {
        if (extra == "--") // CLI11 leaves the end-of-options mark among the extras
            continue;
        const bool option = extra.size() > 1 && extra.front() == '-';
        return refuse((option ? "unknown option '" : "unexpected argument '") + extra + "'" + see());
    }
    return std::nullopt;
}

std::string CommandLine::see() const
{
    return " (see lbscope-cli " + m_command + " --help)";
}

int CommandLine::refuse(const std::string &message) const
{
    std::fprintf(stderr, "lbscope-cli %s: %s\n", m_command.c_str(), oneLine(message).c_str());
    return 2;
}

} // namespace lbs::clikit
