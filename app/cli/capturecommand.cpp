// lbscope-cli capture: a remote tcpdump ring on one node, monitored, stopped, downloaded, manifest.json.
// Wiring only: the work is lbs::capture::CaptureWorkflow; CapturePrinter shows it.
#include "app/clikit/commandline.h"
#include "captureprinter.h"
#include "clioptions.h"
#include "commands.h"

#include "core/capture/captureworkflow.h"

#include <cstdio>
#include <tuple>
#include <utility>

namespace lbs::cli {

int runCapture(const std::vector<std::string> &args)
{
    capture::CaptureRequest rq;
    CommonOptions &common = rq.target;
    capture::CapturePlan &plan = rq.plan;
    std::string out, attach;
    bool jsonLines = false;
    CommandLine cl("capture",
        "usage: lbscope-cli capture (--ssh USER@HOST[:PORT] --iface IF | --node NODE --iface IF\n"
        "                            | --service NS/NAME) [--filter BPF] [--ring SIZE_MBxCOUNT]\n"
        "                           [--snaplen N] [--duration D] --out DIR\n"
        "       lbscope-cli capture --attach DIR [--ssh ... | --node ...]",
        "Runs tcpdump detached on the node (a dropped connection does not stop it), shows its progress,\n"
        "stops it (Ctrl+C, --duration, or tcpdump ending), downloads every rotated file with resume and a\n"
        "sha256 check, and writes DIR/manifest.json. A second Ctrl+C aborts: tcpdump is stopped and the\n"
        "remote files removed. --attach continues a capture whose connection dropped.");
    CLI::App &t = cl.table();
    t.add_option("--node", rq.node, "capture on this Kubernetes node, through a debug pod")
        ->type_name("NODE");
    t.add_option("--service", rq.service, "capture on the node that holds this LoadBalancer service's VIP")
        ->type_name("NS/NAME");
    t.add_flag("--one-side", rq.oneSide,
        "with --service: only the VIP's interface and `host VIP` (the client's side of the NAT); by default "
        "every interface (-i any) with the VIP's and each endpoint's address and port, both sides");
    bool conntrack = false, noConntrack = false;
    t.add_flag("--conntrack", conntrack,
        "record the VIP node's conntrack (conntrack -E, or /proc/net/nf_conntrack where the tool is missing) "
        "so that each connection's backend pod is known without the pod side; on by default with "
        "--one-side");
    t.add_flag("--no-conntrack", noConntrack, "do not record the node's conntrack");
    t.add_option("--conntrack-tool", plan.conntrackTool,
         "conntrack on the node (default conntrack; where it is missing, /proc/net/nf_conntrack is read)")
        ->type_name("PATH");
    t.add_option("--iface", plan.iface, "interface on the node (eth1, cali..., any)")->type_name("IF");
    t.add_option("--filter", plan.filter, "capture filter, passed to tcpdump as one argument")
        ->type_name("BPF");
    std::pair<int, int> ring {plan.ringSizeMb, plan.ringCount};
    cl.addParsed("--ring", capture::parseRing, ring,
        "rotation: COUNT files of SIZE_MB million bytes (default 100x5)", "SIZE_MBxCOUNT");
    cl.addParsed(
        "--snaplen", capture::parseSnaplen, plan.snaplen, "bytes kept per packet (default 262144)", "N");
    cl.addParsed(
        "--duration", capture::parseDuration, plan.durationSec, "stop after D (90, 30s, 5m, 1h30m)", "D");
    t.add_option("--out", out, "capture directory (created; must not hold a capture already)")
        ->type_name("DIR");
    t.add_option("--attach", attach, "continue the capture of DIR whose connection dropped")
        ->type_name("DIR");
    t.add_option(
         "--remote-dir", plan.remoteDir, "where tcpdump writes on the node (default /var/tmp/lbscope)")
        ->type_name("DIR");
    t.add_option("--tcpdump", plan.tcpdump, "tcpdump on the node (default tcpdump)")->type_name("PATH");
    t.add_flag("--remove-remote", rq.removeRemote, "delete the files on the node after a verified download");
    cl.addChecked(
        "--events",
        [&jsonLines](const std::string &v) {
            jsonLines = v == "jsonl";
            return jsonLines ? std::string()
                             : "--events '" + v + "' is not an event format (use --events jsonl)";
        },
        "one JSON object per line on stdout (state, sample, file, download,\n"
        "verified, warning, error; the last is done); prose stays on stderr",
        "jsonl");
    addSshOptions(t, common);
    addClusterOptions(t, common.kubeconfig, &common.context);
    addDebugPodOptions(t, common);
    if (const auto code = cl.parse(args))
        return *code;
    if (conntrack && noConntrack) {
        std::fprintf(stderr, "lbscope-cli capture: --conntrack and --no-conntrack exclude each other\n");
        return 2;
    }
    if (conntrack || noConntrack)
        rq.conntrack = conntrack;
    std::tie(plan.ringSizeMb, plan.ringCount) = ring;
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
