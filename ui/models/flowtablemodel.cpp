#include "flowtablemodel.h"

#include "ui/models/csvexport.h"

#include <QColor>
#include <QLocale>

namespace lbs::ui {

using analysis::Flow;
using analysis::FlowOutcome;

namespace {
QString ms(double v)
{
    if (v < 0)
        return {};
    return QString::number(v, 'f', v < 10 ? 3 : 1);
}
QString pathText(const analysis::CaptureAnalysis &a, const Flow &f)
{
    const analysis::FlowTunnel *tunnel = a.tunnelOf(f);
    if (!tunnel)
        return {};
    const analysis::FlowTunnel &t = *tunnel;
    QString s = QString::fromLatin1(pcap::tunnelKindLabel(t.kind));
    if (t.id)
        s += QLatin1Char(' ') + QString::number(t.id);
    return s
        + QStringLiteral(" %1 → %2")
              .arg(QString::fromStdString(t.outerClient.toString()),
                  QString::fromStdString(t.outerServer.toString()));
}

/// Columns whose text is formatted here rather than by the view.
bool formatted(int column)
{
    switch (column) {
    case FlowTableModel::Outcome:
    case FlowTableModel::Start:
    case FlowTableModel::Duration:
    case FlowTableModel::HandshakeRtt:
    case FlowTableModel::Ttfb:
    case FlowTableModel::Response:
    case FlowTableModel::Bytes:
    case FlowTableModel::Client:
        return true;
    default:
        return false;
    }
}

double nsToMs(const std::optional<int64_t> &v)
{
    return v ? double(*v) / 1e6 : -1;
}
} // namespace

FlowTableModel::FlowTableModel(QObject *parent) : QAbstractTableModel(parent)
{
}

void FlowTableModel::setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis)
{
    beginResetModel();
    m_analysis = std::move(analysis);
    endResetModel();
}

const Flow *FlowTableModel::flow(int row) const
{
    if (!m_analysis || row < 0 || row >= int(m_analysis->flows.size()))
        return nullptr;
    return &m_analysis->flows[size_t(row)];
}

double FlowTableModel::maxTtfbMs(const Flow &f)
{
    double best = -1;
    for (const auto &r : f.requests)
        best = std::max(best, nsToMs(r.ttfbNs));
    return best;
}

double FlowTableModel::maxResponseMs(const Flow &f)
{
    double best = -1;
    for (const auto &r : f.requests)
        best = std::max(best, nsToMs(r.responseNs));
    return best;
}

int FlowTableModel::rowCount(const QModelIndex &parent) const
{
    return (parent.isValid() || !m_analysis) ? 0 : int(m_analysis->flows.size());
}

int FlowTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FlowTableModel::sortValue(const analysis::CaptureAnalysis &a, const Flow &f, int column)
{
    switch (column) {
    case Id:
        return f.id;
    case Client:
        return QString::fromStdString(f.client.toString());
    case Server:
        return QString::fromStdString(f.server.toString());
    case Proto:
        return f.proto == 6 ? QStringLiteral("TCP") : QStringLiteral("UDP");
    case Outcome:
        return int(f.outcome);
    case Start:
        return double(f.firstTsNs - a.firstTsNs) * 1e-9;
    case Duration:
        return double(f.lastTsNs - f.firstTsNs) * 1e-6;
    case HandshakeRtt:
        return nsToMs(f.handshakeRttNs);
    case Ttfb:
        return maxTtfbMs(f);
    case Response:
        return maxResponseMs(f);
    case Requests:
        return qulonglong(f.requests.size());
    case Retransmits:
        return f.retransmits;
    case Resets:
        return f.resets;
    case Bytes:
        return qulonglong(f.bytes[0] + f.bytes[1]);
    case Packets:
        return qulonglong(f.packets[0] + f.packets[1]);
    case Path:
        return pathText(a, f);
    }
    return {};
}

QString FlowTableModel::displayText(const analysis::CaptureAnalysis &a, const Flow &f, int column)
{
    switch (column) {
    case Outcome: {
        QString s = QString::fromLatin1(analysis::outcomeName(f.outcome));
        if (f.outcome == FlowOutcome::Reset)
            s += f.resetBy == analysis::ResetSide::Server  ? tr(" by server")
                : f.resetBy == analysis::ResetSide::Client ? tr(" by client")
                                                           : QString();
        return s;
    }
    case Start:
        return QString::number(sortValue(a, f, column).toDouble(), 'f', 3);
    case Duration:
    case HandshakeRtt:
    case Ttfb:
    case Response:
        return ms(sortValue(a, f, column).toDouble());
    case Bytes:
        return QLocale().formattedDataSize(qint64(f.bytes[0] + f.bytes[1]), 1, QLocale::DataSizeSIFormat);
    case Client:
        return f.serverGuessed ? sortValue(a, f, column).toString() + tr(" (guessed)")
                               : sortValue(a, f, column).toString();
    default:
        return sortValue(a, f, column).toString();
    }
}

QVariant FlowTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !m_analysis)
        return {};
    const Flow &f = m_analysis->flows[size_t(index.row())];
    const int c = index.column();
    switch (role) {
    case Qt::DisplayRole:
        // Numbers stay numbers, so that the view writes them in the user's locale.
        return formatted(c) ? QVariant(displayText(*m_analysis, f, c)) : sortValue(*m_analysis, f, c);
    case SortRole:
        return sortValue(*m_analysis, f, c);
    case CsvExport::CsvRole:
        switch (c) {
        case Outcome:
        case Client:
            return data(index, Qt::DisplayRole);
        case HandshakeRtt:
        case Ttfb:
        case Response: {
            const double v = sortValue(*m_analysis, f, c).toDouble();
            return v < 0 ? QVariant(QString()) : QVariant(v);
        }
        default:
            return sortValue(*m_analysis, f, c);
        }
    case FlowIdRole:
        return f.id;
    case OutcomeRole:
        return int(f.outcome);
    case StartRole:
        return double(f.firstTsNs) * 1e-9;
    case EndRole:
        return double(f.lastTsNs) * 1e-9;
    case Qt::TextAlignmentRole:
        if (c != Client && c != Server && c != Outcome && c != Proto && c != Path)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (c == Outcome && f.outcome != FlowOutcome::Complete && f.outcome != FlowOutcome::Incomplete)
            return QColor(210, 60, 60);
        return {};
    case Qt::ToolTipRole:
        if (f.requests.empty())
            return {};
        {
            QStringList lines;
            for (size_t i = 0; i < f.requests.size() && i < 10; ++i) {
                const auto &r = f.requests[i];
                lines << QStringLiteral("%1 %2 → %3, TTFB %4 ms")
                             .arg(QString::fromStdString(r.method), QString::fromStdString(r.path))
                             .arg(r.status ? QString::number(*r.status) : tr("no response"))
                             .arg(ms(nsToMs(r.ttfbNs)));
            }
            if (f.requests.size() > 10)
                lines << tr("… %1 more").arg(f.requests.size() - 10);
            return lines.join(QLatin1Char('\n'));
        }
    default:
        return {};
    }
}

QVariant FlowTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *const names[] = {"ID", "Client", "Server", "Proto", "Outcome", "Start (s)",
        "Duration (ms)", "Handshake RTT (ms)", "TTFB max (ms)", "Response max (ms)", "Requests",
        "Retransmits", "Resets", "Bytes", "Packets", "Path"};
    static const char *const tips[] = {"Flow number", "Sender of the first SYN", "Receiver of the first SYN",
        "Transport protocol", "How the connection ended", "First packet, seconds since capture start",
        "First to last packet", "Last SYN before the SYN/ACK to the SYN/ACK",
        "Slowest request: last request byte to first response byte",
        "Slowest request: last request byte to last response byte", "HTTP requests seen",
        "Retransmissions (incl. fast and spurious)", "RST segments", "Wire bytes, both directions",
        "Packets, both directions",
        "Tunnel the packets came through: kind and outer addresses, client side first"};
    if (section < 0 || section >= ColumnCount)
        return {};
    return role == Qt::DisplayRole ? tr(names[section]) : tr(tips[section]);
}

} // namespace lbs::ui
