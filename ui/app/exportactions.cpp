#include "exportactions.h"

#include "ui/app/mainwindow.h"
#include "ui/models/packettablemodel.h"
#include "ui/plots/plotview.h"
#include "ui/viewer/capturedocument.h"
#include "ui/viewer/captureview.h"
#include "ui/viewer/packetpane.h"

#include <algorithm>

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>

namespace lbs::ui {

ExportActions::ExportActions(MainWindow *window) : QObject(window), m_window(window)
{
}

void ExportActions::addTo(QMenu *file)
{
    m_export = file->addAction(
        tr("&Export Current View…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, &ExportActions::exportCurrent);
    m_menu = file->addMenu(tr("Export"));
    m_menu->addAction(tr("Timeline Plot (PNG, PDF, SVG)…"), this, [this] { exportPlot(0); });
    m_menu->addAction(tr("Latency Scatter Plot…"), this, [this] { exportPlot(1); });
    m_menu->addAction(tr("Latency Distribution Plot…"), this, [this] { exportPlot(2); });
    m_menu->addSeparator();
    m_menu->addAction(tr("Flows as CSV…"), this, &ExportActions::exportFlows);
    m_menu->addAction(tr("Findings as CSV…"), this, &ExportActions::exportFindings);
    m_menu->addSeparator();
    m_menu->addAction(tr("Displayed Packets as pcap…"), this, [this] { exportPackets(false); });
    m_menu->addAction(tr("Selected Packets as pcap…"), this, [this] { exportPackets(true); });
    m_wireshark = file->addAction(tr("Open in &Wireshark"), this, &ExportActions::openInWireshark);
    m_wireshark->setVisible(!wiresharkPath().isEmpty());
}

void ExportActions::setEnabled(bool enabled)
{
    m_export->setEnabled(enabled);
    m_menu->setEnabled(enabled);
    m_wireshark->setEnabled(enabled);
}

QString ExportActions::wiresharkPath()
{
    return QStandardPaths::findExecutable(QStringLiteral("wireshark"));
}

QString ExportActions::askSavePath(const QString &title, const QString &suggested, const QString &filters)
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("dialog/exportDir"), QDir::homePath()).toString();
    const QString path
        = QFileDialog::getSaveFileName(m_window, title, dir + QLatin1Char('/') + suggested, filters);
    if (!path.isEmpty())
        settings.setValue(QStringLiteral("dialog/exportDir"), QFileInfo(path).absolutePath());
    return path;
}

void ExportActions::report(const QString &error, const QString &path)
{
    if (error.isEmpty())
        m_window->statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    else
        QMessageBox::warning(m_window, tr("Export failed"), error);
}

void ExportActions::exportCurrent()
{
    CaptureView *v = m_window->currentView();
    if (!v)
        return;
    if (v->packets()->table()->hasFocus()) {
        exportPackets(!v->packets()->selectedPositions().empty());
        return;
    }
    switch (v->tabs()->currentIndex()) {
    case CaptureView::FlowsTab:
        exportFlows();
        break;
    case CaptureView::FindingsTab:
        exportFindings();
        break;
    case CaptureView::LatencyTab:
        exportPlot(1);
        break;
    default:
        exportPlot(0);
        break;
    }
}

void ExportActions::exportAs(const QString &title, const QString &suffix, const QString &filters,
    const std::function<QString(CaptureView *, const QString &)> &write)
{
    CaptureView *v = m_window->currentView();
    if (!v)
        return;
    const QString path
        = askSavePath(title, QFileInfo(v->document()->displayName()).completeBaseName() + suffix, filters);
    if (!path.isEmpty())
        report(write(v, path), path);
}

void ExportActions::exportPlot(int which)
{
    CaptureView *v = m_window->currentView();
    if (!v || which < 0 || which >= v->plots().size())
        return;
    exportAs(tr("Export Plot"), QLatin1Char('-') + v->plots()[which].first + QStringLiteral(".png"),
        tr("PNG image (*.png);;PDF document (*.pdf);;SVG image (*.svg)"),
        [which](
            CaptureView *view, const QString &path) { return view->plots()[which].second->exportTo(path); });
}

void ExportActions::exportFlows()
{
    exportAs(tr("Export Flows"), QStringLiteral("-flows.csv"), tr("CSV (*.csv)"),
        [](CaptureView *v, const QString &path) { return v->exportFlowsCsv(path); });
}

void ExportActions::exportFindings()
{
    exportAs(tr("Export Findings"), QStringLiteral("-findings.csv"), tr("CSV (*.csv)"),
        [](CaptureView *v, const QString &path) { return v->exportFindingsCsv(path); });
}

void ExportActions::exportPackets(bool selectedOnly)
{
    exportAs(selectedOnly ? tr("Export Selected Packets") : tr("Export Displayed Packets"),
        QStringLiteral("-export.pcapng"),
        tr("pcapng, with interface names and lbscope's findings as packet comments (*.pcapng);;pcap "
           "(*.pcap)"),
        [selectedOnly](CaptureView *v, const QString &path) { return v->exportPackets(path, selectedOnly); });
}

void ExportActions::openInWireshark()
{
    CaptureView *v = m_window->currentView();
    const QString exe = wiresharkPath();
    if (!v || exe.isEmpty() || !v->document()->analysis())
        return;
    // Wireshark opens one file. The whole capture of one file opens as it is (nothing to write, however
    // large); otherwise the packets shown are written as pcapng, with the interface names and lbscope's
    // findings as packet comments. Either way Wireshark starts on the selected packet (-g).
    const std::vector<uint32_t> shown = v->packets()->model()->shownPositions();
    const std::vector<uint32_t> selected = v->packets()->selectedPositions();
    const QStringList inputs = v->document()->inputs();
    const bool whole = shown.size() == v->document()->analysis()->packetIndex.size();
    QString file;
    qint64 frame = 0;
    if (whole && inputs.size() == 1 && QFileInfo(inputs.first()).isFile()) {
        file = inputs.first();
        if (!selected.empty())
            frame = qint64(selected.front()) + 1;
    } else {
        file = QDir::temp().filePath(
            QStringLiteral("lbscope-%1.pcapng").arg(QCoreApplication::applicationPid()));
        const QString error = v->exportPackets(file, false);
        if (!error.isEmpty()) {
            report(error, file);
            return;
        }
        if (!selected.empty()) {
            const auto at = std::find(shown.begin(), shown.end(), selected.front());
            if (at != shown.end())
                frame = qint64(at - shown.begin()) + 1;
        }
    }
    QStringList args;
    if (frame > 0)
        args << QStringLiteral("-g") << QString::number(frame);
    args << QStringLiteral("-r") << file;
    if (!QProcess::startDetached(exe, args))
        QMessageBox::warning(
            m_window, tr("Open in Wireshark"), tr("Could not start %1 with %2.").arg(exe, file));
}

} // namespace lbs::ui
