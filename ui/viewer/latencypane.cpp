#include "latencypane.h"

#include "ui/jobs/jobrunner.h"
#include "ui/plots/latencydistributionplot.h"
#include "ui/plots/latencyscatterplot.h"
#include "ui/plots/plotview.h"
#include "ui/viewer/captureselection.h"
#include "ui/viewer/latencydistribution.h"

#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace lbs::ui {

LatencyPane::LatencyPane(CaptureSelection *selection, QWidget *parent)
    : QWidget(parent), m_selection(selection), m_scatter(new LatencyScatterPlot),
      m_distribution(new LatencyDistributionPlot), m_splitter(new QSplitter(Qt::Horizontal)),
      m_runner(new JobRunner(this))
{
    m_scatter->setMetricNames({tr("Handshake RTT"), tr("Time to first byte"), tr("Response time")});
    m_splitter->addWidget(m_scatter);
    m_splitter->addWidget(m_distribution);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setObjectName(QStringLiteral("latencySplitter"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);
    connect(m_scatter, &LatencyScatterPlot::metricChanged, this, &LatencyPane::rebuild);
    connect(m_scatter, &LatencyScatterPlot::flowClicked, this,
        [this](uint32_t id) { m_selection->setFlows({id}); });
    connect(m_selection, &CaptureSelection::flowFilterChanged, this, &LatencyPane::rebuild);
    connect(m_selection, &CaptureSelection::rangeChanged, this, [this](double s, double e) {
        if (m_analysis)
            m_scatter->setVisibleRange(
                s - double(m_analysis->firstTsNs) * 1e-9, e - double(m_analysis->firstTsNs) * 1e-9);
    });
}

void LatencyPane::setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis)
{
    m_analysis = std::move(analysis);
    rebuild();
}

void LatencyPane::setMetric(Metric metric)
{
    if (m_scatter->metric() == int(metric))
        rebuild();
    else
        m_scatter->setMetric(int(metric)); // rebuilds through metricChanged
}

bool LatencyPane::isRebuilding() const
{
    return m_runner->isRunning();
}

namespace {

/// The scatter's groups (one per outcome) and the values of the distribution, gathered off the
/// GUI thread from an analysis that no one changes.
struct LatencyPoints {
    std::vector<ScatterGroup> groups;
    LatencyDistribution distribution;
};

void gatherPoints(const analysis::CaptureAnalysis &an, LatencyPane::Metric metric, bool filtered,
    const std::vector<uint32_t> &filter, LatencyPoints &out)
{
    using analysis::FlowOutcome;
    const double origin = double(an.firstTsNs) * 1e-9;
    std::vector<double> all;
    for (const analysis::Flow &f : an.flows) {
        if (filtered && !std::binary_search(filter.begin(), filter.end(), f.id))
            continue;
        ScatterGroup &g = out.groups[size_t(f.outcome)];
        auto addPoint = [&](int64_t tsNs, double ms) {
            g.keys << double(tsNs) * 1e-9 - origin;
            g.values << ms;
            g.flowIds.push_back(f.id);
            all.push_back(ms);
        };
        if (metric == LatencyPane::HandshakeRtt) {
            if (f.handshakeRttNs)
                addPoint(f.firstTsNs, double(*f.handshakeRttNs) / 1e6);
            else if (f.outcome == FlowOutcome::FailedHandshake && f.synTimesNs.size() > 1) {
                // Never answered: plot how long the client kept retrying, so black-holed SYNs show up
                // in the scatter; it is not an RTT, so it stays out of the distribution.
                addPoint(f.firstTsNs, double(f.synTimesNs.back() - f.synTimesNs.front()) / 1e6);
                all.pop_back();
            }
        } else {
            for (const auto &r : f.requests) {
                const auto &v = metric == LatencyPane::Ttfb ? r.ttfbNs : r.responseNs;
                if (v)
                    addPoint(r.tsNs, double(*v) / 1e6);
            }
        }
    }
    LatencyScatterPlot::pack(out.groups);
    out.distribution = LatencyDistribution::compute(std::move(all));
}

} // namespace

void LatencyPane::rebuild()
{
    if (!m_analysis)
        return;
    const auto metric = Metric(m_scatter->metric());
    using analysis::FlowOutcome;
    const FlowOutcome outcomes[]
        = {FlowOutcome::Complete, FlowOutcome::Reset, FlowOutcome::FailedHandshake, FlowOutcome::Incomplete};
    const QColor colors[] = {PlotView::seriesColor(0), PlotView::seriesColor(3), PlotView::seriesColor(1),
        PlotView::seriesColor(7)};
    auto points = std::make_shared<LatencyPoints>();
    points->groups.resize(4);
    for (int i = 0; i < 4; ++i) {
        ScatterGroup &g = points->groups[size_t(i)];
        g.name = QString::fromLatin1(analysis::outcomeName(outcomes[i]));
        if (outcomes[i] == FlowOutcome::FailedHandshake && metric == HandshakeRtt)
            g.name = tr("failed_handshake: time spent retrying SYN");
        g.color = colors[i];
    }
    const bool filtered = m_selection->hasFlowFilter();
    std::vector<uint32_t> filter = filtered ? m_selection->flowFilter() : std::vector<uint32_t>();
    std::shared_ptr<const analysis::CaptureAnalysis> analysis = m_analysis;
    m_runner->run([analysis, metric, filtered, filter = std::move(filter), points](
                      const JobContext &) { gatherPoints(*analysis, metric, filtered, filter, *points); },
        [this, analysis, metric, points] {
            const QString names[] = {tr("Handshake RTT"), tr("Time to first byte"), tr("Response time")};
            m_scatter->setGroups(std::move(points->groups), tr("%1 (ms, log scale)").arg(names[metric]),
                double(analysis->lastTsNs - analysis->firstTsNs) * 1e-9);
            if (m_selection->isRestricted()) {
                const double origin = double(analysis->firstTsNs) * 1e-9;
                m_scatter->setVisibleRange(m_selection->start() - origin, m_selection->end() - origin);
            }
            m_distribution->setDistribution(std::move(points->distribution), names[metric]);
            emit rebuilt();
        });
}

} // namespace lbs::ui
