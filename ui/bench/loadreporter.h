#pragma once
// Waits until every open capture finished loading and draws every view once. Then, for
// --exit-after-load, prints time to first timeline, time to fully loaded, the GUI thread's longest
// stall while loading (a 10 ms timer's largest lateness: how long a click would have waited), the
// timeline's redraws while loading (count, longest on the clock and in the GUI thread's CPU) and
// peak RSS, then what the flow table's filter and sort cost (time until the rows are shown and the
// longest stall meanwhile), to stderr, and quits with 0 (all loaded) or 1 (a capture failed); for
// --ready-file, creates that file (scripts/screenshot waits for it).

#include <QElapsedTimer>
#include <QObject>

#include <functional>
#include <vector>

class QTimer;

namespace lbs::ui {

class MainWindow;
class PacketPane;

class LoadReporter : public QObject {
    Q_OBJECT
public:
    LoadReporter(MainWindow *window, bool exitWhenDone, QString readyFile, QObject *parent = nullptr);
    /// Peak resident set size of this process in KiB (getrusage).
    static long peakRssKiB();
    /// Scrolls `table` page by page from the top ($LBSCOPE_BENCH_PAGES pages, default 300), then
    /// jumps to the middle, the end and 100 spread rows; appends each viewport paint time in ms.
    static void measurePacketList(PacketPane *pane, std::vector<double> &pageMs);

private:
    void check();
    void tick();
    /// Runs `action`, then the event loop until `settled()`: the ms that took, and the longest
    /// stall of the GUI thread meanwhile in `stallMs`.
    qint64 timeUntilSettled(
        const std::function<void()> &action, const std::function<bool()> &settled, qint64 &stallMs);
    /// Filters the first capture's flow table by text and sorts it by a column, printing each one's
    /// time and longest stall.
    void measureFlowTable();
    MainWindow *m_window;
    bool m_exit;
    QString m_readyFile;
    bool m_done = false;
    QTimer *m_ticker; ///< every 10 ms while loading
    QElapsedTimer m_sinceTick;
    qint64 m_longestStallMs = 0; ///< longest lateness of a tick beyond its 10 ms
    int m_timelineReplots = 0; ///< timeline redraws while loading
    double m_timelineReplotMaxMs = 0; ///< the longest, on the clock
    double m_timelineReplotMaxCpuMs = 0; ///< and in the GUI thread's CPU time
};

} // namespace lbs::ui
