#include "manpage.h"

#include "app/clikit/manpage.h"

#ifndef LBSCOPE_VERSION
#define LBSCOPE_VERSION "0.1.0"
#endif

namespace lbs::gui {

std::string manPage(const QString &description, const std::vector<QCommandLineOption> &options)
{
    clikit::CommandDescription c;
    c.name = "lbscope";
    for (const QCommandLineOption &o : options) {
        clikit::OptionDescription d;
        for (const QString &n : o.names())
            d.names.push_back((n.size() == 1 ? "-" : "--") + n.toStdString());
        d.valueName = o.valueName().toStdString();
        d.help = o.description().toStdString();
        c.options.push_back(std::move(d));
    }
    c.options.push_back({{"-h", "--help"}, {}, "Show the options and exit.", false, false, false});
    c.options.push_back({{"-v", "--version"}, {}, "Show the version and exit.", false, false, false});
    c.options.push_back({{"FILE"}, "FILE", "Capture files or directories to open.", true, false, true});

    clikit::ManPage page;
    page.name = "lbscope";
    page.version = LBSCOPE_VERSION;
    page.summary = "Kubernetes load balancer capture workbench";
    page.synopsis = {"lbscope [OPTIONS] [FILE...]", "lbscope --cluster [--context C] [--service NS/NAME]",
        "lbscope --wizard [--context C] [--service NS/NAME]"};
    page.description = description.toStdString()
        + "\n\nWithout options it opens the welcome page: recent captures, the cluster workbench (connect "
          "through kubeconfig, find the node holding a LoadBalancer VIP, capture there through a debug "
          "pod or SSH, download with sha256 checks) and the packet, flow, timeline, latency and findings "
          "views. The troubleshooting wizard (--wizard, or File > Troubleshoot a Service) leads from a "
          "failing service through the checks, a capture on the right node and its download to a verdict "
          "in one sentence. lbscope-cli(1) does the same from a terminal.";
    page.commandsHeading.clear(); // one command: its options under OPTIONS
    page.commands = {c};
    page.sections = {{"SEE ALSO", "lbscope-cli(1), kubectl(1), tcpdump(8), wireshark(1)"}};
    page.lists = {
        {"ENVIRONMENT", {{"KUBECONFIG", "Colon-separated kubeconfig files, merged as kubectl merges them."}}},
        {"FILES",
            {{"~/.config/lbscope/lbscope.conf",
                "Settings (no secrets: passphrases the user asks to "
                "remember go to the system keychain)."}}},
    };
    return clikit::renderManPage(page);
}

} // namespace lbs::gui
