#include "packettablemodel.h"

#include "core/analysis/packetinfo.h"
#include "core/pcap/decodedpacket.h"
#include "core/pcap/packetreader.h"

#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QFontDatabase>
#include <QTimeZone>

#include <algorithm>

namespace lbs::ui {

using pcap::PacketIndexEntry;

PacketTableModel::PacketTableModel(QObject *parent) : RowWindowModel(parent)
{
    m_cache.setMaxCost(4096);
}

void PacketTableModel::setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis)
{
    beginResetModel();
    m_analysis = std::move(analysis);
    m_rows.reset();
    m_windowStart = 0;
    m_cache.clear();
    m_rereader.reset(m_analysis ? &m_analysis->files : nullptr);
    endResetModel();
}

void PacketTableModel::setRows(std::shared_ptr<const std::vector<uint32_t>> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_windowStart = 0;
    endResetModel();
}

size_t PacketTableModel::shownCount() const
{
    if (!m_analysis)
        return 0;
    return m_rows ? m_rows->size() : m_analysis->packetIndex.size();
}

qint64 PacketTableModel::positionAtShown(size_t shownIndex) const
{
    if (shownIndex >= shownCount())
        return -1;
    return m_rows ? qint64((*m_rows)[shownIndex]) : qint64(shownIndex);
}

qint64 PacketTableModel::shownIndexOf(uint32_t position) const
{
    if (!m_analysis || position >= m_analysis->packetIndex.size())
        return -1;
    if (!m_rows)
        return position;
    auto it = std::lower_bound(m_rows->begin(), m_rows->end(), position);
    return (it != m_rows->end() && *it == position) ? qint64(it - m_rows->begin()) : -1;
}

void PacketTableModel::setTimeFormat(TimeFormat format)
{
    if (format == m_timeFormat)
        return;
    m_timeFormat = format;
    if (rowCount() > 0)
        emit dataChanged(index(0, Time), index(rowCount() - 1, Time), {Qt::DisplayRole});
    emit headerDataChanged(Qt::Horizontal, Time, Time);
}

qint64 PacketTableModel::positionAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return -1;
    return positionAtShown(m_windowStart + size_t(row));
}

int PacketTableModel::rowOf(uint32_t position) const
{
    const qint64 shown = shownIndexOf(position);
    return shown < 0 ? -1 : rowOfShown(size_t(shown));
}

std::vector<uint32_t> PacketTableModel::shownPositions() const
{
    if (m_rows)
        return *m_rows;
    std::vector<uint32_t> all(m_analysis ? m_analysis->packetIndex.size() : 0);
    for (size_t i = 0; i < all.size(); ++i)
        all[i] = uint32_t(i);
    return all;
}

int PacketTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_analysis)
        return 0;
    return windowRowCount();
}

int PacketTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const PacketTableModel::RowText &PacketTableModel::rowText(uint32_t position) const
{
    if (RowText *cached = m_cache.object(position))
        return *cached;
    auto *text = new RowText;
    const PacketIndexEntry &e = m_analysis->packetIndex[position];
    if (e.fileIndex < m_analysis->files.size()) {
        auto raw = m_rereader.readAt(uint16_t(e.fileIndex), e.offset, m_buffer);
        if (raw) {
            pcap::DecodedPacket d;
            pcap::decodePacket(raw->linktype, raw->data, raw->capLen, raw->wireLen, d);
            analysis::RelativeSeq rel;
            if (e.flowId != PacketIndexEntry::kNoFlow && e.flowId < m_analysis->flows.size())
                rel = analysis::relativeSeqFor(m_analysis->flows[e.flowId]);
            if (d.ipVersion != 0) {
                const bool ports = d.isTcp() || d.isUdp();
                text->source = QString::fromStdString(
                    ports ? pcap::Endpoint {d.src, d.srcPort}.toString() : d.src.toString());
                text->destination = QString::fromStdString(
                    ports ? pcap::Endpoint {d.dst, d.dstPort}.toString() : d.dst.toString());
            } else {
                text->source = text->destination = tr("—");
            }
            text->protocol = QString::fromStdString(analysis::packetProtocolName(d, e.flags));
            text->info = QString::fromStdString(analysis::packetInfoText(d, e.flags, rel));
        } else {
            text->info
                = tr("Cannot re-read this packet: %1").arg(QString::fromStdString(raw.error().toString()));
        }
    }
    m_cache.insert(position, text, 1);
    return *text;
}

QString PacketTableModel::timeText(int row, uint32_t position) const
{
    const auto &idx = m_analysis->packetIndex;
    const int64_t ts = idx[position].tsNs;
    switch (m_timeFormat) {
    case TimeFormat::Absolute:
        return QDateTime::fromMSecsSinceEpoch(ts / 1000000, Qt::UTC).toString(QStringLiteral("HH:mm:ss.zzz"))
            + QStringLiteral("%1").arg((ts / 1000) % 1000, 3, 10, QLatin1Char('0'));
    case TimeFormat::Relative:
        return QString::number(double(ts - m_analysis->firstTsNs) * 1e-9, 'f', 6);
    case TimeFormat::SincePrevious: {
        const qint64 prev
            = m_windowStart + size_t(row) > 0 ? positionAtShown(m_windowStart + size_t(row) - 1) : -1;
        const int64_t d = prev < 0 ? 0 : ts - idx[size_t(prev)].tsNs;
        return QString::number(double(d) * 1e-9, 'f', 6);
    }
    }
    return {};
}

QVariant PacketTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !m_analysis)
        return {};
    const uint32_t position = uint32_t(positionAt(index.row()));
    const PacketIndexEntry &e = m_analysis->packetIndex[position];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Number:
            return QString::number(position + 1);
        case Time:
            return timeText(index.row(), position);
        case Source:
            return rowText(position).source;
        case Destination:
            return rowText(position).destination;
        case Protocol:
            return rowText(position).protocol;
        case Length:
            return QString::number(e.wireLen);
        case Info:
            return rowText(position).info;
        }
        return {};
    case PositionRole:
        return position;
    case Qt::TextAlignmentRole:
        if (index.column() == Number || index.column() == Length || index.column() == Time)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::BackgroundRole: {
        // Translucent tints keep the text readable in light and dark palettes.
        if (e.flags & pcap::PF_Rst)
            return QColor(220, 50, 50, 70);
        if (e.flags & (pcap::PF_Retransmission | pcap::PF_OutOfOrder | pcap::PF_ZeroWindow))
            return QColor(230, 160, 0, 60);
        if (e.flags & pcap::PF_Syn)
            return QColor(120, 120, 120, 45);
        if (e.flags & pcap::PF_Http)
            return QColor(40, 180, 70, 40);
        return {};
    }
    default:
        return {};
    }
}

QVariant PacketTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Number:
        return tr("No.");
    case Time:
        return m_timeFormat == TimeFormat::Absolute ? tr("Time (UTC)")
            : m_timeFormat == TimeFormat::Relative  ? tr("Time (s)")
                                                    : tr("Δ Time (s)");
    case Source:
        return tr("Source");
    case Destination:
        return tr("Destination");
    case Protocol:
        return tr("Protocol");
    case Length:
        return tr("Length");
    case Info:
        return tr("Info");
    }
    return {};
}

} // namespace lbs::ui
