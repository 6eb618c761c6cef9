#pragma once
// Findings tab: the engine's findings (severity icon, kind, summary) and, for the selected one, a
// plain-words explanation of what it usually means for a Kubernetes load balancer. Clicking a
// finding selects its flows and its time range in every view.

#include "core/analysis/captureanalysis.h"

#include <QWidget>

#include <memory>

class QSplitter;
class QTableView;
class QTextBrowser;

namespace lbs::ui {

class CaptureSelection;
class FindingFilterProxy;
class FindingsModel;

class FindingsPane : public QWidget {
    Q_OBJECT
public:
    FindingsPane(CaptureSelection *selection, QWidget *parent = nullptr);
    void setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis);
    FindingsModel *model() const { return m_model; }
    FindingFilterProxy *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    QTextBrowser *explanation() const { return m_explanation; }
    QSplitter *splitter() const { return m_splitter; }
    /// Selects finding `row` (source row) as a click would.
    void activateFinding(int row);

private:
    /// Fills the explanation pane; `applied`: the finding's flows and time are selected.
    void showExplanation(int row, bool applied);
    CaptureSelection *m_selection;
    std::shared_ptr<const analysis::CaptureAnalysis> m_analysis;
    FindingsModel *m_model;
    FindingFilterProxy *m_proxy;
    QTableView *m_table;
    QTextBrowser *m_explanation;
    QSplitter *m_splitter;
};

} // namespace lbs::ui
