#include "loadreporter.h"

#include "mainwindow.h"
#include "ui/viewer/capturedocument.h"
#include "ui/viewer/captureview.h"
#include "ui/viewer/packetpane.h"

#include <QCoreApplication>
#include <QFile>
#include <QTableView>
#include <QTimer>

#include <sys/resource.h>

#include <cstdio>

namespace lbs::ui {

LoadReporter::LoadReporter(MainWindow *window, bool exitWhenDone, QString readyFile, QObject *parent)
    : QObject(parent), m_window(window), m_exit(exitWhenDone), m_readyFile(std::move(readyFile))
{
    for (CaptureView *v : m_window->views()) {
        connect(v->document(), &CaptureDocument::loaded, this, &LoadReporter::check, Qt::QueuedConnection);
        connect(v->document(), &CaptureDocument::failed, this, &LoadReporter::check, Qt::QueuedConnection);
    }
    QTimer::singleShot(0, this, &LoadReporter::check);
}

long LoadReporter::peakRssKiB()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

void LoadReporter::check()
{
    if (m_done)
        return;
    bool failed = false;
    for (CaptureView *v : m_window->views()) {
        const auto s = v->document()->state();
        if (s == CaptureDocument::State::Failed || s == CaptureDocument::State::Cancelled)
            failed = true;
        else if (s != CaptureDocument::State::Loaded)
            return;
    }
    m_done = true;
    m_sinceLoaded.start();
    qint64 timeline = 0, fullTimeline = 0, loaded = 0;
    for (CaptureView *v : m_window->views()) {
        v->renderAllViews();
        timeline = std::max(timeline, v->document()->msToFirstTimeline());
        fullTimeline = std::max(fullTimeline, v->document()->msToFullTimeline());
        loaded = std::max(loaded, v->document()->msToLoaded());
        if (v->document()->state() != CaptureDocument::State::Loaded)
            std::fprintf(stderr, "lbscope: %s: %s\n", qPrintable(v->document()->displayName()),
                qPrintable(v->document()->errorMessage()));
    }
    if (!m_readyFile.isEmpty()) {
        QFile ready(m_readyFile);
        if (ready.open(QIODevice::WriteOnly))
            ready.write(failed ? "failed\n" : "loaded\n");
    }
    // Drawing every view once counts as part of loading: measured after renderAllViews().
    const qint64 drawn = loaded + m_sinceLoaded.elapsed();
    if (!m_exit)
        return;
    // Packet list responsiveness: jump to 100 places spread over the list and paint the page each
    // time (text is made lazily, so this is what scrolling through millions of rows costs).
    double pageMs = 0;
    int pages = 0;
    for (CaptureView *v : m_window->views()) {
        QTableView *table = v->packets()->table();
        const int rows = table->model()->rowCount();
        if (rows == 0)
            continue;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 100; ++i) {
            table->scrollTo(
                table->model()->index(int(qint64(rows - 1) * i / 99), 0), QAbstractItemView::PositionAtTop);
            table->viewport()->grab();
            ++pages;
        }
        pageMs += double(t.nsecsElapsed()) / 1e6;
    }
    if (pages > 0)
        std::fprintf(stderr, "packet_list_page_ms=%.2f\n", pageMs / pages);
    std::fprintf(stderr,
        "first_timeline_ms=%lld\nfull_timeline_ms=%lld\nloaded_ms=%lld\ndrawn_ms=%lld\npeak_rss_kib=%ld\n",
        static_cast<long long>(timeline), static_cast<long long>(fullTimeline),
        static_cast<long long>(loaded), static_cast<long long>(drawn), peakRssKiB());
    QCoreApplication::exit(failed ? 1 : 0);
}

} // namespace lbs::ui
