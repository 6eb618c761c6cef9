// lbscope-cli analyze: wiring from arguments to core/analysis and back to files and stdout.
#include "commands.h"

#include "core/analysis/analyzer.h"
#include "core/analysis/jsonreport.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string_view>

namespace lbs::cli {

namespace {

const char kAnalyzeHelp[]
    = "usage: lbscope-cli analyze FILE... [--filter BPF] [--json OUT] [--flows-csv OUT] [--bucket SECONDS]\n"
      "\n"
      "Analyses pcap/pcapng files as one capture: rotated sets (x.pcap0..x.pcap4, x.pcap x.pcap1 ...),\n"
      "directories (with or without manifest.json), merged by packet time.\n"
      "  --filter BPF       tcpdump filter applied before the analysis\n"
      "  --json OUT         write the JSON report to OUT ('-' = stdout)\n"
      "  --flows-csv OUT    write one CSV row per flow to OUT ('-' = stdout)\n"
      "  --bucket SECONDS   timeline bucket (default 1, from 0.001 to 3600)\n"
      "  --compact          JSON on one line\n"
      "Without --json/--flows-csv to stdout, a human summary is printed.\n"
      "Exit status: 0 analysed, 2 unusable input (the reason is printed on stderr), 1 output not written.\n";

// Keeps a reason on one line.
std::string oneLine(std::string s)
{
    for (char &c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    return s;
}

int fail(const std::string &reason)
{
    std::fprintf(stderr, "lbscope-cli analyze: %s\n", oneLine(reason).c_str());
    return 2;
}

// Writes to `path` ('-' = stdout) whatever `produce` hands to its sink, in chunks.
bool writeOut(const std::string &path,
    const std::function<bool(const std::function<bool(std::string_view)> &)> &produce)
{
    const bool toStdout = path == "-";
    std::FILE *f = toStdout ? stdout : std::fopen(path.c_str(), "wb");
    if (!f) {
        std::fprintf(stderr, "lbscope-cli analyze: %s: cannot create output file: %s\n", path.c_str(),
            std::strerror(errno));
        return false;
    }
    int writeErrno = 0;
    const bool produced = produce([&](std::string_view chunk) {
        if (std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size())
            return true;
        writeErrno = errno;
        return false;
    });
    bool ok = produced && std::fflush(f) == 0;
    if (!ok && !writeErrno)
        writeErrno = errno;
    if (!toStdout && std::fclose(f) != 0 && ok) {
        ok = false;
        writeErrno = errno;
    }
    if (!ok)
        std::fprintf(stderr, "lbscope-cli analyze: %s: could not write the whole file: %s\n",
            toStdout ? "standard output" : path.c_str(), std::strerror(writeErrno ? writeErrno : EIO));
    return ok;
}

bool writeOut(const std::string &path, const std::string &text)
{
    return writeOut(path, [&](const std::function<bool(std::string_view)> &sink) { return sink(text); });
}

// True when the file at `path` starts with a pcap or pcapng magic number.
bool looksLikeCapture(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    unsigned char m[4] = {};
    if (!in.read(reinterpret_cast<char *>(m), 4))
        return false;
    const uint32_t le = m[0] | m[1] << 8 | m[2] << 16 | static_cast<uint32_t>(m[3]) << 24;
    const uint32_t be = m[3] | m[2] << 8 | m[1] << 16 | static_cast<uint32_t>(m[0]) << 24;
    for (uint32_t magic : {0xa1b2c3d4u, 0xa1b23c4du, 0x0a0d0d0au})
        if (le == magic || be == magic)
            return true;
    return false;
}

// An output path that would destroy a capture ("--json x.pcap*" expands to "--json x.pcap
// x.pcap1 ...", making the first capture file the output) is refused before anything is written.
std::string outputHazard(const std::string &out, const std::vector<pcap::CaptureFileInfo> &inputs)
{
    if (out.empty() || out == "-")
        return {};
    std::error_code ec;
    if (!std::filesystem::exists(out, ec))
        return {};
    for (const auto &f : inputs)
        if (std::filesystem::equivalent(out, f.path, ec))
            return "refusing to write the report over input capture '" + out
                + "' (did the shell expand a file pattern right after --json or --flows-csv?)";
    if (looksLikeCapture(out))
        return "refusing to overwrite capture file '" + out
            + "' with a report (did the shell expand a file pattern right after --json or --flows-csv?)";
    return {};
}

} // namespace

int runAnalyze(const std::vector<std::string> &args)
{
    std::vector<std::string> inputs;
    analysis::AnalyzerOptions options;
    options.keepPacketIndex = false; // the CLI never shows a packet list
    std::string jsonOut, csvOut;
    bool compact = false;
    bool endOfOptions = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        auto valueOf = [&](const char *name, std::string &out) -> bool {
            const size_t n = std::strlen(name);
            if (a.compare(0, n, name) == 0 && a.size() > n && a[n] == '=') {
                out = a.substr(n + 1);
                return true;
            }
            if (a == name) {
                if (i + 1 >= args.size()) {
                    out = "\x01missing";
                    return true;
                }
                out = args[++i];
                return true;
            }
            return false;
        };
        if (endOfOptions || a.empty() || a[0] != '-' || a == "-") {
            inputs.push_back(a);
            continue;
        }
        std::string v;
        if (a == "--") {
            endOfOptions = true;
        } else if (a == "--help" || a == "-h") {
            std::fputs(kAnalyzeHelp, stdout);
            return 0;
        } else if (a == "--compact") {
            compact = true;
        } else if (valueOf("--filter", v)) {
            if (v == "\x01missing")
                return fail("--filter needs a BPF expression, e.g. --filter 'tcp port 80'");
            options.filter = v;
        } else if (valueOf("--json", v)) {
            if (v == "\x01missing")
                return fail("--json needs an output path or '-' for stdout");
            jsonOut = v;
        } else if (valueOf("--flows-csv", v)) {
            if (v == "\x01missing")
                return fail("--flows-csv needs an output path or '-' for stdout");
            csvOut = v;
        } else if (valueOf("--bucket", v)) {
            if (v == "\x01missing")
                return fail("--bucket needs a number of seconds, e.g. --bucket 0.1");
            char *end = nullptr;
            errno = 0;
            const double d = std::strtod(v.c_str(), &end);
            if (errno || end == v.c_str() || *end != '\0' || !(d >= 0.001 && d <= 3600))
                return fail("--bucket '" + v + "' is not a number of seconds between 0.001 and 3600");
            options.bucketSeconds = d;
        } else {
            return fail("unknown option '" + a + "' (see lbscope-cli analyze --help)");
        }
    }
    if (inputs.empty())
        return fail("no capture file given (usage: lbscope-cli analyze FILE... ; see --help)");
    if (jsonOut == "-" && csvOut == "-")
        return fail("--json - and --flows-csv - cannot both write to stdout");

    auto set = pcap::CaptureSet::open(inputs);
    if (!set)
        return fail(set.error().toString());
    for (const std::string *out : {&jsonOut, &csvOut})
        if (const std::string hazard = outputHazard(*out, set->files); !hazard.empty())
            return fail(hazard);
    analysis::Analyzer analyzer(options);
    auto result = analyzer.run(*set);
    if (!result)
        return fail(result.error().toString());
    const analysis::CaptureAnalysis &a = *result;

    int rc = 0;
    if (!jsonOut.empty() && !writeOut(jsonOut, [&](const std::function<bool(std::string_view)> &sink) {
            return analysis::writeJsonReport(a, !compact, sink);
        }))
        rc = 1;
    if (!csvOut.empty() && !writeOut(csvOut, analysis::toFlowsCsv(a)))
        rc = 1;
    if (jsonOut != "-" && csvOut != "-") {
        const std::string text = analysis::toTextSummary(a);
        std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
        for (const auto &w : a.warnings)
            std::fprintf(stderr, "lbscope-cli analyze: warning: %s\n", oneLine(w).c_str());
    }
    return rc;
}

} // namespace lbs::cli
