#pragma once
// Backends tab: one row per pod behind the load balancer (both-sides captures), sortable, beside
// the per-backend latency distributions (one CDF per backend). Choosing a backend narrows every
// view of the capture to its connections (all their NAT legs) through the CaptureSelection's flow
// filter; clearing the choice restores them. A one-side capture shows why there is nothing here.

#include "core/analysis/captureanalysis.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QStackedWidget;
class QTableView;

namespace lbs::ui {

class BackendTableModel;
class CaptureSelection;
class LatencyDistributionPlot;

class BackendsPane : public QWidget {
    Q_OBJECT
public:
    enum Metric { HandshakeRtt, Ttfb, ResponseTime };
    BackendsPane(CaptureSelection *selection, QWidget *parent = nullptr);
    void setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis);
    void setMetric(Metric metric);

    BackendTableModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    LatencyDistributionPlot *distribution() const { return m_distribution; }
    QLabel *emptyState() const { return m_empty; }
    QLabel *filterStatus() const { return m_status; }
    QPushButton *clearButton() const { return m_clear; }
    /// True when the analysis has backends (the table is shown, not the empty state).
    bool hasBackends() const;

    /// Every flow of backend `index`'s connections: front legs and the legs joined to them.
    static std::vector<uint32_t> backendFlows(const analysis::CaptureAnalysis &a, size_t index);

private:
    void onRowsSelected();
    void syncFromFilter();
    void rebuildDistribution();

    CaptureSelection *m_selection;
    std::shared_ptr<const analysis::CaptureAnalysis> m_analysis;
    BackendTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QStackedWidget *m_stack;
    QLabel *m_empty;
    QTableView *m_table;
    QLabel *m_status;
    QPushButton *m_clear;
    QComboBox *m_metric;
    LatencyDistributionPlot *m_distribution;
    QSplitter *m_splitter;
    bool m_syncing = false;
};

} // namespace lbs::ui
