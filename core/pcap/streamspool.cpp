#include "streamspool.h"

#include "captureformat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal> // sig_atomic_t
#include <cstdlib>
#include <cstring>

namespace lbs::pcap {

namespace {

// The temporary files, for removeAllTemporaries(): a signal handler may only call async-signal-safe
// functions, so the paths live in fixed buffers.
constexpr int kMaxSpooled = 16;
char g_spooled[kMaxSpooled][256];
volatile sig_atomic_t g_spooledCount = 0;

} // namespace

StreamSpool::~StreamSpool()
{
    for (const auto &[temp, original] : m_names)
        ::unlink(temp.c_str());
}

void StreamSpool::removeAllTemporaries() noexcept
{
    for (int i = 0; i < g_spooledCount; ++i)
        ::unlink(g_spooled[i]);
}

bool StreamSpool::spool(std::string &input, std::string &error)
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
    while (have < kCaptureMagicBytes) {
        const ssize_t n = ::read(in, buf.data() + have, buf.size() - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        have += size_t(n);
    }
    if (!identifyCaptureHeader(reinterpret_cast<const unsigned char *>(buf.data()), have).isCapture()) {
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
        error = "cannot create a temporary file for " + shown + " in " + (tmp && *tmp ? tmp : "/tmp") + ": "
            + std::strerror(errno) + " (set TMPDIR)";
        if (!isStdin)
            ::close(in);
        return false;
    }
    std::memcpy(g_spooled[g_spooledCount], temp.c_str(), temp.size() + 1);
    g_spooledCount = g_spooledCount + 1;
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

std::string StreamSpool::restore(std::string text) const
{
    for (const auto &[temp, shown] : m_names)
        for (size_t at; (at = text.find(temp)) != std::string::npos;)
            text.replace(at, temp.size(), shown);
    return text;
}

} // namespace lbs::pcap
