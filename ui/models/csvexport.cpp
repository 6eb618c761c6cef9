#include "csvexport.h"

#include <QAbstractItemModel>
#include <QSaveFile>

namespace lbs::ui {

static_assert(CsvExport::CsvRole == Qt::UserRole + 50);

namespace {
QString quote(QString s)
{
    if (s.contains(QLatin1Char(',')) || s.contains(QLatin1Char('"')) || s.contains(QLatin1Char('\n'))) {
        s.replace(QLatin1Char('"'), QLatin1String("\"\""));
        return QLatin1Char('"') + s + QLatin1Char('"');
    }
    return s;
}
} // namespace

QString CsvExport::toCsv(const QAbstractItemModel *model, const std::vector<int> *rows)
{
    QString out;
    QStringList cells;
    const int cols = model->columnCount();
    for (int c = 0; c < cols; ++c)
        cells << quote(model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
    out += cells.join(QLatin1Char(',')) + QLatin1Char('\n');
    const int count = rows ? int(rows->size()) : model->rowCount();
    for (int n = 0; n < count; ++n) {
        const int r = rows ? (*rows)[size_t(n)] : n;
        cells.clear();
        for (int c = 0; c < cols; ++c) {
            const QModelIndex i = model->index(r, c);
            QVariant v = i.data(CsvRole);
            if (!v.isValid())
                v = i.data(Qt::DisplayRole);
            cells << quote(v.toString());
        }
        out += cells.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}

QString CsvExport::write(const QAbstractItemModel *model, const QString &path, const std::vector<int> *rows)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
    file.write(toCsv(model, rows).toUtf8());
    if (!file.commit())
        return QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace lbs::ui
