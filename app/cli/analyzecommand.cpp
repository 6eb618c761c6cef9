// lbscope-cli analyze: wiring from arguments to core/analysis and back to files and stdout.
#include "commandline.h"
#include "commands.h"

#include "core/analysis/analyzer.h"
#include "core/analysis/jsonreport.h"
#include "core/pcap/captureformat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace lbs::cli {

namespace {

// Keeps a reason on one line.
std::string oneLine(std::string s)
{
    for (char &c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    return s;
}

// --bucket: strtod's number, in range.
std::string checkBucket(const std::string &v, double &seconds)
{
    char *end = nullptr;
    errno = 0;
    const double d = std::strtod(v.c_str(), &end);
    if (errno || end == v.c_str() || *end != '\0' || !(d >= 0.001 && d <= 3600))
        return "--bucket '" + v + "' is not a number of seconds between 0.001 and 3600";
    seconds = d;
    return {};
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

// True when the file at `path` starts like a pcap or pcapng file.
bool looksLikeCapture(const std::string &path)
{
    return pcap::identifyCaptureFile(path).isCapture();
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

// Temporary files to remove if a signal ends the process (Ctrl+C, a closed pipe): the handler may
// only call async-signal-safe functions, so the paths live in fixed buffers.
constexpr int kMaxSpooled = 16;
char g_spooled[kMaxSpooled][256];
volatile sig_atomic_t g_spooledCount = 0;

extern "C" void removeSpooledAndDie(int sig)
{
    for (int i = 0; i < g_spooledCount; ++i)
        ::unlink(g_spooled[i]);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

// Pipes, FIFOs and "-" (stdin) are copied to a temporary file first: a capture is read more than
// once (probe, merge, re-read), which a stream cannot do. `tcpdump -w - | lbscope-cli analyze -`.
// A stream that does not start like a capture is refused at once (e.g. /dev/zero never ends).
class SpooledInputs {
public:
    SpooledInputs() = default;
    SpooledInputs(const SpooledInputs &) = delete;
    SpooledInputs &operator=(const SpooledInputs &) = delete;
    ~SpooledInputs()
    {
        for (const auto &[temp, original] : m_names)
            ::unlink(temp.c_str());
    }
    /// Replaces `input` by the path to analyse, or sets `error`.
    bool spool(std::string &input, std::string &error)
    {
        struct stat st { };
        const bool isStdin = input == "-";
        if (!isStdin && (::stat(input.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
            return true; // regular files, directories and missing paths go through CaptureSet as they are
        const std::string shown = isStdin ? std::string("standard input") : input;
        if (g_spooledCount >= kMaxSpooled) {
            error = shown + ": at most " + std::to_string(kMaxSpooled) + " streams can be analysed at once";
            return false;
        }
        const int in = isStdin ? STDIN_FILENO : ::open(input.c_str(), O_RDONLY);
        if (in < 0) {
            error = input + ": cannot open: " + std::strerror(errno);
            return false;
        }
        std::vector<char> buf(size_t(1) << 20);
        size_t have = 0;
        while (have < pcap::kCaptureMagicBytes) {
            const ssize_t n = ::read(in, buf.data() + have, buf.size() - have);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            have += size_t(n);
        }
        if (!pcap::identifyCaptureHeader(reinterpret_cast<const unsigned char *>(buf.data()), have)
                 .isCapture()) {
            error = have == 0
                ? shown + ": capture stream is empty (nothing was written to it)"
                : shown + ": not a pcap or pcapng stream (it does not start with a capture file header)";
            if (!isStdin)
                ::close(in);
            return false;
        }
        const char *tmp = std::getenv("TMPDIR");
        std::string temp = std::string(tmp && *tmp ? tmp : "/tmp") + "/lbscope-stream-XXXXXX.pcap";
        const int out = temp.size() < sizeof g_spooled[0] ? ::mkstemps(temp.data(), 5) : -1;
        if (out < 0) {
            error = "cannot create a temporary file for " + shown + " in " + (tmp && *tmp ? tmp : "/tmp")
                + ": " + std::strerror(errno) + " (set TMPDIR)";
            if (!isStdin)
                ::close(in);
            return false;
        }
        std::memcpy(g_spooled[g_spooledCount], temp.c_str(), temp.size() + 1);
        g_spooledCount = g_spooledCount + 1;
        if (g_spooledCount == 1)
            for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
                ::signal(sig, removeSpooledAndDie);
        m_names.emplace_back(temp, shown);
        for (;;) {
            if (have > 0 && ::write(out, buf.data(), have) != ssize_t(have)) {
                error = "writing " + temp + ": " + std::strerror(errno);
                break;
            }
            const ssize_t n = ::read(in, buf.data(), buf.size());
            if (n < 0 && errno == EINTR) {
                have = 0;
                continue;
            }
            if (n < 0)
                error = shown + ": read failed: " + std::strerror(errno);
            if (n <= 0)
                break;
            have = size_t(n);
        }
        if (!isStdin)
            ::close(in);
        ::close(out);
        if (!error.empty())
            return false;
        input = temp;
        return true;
    }
    /// Puts the names the user gave back into paths and messages.
    std::string restore(std::string text) const
    {
        for (const auto &[temp, shown] : m_names)
            for (size_t at; (at = text.find(temp)) != std::string::npos;)
                text.replace(at, temp.size(), shown);
        return text;
    }

private:
    std::vector<std::pair<std::string, std::string>> m_names; ///< temporary -> as the user named it
};

} // namespace

int runAnalyze(const std::vector<std::string> &args)
{
    std::vector<std::string> inputs;
    analysis::AnalyzerOptions options;
    options.keepPacketIndex = false; // the CLI never shows a packet list
    std::string jsonOut, csvOut;
    bool compact = false;
    analysis::TextSummaryOptions summary;
    CommandLine cl("analyze",
        "usage: lbscope-cli analyze FILE... [--filter BPF] [--json OUT] [--flows-csv OUT] [--bucket "
        "SECONDS]\n"
        "                           [--compact] [--explain]",
        "Analyses pcap/pcapng files as one capture: rotated sets (x.pcap0..x.pcap4, x.pcap x.pcap1 ...),\n"
        "directories (with or without manifest.json), merged by packet time. FILE '-' (or a pipe) is\n"
        "read as a stream: tcpdump -w - | lbscope-cli analyze -");
    CLI::App &t = cl.table();
    t.add_option("FILE", inputs, "capture file, rotated file, directory, or '-' for standard input")
        ->type_name("");
    t.add_option("--filter", options.filter, "tcpdump filter applied before the analysis")->type_name("BPF");
    t.add_option("--json", jsonOut, "write the JSON report to OUT ('-' = stdout)")->type_name("OUT");
    t.add_option("--flows-csv", csvOut, "write one CSV row per flow to OUT ('-' = stdout)")->type_name("OUT");
    cl.addChecked(
        "--bucket", [&](const std::string &v) { return checkBucket(v, options.bucketSeconds); },
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

    SpooledInputs spooled;
    for (std::string &in : inputs) {
        std::string error;
        if (!spooled.spool(in, error))
            return fail(error);
    }
    auto set = pcap::CaptureSet::open(inputs);
    if (!set)
        return fail(spooled.restore(set.error().toString()));
    for (const std::string *out : {&jsonOut, &csvOut})
        if (const std::string hazard = outputHazard(*out, set->files); !hazard.empty())
            return fail(hazard);
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
    if (!csvOut.empty() && !writeOut(csvOut, analysis::toFlowsCsv(a)))
        rc = 1;
    if (jsonOut != "-" && csvOut != "-") {
        const std::string text = analysis::toTextSummary(a, summary);
        std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
        for (const auto &w : a.warnings)
            std::fprintf(stderr, "lbscope-cli analyze: warning: %s\n", oneLine(w).c_str());
    }
    return rc;
}

} // namespace lbs::cli
