#pragma once
// The packet list pane: BPF filter bar, the virtual packet table, and below it the details tree
// and hex view of the selected packet. Follows the capture's shared time range and flow selection.

#include "core/analysis/captureanalysis.h"

#include <QWidget>

#include <memory>

class QTableView;
class QScrollBar;
class QSplitter;
class QLabel;

namespace lbs::ui {

class CaptureSelection;
class FilterBar;
class HexView;
class JobRunner;
class PacketDetailsView;
class PacketTableModel;
class RowWindowScroller;

class PacketPane : public QWidget {
    Q_OBJECT
public:
    PacketPane(CaptureSelection *selection, QWidget *parent = nullptr);
    void setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis);

    PacketTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    FilterBar *filterBar() const { return m_filter; }
    PacketDetailsView *details() const { return m_details; }
    HexView *hexView() const { return m_hex; }
    QSplitter *splitter() const { return m_splitter; }
    /// True while a filter/selection update runs in the background.
    bool isUpdating() const;
    /// Positions of the selected rows (ascending); a selection lies within the model's window.
    std::vector<uint32_t> selectedPositions() const;
    /// Writes positions to a new pcap; returns an empty string or the error.
    QString exportPcap(const QString &path, const std::vector<uint32_t> &positions) const;
    /// The scroll bar over every shown packet (its value is the shown index of the top row). The
    /// table's own scroll bar covers only the model's window and is hidden while the window is
    /// smaller than the list.
    QScrollBar *listScrollBar() const;
    /// True while the model shows a window smaller than the list (the list's scroll bar is shown).
    bool isWindowed() const;
    /// Scrolls so that the shown packet `shownIndex` is the top row (moving the window if needed).
    void scrollToShown(size_t shownIndex);
    /// Row of a position in the table, moving the window to it; -1 when it is not shown.
    int revealPosition(uint32_t position);

public slots:
    void applyFilter(const QString &expression);

signals:
    /// Rows were recomputed (filter, range or flow selection changed).
    void rowsUpdated(int shown);
    void filterFailed(const QString &message);

private:
    void updateRows();
    void showStatus();

    CaptureSelection *m_selection;
    std::shared_ptr<const analysis::CaptureAnalysis> m_analysis;
    std::shared_ptr<const std::vector<uint32_t>> m_bpfMatches;
    QString m_bpfExpression;
    PacketTableModel *m_model;
    FilterBar *m_filter;
    QTableView *m_table;
    RowWindowScroller *m_scroller;
    PacketDetailsView *m_details;
    HexView *m_hex;
    QSplitter *m_splitter;
    QLabel *m_status;
    JobRunner *m_runner;
};

} // namespace lbs::ui
