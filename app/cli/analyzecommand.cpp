// lbscope-cli analyze: wiring from arguments to core/analysis and back to files and stdout.
#include "app/clikit/commandline.h"
#include "commands.h"

#include "core/analysis/analyzer.h"
#include "core/analysis/jsonreport.h"
#include "core/analysis/reportfile.h"
#include "core/common/trace.h"
#include "core/pcap/streamspool.h"

#ifdef HAVE_LBSCOPE_CAPTURE
#include "core/analysis/verdict.h"
#include "core/report/runreport.h"
#endif

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace lbs::cli {

namespace {

// A signal that ends the process (Ctrl+C, a closed pipe) removes the spooled streams first.
extern "C" void removeSpooledAndDie(int sig)
{
    pcap::StreamSpool::removeAllTemporaries();
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

// Writes a report, or says on stderr why it could not.
bool writeOut(const std::string &path, const analysis::ReportProducer &produce)
{
    const Status written = analysis::writeReportFile(path, produce);
    if (!written)
        std::fprintf(stderr, "lbscope-cli analyze: %s\n", written.error().toString().c_str());
    return bool(written);
}

} // namespace

int runAnalyze(const std::vector<std::string> &args)
{
    std::vector<std::string> inputs;
    analysis::AnalyzerOptions options;
    options.keepPacketIndex = false; // the CLI never shows a packet list
    std::string jsonOut, csvOut, reportOut;
    bool compact = false;
    analysis::TextSummaryOptions summary;
    CommandLine cl("analyze",
        "usage: lbscope-cli analyze FILE... [--filter BPF] [--json OUT] [--flows-csv OUT]\n"
        "                           [--bucket SECONDS] [--compact] [--explain] [--report FILE.html]",
        "Analyses pcap/pcapng files as one capture: rotated sets (x.pcap0..x.pcap4, x.pcap x.pcap1 ...),\n"
        "directories (with or without manifest.json), merged by packet time. FILE '-' (or a pipe) is\n"
        "read as a stream: tcpdump -w - | lbscope-cli analyze -");
    CLI::App &t = cl.table();
    t.add_option("FILE", inputs, "capture file, rotated file, directory, or '-' for standard input")
        ->type_name("");
    t.add_option("--filter", options.filter, "tcpdump filter applied before the analysis")->type_name("BPF");
    t.add_option("--json", jsonOut, "write the JSON report to OUT ('-' = stdout)")->type_name("OUT");
    t.add_option("--flows-csv", csvOut, "write one CSV row per flow to OUT ('-' = stdout)")->type_name("OUT");
#ifdef HAVE_LBSCOPE_CAPTURE
    t.add_option("--report", reportOut,
         "write the verdict, the capture's manifest, timeline and latency plots and\n"
         "the findings explained as one self-contained HTML file")
        ->type_name("FILE.html");
#endif
    cl.addChecked(
        "--bucket",
        [&options](const std::string &v) {
            char *end = nullptr;
            errno = 0;
            const double d = std::strtod(v.c_str(), &end);
            if (errno || end == v.c_str() || *end != '\0' || !(d >= 0.001 && d <= 3600))
                return "--bucket '" + v + "' is not a number of seconds between 0.001 and 3600";
            options.bucketSeconds = d;
            return std::string();
        },
        "timeline bucket (default 1, from 0.001 to 3600)", "SECONDS");
    t.add_flag("--compact", compact, "JSON on one line");
    t.add_flag("--explain", summary.explain,
        "in the human summary, follow each finding by what it usually means and\n"
        "what to check (the explanation the GUI shows)");
    t.footer(
        "Without --json/--flows-csv to stdout, a human summary is printed.\n"
        "Exit status: 0 analysed, 2 unusable input (the reason is printed on stderr), 1 output not written.");
    if (const auto code = cl.parse(args))
        return *code;
    const auto fail = [&cl](const std::string &reason) { return cl.refuse(reason); };
    if (inputs.empty())
        return fail("no capture file given (usage: lbscope-cli analyze FILE... ; see --help)");
    if (jsonOut == "-" && csvOut == "-")
        return fail("--json - and --flows-csv - cannot both write to stdout");

    // Ctrl+C or a closed pipe while a stream is copied (or later) leaves no temporary file behind.
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
        ::signal(sig, removeSpooledAndDie);
    pcap::StreamSpool spooled;
    for (std::string &in : inputs) {
        std::string error;
        if (!spooled.spool(in, error))
            return fail(error);
    }
    auto set = pcap::CaptureSet::open(inputs);
    if (!set)
        return fail(spooled.restore(set.error().toString()));
    // "--json x.pcap*" expands to "--json x.pcap x.pcap1 ...", making the first capture the output
    for (const std::string *out : {&jsonOut, &csvOut})
        if (const std::string hazard = analysis::reportOutputHazard(*out, set->files); !hazard.empty())
            return fail(hazard + " (did the shell expand a file pattern right after --json or --flows-csv?)");
    analysis::Analyzer analyzer(options);
    auto result = analyzer.run(*set);
    if (!result)
        return fail(spooled.restore(result.error().toString()));
    analysis::CaptureAnalysis &a = *result;
    for (auto &f : a.files)
        f.path = spooled.restore(f.path);
    for (auto &w : a.warnings)
        w = spooled.restore(w);

    int rc = 0;
    if (!jsonOut.empty() && !writeOut(jsonOut, [&](const std::function<bool(std::string_view)> &sink) {
            return analysis::writeJsonReport(a, !compact, sink);
        }))
        rc = 1;
    if (!jsonOut.empty())
        trace("engine", "JSON report written");
    if (!csvOut.empty()
        && !writeOut(csvOut, [csv = analysis::toFlowsCsv(a)](const auto &sink) { return sink(csv); }))
        rc = 1;
#ifdef HAVE_LBSCOPE_CAPTURE
    if (!reportOut.empty()) {
        report::RunReport r = report::newRunReport(
            QString::fromStdString(a.manifest && !a.manifest->service.empty()
                    ? a.manifest->service + (a.manifest->node.empty() ? "" : " on " + a.manifest->node)
                    : inputs.front()),
            QStringLiteral("lbscope-cli analyze"));
        analysis::VerdictContext context;
        context.utcOffsetSeconds = r.utcOffsetSeconds;
        report::setVerdict(r, analysis::computeVerdict(a, context));
        r.analysis = &a;
        if (const QString error = report::writeRunReport(r, QString::fromStdString(reportOut));
            !error.isEmpty()) {
            std::fprintf(stderr, "lbscope-cli analyze: cannot write %s: %s\n", reportOut.c_str(),
                error.toLocal8Bit().constData());
            rc = 1;
        }
    }
#endif
    if (jsonOut != "-" && csvOut != "-") {
        const std::string text = analysis::toTextSummary(a, summary);
        std::fwrite(text.data(), 1, text.size(), stdout);
        trace("engine", "summary printed");
    } else {
        for (const auto &w : a.warnings)
            std::fprintf(stderr, "lbscope-cli analyze: warning: %s\n", oneLine(w).c_str());
    }
    return rc;
}

} // namespace lbs::cli
