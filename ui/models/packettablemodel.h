#pragma once
// Virtual packet list over the engine's packet index (millions of rows): rows are positions into
// CaptureAnalysis::packetIndex, text is made lazily for the rows the view asks for, by re-reading
// the packet from its file (kept open, PacketRereader), and kept in a small LRU cache.
//
// Qt's views keep state for every row of a model (QHeaderView: 8 bytes a row, set up again on each
// reset), which for 30 M packets is 250 MB and a second-long stall. So the model gives Qt a window
// of at most windowRows() of the shown packets; PacketPane moves it as the list scrolls, with a
// scroll bar over every shown packet. "Shown index" below counts the shown packets from the first.

#include "core/analysis/captureanalysis.h"
#include "core/pcap/packetrereader.h"

#include <QAbstractTableModel>
#include <QCache>

#include <memory>
#include <vector>

namespace lbs::ui {

class PacketTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Number, Time, Source, Destination, Protocol, Length, Info, ColumnCount };
    enum class TimeFormat { Absolute, Relative, SincePrevious };
    /// Role giving the packet's position in CaptureAnalysis::packetIndex (quint32).
    static constexpr int PositionRole = Qt::UserRole + 1;

    explicit PacketTableModel(QObject *parent = nullptr);

    void setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis);
    /// Shows only these positions (ascending); an empty optional shows every packet.
    void setRows(std::shared_ptr<const std::vector<uint32_t>> rows);
    void setTimeFormat(TimeFormat format);
    TimeFormat timeFormat() const { return m_timeFormat; }
    /// Position in the packet index of a row, or -1.
    qint64 positionAt(int row) const;
    /// Row showing a position, or -1 when filtered out or outside the window.
    int rowOf(uint32_t position) const;
    /// Positions of all packets shown (the filter's result, every window).
    std::vector<uint32_t> shownPositions() const;

    static constexpr int kDefaultWindowRows = 1 << 20;
    /// At most this many rows are given to Qt (at least 16); the window starts again at 0.
    void setWindowRows(int rows);
    int windowRows() const { return m_windowRows; }
    /// Packets shown, in all windows.
    size_t shownCount() const;
    /// Shown index of row 0.
    size_t windowStart() const { return m_windowStart; }
    /// Position of a shown index, or -1.
    qint64 positionAtShown(size_t shownIndex) const;
    /// Shown index of a position, or -1 when filtered out.
    qint64 shownIndexOf(uint32_t position) const;
    /// Moves the window to start at `start` (kept inside the shown packets). Rows keep their
    /// packets: persistent indexes (selection, current row) move with them and are dropped when
    /// their packet leaves the window.
    void moveWindow(size_t start);
    int cachedRows() const { return m_cache.size(); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct RowText {
        QString source, destination, protocol, info;
    };
    const RowText &rowText(uint32_t position) const;
    QString timeText(int row, uint32_t position) const;

    std::shared_ptr<const analysis::CaptureAnalysis> m_analysis;
    std::shared_ptr<const std::vector<uint32_t>> m_rows; ///< null: identity
    int m_windowRows = kDefaultWindowRows;
    size_t m_windowStart = 0;
    TimeFormat m_timeFormat = TimeFormat::Relative;
    mutable QCache<uint32_t, RowText> m_cache;
    mutable std::vector<uint8_t> m_buffer;
    mutable pcap::PacketRereader m_rereader; ///< files stay open between rows
};

} // namespace lbs::ui
