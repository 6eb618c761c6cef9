#pragma once
// Virtual packet list over the engine's packet index (millions of rows): rows are positions into
// CaptureAnalysis::packetIndex, text is made lazily for the rows the view asks for, by re-reading
// the packet from its file (kept open, PacketRereader), and kept in a small LRU cache.
// Qt sees a window of the shown packets (ui/models/rowwindow.h); PacketPane moves it as the list
// scrolls. "Shown index" below counts the shown packets from the first.

#include "core/analysis/captureanalysis.h"
#include "core/pcap/packetrereader.h"
#include "ui/models/rowwindow.h"

#include <QAbstractTableModel>
#include <QCache>

#include <memory>
#include <vector>

namespace lbs::ui {

class PacketTableModel : public RowWindowModel<QAbstractTableModel> {
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

    /// Packets shown, in all windows.
    size_t shownCount() const override;
    /// Position of a shown index, or -1.
    qint64 positionAtShown(size_t shownIndex) const;
    /// Shown index of a position, or -1 when filtered out.
    qint64 shownIndexOf(uint32_t position) const;
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
    TimeFormat m_timeFormat = TimeFormat::Relative;
    mutable QCache<uint32_t, RowText> m_cache;
    mutable std::vector<uint8_t> m_buffer;
    mutable pcap::PacketRereader m_rereader; ///< files stay open between rows
};

} // namespace lbs::ui
