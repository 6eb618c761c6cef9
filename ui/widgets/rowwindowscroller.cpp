#include "rowwindowscroller.h"

#include "ui/models/rowwindow.h"

#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QScrollBar>
#include <QTableView>

#include <algorithm>
#include <limits>

namespace lbs::ui {

RowWindowScroller::RowWindowScroller(QTableView *table, RowWindow *rows, QObject *parent)
    : QObject(parent), m_table(table), m_rows(rows), m_bar(new QScrollBar(Qt::Vertical))
{
    m_bar->hide();
    QScrollBar *inner = m_table->verticalScrollBar();
    // The table scrolled inside the window: near an edge of the window, the window moves.
    connect(inner, &QScrollBar::valueChanged, this, [this](int value) {
        if (!m_syncing)
            scrollToShown(m_rows->windowStart() + size_t(value));
    });
    connect(inner, &QScrollBar::rangeChanged, this, &RowWindowScroller::sync);
    connect(m_bar, &QScrollBar::valueChanged, this, [this](int value) {
        if (!m_syncing)
            scrollToShown(size_t(value));
    });
    connect(m_table->model(), &QAbstractItemModel::modelReset, this, &RowWindowScroller::sync);
    connect(m_table->model(), &QAbstractItemModel::layoutChanged, this, &RowWindowScroller::sync);
    m_table->installEventFilter(this);
}

QHBoxLayout *RowWindowScroller::tableWithBar() const
{
    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    row->addWidget(m_table, 1);
    row->addWidget(m_bar);
    return row;
}

bool RowWindowScroller::isWindowed() const
{
    return m_rows->shownCount() > size_t(m_rows->windowRowCount());
}

void RowWindowScroller::sync()
{
    const size_t shown = m_rows->shownCount();
    const bool windowed = isWindowed();
    m_table->setVerticalScrollBarPolicy(windowed ? Qt::ScrollBarAlwaysOff : Qt::ScrollBarAsNeeded);
    m_bar->setVisible(windowed);
    if (!windowed)
        return;
    const QScrollBar *inner = m_table->verticalScrollBar();
    const int page = std::max(1, inner->pageStep());
    const size_t last = shown > size_t(page) ? shown - size_t(page) : 0;
    const QSignalBlocker block(m_bar);
    m_bar->setPageStep(page);
    m_bar->setSingleStep(std::max(1, inner->singleStep()));
    m_bar->setRange(0, int(std::min(last, size_t(std::numeric_limits<int>::max()))));
    m_bar->setValue(int(std::min(m_rows->windowStart() + size_t(inner->value()), last)));
}

void RowWindowScroller::centreOn(size_t shownIndex)
{
    // The row goes to the top of a page in the middle of the window.
    const int page = std::max(1, m_table->verticalScrollBar()->pageStep());
    const size_t half = size_t(std::max(0, m_rows->windowRowCount() - page)) / 2;
    m_syncing = true;
    m_rows->moveWindow(shownIndex > half ? shownIndex - half : 0);
    m_table->verticalScrollBar()->setValue(int(shownIndex - m_rows->windowStart()));
    m_syncing = false;
}

void RowWindowScroller::scrollToShown(size_t shownIndex)
{
    const size_t shown = m_rows->shownCount();
    if (shown == 0)
        return;
    shownIndex = std::min(shownIndex, shown - 1);
    const size_t start = m_rows->windowStart();
    const size_t rows = size_t(m_rows->windowRowCount());
    const size_t page = size_t(std::max(1, m_table->verticalScrollBar()->pageStep()));
    // Inside the window and, where the window can still move, a quarter of it away from its edges.
    const size_t low = start + (start > 0 ? rows / 4 : 0);
    const size_t high = start + rows - (start + rows < shown ? rows / 4 : 0);
    if (shownIndex < low || shownIndex + page > high) {
        centreOn(shownIndex);
    } else {
        m_syncing = true;
        m_table->verticalScrollBar()->setValue(int(shownIndex - start));
        m_syncing = false;
    }
    sync();
}

int RowWindowScroller::reveal(size_t shownIndex)
{
    if (shownIndex >= m_rows->shownCount())
        return -1;
    if (m_rows->rowOfShown(shownIndex) < 0) {
        centreOn(shownIndex);
        sync();
    }
    return m_rows->rowOfShown(shownIndex);
}

void RowWindowScroller::selectOnly(int row)
{
    // Not QTableView::selectRow, which reads the keyboard: with Ctrl held (Ctrl+End) it toggles.
    const QModelIndex index = m_table->model()->index(row, 0);
    m_table->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

bool RowWindowScroller::eventFilter(QObject *watched, QEvent *event)
{
    // Ctrl+Home and Ctrl+End go to the first and last shown row, not to the window's.
    if (watched == m_table && event->type() == QEvent::KeyPress && isWindowed()) {
        auto *key = static_cast<QKeyEvent *>(event);
        const bool home = key->matches(QKeySequence::MoveToStartOfDocument);
        if (home || key->matches(QKeySequence::MoveToEndOfDocument)) {
            const int row = reveal(home ? 0 : m_rows->shownCount() - 1);
            if (row >= 0)
                selectOnly(row);
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

} // namespace lbs::ui
