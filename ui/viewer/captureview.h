#pragma once
// Everything shown for one open capture (one tab of the main window): a header saying what was
// captured where, a warning banner, load progress with ETA and Cancel, the Timeline / Flows /
// Latency / Findings / Backends tabs above the packet list. All views share one CaptureSelection.

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTabWidget;

namespace lbs::ui {

class BackendsPane;
class CaptureDocument;
class FindingsPane;
class FlowsPane;
class LatencyPane;
class MessageBanner;
class PacketPane;
class PlotView;
class TimelinePlot;

class CaptureView : public QWidget {
    Q_OBJECT
public:
    enum Tab { TimelineTab, FlowsTab, LatencyTab, FindingsTab, BackendsTab };

    explicit CaptureView(CaptureDocument *document, QWidget *parent = nullptr);
    CaptureDocument *document() const { return m_document; }

    TimelinePlot *timeline() const { return m_timeline; }
    FlowsPane *flows() const { return m_flows; }
    LatencyPane *latency() const { return m_latency; }
    FindingsPane *findings() const { return m_findings; }
    BackendsPane *backends() const { return m_backends; }
    PacketPane *packets() const { return m_packets; }
    MessageBanner *banner() const { return m_banner; }
    QTabWidget *tabs() const { return m_tabs; }
    QSplitter *splitter() const { return m_splitter; }
    QLabel *header() const { return m_header; }

    /// Plots that can be exported, with a name for file dialogs.
    QList<QPair<QString, PlotView *>> plots() const;
    /// The plot of the current tab, or null.
    PlotView *currentPlot() const;
    /// Exports; each returns an empty string or a message naming the file and the problem.
    QString exportFlowsCsv(const QString &path) const;
    QString exportFindingsCsv(const QString &path) const;
    QString exportPackets(const QString &path, bool selectedOnly) const;

    /// Paints every view once (headless benchmark: --exit-after-load).
    void renderAllViews();

private:
    void onTimelineUpdated();
    void onLoaded();
    void onFailed(const QString &message);
    void onProgress(double fraction, double eta, const QString &message);
    void updateHeader();

    CaptureDocument *m_document;
    QLabel *m_header;
    MessageBanner *m_banner;
    QWidget *m_progressRow;
    QProgressBar *m_progress;
    QLabel *m_progressText;
    QPushButton *m_cancel;
    QSplitter *m_splitter;
    QTabWidget *m_tabs;
    TimelinePlot *m_timeline;
    FlowsPane *m_flows;
    LatencyPane *m_latency;
    FindingsPane *m_findings;
    BackendsPane *m_backends;
    PacketPane *m_packets;
};

} // namespace lbs::ui
