#pragma once
// Models of lists with millions of rows (packets, flows) give Qt a window of their rows.
//
// Qt's item views keep state for every row of a model: QHeaderView has an 8-byte item per row,
// hidden or not, and makes them again on every reset. For 30 M packets that is 250 MB; for
// 3.6 M flows it is 29 MB, whose first touch held the GUI thread for 80 ms on a virtual machine
// that backs memory lazily. So such a model shows Qt at most windowRows() consecutive rows of what
// it shows, and RowWindowScroller moves the window as the table scrolls, with a scroll bar of its
// own over every shown row. "Shown index" counts the shown rows from the first, in all windows.

#include <QAbstractItemModel>

#include <algorithm>
#include <cstddef>

namespace lbs::ui {

/// What RowWindowScroller needs of a windowed model.
class RowWindow {
public:
    /// 512 KB of QHeaderView items (a reset costs 1-2 ms); a selection holds at most this many rows.
    static constexpr int kDefaultWindowRows = 1 << 16;

    virtual ~RowWindow() = default;
    /// Rows shown, in all windows.
    virtual size_t shownCount() const = 0;
    /// Moves the window to start at `start` (kept inside the shown rows). Rows keep their items:
    /// persistent indexes (selection, current row) move with them and are dropped when their item
    /// leaves the window.
    virtual void moveWindow(size_t start) = 0;
    /// Shown index of row 0.
    size_t windowStart() const { return m_windowStart; }
    int windowRows() const { return m_windowRows; }
    /// Rows given to Qt: the whole window, or every shown row when they are fewer.
    int windowRowCount() const { return int(std::min(shownCount(), size_t(m_windowRows))); }
    /// Row showing a shown index, or -1 outside the window.
    int rowOfShown(size_t shownIndex) const
    {
        return shownIndex >= m_windowStart && shownIndex - m_windowStart < size_t(windowRowCount())
            ? int(shownIndex - m_windowStart)
            : -1;
    }

protected:
    size_t m_windowStart = 0;
    int m_windowRows = kDefaultWindowRows;
};

/// RowWindow for a Qt model class `Base` (a table or a proxy model).
template <class Base> class RowWindowModel : public Base, public RowWindow {
public:
    using Base::Base;

    /// At most `rows` rows are given to Qt (at least 16); the window starts again at 0.
    void setWindowRows(int rows)
    {
        this->beginResetModel();
        m_windowRows = std::max(rows, 16);
        m_windowStart = 0;
        this->endResetModel();
    }

    void moveWindow(size_t start) override
    {
        const size_t rows = size_t(windowRowCount());
        start = std::min(start, shownCount() - rows);
        if (start == m_windowStart)
            return;
        Q_EMIT this->layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        // Row r showed shown index m_windowStart + r; that item is now at row r + shift.
        const qint64 shift = qint64(m_windowStart) - qint64(start);
        const QModelIndexList from = this->persistentIndexList();
        QModelIndexList to;
        to.reserve(from.size());
        for (const QModelIndex &i : from) {
            const qint64 row = i.row() + shift;
            to.append(
                row >= 0 && row < qint64(rows) ? this->createIndex(int(row), i.column()) : QModelIndex());
        }
        m_windowStart = start;
        this->changePersistentIndexList(from, to);
        Q_EMIT this->layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    }
};

} // namespace lbs::ui
