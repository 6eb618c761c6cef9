#pragma once
// Latency tab: per-flow scatter (handshake RTT, TTFB or response time against time, coloured by
// outcome; click selects the flow) beside the histogram/CDF of the same metric. The points are
// gathered and sorted on a worker thread (a 5 GB capture has millions): the plots change when
// that is done, and rebuilt() says so.

#include "core/analysis/captureanalysis.h"

#include <QWidget>

#include <memory>

class QSplitter;

namespace lbs::ui {

class CaptureSelection;
class JobRunner;
class LatencyDistributionPlot;
class LatencyScatterPlot;

class LatencyPane : public QWidget {
    Q_OBJECT
public:
    enum Metric { HandshakeRtt, Ttfb, ResponseTime };
    LatencyPane(CaptureSelection *selection, QWidget *parent = nullptr);
    void setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis);
    void setMetric(Metric metric);

    LatencyScatterPlot *scatter() const { return m_scatter; }
    LatencyDistributionPlot *distribution() const { return m_distribution; }
    QSplitter *splitter() const { return m_splitter; }
    /// Points for the current analysis, metric or flow filter are still being gathered.
    bool isRebuilding() const;

signals:
    /// The plots show the current analysis, metric and flow filter.
    void rebuilt();

private:
    void rebuild();

    CaptureSelection *m_selection;
    std::shared_ptr<const analysis::CaptureAnalysis> m_analysis;
    LatencyScatterPlot *m_scatter;
    LatencyDistributionPlot *m_distribution;
    QSplitter *m_splitter;
    JobRunner *m_runner;
};

} // namespace lbs::ui
