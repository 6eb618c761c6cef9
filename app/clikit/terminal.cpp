#include "terminal.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <set>
#include <termios.h>
#include <unistd.h>

namespace lbs::clikit {

std::string askHidden(const std::string &prompt)
{
    if (!isatty(STDIN_FILENO))
        return {};
    std::fprintf(stderr, "%s", prompt.c_str());
    std::fflush(stderr);
    termios old {};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string line;
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
    return line;
}

bool askTrustHostKey(const std::string &host, const std::string &fingerprint, const std::string &file)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
        return false;
    std::fprintf(stderr,
        "The authenticity of host %s can't be established.\nIts key fingerprint is %s.\n"
        "Trust it and add it to %s (yes/no)? ",
        host.c_str(), fingerprint.c_str(), file.c_str());
    std::fflush(stderr);
    for (int tries = 0; tries < 3; ++tries) {
        std::string line;
        if (!std::getline(std::cin, line))
            return false;
        if (line == "yes")
            return true;
        if (line == "no")
            return false;
        std::fprintf(stderr, "Please type 'yes' or 'no': ");
        std::fflush(stderr);
    }
    return false;
}

std::string terminalSafe(const std::string &text)
{
    std::string out;
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else {
            out += char(c);
        }
    }
    return out;
}

std::string formatColumns(const std::vector<std::vector<std::string>> &rows)
{
    std::vector<std::size_t> width;
    for (const auto &r : rows) {
        width.resize(std::max(width.size(), r.size()));
        for (std::size_t c = 0; c < r.size(); ++c)
            width[c] = std::max(width[c], r[c].size());
    }
    std::string out;
    for (const auto &r : rows) {
        std::string line;
        for (std::size_t c = 0; c < r.size(); ++c) {
            line += r[c];
            if (c + 1 < r.size())
                line += std::string(width[c] - r[c].size() + 3, ' ');
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + '\n';
    }
    return out;
}

void printWarningOnce(const std::string &text)
{
    static std::set<std::string> printed;
    if (printed.insert(text).second)
        std::fprintf(stderr, "warning: %s\n", text.c_str());
}

TerminalProgress::TerminalProgress() : m_tty(isatty(STDERR_FILENO) != 0)
{
}

TerminalProgress::~TerminalProgress()
{
    endLine();
}

void TerminalProgress::endLine()
{
    if (m_open)
        std::fprintf(stderr, "\n");
    m_open = false;
}

void TerminalProgress::report(const ProgressEvent &e)
{
    if (e.stage != m_stage) {
        endLine();
        m_stage = e.stage;
        m_lastDecile = -1;
    }
    const double frac = e.total > 0 ? static_cast<double>(e.done) / static_cast<double>(e.total) : 0.0;
    char eta[32] = "";
    if (e.etaSeconds >= 0)
        std::snprintf(eta, sizeof eta, " ETA %.0fs", e.etaSeconds);
    if (m_tty) {
        const int width = 30;
        const int fill = static_cast<int>(frac * width);
        std::string bar(static_cast<std::size_t>(fill), '#');
        bar.resize(width, ' ');
        std::fprintf(stderr, "\r%s [%s] %5.1f%% %.1f/%.1f MB %s%s\033[K", e.stage.c_str(), bar.c_str(),
            frac * 100, static_cast<double>(e.done) / 1e6, static_cast<double>(e.total) / 1e6,
            e.message.c_str(), eta);
        m_open = true;
        if (e.total > 0 && e.done >= e.total)
            endLine();
    } else {
        const int decile = static_cast<int>(frac * 10);
        if (decile == m_lastDecile)
            return;
        m_lastDecile = decile;
        std::fprintf(stderr, "%s: %.0f%% %.1f/%.1f MB %s%s\n", e.stage.c_str(), frac * 100,
            static_cast<double>(e.done) / 1e6, static_cast<double>(e.total) / 1e6, e.message.c_str(), eta);
    }
    std::fflush(stderr);
}

namespace {

std::atomic<int> g_interrupts {0};
CancelToken *g_stop = nullptr;
CancelToken *g_abort = nullptr;
const char *g_killed = "";

void onInterrupt(int)
{
    const int n = ++g_interrupts;
    if (n == 1 && g_stop)
        g_stop->cancel();
    else if (n == 2 && g_abort)
        g_abort->cancel();
    else if (n >= 3) {
        // only async-signal-safe calls here: strlen, write(2), _exit
        const ssize_t written = ::write(STDERR_FILENO, g_killed, std::strlen(g_killed));
        (void)written;
        ::_exit(130);
    }
}

} // namespace

void installInterruptHandlers(const CancelToken &stop, const CancelToken &abort, const char *killedMessage)
{
    g_killed = killedMessage;
    static CancelToken s_stop = stop; // copies share the flag
    static CancelToken s_abort = abort;
    g_stop = &s_stop;
    g_abort = &s_abort;
    struct sigaction sa { };
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

} // namespace lbs::clikit
