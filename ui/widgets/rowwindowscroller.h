#pragma once
// Scrolls a table over a model that shows Qt a window of its rows (ui/models/rowwindow.h). A
// scroll bar of its own covers every shown row; the caller puts it beside the table, and it takes
// the place of the table's own bar while the window is smaller than the list. The window moves so
// that the row in view sits in its middle when the table scrolls to within a quarter of the
// window's edge, when the list's bar is dragged, when a row outside the window is revealed, and
// for Ctrl+Home and Ctrl+End, which go to the list's ends rather than the window's.

#include <QObject>

#include <cstddef>

class QHBoxLayout;
class QScrollBar;
class QTableView;

namespace lbs::ui {

class RowWindow;

class RowWindowScroller : public QObject {
    Q_OBJECT
public:
    /// `rows` is the table's model (or its window); the scroller filters the table's key presses.
    RowWindowScroller(QTableView *table, RowWindow *rows, QObject *parent = nullptr);

    /// The bar over every shown row (its value is the shown index of the top row).
    QScrollBar *scrollBar() const { return m_bar; }
    /// A new row layout holding the table and, beside it, the bar: where the caller puts the table.
    QHBoxLayout *tableWithBar() const;
    /// True while the window is smaller than the list (the list's bar is shown).
    bool isWindowed() const;
    /// Scrolls so that shown row `shownIndex` is the top row, moving the window if needed.
    void scrollToShown(size_t shownIndex);
    /// The table row of shown row `shownIndex`, moving the window to it when it is outside.
    int reveal(size_t shownIndex);
    /// Makes `row` the current and only selected row and scrolls to it.
    void selectOnly(int row);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void sync();
    void centreOn(size_t shownIndex);

    QTableView *m_table;
    RowWindow *m_rows;
    QScrollBar *m_bar;
    bool m_syncing = false;
};

} // namespace lbs::ui
