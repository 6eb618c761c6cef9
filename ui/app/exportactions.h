#pragma once
// The main window's export actions for the current capture: plots as PNG/PDF/SVG, flows and
// findings as CSV, displayed or selected packets as pcap, and opening the capture in Wireshark.

#include <QObject>

#include <functional>

class QAction;
class QMenu;

namespace lbs::ui {

class CaptureView;
class MainWindow;

class ExportActions : public QObject {
    Q_OBJECT
public:
    explicit ExportActions(MainWindow *window);

    /// Adds "Export Current View…", the Export submenu and "Open in Wireshark" to `file`.
    void addTo(QMenu *file);
    /// Enables the actions when a capture is shown.
    void setEnabled(bool enabled);
    /// Path of the wireshark executable, empty when it is not on PATH.
    static QString wiresharkPath();

public slots:
    /// Exports what has focus: the packet list, else the flows, findings or a plot of the current tab.
    void exportCurrent();
    /// Exports plot `which` (0 timeline, 1 latency scatter, 2 latency distribution).
    void exportPlot(int which);
    void exportFlows();
    void exportFindings();
    void exportPackets(bool selectedOnly);
    void openInWireshark();

private:
    /// Asks where to save (a name from the current capture's and `suffix`) and writes there with `write`,
    /// which returns an error message or nothing.
    void exportAs(const QString &title, const QString &suffix, const QString &filters,
        const std::function<QString(CaptureView *, const QString &)> &write);
    QString askSavePath(const QString &title, const QString &suggested, const QString &filters);
    void report(const QString &error, const QString &path);

    MainWindow *m_window;
    QAction *m_export = nullptr;
    QMenu *m_menu = nullptr;
    QAction *m_wireshark = nullptr;
};

} // namespace lbs::ui
