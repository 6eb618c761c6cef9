#pragma once
// The packet list pane: BPF filter bar, the virtual packet table, and below it the details tree
// and hex view of the selected packet. Follows the capture's shared time range and flow selection.

#include "core/analysis/captureanalysis.h"

#include <QWidget>

#include <memory>

class QTableView;
class QSplitter;
class QLabel;

namespace lbs::ui {

class CaptureSelection;
class FilterBar;
class HexView;
class JobRunner;
class PacketDetailsView;
class PacketTableModel;

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
    /// Positions of the selected rows (ascending).
    std::vector<uint32_t> selectedPositions() const;
    /// Writes positions to a new pcap; returns an empty string or the error.
    QString exportPcap(const QString &path, const std::vector<uint32_t> &positions) const;

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
    PacketDetailsView *m_details;
    HexView *m_hex;
    QSplitter *m_splitter;
    QLabel *m_status;
    JobRunner *m_runner;
};

} // namespace lbs::ui
