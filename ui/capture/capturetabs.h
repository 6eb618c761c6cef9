#pragma once
// The main window's capture pages: opens one per capture request from the cluster workbench, hands a
// finished capture to the viewer, asks what to do with running captures when the window closes, and
// offers to re-attach an unfinished capture found in the captures folder.
#include "ui/cluster/capturetarget.h"
#include <QList>
#include <QObject>
#include <QPointer>

class QTabWidget;
class QWidget;

namespace lbs::ui {

class CapturePage;
class MainWindow;

class CaptureTabs : public QObject {
    Q_OBJECT
public:
    CaptureTabs(MainWindow *window, QTabWidget *tabs);

    /// A new capture page for the target, shown as the current tab.
    CapturePage *openPage(const CaptureTarget &target);
    /// Pages whose capture is under way.
    QList<CapturePage *> busyPages() const;
    /// The window is closing: false when it must stay open (the user cancelled, or the captures are
    /// stopping and downloading; the window closes itself when they are done).
    bool confirmClose();
    /// The folder capture pages save into by default.
    static QString capturesFolder();
    /// Directories under folder holding a capture that was not downloaded yet.
    static QStringList unfinishedCaptures(const QString &folder);

public slots:
    /// Asks whether to re-attach the unfinished captures in capturesFolder().
    void offerReattach();

private:
    MainWindow *m_window;
    QTabWidget *m_tabs;
    QList<QPointer<CapturePage>> m_pages;
    bool m_closingAfterDownload = false;
};

} // namespace lbs::ui
