#pragma once
// Waits until every open capture finished loading and draws every view once. Then, for
// --exit-after-load, prints time to first timeline, time to fully loaded, the GUI thread's longest
// stall while loading (a 10 ms timer's largest lateness: how long a click would have waited) and
// peak RSS to stderr and quits with 0 (all loaded) or 1 (a capture failed); for --ready-file, creates that
// file (scripts/screenshot waits for it).

#include <QElapsedTimer>
#include <QObject>

#include <vector>

class QTableView;
class QTimer;

namespace lbs::ui {

class MainWindow;

class LoadReporter : public QObject {
    Q_OBJECT
public:
    LoadReporter(MainWindow *window, bool exitWhenDone, QString readyFile, QObject *parent = nullptr);
    /// Peak resident set size of this process in KiB (getrusage).
    static long peakRssKiB();
    /// Scrolls `table` page by page from the top ($LBSCOPE_BENCH_PAGES pages, default 300), then
    /// jumps to the middle, the end and 100 spread rows; appends each viewport paint time in ms.
    static void measurePacketList(QTableView *table, std::vector<double> &pageMs);

private:
    void check();
    void tick();
    MainWindow *m_window;
    bool m_exit;
    QString m_readyFile;
    bool m_done = false;
    QTimer *m_ticker; ///< every 10 ms while loading
    QElapsedTimer m_sinceTick;
    qint64 m_longestStallMs = 0; ///< longest lateness of a tick beyond its 10 ms
};

} // namespace lbs::ui
