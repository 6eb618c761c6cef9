#pragma once
// The lbscope main window: captures in tabs, file/recent/drag-and-drop opening, the menus (exports
// in ExportActions), standard shortcuts, and window/splitter layout persisted with QSettings.

#include <QMainWindow>

class QAction;
class QActionGroup;
class QMenu;
class QStackedWidget;
class QTabWidget;

namespace lbs::ui {

class CaptureTabs;
class CaptureView;
class ExportActions;
class JobRunner;
class ClusterView;
class TroubleshootWizard;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens the inputs as one capture in a new tab and starts loading it.
    CaptureView *openCapture(const QStringList &inputs);
    /// Groups paths into captures (rotated sets together) and opens each.
    void openPaths(const QStringList &paths);
    CaptureView *currentView() const;
    QList<CaptureView *> views() const;
    QStringList recentCaptures() const;
    /// Once the current capture is loaded, shows tab `tab` (timeline, flows, latency, findings) and
    /// selects flow `flowId` (>= 0).
    void showOnLoad(const QString &tab, int flowId);
    /// Shows the cluster workbench tab (created on first use) and returns it.
    ClusterView *showCluster();
    /// Opens the guided troubleshooting wizard (a window of its own; one at a time) and returns it.
    TroubleshootWizard *showWizard();
    /// The capture pages (capture requests from the workbench, quitting during a capture, re-attach).
    CaptureTabs *captures() const { return m_captures; }

public slots:
    void openDialog();
    void openDirectoryDialog();
    void closeCurrent();
    void reloadCurrent();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void updateActions();
    void updateTitle();
    void addRecent(const QStringList &inputs);
    /// Keeps `recent` as the recent captures and writes them to the settings off the GUI thread.
    void storeRecent(QStringList recent);
    void saveLayout(CaptureView *view) const;
    void restoreLayout(CaptureView *view) const;

    QStackedWidget *m_stack;
    QTabWidget *m_tabs;
    QMenu *m_recentMenu;
    ExportActions *m_exports;
    QAction *m_close;
    QAction *m_reload;
    QActionGroup *m_timeFormat;
    ClusterView *m_cluster = nullptr;
    CaptureTabs *m_captures = nullptr;
    TroubleshootWizard *m_wizard = nullptr;
    QStringList m_recent; ///< the recent captures as last read or written
    JobRunner *m_settingsWriter;
};

} // namespace lbs::ui
