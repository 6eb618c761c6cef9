#pragma once
// Writes a table model as CSV (RFC 4180 quoting), in the model's current row order, so a sorted
// and filtered view exports exactly what the user sees. Uses CsvRole when a model provides it
// (raw numbers, full lists), DisplayRole otherwise.

#include <QString>

#include <vector>

class QAbstractItemModel;

namespace lbs::ui {

class CsvExport {
public:
    static constexpr int CsvRole = 0x0100 + 50; ///< Qt::UserRole + 50
    /// The CSV text of `model`: every row, or with `rows` those rows in that order (a windowed
    /// view's rows, given as rows of the model it shows a window of).
    static QString toCsv(const QAbstractItemModel *model, const std::vector<int> *rows = nullptr);
    /// Writes it to `path`; returns an empty string or a message naming the file and the problem.
    static QString write(
        const QAbstractItemModel *model, const QString &path, const std::vector<int> *rows = nullptr);
};

} // namespace lbs::ui
