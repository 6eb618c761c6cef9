#ifdef HAVE_LBSCOPE_CAPTURE
#include "captureprinter.h"

#include <QDateTime>
#include <QJsonDocument>

#include <cstdio>
#include <unistd.h>

namespace lbs::cli {

namespace {

QJsonValue counter(const std::optional<uint64_t> &v)
{
    return v ? QJsonValue(static_cast<double>(*v)) : QJsonValue();
}

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

CapturePrinter::CapturePrinter(bool jsonLines) : m_json(jsonLines), m_tty(isatty(STDERR_FILENO) != 0)
{
}

void CapturePrinter::writeEvent(const char *event, QJsonObject fields)
{
    if (!m_json)
        return;
    fields.insert(QStringLiteral("event"), QString::fromLatin1(event));
    std::fputs(QJsonDocument(fields).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void CapturePrinter::done(const std::string &outDir, bool ok)
{
    endLines();
    writeEvent("done", {{QStringLiteral("out"), text(outDir)}, {QStringLiteral("ok"), ok}});
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
    writeEvent("state",
        {{QStringLiteral("state"), QString::fromLatin1(capture::captureStateName(state))},
            {QStringLiteral("detail"), text(detail)},
            {QStringLiteral("t"), static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0}});
}

void CapturePrinter::sample(const capture::MonitorSample &s)
{
    std::fprintf(stderr, "%s%6.0fs  %zu file(s)  %.1f MB  %.2f MB/s  %s%s", m_tty ? "\r" : "", s.elapsedSec,
        s.files.size(), static_cast<double>(s.totalBytes) / 1e6, s.bytesPerSec / 1e6,
        s.alive ? "tcpdump running" : "tcpdump ended", m_tty ? "\033[K" : "\n");
    std::fflush(stderr);
    writeEvent("sample",
        {{QStringLiteral("elapsed_s"), s.elapsedSec},
            {QStringLiteral("bytes"), static_cast<double>(s.totalBytes)},
            {QStringLiteral("bytes_per_s"), s.bytesPerSec},
            {QStringLiteral("files"), static_cast<int>(s.files.size())}, {QStringLiteral("alive"), s.alive},
            {QStringLiteral("captured"), counter(s.counters.captured)},
            {QStringLiteral("dropped_kernel"), counter(s.counters.droppedByKernel)}});
}

void CapturePrinter::ringFile(const capture::RemoteFile &file, bool complete)
{
    writeEvent("file",
        {{QStringLiteral("name"), text(file.path.substr(file.path.rfind('/') + 1))},
            {QStringLiteral("path"), text(file.path)},
            {QStringLiteral("size"), static_cast<double>(file.size)}, {QStringLiteral("final"), complete}});
}

void CapturePrinter::downloadProgress(const std::string &fileName, const ProgressEvent &event)
{
    m_progress.report(event);
    writeEvent("download",
        {{QStringLiteral("name"), text(fileName)}, {QStringLiteral("done"), static_cast<double>(event.done)},
            {QStringLiteral("total"), static_cast<double>(event.total)}});
}

void CapturePrinter::fileVerified(const capture::VerifiedFile &file)
{
    writeEvent("verified",
        {{QStringLiteral("name"), text(file.name)}, {QStringLiteral("size"), static_cast<double>(file.size)},
            {QStringLiteral("sha256"), text(file.sha256)},
            {QStringLiteral("already_complete"), file.alreadyComplete}});
}

void CapturePrinter::warning(const std::string &message)
{
    endLines();
    std::fprintf(stderr, "warning: %s\n", message.c_str());
    writeEvent("warning", {{QStringLiteral("text"), text(message)}});
}

void CapturePrinter::info(const std::string &message)
{
    endLines();
    std::fprintf(stderr, "%s\n", message.c_str());
}

void CapturePrinter::error(const std::string &message)
{
    endLines();
    std::fprintf(stderr, "lbscope-cli capture: %s\n", message.c_str());
    writeEvent("error", {{QStringLiteral("text"), text(message)}});
}

} // namespace lbs::cli
#endif
