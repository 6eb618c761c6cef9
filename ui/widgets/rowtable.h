#pragma once
// The look and behaviour of the viewer's row tables (flows, backends): sortable, whole rows selected
// (several with Ctrl/Shift), one text line per row in alternating colours, no row numbers, the last
// column stretched.

class QTableView;

namespace lbs::ui {

void setUpRowTable(QTableView *table);

} // namespace lbs::ui
