#ifdef HAVE_LBSCOPE_CAPTURE
#include "captureprinter.h"

#include "core/capture/captureevents.h"

#include <chrono>
#include <cstdio>
#include <unistd.h>
#include <utility>

namespace lbs::cli {

CapturePrinter::CapturePrinter(bool jsonLines, std::string command)
    : m_command(std::move(command)), m_json(jsonLines), m_tty(isatty(STDERR_FILENO) != 0)
{
}

void CapturePrinter::writeEvent(const std::string &line)
{
    if (!m_json)
        return;
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void CapturePrinter::done(const std::string &outDir, bool ok)
{
    endLines();
    writeEvent(capture::events::done(outDir, ok));
}

// A redrawn sample or progress line on a terminal ends before anything else is printed.
void CapturePrinter::endLines()
{
    if (m_capturing && m_tty)
        std::fprintf(stderr, "\n");
    m_capturing = false;
    m_progress.endLine();
}

void CapturePrinter::stateChanged(capture::CaptureState state, const std::string &detail)
{
    if (m_capturing && state != capture::CaptureState::capturing)
        endLines();
    if (state == capture::CaptureState::capturing)
        m_capturing = true;
    if (state != capture::CaptureState::downloading)
        m_progress.endLine();
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    writeEvent(capture::events::state(state, detail, std::chrono::duration<double>(now).count()));
}

void CapturePrinter::sample(const capture::MonitorSample &s)
{
    std::fprintf(stderr, "%s%6.0fs  %zu file(s)  %.1f MB  %.2f MB/s  %s%s", m_tty ? "\r" : "", s.elapsedSec,
        s.files.size(), static_cast<double>(s.totalBytes) / 1e6, s.bytesPerSec / 1e6,
        s.alive ? "tcpdump running" : "tcpdump ended", m_tty ? "\033[K" : "\n");
    std::fflush(stderr);
    writeEvent(capture::events::sample(s));
}

void CapturePrinter::ringFile(const capture::RemoteFile &file, bool complete)
{
    writeEvent(capture::events::ringFile(file, complete));
}

void CapturePrinter::downloadProgress(const std::string &fileName, const ProgressEvent &event)
{
    m_progress.report(event);
    writeEvent(capture::events::download(fileName, event));
}

void CapturePrinter::fileVerified(const capture::VerifiedFile &f)
{
    endLines();
    std::fprintf(stderr, "%s  %.1f MB in %.2f s (%.1f MB/s)%s  sha256 %s\n", f.localPath.c_str(),
        static_cast<double>(f.size) / 1e6, f.seconds,
        f.seconds > 0 ? static_cast<double>(f.transferred) / 1e6 / f.seconds : 0.0,
        f.alreadyComplete ? " already complete" : (f.resumedFrom ? " resumed" : ""), f.sha256.c_str());
    writeEvent(capture::events::verified(f));
}

void CapturePrinter::warning(const std::string &message)
{
    endLines();
    std::fprintf(stderr, "warning: %s\n", message.c_str());
    writeEvent(capture::events::warning(message));
}

void CapturePrinter::info(const std::string &message)
{
    endLines();
    std::fprintf(stderr, "%s\n", message.c_str());
}

void CapturePrinter::error(const std::string &message)
{
    endLines();
    std::fprintf(stderr, "lbscope-cli %s: %s\n", m_command.c_str(), message.c_str());
    writeEvent(capture::events::error(message));
}

} // namespace lbs::cli
#endif
