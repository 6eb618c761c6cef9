#include "loadreporter.h"

#include "core/analysis/percentile.h"
#include "ui/app/mainwindow.h"
#include "ui/models/flowtablemodel.h"
#include "ui/models/packettablemodel.h"
#include "ui/plots/timelineplot.h"
#include "ui/viewer/capturedocument.h"
#include "ui/viewer/captureview.h"
#include "ui/viewer/flowspane.h"
#include "ui/viewer/latencypane.h"
#include "ui/viewer/packetpane.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace lbs::ui {

LoadReporter::LoadReporter(MainWindow *window, bool exitWhenDone, QString readyFile, QObject *parent)
    : QObject(parent), m_window(window), m_exit(exitWhenDone), m_readyFile(std::move(readyFile)),
      m_ticker(new QTimer(this))
{
    m_ticker->setInterval(10);
    m_ticker->setTimerType(Qt::PreciseTimer);
    connect(m_ticker, &QTimer::timeout, this, &LoadReporter::tick);
    m_sinceTick.start();
    m_ticker->start();
    for (CaptureView *v : m_window->views()) {
        connect(v->document(), &CaptureDocument::loaded, this, &LoadReporter::check, Qt::QueuedConnection);
        connect(v->document(), &CaptureDocument::failed, this, &LoadReporter::check, Qt::QueuedConnection);
        connect(v->latency(), &LatencyPane::rebuilt, this, &LoadReporter::check, Qt::QueuedConnection);
        connect(v->timeline(), &PlotView::replotted, this, [this](double ms, double cpuMs) {
            if (m_done)
                return;
            ++m_timelineReplots;
            m_timelineReplotMaxMs = std::max(m_timelineReplotMaxMs, ms);
            m_timelineReplotMaxCpuMs = std::max(m_timelineReplotMaxCpuMs, cpuMs);
        });
    }
    QTimer::singleShot(0, this, &LoadReporter::check);
}

void LoadReporter::measurePacketList(PacketPane *pane, std::vector<double> &pageMs)
{
    const size_t rows = pane->model()->shownCount();
    if (rows == 0)
        return;
    QTableView *table = pane->table();
    table->show();
    // Paged through the list's own scroll bar when the model shows a window of the packets.
    QScrollBar *bar = pane->isWindowed() ? pane->listScrollBar() : table->verticalScrollBar();
    const auto paint = [&] {
        QElapsedTimer t;
        t.start();
        table->viewport()->grab();
        pageMs.push_back(double(t.nsecsElapsed()) / 1e6);
    };
    bool ok = false;
    const int pages = qEnvironmentVariableIntValue("LBSCOPE_BENCH_PAGES", &ok);
    bar->setValue(0);
    paint();
    for (int i = 0; i < (ok && pages > 0 ? pages : 300) && bar->value() < bar->maximum(); ++i) {
        bar->setValue(bar->value() + bar->pageStep());
        paint();
    }
    // Jumps: the middle, the end, then 100 places spread over the list (each may move the window).
    for (size_t shown : {rows / 2, rows - 1}) {
        pane->scrollToShown(shown);
        paint();
    }
    for (size_t i = 0; i < 100; ++i) {
        pane->scrollToShown((rows - 1) * i / 99);
        paint();
    }
}

long LoadReporter::peakRssKiB()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

void LoadReporter::tick()
{
    m_longestStallMs = std::max(m_longestStallMs, m_sinceTick.restart() - m_ticker->interval());
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
        else if (s != CaptureDocument::State::Loaded || v->latency()->isRebuilding())
            return; // a view still being filled is part of the load
    }
    m_done = true;
    m_ticker->stop();
    tick(); // the stretch since the last tick counts too
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
    // Filling every view (the latency pane's points come from a worker thread) and drawing it once
    // count as part of loading: measured from the load's start after renderAllViews().
    qint64 drawn = 0;
    for (CaptureView *v : m_window->views())
        drawn = std::max(drawn, v->document()->msSinceLoadStarted());
    if (!m_exit)
        return;
    // Packet list responsiveness (text is made lazily per row, so this is what scrolling through
    // millions of rows costs): page down from the top, then jump to the middle, the end and 100
    // places spread over the list, painting the viewport each time.
    std::vector<double> pageMs;
    for (CaptureView *v : m_window->views())
        measurePacketList(v->packets(), pageMs);
    if (!pageMs.empty()) {
        std::sort(pageMs.begin(), pageMs.end());
        const auto at = [&pageMs](double q) { return analysis::percentileOfSorted(pageMs, q); };
        double sum = 0;
        for (double ms : pageMs)
            sum += ms;
        std::fprintf(stderr,
            "packet_list_rows=%zu\npacket_list_pages=%zu\npacket_list_page_ms=%.2f\n"
            "packet_list_page_p50_ms=%.2f\npacket_list_page_p99_ms=%.2f\npacket_list_page_max_ms=%.2f\n",
            m_window->views().isEmpty() ? size_t(0)
                                        : m_window->views().first()->packets()->model()->shownCount(),
            pageMs.size(), sum / double(pageMs.size()), at(0.5), at(0.99), pageMs.back());
    }
    std::fprintf(stderr,
        "first_timeline_ms=%lld\nfull_timeline_ms=%lld\nloaded_ms=%lld\ndrawn_ms=%lld\n"
        "longest_stall_ms=%lld\npeak_rss_kib=%ld\n",
        static_cast<long long>(timeline), static_cast<long long>(fullTimeline),
        static_cast<long long>(loaded), static_cast<long long>(drawn),
        static_cast<long long>(m_longestStallMs), peakRssKiB());
    if (m_timelineReplots > 0)
        std::fprintf(stderr,
            "timeline_replots=%d\ntimeline_replot_max_ms=%.1f\ntimeline_replot_max_cpu_ms=%.1f\n",
            m_timelineReplots, m_timelineReplotMaxMs, m_timelineReplotMaxCpuMs);
    measureFlowTable();
    QCoreApplication::exit(failed ? 1 : 0);
}

qint64 LoadReporter::timeUntilSettled(
    const std::function<void()> &action, const std::function<bool()> &settled, qint64 &stallMs)
{
    QElapsedTimer t;
    t.start();
    m_longestStallMs = 0;
    m_sinceTick.restart();
    m_ticker->start();
    action(); // work done here, on the GUI thread, is a stall of its own
    while (!settled())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    const qint64 ms = t.elapsed();
    tick();
    m_ticker->stop();
    stallMs = m_longestStallMs;
    return ms;
}

void LoadReporter::measureFlowTable()
{
    if (m_window->views().isEmpty())
        return;
    FlowsPane *flows = m_window->views().first()->flows();
    const auto settled = [flows] { return !flows->isUpdatingRows(); };
    // What a user does first in a large table: find the reset connections, then the slowest ones.
    qint64 filterStall = 0, sortStall = 0;
    const qint64 filterMs = timeUntilSettled(
        [flows] { flows->filterEdit()->setText(QStringLiteral("reset")); }, settled, filterStall);
    const int shown = flows->table()->model()->rowCount();
    flows->filterEdit()->clear();
    const qint64 sortMs = timeUntilSettled(
        [flows] { flows->table()->sortByColumn(FlowTableModel::Ttfb, Qt::DescendingOrder); }, settled,
        sortStall);
    std::fprintf(stderr,
        "flow_rows=%d\nflow_filter_rows=%d\nflow_filter_ms=%lld\nflow_filter_stall_ms=%lld\n"
        "flow_sort_ms=%lld\nflow_sort_stall_ms=%lld\n",
        flows->model()->rowCount(), shown, static_cast<long long>(filterMs),
        static_cast<long long>(filterStall), static_cast<long long>(sortMs),
        static_cast<long long>(sortStall));
}

} // namespace lbs::ui
