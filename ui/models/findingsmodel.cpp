#include "findingsmodel.h"

#include "ui/models/csvexport.h"

#include "ui/viewer/findingexplainer.h"

#include <QApplication>
#include <QIcon>
#include <QStyle>

namespace lbs::ui {

FindingsModel::FindingsModel(QObject *parent) : QAbstractTableModel(parent)
{
}

void FindingsModel::setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis)
{
    beginResetModel();
    m_analysis = std::move(analysis);
    endResetModel();
}

const analysis::Finding *FindingsModel::finding(int row) const
{
    if (!m_analysis || row < 0 || row >= int(m_analysis->findings.size()))
        return nullptr;
    return &m_analysis->findings[size_t(row)];
}

int FindingsModel::rowCount(const QModelIndex &parent) const
{
    return (parent.isValid() || !m_analysis) ? 0 : int(m_analysis->findings.size());
}

int FindingsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FindingsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !m_analysis)
        return {};
    const analysis::Finding &f = m_analysis->findings[size_t(index.row())];
    const int c = index.column();
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (c) {
        case Severity:
            return role == SortRole ? QVariant(int(f.severity))
                                    : QVariant(QString::fromLatin1(analysis::severityName(f.severity)));
        case Kind:
            return QString::fromLatin1(analysis::findingKindName(f.kind));
        case Summary:
            return QString::fromStdString(f.summary);
        case Flows:
            return qulonglong(f.flows.size());
        case When:
            if (f.startNs == 0 && f.endNs == 0)
                return role == SortRole ? QVariant(-1.0) : QVariant(tr("whole capture"));
            if (role == SortRole)
                return double(f.startNs - m_analysis->firstTsNs) * 1e-9;
            return tr("%1 s – %2 s")
                .arg(double(f.startNs - m_analysis->firstTsNs) * 1e-9, 0, 'f', 1)
                .arg(double(f.endNs - m_analysis->firstTsNs) * 1e-9, 0, 'f', 1);
        }
        return {};
    }
    if (role == CsvExport::CsvRole) {
        if (c == Flows) {
            QStringList ids;
            for (uint32_t id : f.flows)
                ids << QString::number(id);
            return ids.join(QLatin1Char(' '));
        }
        if (c == When) {
            if (f.startNs == 0 && f.endNs == 0)
                return QString();
            return QStringLiteral("%1-%2").arg(QString::fromStdString(pcap::formatTimestamp(f.startNs)),
                QString::fromStdString(pcap::formatTimestamp(f.endNs)));
        }
        return data(index, Qt::DisplayRole);
    }
    if (role == Qt::DecorationRole && c == Severity) {
        const QStyle *st = QApplication::style();
        switch (f.severity) {
        case analysis::Severity::Error:
            return st->standardIcon(QStyle::SP_MessageBoxCritical);
        case analysis::Severity::Warning:
            return st->standardIcon(QStyle::SP_MessageBoxWarning);
        case analysis::Severity::Info:
            return st->standardIcon(QStyle::SP_MessageBoxInformation);
        }
    }
    if (role == Qt::ToolTipRole && c == Summary)
        return QString::fromStdString(f.summary);
    if (role == Qt::ToolTipRole)
        return FindingExplainer::explain(f.kind).headline;
    return {};
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Severity:
        return tr("Severity");
    case Kind:
        return tr("Kind");
    case Summary:
        return tr("Summary");
    case Flows:
        return tr("Flows");
    case When:
        return tr("When");
    }
    return {};
}

} // namespace lbs::ui
