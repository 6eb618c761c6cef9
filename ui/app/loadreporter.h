#pragma once
// For --exit-after-load: waits until every open capture finished loading, draws every view once,
// prints time to first timeline, time to fully loaded and peak RSS to stderr, then quits with 0
// (all loaded) or 1 (a capture failed).

#include <QElapsedTimer>
#include <QObject>

namespace lbs::ui {

class MainWindow;

class LoadReporter : public QObject {
    Q_OBJECT
public:
    LoadReporter(MainWindow *window, QObject *parent = nullptr);
    /// Peak resident set size of this process in KiB (getrusage).
    static long peakRssKiB();

private:
    void check();
    MainWindow *m_window;
    bool m_done = false;
};

} // namespace lbs::ui
