// lbscope-cli capture: a remote tcpdump ring on one node, monitored, stopped, downloaded, manifest.json.
// Wiring only: the work is lbs::capture::CaptureWorkflow; CapturePrinter shows it.
#include "captureprinter.h"
#include "clioptions.h"
#include "commands.h"

#include "core/capture/captureworkflow.h"

#include <charconv>
#include <cstdio>

namespace lbs::cli {

namespace {

const char *kCaptureHelp
    = "usage: lbscope-cli capture (--ssh USER@HOST[:PORT] --iface IF | --node NODE --iface IF | --service "
      "NS/NAME)\n"
      "                           [--filter BPF] [--ring SIZE_MBxCOUNT] [--snaplen N] [--duration D] --out "
      "DIR\n"
      "       lbscope-cli capture --attach DIR [--ssh ... | --node ...]\n"
      "\n"
      "Runs tcpdump detached on the node (a dropped connection does not stop it), shows its progress,\n"
      "stops it (Ctrl+C, --duration, or tcpdump ending), downloads every rotated file with resume and a\n"
      "sha256 check, and writes DIR/manifest.json. A second Ctrl+C aborts: tcpdump is stopped and the\n"
      "remote files removed. --attach continues a capture whose connection dropped.\n"
      "\n"
      "  --iface IF                interface on the node (eth1, cali..., any)\n"
      "  --filter BPF              capture filter, passed to tcpdump as one argument\n"
      "  --ring SIZE_MBxCOUNT      rotation: COUNT files of SIZE_MB million bytes (default 100x5)\n"
      "  --snaplen N               bytes kept per packet (default 262144)\n"
      "  --duration D              stop after D (90, 30s, 5m, 1h30m)\n"
      "  --out DIR                 capture directory (created; must not hold a capture already)\n"
      "  --remote-dir DIR          where tcpdump writes on the node (default /var/tmp/lbscope)\n"
      "  --tcpdump PATH            tcpdump on the node (default tcpdump)\n"
      "  --remove-remote           delete the files on the node after a verified download\n"
      "  --events jsonl            one JSON object per line on stdout (state, sample, file, download,\n"
      "                            verified, warning, error; the last is done); prose stays on stderr\n";

// A whole decimal number in [min, max]: "12abc", "", "+5", " 5" and "1e3" are refused.
Result<int> parseCount(const std::string &text, int min, int max)
{
    int n = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec == std::errc::invalid_argument || p != text.data() + text.size())
        return Error {"is not a whole number", {}, {}};
    if (ec == std::errc::result_out_of_range || n < min || n > max)
        return Error {"is out of range " + std::to_string(min) + ".." + std::to_string(max), {}, {}};
    return n;
}

} // namespace

int runCapture(const std::vector<std::string> &args)
{
    capture::CaptureRequest rq;
    CommonOptions &common = rq.target;
    capture::CapturePlan &plan = rq.plan;
    std::string out, attach;
    bool jsonLines = false;
    for (std::size_t i = 0; i < args.size();) {
        const std::string a = args[i];
        const std::string name = a.substr(0, a.find('='));
        if (a == "--help" || a == "-h") {
            std::printf("%s%s", kCaptureHelp, sshOptionsHelp());
            return 0;
        }
        auto common_ = takeCommonOption(args, i, common);
        if (!common_) {
            std::fprintf(stderr, "lbscope-cli capture: %s\n", common_.error().toString().c_str());
            return 2;
        }
        if (common_.value())
            continue;
        if (name == "--remove-remote") {
            rq.removeRemote = true;
            ++i;
            continue;
        }
        auto v = optionValue(args, i);
        if (!v) {
            std::fprintf(stderr, "lbscope-cli capture: unknown argument '%s' (see --help)\n", a.c_str());
            return 2;
        }
        const std::string val = v.value();
        Status bad = Ok {};
        if (name == "--iface")
            plan.iface = val;
        else if (name == "--filter")
            plan.filter = val;
        else if (name == "--out")
            out = val;
        else if (name == "--attach")
            attach = val;
        else if (name == "--node")
            rq.node = val;
        else if (name == "--service")
            rq.service = val;
        else if (name == "--remote-dir")
            plan.remoteDir = val;
        else if (name == "--tcpdump")
            plan.tcpdump = val;
        else if (name == "--events") {
            if (val == "jsonl")
                jsonLines = true;
            else
                bad = Error {"--events '" + val + "' is not an event format", {}, "use --events jsonl"};
        } else if (name == "--snaplen") {
            auto n = parseCount(val, 0, 262144);
            if (n)
                plan.snaplen = n.value();
            else
                bad = Error {"--snaplen '" + val + "' " + n.error().message, {},
                    "use 0..262144 (0 = tcpdump's default)"};
        } else if (name == "--ring") {
            auto r = capture::parseRing(val);
            if (r) {
                plan.ringSizeMb = r->first;
                plan.ringCount = r->second;
            } else {
                bad = r.error();
            }
        } else if (name == "--duration") {
            auto d = capture::parseDuration(val);
            if (d)
                plan.durationSec = d.value();
            else
                bad = d.error();
        } else {
            std::fprintf(stderr, "lbscope-cli capture: unknown option '%s' (see --help)\n", a.c_str());
            return 2;
        }
        if (!bad) {
            std::fprintf(stderr, "lbscope-cli capture: %s\n", bad.error().toString().c_str());
            return 2;
        }
    }
    setTerminalPrompts(common);
    rq.reattach = !attach.empty();
    rq.outDir = rq.reattach ? attach : out;
    CapturePrinter printer(jsonLines);
    capture::CaptureWorkflow workflow(std::move(rq), &printer);
    // Ctrl+C from here on: locating (--service) makes probe debug pods that must be deleted too.
    installInterruptHandlers(workflow.stopToken(), workflow.abortToken());
    const capture::CaptureOutcome result = workflow.run();
    printer.done(workflow.request().outDir, result.ok());
    if (result.ok()) {
        if (!jsonLines)
            std::printf("%s\n", result.manifestPath.c_str());
        std::fprintf(stderr, "done: lbscope-cli analyze %s\n", workflow.request().outDir.c_str());
        return 0;
    }
    if (result.interrupted)
        return 130;
    return result.usageError ? 2 : 1;
}

} // namespace lbs::cli
