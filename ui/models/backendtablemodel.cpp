#include "backendtablemodel.h"

#include <QBrush>
#include <QColor>

namespace lbs::ui {

using analysis::Backend;

namespace {
/// Milliseconds of a percentile, -1 when absent (sorts first, shows empty).
double ms(const std::optional<int64_t> &v)
{
    return v ? double(*v) / 1e6 : -1;
}

QString msText(double v)
{
    if (v < 0)
        return {};
    return QString::number(v, 'f', v < 10 ? 3 : 1);
}
} // namespace

BackendTableModel::BackendTableModel(QObject *parent) : QAbstractTableModel(parent)
{
}

void BackendTableModel::setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis)
{
    beginResetModel();
    m_analysis = std::move(analysis);
    endResetModel();
}

const Backend *BackendTableModel::backend(int row) const
{
    if (!m_analysis || row < 0 || row >= int(m_analysis->backends.size()))
        return nullptr;
    return &m_analysis->backends[size_t(row)];
}

void BackendTableModel::setColors(QList<QColor> colors)
{
    m_colors = std::move(colors);
    if (rowCount() > 0)
        emit dataChanged(index(0, Pod), index(rowCount() - 1, Pod), {Qt::DecorationRole});
}

int BackendTableModel::rowCount(const QModelIndex &parent) const
{
    return (parent.isValid() || !m_analysis) ? 0 : int(m_analysis->backends.size());
}

int BackendTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BackendTableModel::value(const Backend &b, int column, bool forSort) const
{
    auto count
        = [forSort](uint32_t n) -> QVariant { return forSort ? QVariant(n) : QVariant(QString::number(n)); };
    auto millis = [forSort](const std::optional<int64_t> &v) -> QVariant {
        return forSort ? QVariant(ms(v)) : QVariant(msText(ms(v)));
    };
    switch (column) {
    case Pod:
        return b.pod.empty() ? tr("(unknown pod)") : QString::fromStdString(b.pod);
    case Namespace:
        return QString::fromStdString(b.ns);
    case Node:
        return QString::fromStdString(b.node);
    case Endpoint:
        return QString::fromStdString(b.endpoint.toString());
    case Connections:
        return count(b.connections);
    case Requests:
        return count(b.requests);
    case FailedHandshakes:
        return count(b.failedHandshakes);
    case Resets:
        return count(b.resets);
    case Errors5xx:
        return count(b.errors5xx);
    case HandshakeP50:
        return millis(b.handshakeRtt.p50Ns);
    case TtfbP50:
        return millis(b.ttfb.p50Ns);
    case TtfbP95:
        return millis(b.ttfb.p95Ns);
    case ResponseP50:
        return millis(b.response.p50Ns);
    case ResponseP95:
        return millis(b.response.p95Ns);
    default:
        return {};
    }
}

QVariant BackendTableModel::data(const QModelIndex &index, int role) const
{
    const Backend *b = backend(index.row());
    if (!b || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return value(*b, index.column(), false);
    case SortRole:
        return value(*b, index.column(), true);
    case BackendRole:
        return index.row();
    case Qt::TextAlignmentRole:
        return index.column() >= Connections ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ForegroundRole:
        // Problems stand out: failed handshakes, resets and 5xx in red when non-zero.
        if ((index.column() == FailedHandshakes && b->failedHandshakes)
            || (index.column() == Resets && b->resets) || (index.column() == Errors5xx && b->errors5xx))
            return QBrush(QColor(0xc6, 0x28, 0x28));
        if (b->connections == 0)
            return QBrush(QColor(0x80, 0x80, 0x80));
        return {};
    case Qt::DecorationRole:
        if (index.column() == Pod && index.row() < m_colors.size())
            return m_colors[index.row()];
        return {};
    case Qt::ToolTipRole:
        return QString::fromStdString(b->label());
    default:
        return {};
    }
}

QVariant BackendTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    // Short headers so the table fits beside nothing; the tooltips say what each one is.
    static const char *const names[ColumnCount]
        = {QT_TR_NOOP("Pod"), QT_TR_NOOP("Namespace"), QT_TR_NOOP("Node"), QT_TR_NOOP("IP:port"),
            QT_TR_NOOP("Conns"), QT_TR_NOOP("Requests"), QT_TR_NOOP("Failed HS"), QT_TR_NOOP("Resets"),
            QT_TR_NOOP("5xx"), QT_TR_NOOP("RTT p50 ms"), QT_TR_NOOP("TTFB p50 ms"), QT_TR_NOOP("TTFB p95 ms"),
            QT_TR_NOOP("Resp p50 ms"), QT_TR_NOOP("Resp p95 ms")};
    static const char *const tips[ColumnCount] = {nullptr, nullptr, nullptr,
        QT_TR_NOOP("The pod's address and target port (after DNAT)"),
        QT_TR_NOOP("TCP connections to this pod, counted once however many legs were captured"),
        QT_TR_NOOP("HTTP requests answered (or not) by this pod"),
        QT_TR_NOOP("Connections whose handshake never completed"),
        QT_TR_NOOP("Connections that ended with a RST"), QT_TR_NOOP("HTTP responses with status 500 or more"),
        QT_TR_NOOP("Handshake RTT (SYN -> SYN/ACK), median, in ms, measured on the leg nearest the pod"),
        QT_TR_NOOP("Time to first byte of the response, median, in ms"),
        QT_TR_NOOP("Time to first byte of the response, 95th percentile, in ms"),
        QT_TR_NOOP("Request start to last byte of the response, median, in ms"),
        QT_TR_NOOP("Request start to last byte of the response, 95th percentile, in ms")};
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return tr(names[section]);
    if (role == Qt::ToolTipRole && tips[section])
        return tr(tips[section]);
    return {};
}

} // namespace lbs::ui
