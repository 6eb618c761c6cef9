#pragma once
// Flows tab: a filterable, sortable flow table (text box + outcome combo) beside the ladder
// diagram of the selected flow. Selecting flows restricts the packet list to them.

#include "core/analysis/captureanalysis.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLineEdit;
class QSplitter;
class QTableView;

namespace lbs::ui {

class CaptureSelection;
class FlowFilterProxy;
class FlowTableModel;
class JobRunner;
class LadderWidget;
class RowWindowScroller;

class FlowsPane : public QWidget {
    Q_OBJECT
public:
    FlowsPane(CaptureSelection *selection, QWidget *parent = nullptr);
    void setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis);

    FlowTableModel *model() const { return m_model; }
    FlowFilterProxy *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    LadderWidget *ladder() const { return m_ladder; }
    QLineEdit *filterEdit() const { return m_text; }
    QComboBox *outcomeCombo() const { return m_outcome; }
    QSplitter *splitter() const { return m_splitter; }
    bool isLadderLoading() const;
    /// The rows are being filtered or sorted in a job (FlowFilterProxy::rowsUpdated follows).
    bool isUpdatingRows() const;
    RowWindowScroller *scroller() const { return m_scroller; }

signals:
    void ladderReady();

private:
    void onSelectionChanged();
    void syncFromSelection();
    /// Selects the shown rows of the selected flows (the ladder stays).
    void reselect();
    void showLadder(uint32_t flowId);

    CaptureSelection *m_selection;
    std::shared_ptr<const analysis::CaptureAnalysis> m_analysis;
    FlowTableModel *m_model;
    FlowFilterProxy *m_proxy;
    QTableView *m_table;
    QLineEdit *m_text;
    QComboBox *m_outcome;
    LadderWidget *m_ladder;
    QSplitter *m_splitter;
    JobRunner *m_runner;
    RowWindowScroller *m_scroller = nullptr;
    bool m_syncing = false;
};

} // namespace lbs::ui
